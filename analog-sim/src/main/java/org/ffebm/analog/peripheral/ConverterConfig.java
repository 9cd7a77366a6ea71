package org.ffebm.analog.peripheral;

import java.util.Locale;
import java.util.Properties;
import org.ffebm.core.config.Props;
import org.ffebm.core.config.Props;

/**
 * A data converter at the boundary of an analog block (DESIGN §3, §5): the DAC on what enters the block (uᵏ and the
 * nudge β·δ) or the ADC on what leaves it (states, ∇u). A b-bit converter maps a value to one of 2^b levels equally
 * spaced over [lo, hi], step Δ = (hi − lo)/(2^b − 1), saturating outside the range; b = 0 is an ideal converter that
 * passes values through, clipped to [lo, hi] only if {@code clip} is set. Rounding is to the nearest level (ties up)
 * or stochastic (up with probability equal to the fractional position between the two neighbouring levels, so that
 * the expected output equals the clipped input; Gupta et al., "Deep learning with limited numerical precision",
 * ICML 2015).
 *
 * <p>Properties: {@code ffebm.dac.*} or {@code ffebm.adc.*} with keys {@code bits}, {@code lo}, {@code hi},
 * {@code clip}, {@code rounding} ({@code nearest} | {@code stochastic}); an unknown key under the prefix is an error.
 *
 * @param kind DAC or ADC, which fixes the key prefix used in properties and error messages
 * @param bits resolution in bits, 1..24, or 0 for an ideal converter
 * @param lo lower end of the range, finite, in the units of the converted signal (V for a DAC, A or a normalized value
 *           for an ADC)
 * @param hi upper end of the range, finite, &gt; lo
 * @param clip whether values are clipped to [lo, hi]; must be true when bits &gt; 0 (a quantizing converter saturates)
 * @param rounding nearest or stochastic (ignored by an ideal converter)
 */
public record ConverterConfig(Kind kind, int bits, double lo, double hi, boolean clip, Rounding rounding) {

    /** The largest supported resolution. */
    public static final int MAX_BITS = 24;

    /** Which side of the analog block the converter sits on. */
    public enum Kind {
        /** Digital-to-analog, on what enters a block. */
        DAC("ffebm.dac."),
        /** Analog-to-digital, on what leaves a block. */
        ADC("ffebm.adc.");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        /** The properties prefix, {@code ffebm.dac.} or {@code ffebm.adc.}. */
        public String prefix() {
            return prefix;
        }
    }

    /** How a value between two levels is rounded. */
    public enum Rounding {
        /** To the nearest level, ties upward: error at most half a step. */
        NEAREST,
        /** Up with probability equal to the fractional position: unbiased. */
        STOCHASTIC;

        /** The name used in properties. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Validates every parameter.
     *
     * @throws IllegalArgumentException naming the key and the value: bits outside 0..24, a non-finite or empty range,
     *         clip = false with bits &gt; 0, or a null kind or rounding
     */
    public ConverterConfig {
        if (kind == null) {
            throw new IllegalArgumentException("converter kind must be DAC or ADC, was null");
        }
        String p = kind.prefix();
        if (bits < 0 || bits > MAX_BITS) {
            throw new IllegalArgumentException(p + "bits must be 0 (ideal) or in [1, " + MAX_BITS + "], was " + bits);
        }
        Props.requireFinite(p + "lo", lo);
        Props.requireFinite(p + "hi", hi);
        if (!(lo < hi)) {
            throw new IllegalArgumentException(p + "lo must be < " + p + "hi, was lo=" + lo + " >= hi=" + hi);
        }
        if (bits > 0 && !clip) {
            throw new IllegalArgumentException(p + "clip must be true when " + p + "bits > 0 (a " + bits
                    + "-bit converter saturates), was false");
        }
        if (rounding == null) {
            throw new IllegalArgumentException(p + "rounding must be nearest or stochastic, was null");
        }
    }

    /**
     * The ideal converter: no quantization, no clipping, range [−1, 1] (unused until clip or bits is set).
     *
     * @param kind DAC or ADC
     * @return the default configuration
     */
    public static ConverterConfig ideal(Kind kind) {
        return new ConverterConfig(kind, 0, -1, 1, false, Rounding.NEAREST);
    }

    /**
     * A b-bit converter over [lo, hi] with nearest rounding.
     *
     * @param kind DAC or ADC
     * @param bits 1..24
     * @param lo lower end of the range
     * @param hi upper end of the range
     * @return the configuration
     */
    public static ConverterConfig of(Kind kind, int bits, double lo, double hi) {
        return new ConverterConfig(kind, bits, lo, hi, true, Rounding.NEAREST);
    }

    /** Whether the converter passes values through unquantized. */
    public boolean isIdeal() {
        return bits == 0;
    }

    /** The number of levels 2^bits, or 0 for an ideal converter. */
    public int levels() {
        return bits == 0 ? 0 : 1 << bits;
    }

    /** The level spacing Δ = (hi − lo)/(2^bits − 1), or 0 for an ideal converter. */
    public double step() {
        return bits == 0 ? 0 : (hi - lo) / ((1 << bits) - 1);
    }

    /** A copy with another rounding. */
    public ConverterConfig withRounding(Rounding r) {
        return new ConverterConfig(kind, bits, lo, hi, clip, r);
    }

    /**
     * Reads the keys under {@code kind.prefix()}; absent keys take their {@link #ideal} value.
     *
     * @param p (Input) the properties, not modified
     * @param kind DAC or ADC
     * @return the validated configuration
     * @throws IllegalArgumentException for an unknown key under the prefix, a value that does not parse or fails
     *         validation
     */
    public static ConverterConfig of(Properties p, Kind kind) {
        ConverterConfig d = ideal(kind);
        String x = kind.prefix();
        Props.rejectUnknown(p, x, d.toProperties().stringPropertyNames());
        return new ConverterConfig(kind, Props.integer(p, x + "bits", d.bits), Props.number(p, x + "lo", d.lo),
                Props.number(p, x + "hi", d.hi), Props.bool(p, x + "clip", d.clip),
                rounding(x, Props.string(p, x + "rounding", d.rounding.key())));
    }

    /** Every parameter as properties under {@code kind.prefix()}. */
    public Properties toProperties() {
        Properties p = new Properties();
        write(p);
        return p;
    }

    /**
     * Writes every parameter.
     *
     * @param p (Output) modified: the five keys under {@code kind.prefix()} are set
     */
    public void write(Properties p) {
        String x = kind.prefix();
        p.setProperty(x + "bits", Integer.toString(bits));
        p.setProperty(x + "lo", Double.toString(lo));
        p.setProperty(x + "hi", Double.toString(hi));
        p.setProperty(x + "clip", Boolean.toString(clip));
        p.setProperty(x + "rounding", rounding.key());
    }

    private static Rounding rounding(String prefix, String s) {
        return switch (s) {
            case "nearest" -> Rounding.NEAREST;
            case "stochastic" -> Rounding.STOCHASTIC;
            default -> throw new IllegalArgumentException(prefix + "rounding must be nearest or stochastic, was '" + s
                    + "'");
        };
    }
}
