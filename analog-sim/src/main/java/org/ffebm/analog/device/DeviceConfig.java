package org.ffebm.analog.device;

import java.util.Locale;
import java.util.Properties;
import org.ffebm.core.config.Props;
import org.ffebm.core.config.Props;

/**
 * Everything that describes one family of resistive devices (DESIGN §3): the conductance window, how a programming
 * pulse moves a device, and the non-idealities. Each non-ideality has its own knob and <b>zero switches it off</b>, so a
 * study can isolate one effect; {@link #defaults()} is the ideal device (continuous, symmetric constant steps, no noise,
 * no variability, no faults, no drift).
 *
 * <p>Notation used throughout the package: a device with bounds [lo, hi] (S) and conductance g has the normalized state
 * x = (g − lo)/(hi − lo) ∈ [0, 1]. The nominal up and down step sizes are δ⁺ = δ(1 + a) and δ⁻ = δ(1 − a), with
 * δ = {@code stepSize} and a = {@code asymmetry}; the {@link StepModel} multiplies them by a function of x.
 *
 * <p>Properties use the keys {@code ffebm.device.<kebab-case name>}, e.g. {@code ffebm.device.g-min}; an unknown key
 * under {@code ffebm.device.} is an error.
 *
 * @param gMin lower conductance bound g_min in siemens, &ge; 0 ({@code g-min})
 * @param gMax upper conductance bound g_max in siemens, &gt; g_min ({@code g-max})
 * @param levels number of distinct conductance levels, equally spaced over each device's [lo, hi]; 0 means continuous,
 *               otherwise &ge; 2 ({@code levels})
 * @param stepModel how the expected step depends on the state ({@code step-model}: constant, linear, exponential,
 *                  power, table)
 * @param stepSize nominal step δ in siemens, &gt; 0; not used by the {@code table} model, whose CSV holds the steps
 *                 ({@code step-size})
 * @param gammaUp shape of the up step, &ge; 0: slope for {@code linear}, decay rate for {@code exponential}, exponent for
 *                {@code power}; unused by {@code constant} and {@code table} ({@code gamma-up})
 * @param gammaDown the same for the down step ({@code gamma-down})
 * @param asymmetry up/down asymmetry a ∈ (−1, 1): δ⁺ = δ(1 + a), δ⁻ = δ(1 − a); also scales the table's steps
 *                  ({@code asymmetry})
 * @param cycleNoise cycle-to-cycle noise: relative standard deviation σ_c of each pulse's step, Δg = E[Δg](1 + σ_c ξ)
 *                   ({@code cycle-noise})
 * @param stepD2d device-to-device relative standard deviation of the step size ({@code step-d2d})
 * @param boundsD2d device-to-device standard deviation of each bound, relative to the window g_max − g_min
 *                  ({@code bounds-d2d})
 * @param asymmetryD2d device-to-device standard deviation of the asymmetry a (absolute) ({@code asymmetry-d2d})
 * @param readNoise additive read noise: standard deviation in siemens of every read of a device
 *                  ({@code read-noise})
 * @param readNoiseRelative read noise proportional to the conductance: relative standard deviation
 *                          ({@code read-noise-relative})
 * @param writeNoise write (programming) noise: standard deviation in siemens of a programmed conductance around its
 *                   target ({@code write-noise})
 * @param stuckFraction probability that a device is stuck, ∈ [0, 1] ({@code stuck-fraction})
 * @param stuckMode where stuck devices are frozen ({@code stuck-mode}: g-min, g-max, random, mixed)
 * @param driftNu mean drift exponent ν &ge; 0 of g(t) = g₀(t/t₀)^−ν ({@code drift-nu})
 * @param driftNuD2d device-to-device standard deviation of ν ({@code drift-nu-d2d})
 * @param driftT0 drift reference time t₀ in seconds, &gt; 0 ({@code drift-t0})
 * @param table path of the CSV {@code g,dg_up,dg_down} (siemens) for the {@code table} model; empty otherwise
 *              ({@code table})
 */
