package org.ffebm.analog.crossbar;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.analog.device.DeviceArray;
import org.ffebm.analog.device.DeviceConfig;
import org.ffebm.analog.device.ReadNoise;
import org.ffebm.analog.device.StepModel;
import org.ffebm.core.tensor.GemmF32;
import org.ffebm.core.tensor.ShapeMismatchException;

/**
 * A weight matrix W (out × in) stored on crossbar tiles of resistive devices (DESIGN §3).
 *
 * <p>The matrix is split into ⌈out/R⌉ × ⌈in/C⌉ tiles, each a {@link DeviceArray} per polarity (two for the
 * differential mapping w = (G⁺ − G⁻)/g_ref, one for the reference mapping w = (G − g_ref,dev)/g_ref). Programming
 * targets G⁺ = g_min + max(w, 0)·g_ref, G⁻ = g_min + max(−w, 0)·g_ref (differential), or, for a pair that
 * pulsed updates drive push-pull, the centred G± = g_c ± w·g_ref/2 with g_c the window's centre (so that both devices
 * have room to move both ways), or G = g_ref,dev + w·g_ref (reference); the devices clip, quantize, add write noise and ignore stuck cells, and the weights they then represent
 * are the <em>effective</em> weights, cached as one float matrix.
 *
 * <p>Reads. The forward read Y = X·Wᵀ (inputs as voltages on the columns) and the transpose read Y = X·W (inputs on
 * the rows) are in weight units. Their noiseless part is a {@link GemmF32} product with the cached effective matrix,
 * which equals the sum of the tiles' partial sums (the same float summation order as one untiled product, so the
 * ideal case is bit-identical to core's dense block). Read noise, when a per-row {@link ReadNoise} is given, is the
 * output-referred noise of the physical read: each device read adds independent N(0, σ_a² + σ_r²G²) to its
 * conductance, so output y = Σ_j w_j v_j gets one Gaussian of variance
 * (n_dev σ_a² Σ_j v_j² + σ_r² Σ_j Σ_pol G_j² v_j²)/g_ref², with n_dev devices per weight (the fixed reference of
 * the reference mapping is noiseless), summed over every tile of the output. Reads allocate nothing.
 */
public final class CrossbarMatrix {

    private final int out;
    private final int in;
    private final CrossbarConfig config;
    private final DeviceConfig device;
    private final double gRef;
    private final double gRefDev;
    private final boolean centred;
    private final GemmF32 gemm;
    private final int tileRows;
    private final int tileCols;
    private final DeviceArray[] pos;     // [tr * tileCols + tc]
    private final DeviceArray[] neg;     // null for the reference mapping
    private final double[][] targets;    // per tile, programming workspace
    private final FMatrixRMaj effective; // out × in, weight units
    private final FMatrixRMaj squares;   // out × in: Σ_pol G²/g_ref²
    private final FMatrixRMaj fwdV2, fwdVar;  // read-noise workspaces: batch × in (v²), batch × out (Σ G²v²)
    private final FMatrixRMaj trV2, trVar;    // transpose read: batch × out, batch × in
    private final double additiveScale;  // n_dev/g_ref²
    private final double pulseWeight;    // Δw_min
    private final long[] rowMask;        // stochastic trains: workspace per output
    private final long[] colMask;        // per input
    private final int[] activeCols;

    /**
     * Builds the tiles; every device starts at its initial conductance until {@link #programInPlace} is called.
     *
     * @param out number of outputs (rows of W), &ge; 1
     * @param in number of inputs (columns of W), &ge; 1
     * @param config the tiling and mapping
     * @param device the device family
     * @param gemm the kernel for the noiseless part of a read
     * @param init (Input) generator for the per-device variability, advanced
     * @throws IllegalArgumentException if out or in &lt; 1
     */
    public CrossbarMatrix(int out, int in, CrossbarConfig config, DeviceConfig device, GemmF32 gemm,
                          SplittableRandom init) {
        this(out, in, config, device, gemm, init, false);
    }

