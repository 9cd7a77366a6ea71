package org.ffebm.digital.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NumberFormatTest {

    @Test
    void parseAcceptsTheFourNamesAndRejectsOthersClearly() {
        assertEquals(NumberFormat.FP32, NumberFormat.parse("fp32"));
        assertEquals(NumberFormat.BF16, NumberFormat.parse("BF16"));
        assertEquals(NumberFormat.FP16, NumberFormat.parse(" fp16 "));
        assertEquals(NumberFormat.INT8, NumberFormat.parse("int8"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NumberFormat.parse("fp8"));
        assertTrue(e.getMessage().contains("'fp8'") && e.getMessage().contains("fp32, bf16, fp16, int8"),
                e.getMessage());
        assertThrows(NullPointerException.class, () -> NumberFormat.parse(null));
        for (NumberFormat f : NumberFormat.values()) {
            assertEquals(f, NumberFormat.parse(f.key()));
            assertEquals(f.key(), f.toString());
        }
    }

    @Test
    void bytesPerValue() {
        assertEquals(4, NumberFormat.FP32.bytesPerValue());
        assertEquals(2, NumberFormat.BF16.bytesPerValue());
        assertEquals(2, NumberFormat.FP16.bytesPerValue());
        assertEquals(1, NumberFormat.INT8.bytesPerValue());
    }

    @Test
    void floatFormatsRoundOnlyTheRange() {
        float[] d = {1 + 0x1p-11f, 1 + 0x1p-11f, 70000f, 1 + 0x1p-11f};
        assertEquals(1.0, NumberFormat.FP16.roundInPlace(d, 1, 3));
        assertArrayEquals(new float[] {1 + 0x1p-11f, 1f, Float.POSITIVE_INFINITY, 1 + 0x1p-11f}, d);
        float[] b = {1 + 0x1p-9f, 3f};
        NumberFormat.BF16.roundInPlace(b, 0, 2);
        assertArrayEquals(new float[] {1f, 3f}, b);
        float[] same = {0.1f};
        NumberFormat.FP32.roundInPlace(same, 0, 1);
        assertEquals(0.1f, same[0]);
        double[] dd = {0.1, 1 + 0x1p-9};
        NumberFormat.FP32.roundInPlace(dd, 0, 1);
        NumberFormat.BF16.roundInPlace(dd, 1, 2);
        assertArrayEquals(new double[] {0.1f, 1.0}, dd);
        assertThrows(IndexOutOfBoundsException.class, () -> NumberFormat.FP16.roundInPlace(new float[2], 1, 3));
    }

    @Test
    void int8UsesTheSymmetricScaleOfItsRangeAndClamps() {
        float[] d = {99f, 2.54f, -1.27f, 0.005f, 0.015f, 0.025f, -0.0049f, Float.NaN, Float.NEGATIVE_INFINITY, 99f};
        double s = NumberFormat.INT8.roundInPlace(d, 1, 9);
        assertEquals(0.02f, (float) s, "scale = max |x| / 127 over the finite values of the range");
        float sf = (float) s;
        assertEquals(99f, d[0]);
        assertEquals(99f, d[9], "outside the range: untouched");
        assertEquals(127 * sf, d[1]);
        assertEquals(-64 * sf, d[2], "-63.5 rounds half to even: -64");
        assertEquals(0f, d[3], "0.25 units: 0");
        assertEquals(1 * sf, d[4], "0.75 units: 1");
        assertEquals(1 * sf, d[5], "1.25 units: 1");
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(d[6]), "small negatives keep their sign");
        assertTrue(Float.isNaN(d[7]));
        assertEquals(-127 * sf, d[8], "infinities saturate");
        for (int i = 1; i < 9; i++) {
            if (!Float.isNaN(d[i])) {
                float q = d[i] / sf;
                assertEquals(Math.rint(q), q, 1e-4, "entry " + i + " is on the int8 grid");
            }
        }
    }

    @Test
    void int8OfZerosHasScaleZeroAndDoublesWorkTheSameWay() {
        float[] z = {0f, -0f, 0f};
        assertEquals(0.0, NumberFormat.INT8.roundInPlace(z, 0, 3));
        assertArrayEquals(new float[] {0f, -0f, 0f}, z);
        double[] d = {1.27, -0.635, 0.0049, 0.0051};
        assertEquals(0.01, NumberFormat.INT8.roundInPlace(d, 0, 4), 1e-17);
        assertArrayEquals(new double[] {1.27, -0.64, 0.0, 0.01}, d, 1e-15);
    }
}
