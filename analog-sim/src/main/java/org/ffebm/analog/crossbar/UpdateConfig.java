package org.ffebm.analog.crossbar;

import java.util.Locale;
import java.util.Properties;
import org.ffebm.core.config.Props;

/**
 * How the weight change of a training step reaches the devices of an analog block (DESIGN §3, "update algorithms").
 *
 * <ul>
 *   <li>{@code program}: write-verify re-programming of every device to the weights the digital optimiser computed.
 *       Not a physical training update (a real array would need a full programming cycle per step); it is the
 *       reference that makes the ideal device reproduce core's float DHN bit for bit.</li>
 *   <li>{@code pulsed}: the optimiser's change ΔW of the step (SGD with momentum, Adam, … computed digitally) becomes
 *       a signed pulse count per weight, n = round(ΔW/Δw_min) clipped to ±{@code max-pulses}, rounded to nearest or
 *       stochastically (n = ⌊ΔW/Δw_min + U⌋, unbiased); Δw_min is the nominal weight change of one pulse
 *       ({@link CrossbarMatrix#pulseWeight()}). The learning rate maps to pulses through that step size.</li>
 *   <li>{@code stochastic}: the stochastic pulse trains of the resistive processing unit (Gokmen &amp; Vlasov, Front.
 *       Neurosci. 10:333 (2016)): for each sample and each rank-1 term a⊗c of the EP weight gradient, row i fires
 *       in each of {@code bit-length} slots with probability C_a|a_i| and column j with C_c|c_j|; every coincidence is
 *       one pulse in the direction of −sign(a_i c_j), so E[ΔW] = −lr·a⊗c. C_a, C_c follow the update management of
 *       Gokmen, Onen &amp; Haensch, Front. Neurosci. 11:538 (2017): C_a·C_c = lr/(BL·Δw_min), balanced so that both
 *       sides reach the same largest probability; probabilities above 1 are clipped. This is plain SGD in the
 *       array: the optimiser's momentum and Adam moments apply only to digital parameters.</li>
 * </ul>
 *
 * <p>After each update the device clock advances by {@code step-seconds} (the modelled duration of one training step)
 * so that drifting devices (g(t) = g₀(t/t₀)^−ν) drift during training.
 *
 * @param mode the update algorithm ({@code ffebm.update.mode}: program, pulsed, stochastic)
 * @param rounding how {@code pulsed} turns ΔW/Δw_min into a count ({@code ffebm.update.rounding}: nearest,
 *                 stochastic)
 * @param maxPulses the largest pulse count per device and update in {@code pulsed} mode, &ge; 1
 *                  ({@code ffebm.update.max-pulses})
 * @param bitLength BL, the number of slots of a stochastic pulse train, 1..64 ({@code ffebm.update.bit-length})
 * @param stepSeconds modelled seconds per training step on the device clock, &ge; 0
 *                    ({@code ffebm.update.step-seconds})
 */
public record UpdateConfig(Mode mode, Rounding rounding, int maxPulses, int bitLength, double stepSeconds) {

    /** The key prefix of this record's properties. */
    public static final String PREFIX = "ffebm.update.";

    /** The update algorithm. */
    public enum Mode {
        /** Write-verify re-programming to the optimiser's weights. */
        PROGRAM,
        /** Pulse counts from the optimiser's weight change. */
        PULSED,
        /** Per-sample stochastic pulse trains (row/column coincidences). */
        STOCHASTIC;

        /** The kebab-case name used in properties. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Rounding of a fractional pulse count in {@code pulsed} mode. */
    public enum Rounding {
        /** To the nearest integer, ties away from zero: changes below half a pulse are lost. */
        NEAREST,
        /** Down or up at random with the probability that makes the count unbiased. */
        STOCHASTIC;

        /** The kebab-case name used in properties. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Validates every parameter.
     *
     * @throws IllegalArgumentException naming the key and the value: null mode or rounding, max-pulses &lt; 1,
     *         bit-length outside 1..64, step-seconds negative or not finite
     */
    public UpdateConfig {
        if (mode == null) {
            throw new IllegalArgumentException(PREFIX + "mode must not be null");
        }
        if (rounding == null) {
            throw new IllegalArgumentException(PREFIX + "rounding must not be null");
        }
        Props.requireAtLeast(PREFIX + "max-pulses", maxPulses, 1);
        Props.requireAtLeast(PREFIX + "bit-length", bitLength, 1);
        if (bitLength > 64) {
            throw new IllegalArgumentException(PREFIX + "bit-length must be <= 64, was " + bitLength);
        }
        Props.requireNonNegative(PREFIX + "step-seconds", stepSeconds);
    }

    /**
     * Pulse counts from the optimiser's change, rounded stochastically (changes smaller than one pulse, the common case
     * for real devices, survive in expectation instead of being lost), at most 255 pulses (an 8-bit pulse counter),
     * trains of 31 slots (Gokmen &amp; Vlasov 2016), 1 ms per training step.
     */
    public static UpdateConfig defaults() {
        return new UpdateConfig(Mode.PULSED, Rounding.STOCHASTIC, 255, 31, 1e-3);
    }

    /**
     * Reads the {@code ffebm.update.*} keys of {@code p}; absent keys take their {@link #defaults()} value.
     *
     * @param p (Input) the properties, not modified
     * @return the validated configuration
     * @throws IllegalArgumentException for an unknown key, an unparsable or invalid value
     */
    public static UpdateConfig of(Properties p) {
        UpdateConfig d = defaults();
        Props.rejectUnknown(p, PREFIX, d.toProperties().stringPropertyNames());
        return new UpdateConfig(
                parse(Mode.class, Props.string(p, PREFIX + "mode", d.mode.key()), "mode"),
                parse(Rounding.class, Props.string(p, PREFIX + "rounding", d.rounding.key()), "rounding"),
                Props.integer(p, PREFIX + "max-pulses", d.maxPulses),
                Props.integer(p, PREFIX + "bit-length", d.bitLength),
                Props.number(p, PREFIX + "step-seconds", d.stepSeconds));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String s, String key) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        StringBuilder names = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            String k = e.name().toLowerCase(Locale.ROOT);
            if (k.equals(v)) {
                return e;
            }
            names.append(names.length() == 0 ? "" : ", ").append(k);
        }
        throw new IllegalArgumentException(PREFIX + key + " must be one of " + names + ", was '" + s + "'");
    }

    /** Writes every parameter, so that {@code of(c.toProperties()).equals(c)}. */
    public Properties toProperties() {
        Properties p = new Properties();
        write(p);
        return p;
    }

    /**
     * Writes every parameter into {@code p}.
     *
     * @param p (Output) modified: the {@code ffebm.update.*} keys are set
     */
    public void write(Properties p) {
        p.setProperty(PREFIX + "mode", mode.key());
        p.setProperty(PREFIX + "rounding", rounding.key());
        p.setProperty(PREFIX + "max-pulses", Integer.toString(maxPulses));
        p.setProperty(PREFIX + "bit-length", Integer.toString(bitLength));
        p.setProperty(PREFIX + "step-seconds", Double.toString(stepSeconds));
    }
}
