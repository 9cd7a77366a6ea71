package org.ffebm.analog;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Argument checks shared by the analog configuration records. Every failure is an {@link IllegalArgumentException}
 * whose message names the parameter (its {@code ffebm.*} key), the constraint and the offending value. All checks are
 * NaN-safe: NaN fails every one of them.
 */
public final class Args {

    private Args() {
    }

    /**
     * Checks {@code v} is finite and &ge; 0.
     *
     * @param key the parameter's name, used in the message
     * @param v the value
     * @return {@code v}
     * @throws IllegalArgumentException if {@code v} is negative, NaN or infinite
     */
    public static double nonNegative(String key, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(key + " must be a finite number >= 0, was " + v);
        }
        return v;
    }

    /**
     * Checks {@code v} is finite and &gt; 0.
     *
     * @param key the parameter's name, used in the message
     * @param v the value
     * @return {@code v}
     * @throws IllegalArgumentException if {@code v} is not positive, NaN or infinite
     */
    public static double positive(String key, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(key + " must be a finite number > 0, was " + v);
        }
        return v;
    }

    /**
     * Checks {@code lo <= v <= hi}.
     *
     * @param key the parameter's name, used in the message
     * @param v the value
     * @param lo the smallest allowed value
     * @param hi the largest allowed value
     * @return {@code v}
     * @throws IllegalArgumentException if {@code v} is outside [lo, hi] or NaN
     */
    public static double closed(String key, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(key + " must be in [" + lo + ", " + hi + "], was " + v);
        }
        return v;
    }

    /**
     * Checks {@code lo < v < hi}.
     *
     * @param key the parameter's name, used in the message
     * @param v the value
     * @param lo the open lower limit
     * @param hi the open upper limit
     * @return {@code v}
     * @throws IllegalArgumentException if {@code v} is outside (lo, hi) or NaN
     */
    public static double open(String key, double v, double lo, double hi) {
        if (!(v > lo && v < hi)) {
            throw new IllegalArgumentException(key + " must be in (" + lo + ", " + hi + "), was " + v);
        }
        return v;
    }

    /**
     * Checks that a finite value, for keys where any finite number is allowed.
     *
     * @param key the parameter's name, used in the message
     * @param v the value
     * @return {@code v}
     * @throws IllegalArgumentException if {@code v} is NaN or infinite
     */
    public static double finite(String key, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(key + " must be a finite number, was " + v);
        }
        return v;
    }

    /**
     * Rejects every key of {@code p} that starts with {@code prefix} but is not in {@code known}: a misspelt key must
     * not fall back silently to its default.
     *
     * @param p (Input) the properties, not modified
     * @param prefix the section, e.g. {@code ffebm.device.}
     * @param known the full keys the section understands
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
