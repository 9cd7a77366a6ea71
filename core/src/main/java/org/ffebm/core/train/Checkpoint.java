package org.ffebm.core.train;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.RunConfig;
import org.ffebm.core.model.FfEbm;
import org.ffebm.core.model.ModelBuilder;
import org.ffebm.core.optim.Optimizer;
import org.ffebm.core.tensor.F32Ops;

/**
 * A snapshot of a {@link Trainer} at an epoch boundary: everything needed to continue the run with the same bits as
 * if it had never stopped (DESIGN §8), and to evaluate the trained model.
 *
 * <p>The file format (version {@value #VERSION}), all numbers big-endian:
 * <pre>
 *   magic          8 bytes  "FFEBMCKP"
 *   version        int32    {@value #VERSION}
 *   config         int32 n, then n bytes of UTF-8: {@link RunConfig#toText()}
 *   input shape    3 × int32 channels, height, width
 *   epochs done    int32
 *   optimizer steps int64
 *   parameters     int32 count, then per parameter: name (int32 n + n bytes UTF-8), rows int32, cols int32,
 *                  rows·cols float32 (raw IEEE bits, row-major)
 *   optimizer state int32 count, then per buffer: rows int32, cols int32, rows·cols float32
 *   buffers        int32 count, then per buffer: name (int32 n + n bytes UTF-8), int32 length, length × float64:
 *                  the digital blocks' {@link org.ffebm.core.block.FeedforwardBlock#buffers()} (batch-norm running
 *                  statistics)                                                                        [version 2]
 *   substrate state int32 count, then per energy block that has one: block name (int32 n + n bytes UTF-8),
 *                  int32 n + n bytes written by {@link EnergyBlock#substrateState()} (device conductances, clocks,
 *                  noise-stream positions of blocks on crossbars)                                     [version 2]
 *   checksum       int64    CRC-32 of every byte before it
 * </pre>
 * Version 1 files (without the substrate section) are still read; blocks on a substrate are then re-programmed from
 * the stored weights, so such a resumed analog run is exact only for ideal devices.
 * Parameters are in {@link FfEbm#params()} order; optimizer buffers in {@link Optimizer#state()} order. The shuffling
 * and initial-weight generators are not stored: the {@link Trainer} derives them from the configuration's seed and the
 * epoch index, so they need no state.
 *
 * <p>{@link #save} writes a temporary file beside the target, forces it to disk and moves it over the target in one
 * atomic rename, so a crash leaves either the old checkpoint or the new one, never half of one.
 */
public final class Checkpoint {

    /** The first eight bytes of every checkpoint file. */
    public static final String MAGIC = "FFEBMCKP";
    /** The format version this class writes and reads. */
    public static final int VERSION = 2;
    /** The longest name or configuration text accepted when reading, in bytes (guards against garbage lengths). */
    private static final int MAX_TEXT_BYTES = 1 << 20;

    /**
     * One stored matrix.
     *
     * @param name the parameter name, or {@code state[i]} for optimizer buffers
     * @param rows rows ≥ 0
     * @param cols columns ≥ 0
     * @param data rows·cols values, row-major (not copied: treat as read-only)
     */
    public record Tensor(String name, int rows, int cols, float[] data) {

        public Tensor {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(data, "data");
            if (rows < 0 || cols < 0 || (long) rows * cols != data.length) {
                throw new IllegalArgumentException("tensor " + name + ": " + rows + "x" + cols + " does not match "
                        + data.length + " values");
            }
        }

        static Tensor of(String name, FMatrixRMaj m) {
            return new Tensor(name, m.numRows, m.numCols, Arrays.copyOf(m.data, m.getNumElements()));
        }

        String shape() {
            return rows + "x" + cols;
        }
    }

    private final String configText;
    private final RunConfig config;
    private final Shape inputShape;
    private final int epochsDone;
    private final long steps;
    private final List<Tensor> params;
    private final List<Tensor> state;
    private final Map<String, byte[]> substrate;
    private final Map<String, double[]> buffers;

