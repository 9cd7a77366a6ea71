package org.ffebm.digital.format;

import java.util.Locale;
import java.util.Objects;

/**
 * A number format of the digital co-processor, emulated by rounding values held in float32 (or float64) to the
 * nearest value the format can store.
 *
 * <table>
 *   <caption>Formats</caption>
 *   <tr><th>format</th><th>bytes</th><th>rounding of x</th></tr>
 *   <tr><td>{@link #FP32}</td><td>4</td><td>none on float data; float64 data is rounded to float32</td></tr>
 *   <tr><td>{@link #BF16}</td><td>2</td><td>bfloat16, round to nearest even
 *       ({@link FloatBits#roundToBfloat16})</td></tr>
 *   <tr><td>{@link #FP16}</td><td>2</td><td>IEEE binary16 with subnormals, overflow to ±∞
 *       ({@link FloatBits#roundToHalf})</td></tr>
 *   <tr><td>{@link #INT8}</td><td>1</td><td>s·clamp(rint(x/s), −127, 127), one symmetric scale s = max|x|/127 per call</td></tr>
 * </table>
 *
 * <p>Float64 data is first rounded to float32 and then to the 16-bit formats (two roundings, which can differ from
 * one direct rounding in rare ties; the float64 path is for checks, not for format studies). INT8 on float64 data
 * works in float64 throughout.
 *
 * <p>INT8 details: the tensor is the range passed to {@code roundInPlace}; s is taken over its finite values (in the
 * data's precision), rint rounds half to even, ±∞ saturate to ±127·s, NaN stays NaN. When the range has no non-zero
 * finite value, s = 0 and every finite value becomes ±0. The scale is returned, so that the caller can record it.
 */
public enum NumberFormat {

    /** IEEE binary32. */
    FP32("fp32", 4),
    /** bfloat16: float32's exponent, 7 fraction bits. */
    BF16("bf16", 2),
    /** IEEE binary16. */
    FP16("fp16", 2),
    /** 8-bit signed integers −127..127 times a per-tensor float scale. */
    INT8("int8", 1);

    /** The largest INT8 level. */
    public static final int INT8_MAX = 127;

    private final String key;
    private final int bytes;

    NumberFormat(String key, int bytes) {
        this.key = key;
        this.bytes = bytes;
    }

    /** The configuration name: {@code fp32}, {@code bf16}, {@code fp16} or {@code int8}. */
    public String key() {
        return key;
    }

    /** Storage bytes of one value (the INT8 scale, one per tensor, is not counted). */
    public int bytesPerValue() {
        return bytes;
    }

    /**
     * The format named {@code name}, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException if the name is none of fp32, bf16, fp16, int8 (the message lists them)
     * @throws NullPointerException if name is null
     */
    public static NumberFormat parse(String name) {
        Objects.requireNonNull(name, "name");
        String k = name.trim().toLowerCase(Locale.ROOT);
        for (NumberFormat f : values()) {
            if (f.key.equals(k)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown number format '" + name + "'; valid names: fp32, bf16, fp16, int8");
    }

    @Override
    public String toString() {
        return key;
    }

    /**
     * Rounds {@code data[from, to)} to this format, in place.
     *
     * @param data (Output) modified in [from, to), untouched elsewhere
     * @return the INT8 scale s used (≥ 0), or 1 for the floating-point formats
     * @throws IndexOutOfBoundsException if [from, to) is not a range of {@code data}
     */
    public double roundInPlace(float[] data, int from, int to) {
        Objects.checkFromToIndex(from, to, data.length);
        switch (this) {
            case FP32:
                return 1.0;
            case BF16:
                for (int i = from; i < to; i++) {
                    data[i] = FloatBits.roundToBfloat16(data[i]);
                }
                return 1.0;
            case FP16:
                for (int i = from; i < to; i++) {
                    data[i] = FloatBits.roundToHalf(data[i]);
                }
                return 1.0;
            default:
                return int8InPlace(data, from, to);
        }
    }

    /**
     * Rounds {@code data[from, to)} to this format, in place (see the class comment for float64 data).
     *
     * @param data (Output) modified in [from, to), untouched elsewhere
     * @return the INT8 scale s used (≥ 0), or 1 for the floating-point formats
     * @throws IndexOutOfBoundsException if [from, to) is not a range of {@code data}
     */
    public double roundInPlace(double[] data, int from, int to) {
        Objects.checkFromToIndex(from, to, data.length);
        switch (this) {
            case FP32:
                for (int i = from; i < to; i++) {
                    data[i] = (float) data[i];
                }
                return 1.0;
            case BF16:
                for (int i = from; i < to; i++) {
                    data[i] = FloatBits.roundToBfloat16((float) data[i]);
                }
                return 1.0;
            case FP16:
                for (int i = from; i < to; i++) {
                    data[i] = FloatBits.roundToHalf((float) data[i]);
                }
                return 1.0;
            default:
                return int8InPlace(data, from, to);
        }
    }

    private static float int8InPlace(float[] data, int from, int to) {
        float maxAbs = 0f;
        for (int i = from; i < to; i++) {
            float a = Math.abs(data[i]);
            if (a > maxAbs && a != Float.POSITIVE_INFINITY) {     // NaN fails a > maxAbs
                maxAbs = a;
            }
        }
        float s = maxAbs / INT8_MAX;
        for (int i = from; i < to; i++) {
            float x = data[i];
            if (x != x) {
                continue;
            }
            float q = s == 0f ? 0f : (float) Math.rint(x / s);
            q = q > INT8_MAX ? INT8_MAX : (q < -INT8_MAX ? -INT8_MAX : q);
            data[i] = Math.copySign(q * s, x);
        }
        return s;
    }

    private static double int8InPlace(double[] data, int from, int to) {
        double maxAbs = 0;
        for (int i = from; i < to; i++) {
            double a = Math.abs(data[i]);
            if (a > maxAbs && a != Double.POSITIVE_INFINITY) {
                maxAbs = a;
            }
        }
        double s = maxAbs / INT8_MAX;
        for (int i = from; i < to; i++) {
            double x = data[i];
            if (x != x) {
                continue;
            }
            double q = s == 0 ? 0 : Math.rint(x / s);
            q = q > INT8_MAX ? INT8_MAX : (q < -INT8_MAX ? -INT8_MAX : q);
            data[i] = Math.copySign(q * s, x);
        }
        return s;
    }
}