public record DeviceConfig(double gMin, double gMax, int levels, StepKind stepModel, double stepSize, double gammaUp,
                           double gammaDown, double asymmetry, double cycleNoise, double stepD2d, double boundsD2d,
                           double asymmetryD2d, double readNoise, double readNoiseRelative, double writeNoise,
                           double stuckFraction, StuckMode stuckMode, double driftNu, double driftNuD2d, double driftT0,
                           String table) {

    /** The key prefix of this record's properties. */
    public static final String PREFIX = "ffebm.device.";

    /** The dependence of a pulse's expected step on the device state; see {@link StepModel}. */
    public enum StepKind {
        /** Δ⁺ = δ⁺, Δ⁻ = δ⁻ (hard bounds only). */
        CONSTANT,
        /** Δ⁺ = δ⁺·max(0, 1 − γ⁺x), Δ⁻ = δ⁻·max(0, 1 − γ⁻(1 − x)); γ = 1 is soft bounds. */
        LINEAR,
        /** Δ⁺ = δ⁺·exp(−γ⁺x), Δ⁻ = δ⁻·exp(−γ⁻(1 − x)). */
        EXPONENTIAL,
        /** Δ⁺ = δ⁺·(1 − x)^γ⁺, Δ⁻ = δ⁻·x^γ⁻. */
        POWER,
        /** Δ± interpolated in a measured table of step vs conductance. */
        TABLE;

        /** The kebab-case name used in properties. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where a stuck device is frozen. */
    public enum StuckMode {
        /** At its lower bound (stuck-at-off, SA0). */
        G_MIN,
        /** At its upper bound (stuck-at-on, SA1). */
        G_MAX,
        /** At a value drawn uniformly in its [lo, hi]. */
        RANDOM,
        /** Half of the stuck devices at the lower bound and half at the upper bound, each chosen by a fair coin. */
        MIXED;

        /** The kebab-case name used in properties. */
        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * Validates every parameter.
     *
     * @throws IllegalArgumentException naming the key and the value of the first parameter that is physically
     *         impossible: g_min &lt; 0 or g_min &ge; g_max, levels = 1 or &lt; 0, a negative or non-finite noise or
     *         variability, |a| &ge; 1, a fraction outside [0, 1], t₀ &le; 0, or a table path that does not match the
     *         step model
     */
    public DeviceConfig {
        Props.requireNonNegative(PREFIX + "g-min", gMin);
        Props.requirePositive(PREFIX + "g-max", gMax);
        if (!(gMin < gMax)) {
            throw new IllegalArgumentException(PREFIX + "g-min must be < " + PREFIX + "g-max, was g-min=" + gMin
                    + " >= g-max=" + gMax);
        }
        if (levels < 0 || levels == 1) {
            throw new IllegalArgumentException(PREFIX + "levels must be 0 (continuous) or >= 2, was " + levels);
        }
        if (stepModel == null) {
            throw new IllegalArgumentException(PREFIX + "step-model must not be null");
        }
        Props.requirePositive(PREFIX + "step-size", stepSize);
        Props.requireNonNegative(PREFIX + "gamma-up", gammaUp);
        Props.requireNonNegative(PREFIX + "gamma-down", gammaDown);
        Props.requireOpen(PREFIX + "asymmetry", asymmetry, -1, 1);
        Props.requireNonNegative(PREFIX + "cycle-noise", cycleNoise);
        Props.requireNonNegative(PREFIX + "step-d2d", stepD2d);
        Props.requireNonNegative(PREFIX + "bounds-d2d", boundsD2d);
        Props.requireNonNegative(PREFIX + "asymmetry-d2d", asymmetryD2d);
        Props.requireNonNegative(PREFIX + "read-noise", readNoise);
        Props.requireNonNegative(PREFIX + "read-noise-relative", readNoiseRelative);
        Props.requireNonNegative(PREFIX + "write-noise", writeNoise);
        Props.requireRange(PREFIX + "stuck-fraction", stuckFraction, 0, 1);
        if (stuckMode == null) {
            throw new IllegalArgumentException(PREFIX + "stuck-mode must not be null");
        }
        Props.requireNonNegative(PREFIX + "drift-nu", driftNu);
        Props.requireNonNegative(PREFIX + "drift-nu-d2d", driftNuD2d);
        Props.requirePositive(PREFIX + "drift-t0", driftT0);
        table = table == null ? "" : table.trim();
        if (stepModel == StepKind.TABLE && table.isEmpty()) {
            throw new IllegalArgumentException(PREFIX + "table must name a CSV file when " + PREFIX
                    + "step-model is table, was ''");
        }
        if (stepModel != StepKind.TABLE && !table.isEmpty()) {
            throw new IllegalArgumentException(PREFIX + "table is only used when " + PREFIX
                    + "step-model is table, but step-model is " + stepModel.key() + " and table was '" + table + "'");
        }
    }

    /**
     * The ideal device: window [0, 10 µS], continuous, constant symmetric steps of 1 nS (10⁴ steps across the window,
     * the "idealized" count of Rasch, Gokmen &amp; Haensch 2019), every non-ideality off, t₀ = 1 s.
     *
     * @return the ideal configuration
     */
    public static DeviceConfig defaults() {
        return new DeviceConfig(0.0, 1e-5, 0, StepKind.CONSTANT, 1e-9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                StuckMode.G_MIN, 0, 0, 1.0, "");
    }

    /** The conductance window g_max − g_min in siemens. */
    public double window() {
        return gMax - gMin;
    }

    /**
     * A copy with some parameters changed, validated like every other construction (after all changes, so that e.g.
     * the step model and the table can change together).
     *
     * @param key the key without the prefix, e.g. {@code "cycle-noise"}
     * @param value the new value as text, e.g. {@code "0.1"}
     * @param moreKeyValues further key, value pairs
     * @return the new configuration
     * @throws IllegalArgumentException if a key is unknown, a value invalid, or a key lacks its value
     */
    public DeviceConfig with(String key, String value, String... moreKeyValues) {
        if (moreKeyValues.length % 2 != 0) {
            throw new IllegalArgumentException("with(...) takes key, value pairs; the last key '"
                    + moreKeyValues[moreKeyValues.length - 1] + "' has no value");
        }
        Properties p = toProperties();
        p.setProperty(PREFIX + key, value);
        for (int k = 0; k < moreKeyValues.length; k += 2) {
            p.setProperty(PREFIX + moreKeyValues[k], moreKeyValues[k + 1]);
        }
        return of(p);
    }

    /**
     * Reads the {@code ffebm.device.*} keys of {@code p}; absent keys take their {@link #defaults()} value, keys of
     * other sections are ignored.
     *
     * @param p (Input) the properties, not modified
     * @return the validated configuration
     * @throws IllegalArgumentException for an unknown {@code ffebm.device.*} key, a value that does not parse, or a
     *         value that fails validation
     */
    public static DeviceConfig of(Properties p) {
        DeviceConfig d = defaults();
        Props.rejectUnknown(p, PREFIX, d.toProperties().stringPropertyNames());
        return new DeviceConfig(
                Props.number(p, PREFIX + "g-min", d.gMin),
                Props.number(p, PREFIX + "g-max", d.gMax),
                Props.integer(p, PREFIX + "levels", d.levels),
                stepKind(Props.string(p, PREFIX + "step-model", d.stepModel.key())),
                Props.number(p, PREFIX + "step-size", d.stepSize),
                Props.number(p, PREFIX + "gamma-up", d.gammaUp),
                Props.number(p, PREFIX + "gamma-down", d.gammaDown),
                Props.number(p, PREFIX + "asymmetry", d.asymmetry),
                Props.number(p, PREFIX + "cycle-noise", d.cycleNoise),
                Props.number(p, PREFIX + "step-d2d", d.stepD2d),
                Props.number(p, PREFIX + "bounds-d2d", d.boundsD2d),
                Props.number(p, PREFIX + "asymmetry-d2d", d.asymmetryD2d),
                Props.number(p, PREFIX + "read-noise", d.readNoise),
                Props.number(p, PREFIX + "read-noise-relative", d.readNoiseRelative),
                Props.number(p, PREFIX + "write-noise", d.writeNoise),
                Props.number(p, PREFIX + "stuck-fraction", d.stuckFraction),
                stuckMode(Props.string(p, PREFIX + "stuck-mode", d.stuckMode.key())),
                Props.number(p, PREFIX + "drift-nu", d.driftNu),
                Props.number(p, PREFIX + "drift-nu-d2d", d.driftNuD2d),
                Props.number(p, PREFIX + "drift-t0", d.driftT0),
                Props.string(p, PREFIX + "table", d.table));
    }

    /**
     * Writes every parameter, defaults included, so that {@code of(c.toProperties()).equals(c)}.
     *
     * @return new properties holding the {@code ffebm.device.*} keys
     */
    public Properties toProperties() {
        Properties p = new Properties();
        write(p);
        return p;
    }

    /**
     * Writes every parameter into {@code p}.
     *
     * @param p (Output) modified: the {@code ffebm.device.*} keys are set
     */
    public void write(Properties p) {
        p.setProperty(PREFIX + "g-min", Double.toString(gMin));
        p.setProperty(PREFIX + "g-max", Double.toString(gMax));
        p.setProperty(PREFIX + "levels", Integer.toString(levels));
        p.setProperty(PREFIX + "step-model", stepModel.key());
        p.setProperty(PREFIX + "step-size", Double.toString(stepSize));
        p.setProperty(PREFIX + "gamma-up", Double.toString(gammaUp));
        p.setProperty(PREFIX + "gamma-down", Double.toString(gammaDown));
        p.setProperty(PREFIX + "asymmetry", Double.toString(asymmetry));
        p.setProperty(PREFIX + "cycle-noise", Double.toString(cycleNoise));
        p.setProperty(PREFIX + "step-d2d", Double.toString(stepD2d));
        p.setProperty(PREFIX + "bounds-d2d", Double.toString(boundsD2d));
        p.setProperty(PREFIX + "asymmetry-d2d", Double.toString(asymmetryD2d));
        p.setProperty(PREFIX + "read-noise", Double.toString(readNoise));
        p.setProperty(PREFIX + "read-noise-relative", Double.toString(readNoiseRelative));
        p.setProperty(PREFIX + "write-noise", Double.toString(writeNoise));
        p.setProperty(PREFIX + "stuck-fraction", Double.toString(stuckFraction));
        p.setProperty(PREFIX + "stuck-mode", stuckMode.key());
        p.setProperty(PREFIX + "drift-nu", Double.toString(driftNu));
        p.setProperty(PREFIX + "drift-nu-d2d", Double.toString(driftNuD2d));
        p.setProperty(PREFIX + "drift-t0", Double.toString(driftT0));
        p.setProperty(PREFIX + "table", table);
    }

    static StepKind stepKind(String s) {
        for (StepKind k : StepKind.values()) {
            if (k.key().equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException(PREFIX + "step-model must be constant, linear, exponential, power or table,"
                + " was '" + s + "'");
    }

    static StuckMode stuckMode(String s) {
        for (StuckMode m : StuckMode.values()) {
            if (m.key().equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException(PREFIX + "stuck-mode must be g-min, g-max, random or mixed, was '" + s + "'");
    }
}
