package org.ffebm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The augmentation's configuration text and its transforms, checked against their definition. */
class AugmentTest {

    private static final Shape SHAPE = new Shape(2, 5, 4);

    @Test
    void parsesAndWritesBack() {
        assertEquals(Augment.NONE, Augment.parse(""));
        assertEquals(Augment.NONE, Augment.parse(" none "));
        assertEquals(new Augment(0, true), Augment.parse("flip"));
        assertEquals(new Augment(2, true), Augment.parse("shift=2, flip"));
        assertEquals(new Augment(3, false), Augment.parse("SHIFT=3"));
        for (Augment a : new Augment[] {Augment.NONE, new Augment(0, true), new Augment(2, false),
                new Augment(4, true)}) {
            assertEquals(a, Augment.parse(a.text()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rotate", "shift=", "shift=two", "shift=-1", "shift=17", "flip,flip", "shift=1,shift=2",
            "flip,,shift=1"})
    void badTextNamesTheKey(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augment.parse(text));
        assertTrue(e.getMessage().contains("ffebm.train.augment"), e.getMessage());
    }

    /** The image of sample r after the transform (flip, dy, dx) by the definition, zero outside. */
    private static float[] transformed(float[] in, boolean flip, int dy, int dx) {
        int h = SHAPE.height(), w = SHAPE.width();
        float[] out = new float[in.length];
        for (int c = 0; c < SHAPE.channels(); c++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    int si = i - dy, sj = (flip ? w - 1 - j : j) - dx;
                    out[c * h * w + i * w + j] = si < 0 || si >= h || sj < 0 || sj >= w ? 0
                            : in[c * h * w + si * w + sj];
                }
            }
        }
        return out;
    }

    /**
     * Every augmented sample is exactly one flip/shift of its original (distinct pixel values make the match
     * unique); over 4,000 samples the flip rate and each offset's rate are within 5 standard deviations of ½ and 1/5
     * (false alarm below 1e-5 per check).
     */
    @Test
    void eachSampleIsOneTransformOfItsOriginalWithUniformDraws() {
        int n = 4000, size = SHAPE.size();
        Augment a = new Augment(2, true);
        FMatrixRMaj x = new FMatrixRMaj(n, size);
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < size; k++) {
                x.data[r * size + k] = 1 + k;
            }
        }
        float[] original = new float[size];
        System.arraycopy(x.data, 0, original, 0, size);
        a.applyInPlace(x, n, SHAPE, new SplittableRandom(5), new float[size]);
        int flips = 0;
        int[] dyCount = new int[5];
        for (int r = 0; r < n; r++) {
            float[] got = new float[size];
            System.arraycopy(x.data, r * size, got, 0, size);
            int matches = 0;
            for (int f = 0; f < 2; f++) {
                for (int dy = -2; dy <= 2; dy++) {
                    for (int dx = -2; dx <= 2; dx++) {
                        if (java.util.Arrays.equals(got, transformed(original, f == 1, dy, dx))) {
                            matches++;
                            flips += f;
                            dyCount[dy + 2]++;
                        }
                    }
                }
            }
            assertEquals(1, matches, "sample " + r + " is exactly one transform of the original");
        }
        double sd = Math.sqrt(n * 0.25);
        assertEquals(n / 2.0, flips, 5 * sd, "flip rate");
        double sdy = Math.sqrt(n * 0.2 * 0.8);
        for (int c : dyCount) {
            assertEquals(n / 5.0, c, 5 * sdy, "vertical offset rate");
        }
    }

    @Test
    void sameSeedSameBitsAndNoneChangesNothing() {
        int size = SHAPE.size();
        FMatrixRMaj original = new FMatrixRMaj(50, size);
        SplittableRandom fill = new SplittableRandom(1);
        for (int k = 0; k < original.data.length; k++) {
            original.data[k] = (float) fill.nextDouble();
        }
        FMatrixRMaj a = original.copy(), b = original.copy(), c = original.copy();
        new Augment(3, true).applyInPlace(a, 50, SHAPE, new SplittableRandom(9), new float[size]);
        new Augment(3, true).applyInPlace(b, 50, SHAPE, new SplittableRandom(9), new float[size]);
        assertArrayEquals(a.data, b.data);
        Augment.NONE.applyInPlace(c, 50, SHAPE, new SplittableRandom(9), new float[size]);
        assertArrayEquals(original.data, c.data);
    }
}
