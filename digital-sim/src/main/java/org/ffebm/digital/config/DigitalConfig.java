package org.ffebm.digital.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.ffebm.core.config.Props;
import org.ffebm.digital.format.NumberFormat;

/**
 * The number formats of the digital co-processor (DESIGN §4): one format for every digital block, and per-block
 * exceptions by block name ({@code ff1}, {@code ff2}, …, {@code readout}; the layers {@code fc1}, {@code act1}, … of
 * the backprop baseline).
 *
 * @param format the format of every digital block without an exception ({@code ffebm.digital.format}: fp32, bf16,
 *               fp16, int8)
 * @param blockFormats per-block formats ({@code ffebm.digital.block-formats}, e.g. {@code readout=int8,ff2=bf16});
 *                     copied
 */
public record DigitalConfig(NumberFormat format, Map<String, NumberFormat> blockFormats) {

    /** The key prefix of this record's properties. */
    public static final String PREFIX = "ffebm.digital.";

    /**
     * @throws IllegalArgumentException if the format is null or a block name is empty
     */
    public DigitalConfig {
        if (format == null) {
            throw new IllegalArgumentException(PREFIX + "format must not be null");
        }
        Map<String, NumberFormat> copy = new LinkedHashMap<>();
        for (Map.Entry<String, NumberFormat> e : blockFormats.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                throw new IllegalArgumentException(PREFIX + "block-formats needs name=format entries, had '"
                        + e.getKey() + "=" + e.getValue() + "'");
            }
            copy.put(e.getKey(), e.getValue());
        }
        blockFormats = Collections.unmodifiableMap(copy);
    }

    /** fp32 everywhere: the float32 training path unchanged. */
    public static DigitalConfig defaults() {
        return new DigitalConfig(NumberFormat.FP32, Map.of());
    }

    /** The format of a block. */
    public NumberFormat formatOf(String block) {
        return blockFormats.getOrDefault(block, format);
    }

    /**
     * Reads the {@code ffebm.digital.*} keys of {@code p}; absent keys take their {@link #defaults()} value.
     *
     * @param p (Input) the properties, not modified
     * @return the validated configuration
     * @throws IllegalArgumentException for an unknown key, an unknown format or a malformed list (naming the key)
     */
    public static DigitalConfig of(Properties p) {
        DigitalConfig d = defaults();
        Props.rejectUnknown(p, PREFIX, d.toProperties().stringPropertyNames());
        NumberFormat f = parse(PREFIX + "format", Props.string(p, PREFIX + "format", d.format.key()));
        Map<String, NumberFormat> blocks = new LinkedHashMap<>();
        String list = Props.string(p, PREFIX + "block-formats", "").trim();
        if (!list.isEmpty()) {
            for (String entry : list.split(",")) {
                int eq = entry.indexOf('=');
                if (eq <= 0 || eq == entry.length() - 1) {
                    throw new IllegalArgumentException(PREFIX + "block-formats must be a comma-separated list of "
                            + "block=format, had '" + entry.trim() + "'");
                }
                String name = entry.substring(0, eq).trim();
                if (blocks.put(name, parse(PREFIX + "block-formats", entry.substring(eq + 1))) != null) {
                    throw new IllegalArgumentException(PREFIX + "block-formats names block '" + name + "' twice");
                }
            }
        }
        return new DigitalConfig(f, blocks);
    }

    private static NumberFormat parse(String key, String s) {
        try {
            return NumberFormat.parse(s.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
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
     * @param p (Output) modified: the {@code ffebm.digital.*} keys are set
     */
    public void write(Properties p) {
        p.setProperty(PREFIX + "format", format.key());
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, NumberFormat> e : blockFormats.entrySet()) {
            b.append(b.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue().key());
        }
        p.setProperty(PREFIX + "block-formats", b.toString());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "DigitalConfig[format=%s, blockFormats=%s]", format.key(), blockFormats);
    }
}