    Checkpoint(String configText, RunConfig config, Shape inputShape, int epochsDone, long steps,
               List<Tensor> params, List<Tensor> state, Map<String, double[]> buffers,
               Map<String, byte[]> substrate) {
        this.configText = configText;
        this.config = config;
        this.inputShape = inputShape;
        this.epochsDone = epochsDone;
        this.steps = steps;
        this.params = List.copyOf(params);
        this.state = List.copyOf(state);
        this.substrate = Collections.unmodifiableMap(new LinkedHashMap<>(substrate));
        Map<String, double[]> b = new LinkedHashMap<>();
        buffers.forEach((k, v) -> b.put(k, v.clone()));
        this.buffers = Collections.unmodifiableMap(b);
    }

    /**
     * Copies the trainer's current state (configuration, epochs done, parameters, optimizer buffers and step count).
     *
     * @param trainer (Input) not modified
     * @return a snapshot that later training does not change
     */
    public static Checkpoint of(Trainer trainer) {
        List<Tensor> p = new ArrayList<>();
        for (Param<FMatrixRMaj> q : trainer.model().params()) {
            p.add(Tensor.of(q.name(), q.value()));
        }
        List<Tensor> s = new ArrayList<>();
        List<FMatrixRMaj> buffers = trainer.optimizer().state();
        for (int i = 0; i < buffers.size(); i++) {
            s.add(Tensor.of("state[" + i + "]", buffers.get(i)));
        }
        Map<String, byte[]> sub = new LinkedHashMap<>();
        for (EnergyBlock<FMatrixRMaj> b : trainer.model().energy()) {
            byte[] bytes = b.substrateState();
            if (bytes != null) {
                sub.put(b.name(), bytes);
            }
        }
        return new Checkpoint(trainer.config().toText(), trainer.config(), trainer.model().inputShape(),
                trainer.epochsDone(), trainer.optimizer().steps(), p, s, trainer.model().buffers(), sub);
    }

    /**
     * Saves the trainer's state atomically: {@code of(trainer).write(file)}.
     *
     * @param file (Output) the checkpoint file, replaced if it exists
     * @param trainer (Input) not modified
     * @throws IOException if the file cannot be written (the previous file, if any, is then left as it was)
     */
    public static void save(Path file, Trainer trainer) throws IOException {
        of(trainer).write(file);
    }