    /**
     * Builds the tiles, choosing how differential pairs are programmed.
     *
     * @param out number of outputs (rows of W), &ge; 1
     * @param in number of inputs (columns of W), &ge; 1
     * @param config the tiling and mapping
     * @param device the device family
     * @param gemm the kernel for the noiseless part of a read
     * @param init (Input) generator for the per-device variability, advanced
     * @param centred true to program pairs around the window's centre (for push-pull pulsed updates), false to keep
     *                one device of each pair at g_min (exact for write-verify programming)
     * @throws IllegalArgumentException if out or in &lt; 1
     */
    public CrossbarMatrix(int out, int in, CrossbarConfig config, DeviceConfig device, GemmF32 gemm,
                          SplittableRandom init, boolean centred) {
        if (out < 1 || in < 1) {
            throw new IllegalArgumentException("crossbar matrix must be at least 1x1, was " + out + "x" + in);
        }
        this.out = out;
        this.in = in;
        this.config = Objects.requireNonNull(config, "config");
        this.device = Objects.requireNonNull(device, "device");
        this.gemm = Objects.requireNonNull(gemm, "gemm");
        Objects.requireNonNull(init, "init");
        this.gRef = config.resolveGRef(device);
        this.gRefDev = 0.5 * (device.gMin() + device.gMax());
        this.centred = centred;
        this.tileRows = (out + config.rows() - 1) / config.rows();
        this.tileCols = (in + config.cols() - 1) / config.cols();
        boolean differential = config.mapping() == CrossbarConfig.Mapping.DIFFERENTIAL;
        int n = tileRows * tileCols;
        pos = new DeviceArray[n];
        neg = differential ? new DeviceArray[n] : null;
        targets = new double[n][];
        for (int tr = 0; tr < tileRows; tr++) {
            for (int tc = 0; tc < tileCols; tc++) {
                int t = tr * tileCols + tc;
                int r = tileHeight(tr), c = tileWidth(tc);
                pos[t] = new DeviceArray(r, c, device, init);
                if (differential) {
                    neg[t] = new DeviceArray(r, c, device, init);
                }
                targets[t] = new double[r * c];
            }
        }
        effective = new FMatrixRMaj(out, in);
        squares = new FMatrixRMaj(out, in);
        fwdV2 = new FMatrixRMaj(0, in);
        fwdVar = new FMatrixRMaj(0, out);
        trV2 = new FMatrixRMaj(0, out);
        trVar = new FMatrixRMaj(0, in);
        additiveScale = (differential ? 2.0 : 1.0) / (gRef * gRef);
        double gc = 0.5 * (device.gMin() + device.gMax());
        StepModel model = pos[0].model();
        double up = model.up(gc, device.gMin(), device.gMax());
        double down = model.down(gc, device.gMin(), device.gMax());
        pulseWeight = (differential ? up + down : 0.5 * (up + down)) / gRef;
        rowMask = new long[out];
        colMask = new long[in];
        activeCols = new int[in];
        refreshInPlace();
    }

    private int tileHeight(int tr) {
        return Math.min(config.rows(), out - tr * config.rows());
    }

    private int tileWidth(int tc) {
        return Math.min(config.cols(), in - tc * config.cols());
    }

    /** Rows of W (outputs). */
    public int rows() {
        return out;
    }

    /** Columns of W (inputs). */
    public int cols() {
        return in;
    }

    /** Number of tile rows ⌈out/R⌉. */
    public int tileRows() {
        return tileRows;
    }

    /** Number of tile columns ⌈in/C⌉. */
    public int tileCols() {
        return tileCols;
    }

    /** The weight scale g_ref in siemens per unit weight. */
    public double gRef() {
        return gRef;
    }

    /**
     * Δw_min, the nominal weight change of one pulse: for a differential pair driven push-pull (G⁺ one pulse up and
     * G⁻ one down, or the reverse) (Δg⁺ + Δg⁻)/g_ref, for one device against a reference (Δg⁺ + Δg⁻)/(2 g_ref), with
     * Δg± the expected steps of the nominal device at the centre of its window. The calibration that maps a learning
     * rate to pulses.
     */
    public double pulseWeight() {
        return pulseWeight;
    }

    /** Whether differential pairs are programmed around the window's centre. */
    public boolean centred() {
        return centred;
    }

    /** The tiling configuration. */
    public CrossbarConfig config() {
        return config;
    }

