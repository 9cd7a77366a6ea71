package org.ffebm.analog.device;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A dense rows×cols array of resistive devices of one family ({@link DeviceConfig}), stored row-major in primitive
 * arrays: the physical state of one crossbar tile (DESIGN §3). Every device has its own parameters, sampled
 * <b>once</b> at construction from the generator passed in, and its conductance changes only through
 * {@link #pulseInPlace}, {@link #programInPlace} and {@link #driftInPlace}.
 *
 * <p><b>Per-device parameters</b> (ξ a standard Gaussian, one per device and purpose; each purpose has its own stream
 * split from the constructor's generator in a fixed order — step, asymmetry, bounds, drift, faults — so that turning one
 * knob on does not change what the others sample):
 * <ul>
 *   <li>step scale s = max(0, 1 + σ_step ξ) and asymmetry a_ij = clamp(a + σ_a ξ, ±0.99); the device's expected
 *       steps are s(1 + a_ij)/(1 + a)·Δ⁺(x) and s(1 − a_ij)/(1 − a)·Δ⁻(x), with Δ± the {@link StepModel} (which
 *       holds the nominal asymmetry), as aihwkit's {@code PulsedDevice} (dw_min_dtod, up_down_dtod);</li>
 *   <li>bounds lo = max(0, g_min + σ_b W ξ), hi = g_max + σ_b W ξ' with W = g_max − g_min, redrawn (up to 1000 times,
 *       then nominal) until hi − lo &ge; W/20, so that no device has an empty or negative window;</li>
 *   <li>drift exponent ν_ij = max(0, ν + σ_ν ξ) (Joshi et al., Nat. Commun. 11:2473 (2020));</li>
 *   <li>stuck-at fault with probability p ({@code stuck-fraction}), frozen at lo, hi, a uniform value in [lo, hi], or
 *       lo/hi by a fair coin ({@code mixed}; stuck-at-off and stuck-at-on faults as in Chen et al., DATE 2017).</li>
 * </ul>
 * A knob at zero samples nothing. Devices start at their lower bound (the reset state), stuck devices at their stuck
 * value.
 *
 * <p><b>A pulse</b> at conductance g moves the device by E[Δ](g)·(1 + σ_c ξ) (cycle-to-cycle noise, a fresh ξ per pulse,
 * as aihwkit's multiplicative {@code dw_min_std}), then clips to the device's [lo, hi] and, if {@code levels} &gt; 0,
 * rounds to the nearest of the levels lo + k(hi − lo)/(levels − 1), ties upward. A step smaller than half the level
 * spacing is therefore lost: a discrete device needs steps of about one level. Stuck devices ignore pulses and
 * programming.
 *
 * <p><b>Drift</b> follows g(t) = g₀(t_e/t₀)^−ν for t_e &gt; t₀ (and g₀ for t_e &le; t₀), with t_e the time elapsed
 * since the device was last written (pulsed or programmed) and g₀ the conductance written then (Ielmini et al., IEEE
 * Trans. Electron Devices 54:308 (2007); Le Gallo et al., Adv. Electron. Mater. 4:1700627 (2018)). The array keeps one
 * clock, in seconds, advanced by {@link #driftInPlace}; writes are stamped with the current clock.
 *
 * <p>The pulse, program, drift and read paths allocate nothing. Instances are not thread-safe; concurrent reads with no
 * concurrent writes are safe.
 */
public final class DeviceArray implements ConductanceView {

    /** Largest |a_ij| after device-to-device sampling of the asymmetry. */
    public static final double MAX_ASYMMETRY = 0.99;

    private final int rows;
    private final int cols;
    private final DeviceConfig config;
    private final StepModel model;
    private final int levels;
    private final double cycleNoise;
    private final double writeNoise;
    private final double t0;
    private final boolean drifts;

    private final double[] g;
    private final double[] gWritten;
    private final double[] tWritten;
    private final double[] lo;
    private final double[] hi;
    private final double[] scaleUp;
    private final double[] scaleDown;
    private final double[] nu;
    private final boolean[] stuck;
    private final int stuckCount;
    private double clock;

    /**
     * An array whose step model is {@link StepModel#of(DeviceConfig)} (which reads the table CSV for the
     * {@code table} model).
     *
     * @param rows number of rows, &ge; 0
     * @param cols number of columns, &ge; 0
     * @param config the device family
     * @param init (Input) generator of the per-device parameters; advanced by 5 splits
     * @throws IllegalArgumentException for a negative size or a bad table file
     */
    public DeviceArray(int rows, int cols, DeviceConfig config, SplittableRandom init) {
        this(rows, cols, config, StepModel.of(config), init);
    }

    /**
     * An array with an explicit step model (e.g. one table shared by many arrays).
     *
     * @param rows number of rows, &ge; 0
     * @param cols number of columns, &ge; 0
     * @param config the device family
     * @param model the expected step vs state
     * @param init (Input) generator of the per-device parameters; advanced by 5 splits
     * @throws IllegalArgumentException for a negative size
     */
    public DeviceArray(int rows, int cols, DeviceConfig config, StepModel model, SplittableRandom init) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("device array shape must be >= 0, was " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.config = Objects.requireNonNull(config, "config");
        this.model = Objects.requireNonNull(model, "model");
        Objects.requireNonNull(init, "init");
        this.levels = config.levels();
        this.cycleNoise = config.cycleNoise();
        this.writeNoise = config.writeNoise();
        this.t0 = config.driftT0();
        this.drifts = config.driftNu() > 0 || config.driftNuD2d() > 0;
        int n = Math.multiplyExact(rows, cols);
        g = new double[n];
        gWritten = new double[n];
        tWritten = new double[n];
        lo = new double[n];
        hi = new double[n];
        scaleUp = new double[n];
        scaleDown = new double[n];
        nu = new double[n];
        stuck = new boolean[n];

        SplittableRandom rStep = init.split();
        SplittableRandom rAsym = init.split();
        SplittableRandom rBounds = init.split();
        SplittableRandom rDrift = init.split();
        SplittableRandom rFault = init.split();
        double a = config.asymmetry();
        double w = config.window();
        int nStuck = 0;
        for (int k = 0; k < n; k++) {
            double s = 1;
            if (config.stepD2d() > 0) {
                s = Math.max(0, 1 + config.stepD2d() * rStep.nextGaussian());
            }
            double aij = a;
            if (config.asymmetryD2d() > 0) {
                aij = Math.max(-MAX_ASYMMETRY, Math.min(MAX_ASYMMETRY, a + config.asymmetryD2d() * rAsym.nextGaussian()));
            }
            scaleUp[k] = aij == a ? s : s * (1 + aij) / (1 + a);
            scaleDown[k] = aij == a ? s : s * (1 - aij) / (1 - a);
            double l = config.gMin();
            double h = config.gMax();
            if (config.boundsD2d() > 0) {
                boolean ok = false;
                for (int tries = 0; tries < 1000 && !ok; tries++) {
                    l = Math.max(0, config.gMin() + config.boundsD2d() * w * rBounds.nextGaussian());
                    h = config.gMax() + config.boundsD2d() * w * rBounds.nextGaussian();
                    ok = h - l >= w / 20;
                }
                if (!ok) {
                    l = config.gMin();
                    h = config.gMax();
                }
            }
            lo[k] = l;
            hi[k] = h;
            nu[k] = config.driftNuD2d() > 0
                    ? Math.max(0, config.driftNu() + config.driftNuD2d() * rDrift.nextGaussian()) : config.driftNu();
            double v = l;
            if (config.stuckFraction() > 0 && rFault.nextDouble() < config.stuckFraction()) {
                stuck[k] = true;
                nStuck++;
                v = switch (config.stuckMode()) {
                    case G_MIN -> l;
                    case G_MAX -> h;
                    case RANDOM -> l + rFault.nextDouble() * (h - l);
                    case MIXED -> rFault.nextBoolean() ? l : h;
                };
            }
            g[k] = v;
            gWritten[k] = v;
        }
        stuckCount = nStuck;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    /** The device family. */
    public DeviceConfig config() {
        return config;
    }

    /** The expected step vs state shared by every device of the array. */
    public StepModel model() {
        return model;
    }

    private int index(int i, int j) {
        Objects.checkIndex(i, rows);
        Objects.checkIndex(j, cols);
        return i * cols + j;
    }

    /**
     * Applies a train of identical pulses to one device, one pulse at a time (the state, and so the step, is updated
     * after each). Allocation-free.
     *
     * @param i row
     * @param j column
     * @param signedPulses number of pulses: &gt; 0 up (potentiation), &lt; 0 down (depression), 0 nothing
     * @param rng (Input) generator of the cycle-to-cycle noise, advanced by one Gaussian per pulse; may be null when
     *            {@code cycle-noise} is 0
     * @throws IndexOutOfBoundsException if i or j is out of range
     */
    public void pulseInPlace(int i, int j, int signedPulses, SplittableRandom rng) {
        pulseAtInPlace(index(i, j), signedPulses, rng);
    }

    /**
     * {@link #pulseInPlace} by row-major index k = i·cols + j, for bulk updates that walk the array in order.
     *
     * @param k the device's row-major index, 0 &le; k &lt; rows·cols
     * @param signedPulses number of pulses: &gt; 0 up, &lt; 0 down
     * @param rng (Input) generator of the cycle-to-cycle noise; may be null when {@code cycle-noise} is 0
     * @throws ArrayIndexOutOfBoundsException if k is out of range
     */
    public void pulseAtInPlace(int k, int signedPulses, SplittableRandom rng) {
        if (stuck[k] || signedPulses == 0) {
            return;
        }
        double l = lo[k];
        double h = hi[k];
        double v = g[k];
        int n = Math.abs(signedPulses);
        boolean up = signedPulses > 0;
        double scale = up ? scaleUp[k] : scaleDown[k];
        for (int p = 0; p < n; p++) {
            double step = scale * (up ? model.up(v, l, h) : model.down(v, l, h));
            if (cycleNoise > 0) {
                step *= 1 + cycleNoise * rng.nextGaussian();
            }
            v = up ? v + step : v - step;
            v = quantize(v < l ? l : (v > h ? h : v), l, h);
        }
        g[k] = v;
        gWritten[k] = v;
        tWritten[k] = clock;
    }

    /**
     * Programs one device to a target conductance (a write-verify loop abstracted to one step): the result is
     * target + σ_w ξ, clipped to the device's bounds and rounded to its levels. Stuck devices are unchanged.
     *
     * @param i row
     * @param j column
     * @param target the target conductance in siemens, finite
     * @param rng (Input) generator of the write noise, advanced by one Gaussian; may be null when {@code write-noise}
     *            is 0
     * @throws IllegalArgumentException if target is not finite
     * @throws IndexOutOfBoundsException if i or j is out of range
     */
    public void programInPlace(int i, int j, double target, SplittableRandom rng) {
        int k = index(i, j);
        if (!Double.isFinite(target)) {
            throw new IllegalArgumentException("program target must be finite, was " + target + " at (" + i + ", " + j
                    + ")");
        }
        write(k, target, rng);
    }

    /**
     * Programs every device, row-major; see {@link #programInPlace}.
     *
     * @param targets (Input) rows·cols target conductances in siemens, not modified
     * @param rng (Input) generator of the write noise; may be null when {@code write-noise} is 0
     * @throws IllegalArgumentException if the length is not rows·cols or a target is not finite (devices before it are
     *         already programmed)
     */
    public void programAllInPlace(double[] targets, SplittableRandom rng) {
        if (targets.length != g.length) {
            throw new IllegalArgumentException("targets must hold rows*cols = " + g.length + " values, had "
                    + targets.length);
        }
        for (int k = 0; k < g.length; k++) {
            if (!Double.isFinite(targets[k])) {
                throw new IllegalArgumentException("program target must be finite, was " + targets[k] + " at index "
                        + k);
            }
            write(k, targets[k], rng);
        }
    }

    private void write(int k, double target, SplittableRandom rng) {
        if (stuck[k]) {
            return;
        }
        double v = target;
        if (writeNoise > 0) {
            v += writeNoise * rng.nextGaussian();
        }
        double l = lo[k];
        double h = hi[k];
        g[k] = quantize(v < l ? l : (v > h ? h : v), l, h);
        gWritten[k] = g[k];
        tWritten[k] = clock;
    }

    /**
     * Advances the array's clock to {@code seconds} and lets every device drift: g = g₀(t_e/t₀)^−ν_ij with t_e the time
     * since its last write, unchanged while t_e &le; t₀. Stuck devices do not drift. Allocation-free.
     *
     * @param seconds the new clock in seconds, &ge; the current {@link #time()}
     * @return whether the array drifts at all (false when ν is 0 for every device: no conductance changed)
     * @throws IllegalArgumentException if seconds is NaN, infinite or earlier than the current clock
     */
    public boolean driftInPlace(double seconds) {
        if (!(seconds >= clock) || !Double.isFinite(seconds)) {
            throw new IllegalArgumentException("drift time must be finite and >= the current clock " + clock
                    + " s, was " + seconds);
        }
        clock = seconds;
        if (!drifts) {
            return false;
        }
        for (int k = 0; k < g.length; k++) {
            if (stuck[k]) {
                continue;
            }
            double te = clock - tWritten[k];
            g[k] = te > t0 ? gWritten[k] * Math.pow(te / t0, -nu[k]) : gWritten[k];
        }
        return true;
    }

    /**
     * Writes the state that changes during training: every conductance, the conductance and time of its last write,
     * and the clock. The per-device parameters are not written; they are a function of the construction seed.
     *
     * @param out (Output) the stream, advanced by 8 + 24·rows·cols bytes
     * @throws IOException if the stream fails
     */
    public void writeState(DataOutput out) throws IOException {
        out.writeDouble(clock);
        for (int k = 0; k < g.length; k++) {
            out.writeDouble(g[k]);
            out.writeDouble(gWritten[k]);
            out.writeDouble(tWritten[k]);
        }
    }

    /**
     * Reads what {@link #writeState} wrote, into an array of the same shape and configuration.
     *
     * @param in (Input) the stream, advanced
     * @throws IOException if the stream fails or ends early
     * @throws IllegalArgumentException if a value is not finite or outside a device's bounds
     */
    public void readState(DataInput in) throws IOException {
        double c = in.readDouble();
        if (!(c >= 0) || !Double.isFinite(c)) {
            throw new IllegalArgumentException("device state: clock " + c + " is not a finite time >= 0");
        }
        for (int k = 0; k < g.length; k++) {
            double v = in.readDouble();
            double w = in.readDouble();
            double t = in.readDouble();
            if (!(v >= 0) || !Double.isFinite(v) || !(w >= 0) || !Double.isFinite(w) || !(t <= c)) {
                throw new IllegalArgumentException("device state: device " + k + " has conductance " + v
                        + " S, written " + w + " S at " + t + " s (clock " + c + " s)");
            }
            g[k] = v;
            gWritten[k] = w;
            tWritten[k] = t;
        }
        clock = c;
    }

    /** The array's clock in seconds (0 at construction). */
    public double time() {
        return clock;
    }

    private double quantize(double v, double l, double h) {
        if (levels == 0) {
            return v;
        }
        double step = (h - l) / (levels - 1);
        double q = Math.floor((v - l) / step + 0.5);
        if (q <= 0) {
            return l;
        }
        if (q >= levels - 1) {
            return h;
        }
        return l + q * step;
    }

    @Override
    public double conductance(int i, int j) {
        return g[index(i, j)];
    }

    /**
     * The conductance of device k = i·cols + j in siemens, for bulk reads that walk the array in order.
     *
     * @param k the row-major index
     * @return the conductance
     * @throws ArrayIndexOutOfBoundsException if k is out of range
     */
    public double conductanceAt(int k) {
        return g[k];
    }

    /** The lower bound of device (i, j) in siemens. */
    public double lowerBound(int i, int j) {
        return lo[index(i, j)];
    }

    /** The upper bound of device (i, j) in siemens. */
    public double upperBound(int i, int j) {
        return hi[index(i, j)];
    }

    /** The spacing of device (i, j)'s levels in siemens, or 0 when continuous. */
    public double levelSpacing(int i, int j) {
        int k = index(i, j);
        return levels == 0 ? 0 : (hi[k] - lo[k]) / (levels - 1);
    }

    /** The device-to-device multiplier of the up step of device (i, j) (1 for the nominal device). */
    public double stepScaleUp(int i, int j) {
        return scaleUp[index(i, j)];
    }

    /** The device-to-device multiplier of the down step of device (i, j) (1 for the nominal device). */
    public double stepScaleDown(int i, int j) {
        return scaleDown[index(i, j)];
    }

    /** The drift exponent ν of device (i, j). */
    public double driftExponent(int i, int j) {
        return nu[index(i, j)];
    }

    /** Whether device (i, j) is stuck. */
    public boolean isStuck(int i, int j) {
        return stuck[index(i, j)];
    }

    /** The number of stuck devices. */
    public int stuckCount() {
        return stuckCount;
    }

    /**
     * The expected size of the next up pulse of device (i, j) at its current state, in siemens (0 if stuck; before
     * clipping and quantization).
     */
    public double expectedUp(int i, int j) {
        int k = index(i, j);
        return stuck[k] ? 0 : scaleUp[k] * model.up(g[k], lo[k], hi[k]);
    }

    /**
     * The expected size of the next down pulse of device (i, j) at its current state, in siemens (0 if stuck; before
     * clipping and quantization).
     */
    public double expectedDown(int i, int j) {
        int k = index(i, j);
        return stuck[k] ? 0 : scaleDown[k] * model.down(g[k], lo[k], hi[k]);
    }

    @Override
    public float[] copyTo(float[] out) {
        float[] o = out != null && out.length >= g.length ? out : new float[g.length];
        for (int k = 0; k < g.length; k++) {
            o[k] = (float) g[k];
        }
        return o;
    }

    @Override
    public double[] copyTo(double[] out) {
        double[] o = out != null && out.length >= g.length ? out : new double[g.length];
        System.arraycopy(g, 0, o, 0, g.length);
        return o;
    }
}
