package org.ffebm.core.io;

import java.util.List;
import java.util.Map;

/**
 * A small JSON writer for the run directory's files (no JSON library on the class path). Values are {@link Map}s
 * with string keys (written in their iteration order, so use a {@link java.util.LinkedHashMap}), {@link List}s,
 * {@link String}s, {@link Number}s, {@link Boolean}s and {@code null}. Non-finite numbers (NaN, ±∞), which JSON
 * cannot hold, are written as {@code null}. Numbers never depend on the default locale.
 */
public final class Json {

    private Json() {
    }

    /**
     * @param value (Input) a map, list, string, number, boolean or null
     * @return the JSON text, objects and arrays over several lines indented by two spaces, with a final newline
     * @throws IllegalArgumentException for a value of another type
     */
    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 0, true);
        return b.append('\n').toString();
    }

    /** As {@link #write} but all on one line (no final newline). */
    public static String writeCompact(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 0, false);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v, int depth, boolean pretty) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Boolean bool) {
            b.append(bool.booleanValue());
        } else if (v instanceof Double || v instanceof Float) {
            b.append(number(((Number) v).doubleValue()));
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            b.append(((Number) v).longValue());
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
                }
                b.append(i++ == 0 ? "" : ",");
                newline(b, depth + 1, pretty);
                string(b, key);
                b.append(pretty ? ": " : ":");
                write(b, e.getValue(), depth + 1, pretty);
            }
            if (i > 0) {
                newline(b, depth, pretty);
            }
            b.append('}');
        } else if (v instanceof List<?> list) {
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                b.append(i == 0 ? "" : ",");
                newline(b, depth + 1, pretty);
                write(b, list.get(i), depth + 1, pretty);
            }
            if (!list.isEmpty()) {
                newline(b, depth, pretty);
            }
            b.append(']');
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
        }
    }

    private static void newline(StringBuilder b, int depth, boolean pretty) {
        if (pretty) {
            b.append('\n').append("  ".repeat(depth));
        }
    }

    /**
     * A JSON number: the shortest decimal that reads back as the same double ({@link Double#toString}, which uses no
     * locale), or {@code null} for NaN and infinities.
     */
    public static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    /** A quoted, escaped JSON string. */
    public static String string(String s) {
        StringBuilder b = new StringBuilder();
        string(b, s);
        return b.toString();
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    // control characters, and the line separators that break JavaScript string literals
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
