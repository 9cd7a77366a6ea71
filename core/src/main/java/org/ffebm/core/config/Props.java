package org.ffebm.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed reads of {@code ffebm.*} properties that fail with an {@link IllegalArgumentException} naming the key, the
 * constraint and the value.
 */
public final class Props {

    private Props() {
    }

    public static String string(Properties p, String key, String def) {
        String v = p.getProperty(key);
        return v == null ? def : v.trim();
    }

    public static int integer(Properties p, String key, int def) {
        String v = p.getProperty(key);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, was '" + v.trim() + "'");
        }
    }

    public static long longValue(Properties p, String key, long def) {
        String v = p.getProperty(key);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, was '" + v.trim() + "'");
        }
    }

    public static double number(Properties p, String key, double def) {
        String v = p.getProperty(key);
        if (v == null) {
            return def;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was '" + v.trim() + "'");
        }
    }

    public static boolean bool(Properties p, String key, boolean def) {
        String v = p.getProperty(key);
        if (v == null) {
            return def;
        }
        return switch (v.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, was '" + v.trim() + "'");
        };
    }

    public static int[] intList(Properties p, String key, int[] def) {
        String v = p.getProperty(key);
        if (v == null) {
            return def.clone();
        }
        String[] parts = v.trim().split("\\s*,\\s*");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a comma-separated list of integers, was '" + v.trim()
                        + "'");
            }
        }
        return out;
    }

    public static String intListString(int[] values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ",").append(values[i]);
        }
        return b.toString();
    }

    /** Checks a finite value in [lo, hi] (NaN fails). */
    public static double requireRange(String key, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(key + " must be in [" + lo + ", " + hi + "], was " + v);
        }
        return v;
    }

    public static double requirePositive(String key, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(key + " must be a finite number > 0, was " + v);
        }
        return v;
    }

    public static double requireNonNegative(String key, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(key + " must be a finite number >= 0, was " + v);
        }
        return v;
    }

    public static int requireAtLeast(String key, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(key + " must be >= " + min + ", was " + v);
        }
        return v;
    }

    /** Checks lo &lt; v &lt; hi (NaN fails). */
    public static double requireOpen(String key, double v, double lo, double hi) {
        if (!(v > lo && v < hi)) {
            throw new IllegalArgumentException(key + " must be in (" + lo + ", " + hi + "), was " + v);
        }
        return v;
    }

    /** Checks a finite value, for keys where any finite number is allowed. */
    public static double requireFinite(String key, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(key + " must be a finite number, was " + v);
        }
        return v;
    }

    /**
     * Rejects every key of {@code p} that starts with {@code prefix} but is not in {@code known}: a misspelt key must
     * not fall back silently to its default. Use "" as the prefix to check every key.
     *
     * @throws IllegalArgumentException naming every unknown key and listing the known ones
     */
    public static void rejectUnknown(Properties p, String prefix, Set<String> known) {
        List<String> unknown = new ArrayList<>();
        for (String k : new TreeSet<>(p.stringPropertyNames())) {
            if (k.startsWith(prefix) && !known.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown configuration key" + (unknown.size() > 1 ? "s " : " ") + unknown
                    + "; known keys: " + new TreeSet<>(known));
        }
    }
}