    /** The device family. */
    public DeviceConfig device() {
        return device;
    }

    /**
     * The device array of one tile and polarity (read-only use: mutate devices only through this class).
     *
     * @param tr tile row
     * @param tc tile column
     * @param positive true for G⁺ (or the single device of the reference mapping), false for G⁻
     * @return the array, or null for G⁻ of the reference mapping
     */
    public DeviceArray tile(int tr, int tc, boolean positive) {
        int t = tr * tileCols + tc;
        return positive ? pos[t] : (neg == null ? null : neg[t]);
    }

    /**
     * Programs every device from a weight matrix and refreshes the effective weights.
     *
     * @param w (Input) out × in weights, not modified; entries must be finite
     * @param rng (Input) generator of the write noise; may be null when write-noise is 0
     * @throws ShapeMismatchException if w is not out × in
     * @throws IllegalArgumentException if an entry is not finite
     */
    public void programInPlace(FMatrixRMaj w, SplittableRandom rng) {
        if (w.numRows != out || w.numCols != in) {
            throw new ShapeMismatchException("weights are " + w.numRows + "x" + w.numCols + ", crossbar holds " + out
                    + "x" + in);
        }
        final double gMin = device.gMin();
        for (int tr = 0; tr < tileRows; tr++) {
            for (int tc = 0; tc < tileCols; tc++) {
                int t = tr * tileCols + tc;
                int h = tileHeight(tr), wd = tileWidth(tc);
                int i0 = tr * config.rows(), j0 = tc * config.cols();
                double[] tg = targets[t];
                if (neg != null) {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < wd; j++) {
                            double v = w.data[(i0 + i) * in + j0 + j];
                            tg[i * wd + j] = centred ? gRefDev + 0.5 * v * gRef : gMin + (v > 0 ? v : 0.0) * gRef;
                        }
                    }
                    pos[t].programAllInPlace(tg, rng);
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < wd; j++) {
                            double v = w.data[(i0 + i) * in + j0 + j];
                            tg[i * wd + j] = centred ? gRefDev - 0.5 * v * gRef : gMin + (v < 0 ? -v : 0.0) * gRef;
                        }
                    }
                    neg[t].programAllInPlace(tg, rng);
                } else {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < wd; j++) {
                            tg[i * wd + j] = gRefDev + w.data[(i0 + i) * in + j0 + j] * gRef;
                        }
                    }
                    pos[t].programAllInPlace(tg, rng);
                }
            }
        }
        refreshInPlace();
    }

    /**
     * Re-reads every device into the cached effective weights (call after the devices changed, e.g. drift).
     */
    public void refreshInPlace() {
        final double inv2 = 1.0 / (gRef * gRef);
        for (int tr = 0; tr < tileRows; tr++) {
            for (int tc = 0; tc < tileCols; tc++) {
                int t = tr * tileCols + tc;
                int h = tileHeight(tr), wd = tileWidth(tc);
                int i0 = tr * config.rows(), j0 = tc * config.cols();
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < wd; j++) {
                        double gp = pos[t].conductanceAt(i * wd + j);
                        double w;
                        double sq;
                        if (neg != null) {
                            double gn = neg[t].conductanceAt(i * wd + j);
                            w = (gp - gn) / gRef;
                            sq = (gp * gp + gn * gn) * inv2;
                        } else {
                            w = (gp - gRefDev) / gRef;
                            sq = gp * gp * inv2;
                        }
                        int k = (i0 + i) * in + j0 + j;
                        effective.data[k] = (float) w;
                        squares.data[k] = (float) sq;
                    }
                }
            }
        }
    }

    /**
     * The weights the devices represent, after clipping, quantization, write noise and faults.
     *
     * @param dst (Output) reshaped to out × in and overwritten; may be null
     * @return dst, or a new matrix
     */
    public FMatrixRMaj effectiveWeights(FMatrixRMaj dst) {
        if (dst == null) {
            dst = new FMatrixRMaj(out, in);
        }
        if (dst == effective) {
            throw new IllegalArgumentException("dst must not be the internal cache");
        }
        dst.reshape(out, in);
        System.arraycopy(effective.data, 0, dst.data, 0, out * in);
        return dst;
    }

    /**
     * Applies a weight change as pulses: n_ij = ΔW_ij/Δw_min rounded (to nearest, or stochastically so that
     * E[n] = ΔW/Δw_min) and clipped to ±maxPulses, then sent to weight (i, j) as a train of |n| identical pulses: for
     * a differential pair push-pull (n &gt; 0: G⁺ up and G⁻ down), for the reference mapping to its one device.
     * Devices respond with their own state-dependent, noisy, bounded steps, so the change achieved differs from ΔW.
     * Refreshes the effective weights. Allocation-free.
     *
     * @param delta (Input) out × in desired weight change, not modified
     * @param maxPulses the largest |n|, &ge; 1
     * @param stochastic true for stochastic rounding
     * @param rng (Input) generator of the rounding and of the cycle-to-cycle noise, advanced; may be null when
     *            neither is used
     * @return the number of device pulses issued (2|n| per differential pair)
     * @throws ShapeMismatchException if delta is not out × in
     */
    public long pulseUpdateInPlace(FMatrixRMaj delta, int maxPulses, boolean stochastic, SplittableRandom rng) {
        if (delta.numRows != out || delta.numCols != in) {
            throw new ShapeMismatchException("weight change is " + delta.numRows + "x" + delta.numCols
                    + ", crossbar holds " + out + "x" + in);
        }
        final double inv = 1.0 / pulseWeight;
        long pulses = 0;
        for (int tr = 0; tr < tileRows; tr++) {
            for (int tc = 0; tc < tileCols; tc++) {
                int t = tr * tileCols + tc;
                int h = tileHeight(tr), wd = tileWidth(tc);
                int i0 = tr * config.rows(), j0 = tc * config.cols();
                for (int i = 0; i < h; i++) {
                    int row = (i0 + i) * in + j0;
                    for (int j = 0; j < wd; j++) {
                        double x = delta.data[row + j] * inv;
                        double r = stochastic ? Math.floor(x + rng.nextDouble())
                                : (x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5));
                        int n = r > maxPulses ? maxPulses : (r < -maxPulses ? -maxPulses : (int) r);
                        if (n != 0) {
                            pulses += pushPull(t, i * wd + j, n, rng);
                        }
                    }
                }
            }
        }
        refreshInPlace();
        return pulses;
    }

    /**
     * Applies ΔW = −eta·Σ_b a_b ⊗ c_b by stochastic pulse trains, sample after sample (Gokmen &amp; Vlasov 2016; see
     * {@link UpdateConfig}): in each of {@code bitLength} slots row i fires with probability min(1, C_a|a_bi|) and
     * column j with min(1, C_c|c_bj|), C_a·C_c = eta/(BL·Δw_min) balanced so that max_i C_a|a_bi| =
     * max_j C_c|c_bj|; each coincidence sends one push-pull pulse to weight (i, j) in the direction of
     * −sign(a_bi·c_bj). Refreshes the effective weights. Allocation-free.
     *
     * @param a (Input) batch × out row factors (e.g. the EP state differences), rows [0, batch) read
     * @param c (Input) batch × in column factors (e.g. the layer's input), rows [0, batch) read
     * @param batch the number of samples
     * @param eta the learning rate of the update (&ge; 0)
     * @param bitLength BL, 1..64
     * @param rng (Input) generator of the trains and of the cycle-to-cycle noise, advanced
     * @return the number of device pulses issued
     * @throws ShapeMismatchException if a or c has the wrong number of columns or fewer than batch rows
     */
    public long coincidenceUpdateInPlace(FMatrixRMaj a, FMatrixRMaj c, int batch, double eta, int bitLength,
                                         SplittableRandom rng) {
        if (a.numCols != out || c.numCols != in || a.numRows < batch || c.numRows < batch) {
            throw new ShapeMismatchException("update factors are " + a.numRows + "x" + a.numCols + " and "
                    + c.numRows + "x" + c.numCols + ", crossbar holds " + out + "x" + in + " (batch " + batch + ")");
        }
        if (bitLength < 1 || bitLength > 64) {
            throw new IllegalArgumentException("bit length must be in 1..64, was " + bitLength);
        }
        final double k = eta / (bitLength * pulseWeight);
        long pulses = 0;
        for (int b = 0; b < batch; b++) {
            double amax = maxAbs(a.data, b * out, out);
            double cmax = maxAbs(c.data, b * in, in);
            if (amax == 0 || cmax == 0 || k == 0) {
                continue;
            }
            double ca = Math.sqrt(k * cmax / amax);
            double cc = Math.sqrt(k * amax / cmax);
            int nCols = 0;
            for (int j = 0; j < in; j++) {
                long m = train(cc * Math.abs(c.data[b * in + j]), bitLength, rng);
                colMask[j] = m;
                if (m != 0) {
                    activeCols[nCols++] = j;
                }
            }
            if (nCols == 0) {
                continue;
            }
            for (int i = 0; i < out; i++) {
                rowMask[i] = train(ca * Math.abs(a.data[b * out + i]), bitLength, rng);
            }
            for (int i = 0; i < out; i++) {
                long rm = rowMask[i];
                if (rm == 0) {
                    continue;
                }
                boolean aPos = a.data[b * out + i] > 0;
                for (int q = 0; q < nCols; q++) {
                    int j = activeCols[q];
                    int n = Long.bitCount(rm & colMask[j]);
                    if (n != 0) {
                        boolean cPos = c.data[b * in + j] > 0;
                        pulses += pulse(i, j, aPos == cPos ? -n : n, rng);
                    }
                }
            }
        }
        refreshInPlace();
        return pulses;
    }

    private static double maxAbs(float[] d, int from, int n) {
        double m = 0;
        for (int k = from; k < from + n; k++) {
            m = Math.max(m, Math.abs(d[k]));
        }
        return m;
    }

    /** A train of {@code slots} slots, each set with probability p (all set when p &ge; 1). */
    private static long train(double p, int slots, SplittableRandom rng) {
        if (p <= 0) {
            return 0L;
        }
        if (p >= 1) {
            return slots == 64 ? -1L : (1L << slots) - 1;
        }
        long m = 0;
        for (int t = 0; t < slots; t++) {
            if (rng.nextDouble() < p) {
                m |= 1L << t;
            }
        }
        return m;
    }

    /** Sends n signed pulses to weight (i, j); returns the device pulses issued. */
    private int pulse(int i, int j, int n, SplittableRandom rng) {
        int tr = i / config.rows(), tc = j / config.cols();
        int ti = i - tr * config.rows(), tj = j - tc * config.cols();
        return pushPull(tr * tileCols + tc, ti * tileWidth(tc) + tj, n, rng);
    }

    /**
     * Sends n signed pulses to device k of tile t: to G⁺, and −n to G⁻ of a differential pair (push-pull). Returns the
     * device pulses issued.
     */
    private int pushPull(int t, int k, int n, SplittableRandom rng) {
        pos[t].pulseAtInPlace(k, n, rng);
        if (neg == null) {
            return Math.abs(n);
        }
        neg[t].pulseAtInPlace(k, -n, rng);
        return 2 * Math.abs(n);
    }

    /**
     * Advances every device's clock to {@code seconds} (drift, see {@link DeviceArray#driftInPlace}) and, when the
     * devices drift at all, refreshes the effective weights (devices with ν = 0 change nothing: no refresh).
     *
     * @param seconds the new time in seconds, &ge; the current one
     */
    public void driftInPlace(double seconds) {
        boolean changed = false;
        for (int t = 0; t < pos.length; t++) {
            changed |= pos[t].driftInPlace(seconds);
            if (neg != null) {
                changed |= neg[t].driftInPlace(seconds);
            }
        }
        if (changed) {
            refreshInPlace();
        }
    }

    /** The device clock in seconds. */
    public double time() {
        return pos[0].time();
    }

    /**
     * Writes every device's state ({@link DeviceArray#writeState}), tile by tile.
     *
     * @param o (Output) the stream
     * @throws IOException if it fails
     */
    public void writeState(DataOutput o) throws IOException {
        for (int t = 0; t < pos.length; t++) {
            pos[t].writeState(o);
            if (neg != null) {
                neg[t].writeState(o);
            }
        }
    }

    /**
     * Reads what {@link #writeState} wrote and refreshes the effective weights.
     *
     * @param i (Input) the stream
     * @throws IOException if it fails or ends early
     */
    public void readState(DataInput i) throws IOException {
        for (int t = 0; t < pos.length; t++) {
            pos[t].readState(i);
            if (neg != null) {
                neg[t].readState(i);
            }
        }
        refreshInPlace();
    }

    /**
     * Forward read of rows [r0, r1): Y = X·Wᵀ + beta·Y, plus read noise. Allocation-free.
     *
     * @param x (Input) batch × in input voltages (weight-normalized), not modified
     * @param beta 0 to overwrite Y, else the factor on Y's old value
     * @param y (Output) batch × out, rows r0..r1-1 modified; must not be x
     * @param r0 first row
     * @param r1 one past the last row
     * @param noise (Input) per-row read-noise samplers indexed by batch row (advanced), or null for a noiseless read
     */
    public void forward(FMatrixRMaj x, float beta, FMatrixRMaj y, int r0, int r1, ReadNoise[] noise) {
        gemm.multTransB(x, effective, beta, y, r0, r1);
        if (noise != null) {
            addNoise(x, in, y, out, r0, r1, noise, fwdV2, fwdVar, false);
        }
    }

    /**
     * Sizes the read-noise workspaces for batches of up to {@code rows} rows. Call it on one thread before reading
     * rows of such a batch from several threads; a single-threaded caller need not (reads grow them when needed).
     *
     * @param rows the largest batch
     */
    public void ensureRows(int rows) {
        if (fwdV2.numRows < rows) {
            fwdV2.reshape(rows, in);
            fwdVar.reshape(rows, out);
            trV2.reshape(rows, out);
            trVar.reshape(rows, in);
        }
    }

    /**
     * Adds the output-referred read noise to rows [r0, r1) of y: per row, v² of the inputs, then Σ_j G²_ij v_j² for
     * every output as one product with the cached squares (through the kernel), then one Gaussian per output.
     */
    private void addNoise(FMatrixRMaj x, int nIn, FMatrixRMaj y, int nOut, int r0, int r1, ReadNoise[] noise,
                          FMatrixRMaj v2, FMatrixRMaj var, boolean transpose) {
        if (v2.numRows < r1) {
            ensureRows(r1);
        }
        for (int r = r0; r < r1; r++) {
            int xo = r * nIn;
            for (int j = 0; j < nIn; j++) {
                float v = x.data[xo + j];
                v2.data[xo + j] = v * v;
            }
        }
        if (transpose) {
            gemm.mult(v2, squares, 0f, var, r0, r1);
        } else {
            gemm.multTransB(v2, squares, 0f, var, r0, r1);
        }
        for (int r = r0; r < r1; r++) {
            ReadNoise nr = noise[r];
            if (nr.isOff()) {
                continue;
            }
            int xo = r * nIn;
            double sumV2 = 0;
            for (int j = 0; j < nIn; j++) {
                sumV2 += v2.data[xo + j];
            }
            sumV2 *= additiveScale;
            int yo = r * nOut;
            for (int i = 0; i < nOut; i++) {
                y.data[yo + i] = (float) nr.perturbOutput(y.data[yo + i], sumV2, var.data[yo + i]);
            }
        }
    }

    /**
     * Transpose read of rows [r0, r1): Y = X·W + beta·Y, plus read noise. Allocation-free.
     *
     * @param x (Input) batch × out voltages on the rows, not modified
     * @param beta 0 to overwrite Y, else the factor on Y's old value
     * @param y (Output) batch × in, rows r0..r1-1 modified; must not be x
     * @param r0 first row
     * @param r1 one past the last row
     * @param noise (Input) per-row read-noise samplers indexed by batch row (advanced), or null for a noiseless read
     */
    public void transpose(FMatrixRMaj x, float beta, FMatrixRMaj y, int r0, int r1, ReadNoise[] noise) {
        gemm.mult(x, effective, beta, y, r0, r1);
        if (noise != null) {
            addNoise(x, out, y, in, r0, r1, noise, trV2, trVar, true);
        }
    }

}
