package org.ffebm.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.RunConfig;
import org.ffebm.core.data.FashionMnist;
import org.ffebm.core.data.TrainTest;
import org.ffebm.core.tensor.F32Ops;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoints: a bit-exact round trip, a resumed run that reproduces the uninterrupted one bit for bit, and clear
 * errors for every kind of damaged file. Tiny runs (256 training samples, one small block) keep it to seconds.
 */
class CheckpointTest {

    private static TrainTest data;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadData() {
        data = FashionMnist.embedded().limit(256, 128);
    }

    private static Shape inputShape() {
        return new Shape(data.train().channels(), data.train().rows(), data.train().cols());
    }

    /** A tiny configuration; {@code extra} holds key=value pairs that override it. */
    private static RunConfig config(String... extra) {
        Properties p = new Properties();
        p.setProperty("ffebm.model.layers", "16,12");
        p.setProperty("ffebm.model.block-size", "1");
        p.setProperty("ffebm.model.tie", "linear");
        p.setProperty("ffebm.ep.t-free", "8");
        p.setProperty("ffebm.ep.t-nudge", "4");
        p.setProperty("ffebm.train.epochs", "2");
        p.setProperty("ffebm.train.batch-size", "32");
        p.setProperty("ffebm.train.threads", "1");
        p.setProperty("ffebm.train.seed", "7");
        p.setProperty("ffebm.train.kernel", "reference");
        for (String kv : extra) {
            int eq = kv.indexOf('=');
            p.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return RunConfig.of(p);
    }

    private static Trainer trainer(RunConfig c) {
        return new Trainer(c, F32Ops.reference(), inputShape());
    }

    /** Stops training after the first epoch, as a crash would, once the checkpoint of that epoch is saved. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void roundTripIsBitIdentical() throws IOException {
        RunConfig c = config("ffebm.train.epochs=1");
        Trainer t = trainer(c);
        t.train(data.train(), data.test(), TrainListener.NONE);
        Path file = dir.resolve("checkpoint.bin");
        Checkpoint.save(file, t);
        assertFalse(Files.exists(dir.resolve("checkpoint.bin.tmp")), "temporary file left behind");

        Checkpoint loaded = Checkpoint.load(file);
        assertEquals(c.toText(), loaded.configText());
        assertEquals(c, loaded.config());
        assertEquals(1, loaded.epochsDone());
        assertEquals(t.optimizer().steps(), loaded.steps());
        assertEquals(inputShape(), loaded.inputShape());

        Trainer fresh = trainer(loaded.config());
        loaded.restore(fresh);
        assertEquals(1, fresh.epochsDone());
        assertEquals(t.optimizer().steps(), fresh.optimizer().steps());
        assertSameBits(t, fresh);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adam"})
    void resumedRunMatchesTheUninterruptedOne(String optimizer) throws IOException {
        RunConfig c = config("ffebm.optim.name=" + optimizer, "ffebm.optim.lr=" + (optimizer.equals("adam") ? "0.002"
                : "0.05"));
        Trainer straight = trainer(c);
        List<EpochMetrics> expected = straight.train(data.train(), data.test(), TrainListener.NONE);
        assertEquals(2, expected.size());

        Path file = dir.resolve("checkpoint.bin");
        Trainer interrupted = trainer(c);
        assertThrows(Stop.class, () -> interrupted.train(data.train(), data.test(), new TrainListener() {
            @Override
            public void epoch(EpochMetrics m) throws IOException {
                Checkpoint.save(file, interrupted);
                throw new Stop();
            }
        }));

        Checkpoint cp = Checkpoint.load(file);
        assertEquals(1, cp.epochsDone());
        Trainer resumed = trainer(cp.config());
        cp.restore(resumed);
        List<EpochMetrics> rest = resumed.train(data.train(), data.test(), TrainListener.NONE);
        assertEquals(1, rest.size());
        assertSameNonTimingFigures(expected.get(1), rest.get(0));
        assertSameBits(straight, resumed);
    }

    private static void assertSameNonTimingFigures(EpochMetrics want, EpochMetrics got) {
        assertEquals(want.epoch(), got.epoch(), "epoch");
        assertBits(want.trainLoss(), got.trainLoss(), "train loss");
        assertBits(want.trainAccuracy(), got.trainAccuracy(), "train accuracy");
        assertBits(want.testLoss(), got.testLoss(), "test loss");
        assertBits(want.testAccuracy(), got.testAccuracy(), "test accuracy");
        assertBits(want.freeConverged(), got.freeConverged(), "free converged");
        assertBits(want.maxFreeResidual(), got.maxFreeResidual(), "max free residual");
        assertBits(want.pulsesPerStep(), got.pulsesPerStep(), "pulses per step");
    }

    private static void assertBits(double want, double got, String what) {
        assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), what + ": " + want + " vs " + got);
    }

    private static void assertSameBits(Trainer a, Trainer b) {
        List<Param<FMatrixRMaj>> pa = a.model().params(), pb = b.model().params();
        assertEquals(pa.size(), pb.size());
        for (int i = 0; i < pa.size(); i++) {
            assertArrayEquals(bits(pa.get(i).value()), bits(pb.get(i).value()), pa.get(i).name());
        }
        List<FMatrixRMaj> sa = a.optimizer().state(), sb = b.optimizer().state();
        assertEquals(sa.size(), sb.size());
        for (int i = 0; i < sa.size(); i++) {
            assertArrayEquals(bits(sa.get(i)), bits(sb.get(i)), "optimizer state[" + i + "]");
        }
    }

    private static int[] bits(FMatrixRMaj m) {
        int[] out = new int[m.getNumElements()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.floatToRawIntBits(m.data[i]);
        }
        return out;
    }

    // ---- damaged files -------------------------------------------------------------------------------------------

    private byte[] goodBytes() throws IOException {
        Trainer t = trainer(config());
        t.setEpochsDone(1);
        Path file = dir.resolve("good.bin");
        Checkpoint.save(file, t);
        return Files.readAllBytes(file);
    }

    private String loadError(byte[] bytes) throws IOException {
        Path file = dir.resolve("bad.bin");
        Files.write(file, bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), "message names the file: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void rejectsAMissingFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(dir.resolve("none.bin")));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void rejectsABadMagicHeader() throws IOException {
        byte[] b = goodBytes();
        b[0] = 'X';
        assertTrue(loadError(b).contains("bad magic"));
        assertTrue(loadError(new byte[0]).contains("bad magic"));
        assertTrue(loadError("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).contains("bad magic"));
    }

    @Test
    void rejectsAnotherVersion() throws IOException {
        byte[] b = goodBytes();
        ByteBuffer.wrap(b).putInt(8, Checkpoint.VERSION + 1);
        assertTrue(loadError(b).contains("version " + (Checkpoint.VERSION + 1)));
    }

    /**
     * A version 1 file (written before device states were stored: no substrate section) still loads: the same file
     * with version 1 and without the empty buffer and substrate counts, checksum recomputed.
     */
    @Test
    void readsVersionOneFiles() throws IOException {
        byte[] v2 = goodBytes();
        int end = v2.length - 8; // before the checksum
        assertEquals(0, ByteBuffer.wrap(v2).getInt(end - 4), "no substrate state in a core model");
        assertEquals(0, ByteBuffer.wrap(v2).getInt(end - 8), "no buffers in a dense model");
        byte[] v1 = java.util.Arrays.copyOf(v2, end - 8 + 8);
        ByteBuffer.wrap(v1).putInt(8, 1);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(v1, 0, end - 8);
        ByteBuffer.wrap(v1).putLong(end - 8, crc.getValue());
        Path file = dir.resolve("v1.bin");
        Files.write(file, v1);
        Checkpoint c = Checkpoint.load(file);
        assertEquals(1, c.epochsDone());
        assertTrue(c.substrate().isEmpty());
        Trainer fresh = trainer(c.config());
        c.restore(fresh);
        assertSameBits(trainer(c.config()), fresh);
    }

    @Test
    void rejectsTruncatedFilesAtEveryLength() throws IOException {
        byte[] b = goodBytes();
        // every cut point in the header and a spread of points through the data
        List<Integer> cuts = new ArrayList<>();
        for (int n = 8; n < 200; n++) {
            cuts.add(n);
        }
        for (int n = 200; n < b.length; n += 997) {
            cuts.add(n);
        }
        cuts.add(b.length - 1);
        for (int n : cuts) {
            String msg = loadError(Arrays.copyOf(b, n));
            assertTrue(msg.contains("truncated") || msg.contains("corrupt"), n + " bytes: " + msg);
        }
    }

    @Test
    void rejectsFlippedBitsByTheChecksum() throws IOException {
        byte[] b = goodBytes();
        for (int at : new int[] {b.length / 2, b.length - 9}) {
            byte[] c = b.clone();
            c[at] ^= 0x10;
            assertTrue(loadError(c).contains("corrupt"), "flip at " + at);
        }
        byte[] longer = Arrays.copyOf(b, b.length + 3);
        assertTrue(loadError(longer).contains("corrupt"));
    }

    @Test
    void rejectsParametersThatDoNotMatchTheStoredConfiguration() throws IOException {
        Checkpoint small = Checkpoint.of(trainer(config()));
        RunConfig other = config("ffebm.model.layers=16,20");
        Checkpoint mixed = new Checkpoint(other.toText(), other, small.inputShape(), 0, 0, small.params(),
                small.state(), small.buffers(), small.substrate());
        Path file = dir.resolve("mixed.bin");
        mixed.write(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("parameters do not match the model"), e.getMessage());
        assertTrue(e.getMessage().contains("eb2.W1"), "names the parameter: " + e.getMessage());
    }

    @Test
    void rejectsAnUnknownConfigurationKey() throws IOException {
        Checkpoint good = Checkpoint.of(trainer(config()));
        Checkpoint bad = new Checkpoint(good.configText() + "ffebm.model.colour=blue\n", good.config(),
                good.inputShape(), 0, 0, good.params(), good.state(), good.buffers(), good.substrate());
        Path file = dir.resolve("key.bin");
        bad.write(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("ffebm.model.colour"), e.getMessage());
    }

    @Test
    void restoreRejectsATrainerWithAnotherOptimizer() throws IOException {
        Path file = dir.resolve("sgd.bin");
        Checkpoint.save(file, trainer(config()));
        Checkpoint cp = Checkpoint.load(file);
        Trainer adam = trainer(config("ffebm.optim.name=adam"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cp.restore(adam));
        assertTrue(e.getMessage().contains("optimizer state"), e.getMessage());
        Trainer wider = trainer(config("ffebm.model.layers=16,13"));
        e = assertThrows(IllegalArgumentException.class, () -> cp.restore(wider));
        assertTrue(e.getMessage().contains("eb2.W1"), e.getMessage());
    }
}
