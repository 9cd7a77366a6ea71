package org.ffebm.digital.format;

/**
 * Conversions between float32 and the 16-bit formats, with IEEE 754 round to nearest, ties to even.
 *
 * <ul>
 *   <li><b>binary16</b> (fp16): 1 sign, 5 exponent (bias 15), 10 fraction bits. Largest finite 65504, smallest normal
 *       2⁻¹⁴, smallest subnormal 2⁻²⁴. Values of magnitude ≥ 65520 (the midpoint between 65504 and 2¹⁶, which
 *       rounds to even, i.e. up) overflow to ±∞; magnitudes ≤ 2⁻²⁵ (the midpoint between 0 and 2⁻²⁴) become ±0.
 *       Subnormal results are rounded correctly, not flushed.</li>
 *   <li><b>bfloat16</b> (bf16): the top 16 bits of a float32 (8 exponent, 7 fraction bits), so every float32 exponent
 *       survives; rounding may carry into the exponent and overflow the largest finite values to ±∞.</li>
 * </ul>
 * ±∞ and ±0 map to themselves. NaN stays NaN (quiet, with the sign and the top payload bits kept), never ∞.
 * Half values are returned as the low 16 bits of an {@code int} (the bit pattern, unsigned).
 */
public final class FloatBits {

    private FloatBits() {
    }

    /**
     * The binary16 bit pattern nearest to {@code f} (ties to even).
     *
     * @param f any float
     * @return the 16-bit pattern in the low bits, 0..0xffff
     */
    public static int toHalfBits(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fff_ffff;
        if (abs >= 0x7f80_0000) {                     // ∞ or NaN
            return abs == 0x7f80_0000 ? sign | 0x7c00 : sign | 0x7e00 | ((abs >>> 13) & 0x3ff);
        }
        if (abs >= 0x477f_f000) {                     // ≥ 65520: rounds past 65504
            return sign | 0x7c00;
        }
        if (abs >= 0x3880_0000) {                     // ≥ 2⁻¹⁴: normal half; rebias the exponent 127 → 15
            int m = abs - 0x3800_0000;
            m += 0xfff + ((m >>> 13) & 1);            // round to nearest even on the 13 dropped bits
            return sign | (m >>> 13);                 // a carry moves into the exponent, as it should
        }
        int exp = abs >>> 23;                         // subnormal half: count units of 2⁻²⁴
        if (exp < 102) {                              // < 2⁻²⁵
            return sign;
        }
        int mant = (abs & 0x7f_ffff) | 0x80_0000;     // value = mant·2^(exp−150)
        int shift = 126 - exp;                        // 14..24
        int q = mant >>> shift;
        int rem = mant & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rem > half || (rem == half && (q & 1) != 0)) {
            q++;                                      // may reach 0x400, the smallest normal: still right
        }
        return sign | q;
    }

    /**
     * The float32 value of a binary16 bit pattern (exact).
     *
     * @param h the pattern in the low 16 bits; higher bits are ignored
     */
    public static float fromHalfBits(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f80_0000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** {@code f} rounded to the nearest binary16 value, as a float. */
    public static float roundToHalf(float f) {
        return fromHalfBits(toHalfBits(f));
    }

    /**
     * The bfloat16 bit pattern nearest to {@code f} (ties to even on the 16 dropped bits).
     *
     * @param f any float
     * @return the 16-bit pattern in the low bits, 0..0xffff
     */
    public static int toBfloat16Bits(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fff_ffff) > 0x7f80_0000) {     // NaN: truncate, keep it quiet so it cannot become ∞
            return (bits >>> 16) | 0x40;
        }
        return (bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
    }

    /** The float32 value of a bfloat16 bit pattern (exact): the pattern followed by 16 zero bits. */
    public static float fromBfloat16Bits(int b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    /** {@code f} rounded to the nearest bfloat16 value, as a float. */
    public static float roundToBfloat16(float f) {
        return fromBfloat16Bits(toBfloat16Bits(f));
    }
}