    /**
     * Writes this checkpoint to a temporary file beside {@code file}, forces it to disk, and renames it over
     * {@code file} atomically.
     *
     * @param file (Output) the checkpoint file, replaced if it exists
     * @throws IOException if writing or renaming fails (the temporary file is removed)
     */
    public void write(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream raw = java.nio.channels.Channels.newOutputStream(ch);
                CRC32 crc = new CRC32();
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
                        new BufferedOutputStream(raw, 1 << 16), crc));
                out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
                out.writeInt(VERSION);
                writeText(out, configText);
                out.writeInt(inputShape.channels());
                out.writeInt(inputShape.height());
                out.writeInt(inputShape.width());
                out.writeInt(epochsDone);
                out.writeLong(steps);
                out.writeInt(params.size());
                for (Tensor t : params) {
                    writeText(out, t.name());
                    writeMatrix(out, t);
                }
                out.writeInt(state.size());
                for (Tensor t : state) {
                    writeMatrix(out, t);
                }
                out.writeInt(buffers.size());
                for (Map.Entry<String, double[]> e : buffers.entrySet()) {
                    writeText(out, e.getKey());
                    out.writeInt(e.getValue().length);
                    for (double v : e.getValue()) {
                        out.writeLong(Double.doubleToRawLongBits(v));
                    }
                }
                out.writeInt(substrate.size());
                for (Map.Entry<String, byte[]> e : substrate.entrySet()) {
                    writeText(out, e.getKey());
                    out.writeInt(e.getValue().length);
                    out.write(e.getValue());
                }
                out.flush();
                // the checksum itself is not part of the checksum: write it past the checked stream
                DataOutputStream tail = new DataOutputStream(raw);
                tail.writeLong(crc.getValue());
                tail.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeText(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void writeMatrix(DataOutputStream out, Tensor t) throws IOException {
        out.writeInt(t.rows());
        out.writeInt(t.cols());
        for (float v : t.data()) {
            out.writeInt(Float.floatToRawIntBits(v));
        }
    }

    /**
     * Reads and checks a checkpoint: the magic, the version, the checksum, the lengths, the configuration (every key
     * must be known and valid), and that the parameters' names and shapes are exactly those of the model the
     * configuration describes.
     *
     * @param file (Input) a file written by {@link #write}
     * @return the checkpoint
     * @throws IllegalArgumentException if the file is missing, not a checkpoint, of another version, truncated,
     *                                  corrupt, or does not match its own configuration; the message names the file
     *                                  and the problem
     * @throws IOException if the file exists but cannot be read
     */
    public static Checkpoint load(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": checkpoint not found");
        }
        try {
            return parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a whole checkpoint file held in memory; messages do not name the file. */
    static Checkpoint parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length < magic.length
                || !Arrays.equals(Arrays.copyOf(bytes, magic.length), magic)) {
            throw new IllegalArgumentException("not an ffebm checkpoint (bad magic header)");
        }
        if (bytes.length < magic.length + 4 + 8) {
            throw new IllegalArgumentException("truncated checkpoint (" + bytes.length + " bytes)");
        }
        b.position(magic.length);
        int version = b.getInt();
        if (version != 1 && version != VERSION) {
            throw new IllegalArgumentException("checkpoint format version " + version + " is not supported (this "
                    + "ffebm reads versions 1 and " + VERSION + ")");
        }
        try {
            String text = readText(b, "configuration");
            Shape input;
            try {
                input = new Shape(b.getInt(), b.getInt(), b.getInt());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("corrupt checkpoint: bad input shape: " + e.getMessage());
            }
            int epochs = b.getInt();
            if (epochs < 0) {
                throw new IllegalArgumentException("corrupt checkpoint: epochs done = " + epochs);
            }
            long steps = b.getLong();
            if (steps < 0) {
                throw new IllegalArgumentException("corrupt checkpoint: optimizer steps = " + steps);
            }
            int np = readCount(b, "parameter");
            List<Tensor> params = new ArrayList<>(np);
            for (int i = 0; i < np; i++) {
                String name = readText(b, "parameter name");
                params.add(readMatrix(b, name));
            }
            int ns = readCount(b, "optimizer state");
            List<Tensor> state = new ArrayList<>(ns);
            for (int i = 0; i < ns; i++) {
                state.add(readMatrix(b, "state[" + i + "]"));
            }
            Map<String, byte[]> sub = new LinkedHashMap<>();
            Map<String, double[]> buf = new LinkedHashMap<>();
            if (version >= 2) {
                int nbuf = readCount(b, "buffer");
                for (int i = 0; i < nbuf; i++) {
                    String name = readText(b, "buffer name");
                    int n = b.getInt();
                    if (n < 0 || (long) n * 8 > b.remaining()) {
                        throw new IllegalArgumentException("corrupt checkpoint: buffer " + name + " length = " + n);
                    }
                    double[] v = new double[n];
                    for (int j = 0; j < n; j++) {
                        v[j] = Double.longBitsToDouble(b.getLong());
                    }
                    buf.put(name, v);
                }
                int nb = readCount(b, "substrate state");
                for (int i = 0; i < nb; i++) {
                    String name = readText(b, "block name");
                    int n = readCount(b, "substrate state bytes of " + name);
                    byte[] blockState = new byte[n];
                    b.get(blockState);
                    sub.put(name, blockState);
                }
            }
            int end = b.position();
            long stored = b.getLong();
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("corrupt checkpoint: " + b.remaining()
                        + " unexpected bytes after the checksum");
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, end);
            if (crc.getValue() != stored) {
                throw new IllegalArgumentException("corrupt checkpoint: checksum mismatch");
            }
            RunConfig config = parseConfig(text);
            Checkpoint c = new Checkpoint(text, config, input, epochs, steps, params, state, buf, sub);
            c.checkAgainstConfig();
            return c;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated checkpoint (" + bytes.length + " bytes)");
        }
    }

    private static RunConfig parseConfig(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt checkpoint: unreadable configuration: " + e.getMessage());
        }
        try {
            return RunConfig.of(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint configuration is invalid: " + e.getMessage());
        }
    }

    private static int readCount(ByteBuffer b, String what) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new IllegalArgumentException("corrupt checkpoint: " + what + " count = " + n);
        }
        return n;
    }

    private static String readText(ByteBuffer b, String what) {
        int n = b.getInt();
        if (n < 0 || n > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("corrupt checkpoint: " + what + " length = " + n);
        }
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static Tensor readMatrix(ByteBuffer b, String name) {
        int rows = b.getInt(), cols = b.getInt();
        long n = (long) rows * cols;
        if (rows < 0 || cols < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("corrupt checkpoint: " + name + " has shape " + rows + "x" + cols);
        }
        if (n * 4 > b.remaining()) {
            throw new BufferUnderflowException();
        }
        float[] data = new float[(int) n];
        for (int i = 0; i < data.length; i++) {
            data[i] = Float.intBitsToFloat(b.getInt());
        }
        return new Tensor(name, rows, cols, data);
    }

    /**
     * Checks the parameters against the model that the stored configuration and input shape describe. A model whose
     * digital blocks core cannot make (convolutional ties) is checked later, by {@link #restore}, against the trainer
     * built with the other modules' blocks.
     */
    private void checkAgainstConfig() {
        FfEbm<FMatrixRMaj> model;
        try {
            model = ModelBuilder.build(F32Ops.reference(), config.model(), config.ep(), inputShape,
                    new SplittableRandom(0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint configuration does not build a model for input "
                    + inputShape + ": " + e.getMessage());
        } catch (UnsupportedOperationException e) {
            return;
        }
        List<String> expected = new ArrayList<>();
        for (Param<FMatrixRMaj> p : model.params()) {
            expected.add(p.name() + " " + p.value().numRows + "x" + p.value().numCols);
        }
        checkTensors("parameters", expected, params, true);
    }

    private static void checkTensors(String what, List<String> expected, List<Tensor> actual, boolean named) {
        List<String> got = new ArrayList<>();
        for (Tensor t : actual) {
            got.add(named ? t.name() + " " + t.shape() : t.shape());
        }
        if (expected.size() != got.size()) {
            throw new IllegalArgumentException(what + " do not match the model: expected " + expected.size() + " "
                    + expected + ", found " + got.size() + " " + got);
        }
        for (int i = 0; i < got.size(); i++) {
            if (!expected.get(i).equals(got.get(i))) {
                throw new IllegalArgumentException(what + " do not match the model: #" + i + " is " + got.get(i)
                        + ", expected " + expected.get(i));
            }
        }
    }

    /**
     * Copies this checkpoint's parameters, optimizer buffers, step count and epoch count into a trainer, typically a
     * fresh one built from {@link #config()} (its training section may differ, e.g. in epochs or threads).
     *
     * @param trainer (Output) modified
     * @throws IllegalArgumentException if the trainer's parameters or optimizer buffers differ in number, name or shape
     *                                  from the stored ones, or if its input shape differs
     */
    public void restore(Trainer trainer) {
        List<Param<FMatrixRMaj>> ps = trainer.model().params();
        if (!trainer.model().inputShape().equals(inputShape)) {
            throw new IllegalArgumentException("checkpoint input shape " + inputShape + " differs from the model's "
                    + trainer.model().inputShape());
        }
        List<String> expected = new ArrayList<>();
        for (Param<FMatrixRMaj> p : ps) {
            expected.add(p.name() + " " + p.value().numRows + "x" + p.value().numCols);
        }
        checkTensors("checkpoint parameters", expected, params, true);
        List<FMatrixRMaj> buffers = trainer.optimizer().state();
        List<String> expectedState = new ArrayList<>();
        for (FMatrixRMaj m : buffers) {
            expectedState.add(m.numRows + "x" + m.numCols);
        }
        checkTensors("checkpoint optimizer state buffers", expectedState, state, false);
        // every check before the first write, so that a mismatch leaves the trainer as it was
        Map<String, double[]> live = trainer.model().buffers();
        if (!live.keySet().equals(this.buffers.keySet())) {
            throw new IllegalArgumentException("checkpoint buffers " + this.buffers.keySet() + " differ from the "
                    + "model's " + live.keySet());
        }
        for (Map.Entry<String, double[]> e : this.buffers.entrySet()) {
            int n = live.get(e.getKey()).length;
            if (n != e.getValue().length) {
                throw new IllegalArgumentException("checkpoint buffer " + e.getKey() + " has " + e.getValue().length
                        + " values, the model's " + n);
            }
        }
        for (String name : substrate.keySet()) {
            if (trainer.model().energy().stream().noneMatch(b -> b.name().equals(name))) {
                throw new IllegalArgumentException("checkpoint holds substrate state of block " + name
                        + ", which the model does not have");
            }
        }
        for (int i = 0; i < ps.size(); i++) {
            copyInto(params.get(i), ps.get(i).value());
        }
        for (Map.Entry<String, double[]> e : this.buffers.entrySet()) {
            double[] dst = live.get(e.getKey());
            System.arraycopy(e.getValue(), 0, dst, 0, dst.length);
        }
        // blocks on a physical substrate get their stored device states back; without them (a version 1 file) they
        // re-program from the restored weights
        for (EnergyBlock<FMatrixRMaj> b : trainer.model().energy()) {
            byte[] bytes = substrate.get(b.name());
            if (bytes != null) {
                b.restoreSubstrateState(bytes);
            } else {
                b.paramsChangedInPlace();
            }
        }
        for (int i = 0; i < buffers.size(); i++) {
            copyInto(state.get(i), buffers.get(i));
        }
        trainer.optimizer().setSteps(steps);
        trainer.setEpochsDone(epochsDone);
    }

    private static void copyInto(Tensor t, FMatrixRMaj m) {
        System.arraycopy(t.data(), 0, m.data, 0, t.data().length);
    }

    /** The configuration text exactly as stored ({@link RunConfig#toText()} of the saved run). */
    public String configText() {
        return configText;
    }

    /** The stored configuration, parsed and validated. */
    public RunConfig config() {
        return config;
    }

    /** The shape of one input sample of the model. */
    public Shape inputShape() {
        return inputShape;
    }

    /** Epochs completed when the checkpoint was taken. */
    public int epochsDone() {
        return epochsDone;
    }

    /** Optimizer steps taken when the checkpoint was taken. */
    public long steps() {
        return steps;
    }

    /** The parameters in model order. */
    public List<Tensor> params() {
        return params;
    }

    /** The optimizer buffers in {@link Optimizer#state()} order. */
    public List<Tensor> state() {
        return state;
    }

    /** The digital blocks' buffers by name (copies: read-only). */
    public Map<String, double[]> buffers() {
        return buffers;
    }

    /** The substrate state of each energy block that has one, by block name (bytes not copied: read-only). */
    public Map<String, byte[]> substrate() {
        return substrate;
    }
}
