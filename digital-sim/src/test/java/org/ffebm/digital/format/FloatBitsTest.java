package org.ffebm.digital.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** fp16 and bf16 conversions on their edge cases, exhaustively on the 16-bit side and against a nearest-value oracle. */
class FloatBitsTest {

    private static float half(float f) {
        return FloatBits.roundToHalf(f);
    }

    @Test
    void halfEdgeCases() {
        assertEquals(65504f, half(65504f));
        assertEquals(0x7bff, FloatBits.toHalfBits(65504f));
        assertEquals(65504f, half(65519.996f), "below the midpoint 65520: down to the largest finite");
        assertEquals(Float.POSITIVE_INFINITY, half(65520f), "the midpoint rounds to even, i.e. overflows");
        assertEquals(Float.NEGATIVE_INFINITY, half(-1e6f));
        assertEquals(0x1p-24f, half(0x1p-24f), "smallest subnormal");
        assertEquals(0x0001, FloatBits.toHalfBits(0x1p-24f));
        assertEquals(0f, half(0x1p-25f), "half of the smallest subnormal: tie to even, 0");
        assertEquals(0x1p-24f, half(0x1.000002p-25f), "just above the tie");
        assertEquals(0f, half(0x1.fffffep-26f));
        assertEquals(2 * 0x1p-24f, half(3 * 0x1p-25f), "1.5 units: tie to the even 2 units");
        assertEquals(2 * 0x1p-24f, half(5 * 0x1p-25f), "2.5 units: tie to the even 2 units");
        assertEquals(0x1p-14f, half(0x1.ffcp-15f), "1023.5 units: tie, to the even 1024 units, the smallest normal");
        assertEquals(1022 * 0x1p-24f, half(0x1.ff4p-15f), "1022.5 units: tie, to the even 1022 units");
        assertEquals(0x3ff, FloatBits.toHalfBits(0x1.ff8p-15f), "largest subnormal");
        assertEquals(1f, half(1 + 0x1p-11f), "tie between 1 and 1 + 2^-10: to even, 1");
        assertEquals(1 + 0x1p-9f, half(1 + 3 * 0x1p-11f), "tie between 1 + 2^-10 and 1 + 2^-9: to even");
        assertEquals(1 + 0x1p-10f, half(Math.nextUp(1 + 0x1p-11f)));
        assertEquals(2048f, half(2049f), "tie at unit 2: to even");
        assertEquals(2052f, half(2051f), "tie between 2050 (odd) and 2052: to even, up");
        assertEquals(2050f, half(2050.9f));
        assertEquals(0x8000, FloatBits.toHalfBits(-0f));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(half(-0f)));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(half(-1e-30f)), "underflow keeps the sign");
        assertEquals(Float.POSITIVE_INFINITY, half(Float.POSITIVE_INFINITY));
        assertEquals(0xfc00, FloatBits.toHalfBits(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(half(Float.NaN)));
        assertTrue(Float.isNaN(half(Float.intBitsToFloat(0x7f800001))), "a NaN with only a low payload bit stays NaN");
        assertTrue(Float.isNaN(half(Float.intBitsToFloat(0xffc00000))));
    }

    @Test
    void everyHalfValueRoundTripsExactly() {
        for (int h = 0; h <= 0xffff; h++) {
            float f = FloatBits.fromHalfBits(h);
            boolean nan = (h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0;
            if (nan) {
                assertTrue(Float.isNaN(f), "pattern " + Integer.toHexString(h));
                int back = FloatBits.toHalfBits(f);
                assertTrue((back & 0x7c00) == 0x7c00 && (back & 0x3ff) != 0, "NaN pattern " + Integer.toHexString(h));
            } else {
                assertEquals(h, FloatBits.toHalfBits(f), "pattern " + Integer.toHexString(h));
            }
        }
        assertEquals(0x1p-14f, FloatBits.fromHalfBits(0x0400));
        assertEquals(-2f, FloatBits.fromHalfBits(0xc000));
    }

    /**
     * For random floats across the whole half range (and beyond), the result is a nearest half value, the even one
     * on ties: |f − r| ≤ |f − neighbour| for both neighbours, computed exactly in double.
     */
    @Test
    void halfIsTheNearestValueTiesToEven() {
        SplittableRandom rng = new SplittableRandom(71);
        for (int n = 0; n < 200_000; n++) {
            // exponents from 2^-27 to 2^16, random fraction bits, random sign
            int bits = ((rng.nextInt(44) + 100) << 23) | rng.nextInt(1 << 23) | (rng.nextBoolean() ? 0x8000_0000 : 0);
            float f = Float.intBitsToFloat(bits);
            int h = FloatBits.toHalfBits(f);
            checkNearest(f, h, FloatBits.fromHalfBits(h), FloatBits.fromHalfBits(h - 1),
                    FloatBits.fromHalfBits(h + 1), 0x7c00);
        }
    }

    @Test
    void bfloat16EdgeCasesAndNearestValue() {
        assertEquals(1f, FloatBits.roundToBfloat16(1 + 0x1p-8f), "tie: to even, 1");
        assertEquals(1 + 0x1p-6f, FloatBits.roundToBfloat16(1 + 3 * 0x1p-8f), "tie: to even, up");
        assertEquals(1 + 0x1p-7f, FloatBits.roundToBfloat16(Math.nextUp(1 + 0x1p-8f)));
        assertEquals(Float.POSITIVE_INFINITY, FloatBits.roundToBfloat16(Float.MAX_VALUE), "rounds past the largest bf16");
        assertEquals(Float.intBitsToFloat(0x7f7f0000), FloatBits.roundToBfloat16(Float.intBitsToFloat(0x7f7f7fff)));
        assertEquals(Float.NEGATIVE_INFINITY, FloatBits.roundToBfloat16(Float.NEGATIVE_INFINITY));
        assertEquals(Float.MIN_VALUE * 0, FloatBits.roundToBfloat16(Float.MIN_VALUE), "float subnormal below bf16's unit");
        assertEquals(0x8000, FloatBits.toBfloat16Bits(-0f));
        assertTrue(Float.isNaN(FloatBits.roundToBfloat16(Float.NaN)));
        assertTrue(Float.isNaN(FloatBits.roundToBfloat16(Float.intBitsToFloat(0x7f800001))), "low-payload NaN stays NaN");
        assertTrue(Float.isNaN(FloatBits.roundToBfloat16(Float.intBitsToFloat(0xff80ffff))));
        assertEquals(0xff80, FloatBits.toBfloat16Bits(Float.NEGATIVE_INFINITY));
        SplittableRandom rng = new SplittableRandom(72);
        for (int n = 0; n < 200_000; n++) {
            int bits = rng.nextInt() & 0x7f7f_ffff;                  // finite, both signs below
            float f = Float.intBitsToFloat(bits | (rng.nextBoolean() ? 0x8000_0000 : 0));
            int b = FloatBits.toBfloat16Bits(f);
            checkNearest(f, b, FloatBits.fromBfloat16Bits(b), FloatBits.fromBfloat16Bits(b - 1),
                    FloatBits.fromBfloat16Bits(b + 1), 0x7f80);
        }
    }

    /**
     * r (pattern p) must be at least as near to f as the values of patterns p ∓ 1 (the neighbours in magnitude;
     * pattern infBits, ∞, stands for {@code top} = 2^(emax+1)), and on a tie p must be even.
     */
    private static void checkNearest(float f, int p, float r, float below, float above, int infBits) {
        double top = infBits == 0x7c00 ? 65536 : Math.scalb(1.0, 128);
        int mag = p & 0x7fff;
        double fd = Math.abs((double) f);
        double rd = mag == infBits ? top : Math.abs((double) r);
        double dr = Math.abs(fd - rd);
        if (mag > 0) {
            double dl = Math.abs(fd - Math.abs((double) below));
            assertTrue(dr < dl || (dr == dl && (mag & 1) == 0),
                    () -> "f = " + f + " -> " + r + " but " + below + " is nearer");
        }
        if (mag < infBits) {
            double dh = Math.abs(fd - (mag + 1 == infBits ? top : Math.abs((double) above)));
            assertTrue(dr < dh || (dr == dh && (mag & 1) == 0),
                    () -> "f = " + f + " -> " + r + " but " + above + " is nearer");
        }
    }
}
