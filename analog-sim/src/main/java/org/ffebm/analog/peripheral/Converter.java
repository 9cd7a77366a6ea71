package org.ffebm.analog.peripheral;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A DAC or ADC ({@link ConverterConfig}) applied to values in place, with a count of conversions for the cost model
 * (each converted element is one conversion, ideal converters included, since the crossing still happens).
 *
 * <p>With u = (clip(x) − lo)/Δ the position in steps: nearest rounding outputs lo + ⌊u + ½⌋Δ (error ≤ Δ/2); stochastic
 * rounding outputs lo + (⌊u⌋ + B)Δ with B ~ Bernoulli(u − ⌊u⌋), whose mean is clip(x). The top level is hi exactly.
 * NaN stays NaN. Allocation-free; not thread-safe (one converter per block and thread, as the counter is plain).
 */
public final class Converter {

    private final ConverterConfig config;
    private final double lo;
    private final double hi;
    private final double step;
    private final double top;
    private final boolean stochastic;
    private long conversions;

    /**
     * @param config the converter's configuration
     */
    public Converter(ConverterConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.lo = config.lo();
        this.hi = config.hi();
        this.step = config.step();
        this.top = config.isIdeal() ? 0 : config.levels() - 1;
        this.stochastic = config.rounding() == ConverterConfig.Rounding.STOCHASTIC && !config.isIdeal();
    }

    /** The configuration. */
    public ConverterConfig config() {
        return config;
    }

    /** Whether conversions draw random numbers (stochastic rounding of a quantising converter). */
    public boolean drawsRandomNumbers() {
        return stochastic;
    }

    /** The number of values converted since construction or the last {@link #resetConversions()}. */
    public long conversions() {
        return conversions;
    }

    /** Sets the conversion count to 0. */
    public void resetConversions() {
        conversions = 0;
    }

    /**
     * Converts one value (counts one conversion).
     *
     * @param x the input
     * @param rng (Input) generator for stochastic rounding, advanced by one double; may be null otherwise
     * @return the converted value
     * @throws IllegalArgumentException if rounding is stochastic and rng is null
     */
    public double convert(double x, SplittableRandom rng) {
        requireRng(rng);
        conversions++;
        return apply(x, rng);
    }

    /**
     * Converts a range of values in place (counts to − from conversions). Allocation-free.
     *
     * @param data (Output) modified: elements [from, to) are replaced by their converted values, rounded to float
     * @param from first index, inclusive
     * @param to last index, exclusive
     * @param rng (Input) generator for stochastic rounding, advanced by one double per element; may be null otherwise
     * @throws IndexOutOfBoundsException if the range is not inside the array
     * @throws IllegalArgumentException if rounding is stochastic and rng is null
     */
    public void quantizeInPlace(float[] data, int from, int to, SplittableRandom rng) {
        Objects.checkFromToIndex(from, to, data.length);
        requireRng(rng);
        conversions += to - from;
        if (config.isIdeal() && !config.clip()) {
            return;
        }
        for (int k = from; k < to; k++) {
            data[k] = (float) apply(data[k], rng);
        }
    }

    /**
     * Converts a range of values in place (counts to − from conversions). Allocation-free.
     *
     * @param data (Output) modified: elements [from, to) are replaced by their converted values
     * @param from first index, inclusive
     * @param to last index, exclusive
     * @param rng (Input) generator for stochastic rounding, advanced by one double per element; may be null otherwise
     * @throws IndexOutOfBoundsException if the range is not inside the array
     * @throws IllegalArgumentException if rounding is stochastic and rng is null
     */
    public void quantizeInPlace(double[] data, int from, int to, SplittableRandom rng) {
        Objects.checkFromToIndex(from, to, data.length);
        requireRng(rng);
        conversions += to - from;
        if (config.isIdeal() && !config.clip()) {
            return;
        }
        for (int k = from; k < to; k++) {
            data[k] = apply(data[k], rng);
        }
    }

    private void requireRng(SplittableRandom rng) {
        if (stochastic && rng == null) {
            throw new IllegalArgumentException(config.kind().prefix() + "rounding is stochastic: a generator is"
                    + " required, was null");
        }
    }

    private double apply(double x, SplittableRandom rng) {
        if (config.isIdeal()) {
            return config.clip() ? (x < lo ? lo : (x > hi ? hi : x)) : x;
        }
        double u = (x - lo) / step;
        double k;
        if (stochastic) {
            u = u < 0 ? 0 : (u > top ? top : u);
            k = Math.floor(u);
            if (rng.nextDouble() < u - k) {
                k += 1;
            }
        } else {
            k = Math.floor(u + 0.5);
            k = k < 0 ? 0 : (k > top ? top : k);
        }
        return k >= top ? hi : lo + k * step;
    }
}
