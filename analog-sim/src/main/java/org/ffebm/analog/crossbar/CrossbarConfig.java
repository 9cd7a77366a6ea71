package org.ffebm.analog.crossbar;

import java.util.Locale;
import java.util.Properties;
import org.ffebm.analog.device.DeviceConfig;
import org.ffebm.core.config.Props;

/**
 * How a weight matrix is laid out on crossbar tiles (DESIGN §3).
 *
 * <p>A matrix of out×in weights is split into ⌈out/R⌉×⌈in/C⌉ tiles of at most R×C devices per polarity; the partial
 * sums of the tiles of one output are added. A weight is either a differential pair, w = (G⁺ − G⁻)/g_ref, or one
 * device against a fixed reference conductance g_ref,dev = (g_min + g_max)/2 of the device window,
 * w = (G − g_ref,dev)/g_ref.
 *
 * @param rows tile rows R (outputs per tile), &ge; 1 ({@code ffebm.crossbar.rows})
 * @param cols tile columns C (inputs per tile), &ge; 1 ({@code ffebm.crossbar.cols})
 * @param mapping weight-to-conductance mapping ({@code ffebm.crossbar.mapping}: differential, reference)
 * @param wMax the largest |w| the window represents when g_ref is automatic, &gt; 0 ({@code ffebm.crossbar.w-max})
 * @param gRef the weight scale g_ref in siemens per unit weight, &ge; 0; 0 means automatic:
 *             (g_max − g_min)/w_max (differential) or (g_max − g_min)/(2 w_max) (reference)
 *             ({@code ffebm.crossbar.g-ref})
 */
public record CrossbarConfig(int rows, int cols, Mapping mapping, double wMax, double gRef) {

    /** The key prefix of this record's properties. */
    public static final String PREFIX = "ffebm.crossbar.";

    /** The weight-to-conductance mapping. */
    public enum Mapping {
        /** w = (G⁺ − G⁻)/g_ref: two devices per weight. */
        DIFFERENTIAL,
        /** w = (G − g_ref,dev)/g_ref: one device per weight against a fixed mid-window reference. */
        REFERENCE;

        /** The kebab-case name used in properties. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Validates every parameter.
     *
     * @throws IllegalArgumentException naming the key and the value: rows or cols &lt; 1, a null mapping, w-max not
     *         finite &gt; 0, g-ref negative or not finite
     */
    public CrossbarConfig {
        Props.requireAtLeast(PREFIX + "rows", rows, 1);
        Props.requireAtLeast(PREFIX + "cols", cols, 1);
        if (mapping == null) {
            throw new IllegalArgumentException(PREFIX + "mapping must not be null");
        }
        Props.requirePositive(PREFIX + "w-max", wMax);
        Props.requireNonNegative(PREFIX + "g-ref", gRef);
    }

    /** 512×512 tiles, differential pairs, w_max = 1, automatic g_ref. */
    public static CrossbarConfig defaults() {
        return new CrossbarConfig(512, 512, Mapping.DIFFERENTIAL, 1.0, 0.0);
    }

    /**
     * The weight scale for a device family.
     *
     * @param device the device configuration
     * @return g_ref in siemens per unit weight: {@link #gRef()} if set, else the automatic value
     */
    public double resolveGRef(DeviceConfig device) {
        if (gRef > 0) {
            return gRef;
        }
        double window = device.gMax() - device.gMin();
        return mapping == Mapping.DIFFERENTIAL ? window / wMax : window / (2 * wMax);
    }

    /**
     * Reads the {@code ffebm.crossbar.*} keys of {@code p}; absent keys take their {@link #defaults()} value.
     *
     * @param p (Input) the properties, not modified
     * @return the validated configuration
     * @throws IllegalArgumentException for an unknown key, an unparsable or invalid value
     */
    public static CrossbarConfig of(Properties p) {
        CrossbarConfig d = defaults();
        Props.rejectUnknown(p, PREFIX, d.toProperties().stringPropertyNames());
        return new CrossbarConfig(
                Props.integer(p, PREFIX + "rows", d.rows),
                Props.integer(p, PREFIX + "cols", d.cols),
                mapping(Props.string(p, PREFIX + "mapping", d.mapping.key())),
                Props.number(p, PREFIX + "w-max", d.wMax),
                Props.number(p, PREFIX + "g-ref", d.gRef));
    }

    private static Mapping mapping(String s) {
        for (Mapping m : Mapping.values()) {
            if (m.key().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException(PREFIX + "mapping must be differential or reference, was '" + s + "'");
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
     * @param p (Output) modified: the {@code ffebm.crossbar.*} keys are set
     */
    public void write(Properties p) {
        p.setProperty(PREFIX + "rows", Integer.toString(rows));
        p.setProperty(PREFIX + "cols", Integer.toString(cols));
        p.setProperty(PREFIX + "mapping", mapping.key());
        p.setProperty(PREFIX + "w-max", Double.toString(wMax));
        p.setProperty(PREFIX + "g-ref", Double.toString(gRef));
    }
}
