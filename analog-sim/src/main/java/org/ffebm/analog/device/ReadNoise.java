package org.ffebm.analog.device;

import java.util.Objects;
import java.util.SplittableRandom;
import org.ffebm.core.config.Props;

/**
 * Read noise: the instantaneous fluctuation of a device's conductance each time it is read, drawn afresh on every
 * analog matrix-vector product (DESIGN §3). Two independent Gaussian parts, each switched off by a zero:
 * <pre>
 *   g_read = g + σ_a ξ + σ_r |g| ξ'          (σ_a in siemens: additive; σ_r relative: proportional to g)
 * </pre>
 * The proportional part is the 1/f noise of PCM (S_G/G² = Q/f, Joshi et al., Nat. Commun. 11:2473 (2020)); the
 * additive part lumps thermal and shot noise and the read circuit. For the output of a product y_i = Σ_j g_ij v_j,
 * independent device noise sums to a Gaussian of variance σ_a² Σ_j v_j² + σ_r² Σ_j g_ij² v_j², which
 * {@link #perturbOutput} samples in one draw instead of one per device.
 *
 * <p>The generator is given at construction and advanced by every call (Commons RNG's {@code SharedStateSampler}
 * pattern); {@link #withRng} gives the same noise on another stream, e.g. one per thread. Allocation-free; not
 * thread-safe (one instance per thread).
 */
public final class ReadNoise {

    private final double additive;
    private final double relative;
    private final SplittableRandom rng;

    /**
     * @param additive σ_a in siemens, finite and &ge; 0
     * @param relative σ_r, finite and &ge; 0
     * @param rng (Input) the generator, advanced by each read
     * @throws IllegalArgumentException if a standard deviation is negative or not finite
     */
    public ReadNoise(double additive, double relative, SplittableRandom rng) {
        this.additive = Props.requireNonNegative(DeviceConfig.PREFIX + "read-noise", additive);
        this.relative = Props.requireNonNegative(DeviceConfig.PREFIX + "read-noise-relative", relative);
        this.rng = Objects.requireNonNull(rng, "rng");
    }

    /**
     * The read noise of a device family.
     *
     * @param c the configuration ({@code read-noise}, {@code read-noise-relative})
     * @param rng (Input) the generator
     * @return the sampler
     */
    public static ReadNoise of(DeviceConfig c, SplittableRandom rng) {
        return new ReadNoise(c.readNoise(), c.readNoiseRelative(), rng);
    }

    /**
     * The same noise drawing from another generator.
     *
     * @param other (Input) the generator
     * @return a new sampler
     */
    public ReadNoise withRng(SplittableRandom other) {
        return new ReadNoise(additive, relative, other);
    }

    /** σ_a in siemens. */
    public double additive() {
        return additive;
    }

    /** σ_r. */
    public double relative() {
        return relative;
    }

    /** Whether both parts are off, so that reads are exact and draw nothing. */
    public boolean isOff() {
        return additive == 0 && relative == 0;
    }

    /**
     * One noisy read of one device.
     *
     * @param g the conductance in siemens
     * @return g + σ_a ξ + σ_r |g| ξ' (g itself, with no draw, when both parts are off)
     */
    public double read(double g) {
        double v = g;
        if (additive > 0) {
            v += additive * rng.nextGaussian();
        }
        if (relative > 0) {
            v += relative * Math.abs(g) * rng.nextGaussian();
        }
        return v;
    }

    /**
     * Noisy reads of a range of conductances, in place.
     *
     * @param g (Output) modified: elements [from, to) are replaced by {@link #read} of themselves
     * @param from first index, inclusive
     * @param to last index, exclusive
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public void readInPlace(float[] g, int from, int to) {
        Objects.checkFromToIndex(from, to, g.length);
        if (isOff()) {
            return;
        }
        for (int k = from; k < to; k++) {
            g[k] = (float) read(g[k]);
        }
    }

    /**
     * Noisy reads of a range of conductances, in place.
     *
     * @param g (Output) modified: elements [from, to) are replaced by {@link #read} of themselves
     * @param from first index, inclusive
     * @param to last index, exclusive
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public void readInPlace(double[] g, int from, int to) {
        Objects.checkFromToIndex(from, to, g.length);
        if (isOff()) {
            return;
        }
        for (int k = from; k < to; k++) {
            g[k] = read(g[k]);
        }
    }

    /**
     * The standard deviation of the read noise of one product output y = Σ_j g_j v_j.
     *
     * @param sumV2 Σ_j v_j² (V²)
     * @param sumG2V2 Σ_j g_j² v_j² (A²)
     * @return sqrt(σ_a² sumV2 + σ_r² sumG2V2) in amperes
     */
    public double outputStd(double sumV2, double sumG2V2) {
        return Math.sqrt(additive * additive * sumV2 + relative * relative * sumG2V2);
    }

    /**
     * One noisy product output: the exact distribution of Σ_j (g_j + noise_j) v_j for independent device noise, in
     * one Gaussian draw.
     *
     * @param y the noiseless output Σ_j g_j v_j (A)
     * @param sumV2 Σ_j v_j² (V²)
     * @param sumG2V2 Σ_j g_j² v_j² (A²)
     * @return y + {@link #outputStd}(sumV2, sumG2V2)·ξ, or y with no draw when both parts are off
     */
    public double perturbOutput(double y, double sumV2, double sumG2V2) {
        return isOff() ? y : y + outputStd(sumV2, sumG2V2) * rng.nextGaussian();
    }
}
