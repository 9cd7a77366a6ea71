package org.ffebm.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernel where it is compiled (this module, run with {@code --add-modules jdk.incubator.vector}): it
 * must give {@link ReferenceGemmF32}'s bits on every shape in 1..4³, zero-size dimensions, sizes around the lane
 * count and the block width, partial ranges (other rows keep their NaN sentinels) and beta 0, 1, 0.5. Core's
 * {@code GemmF32Test} runs the full suite over every kernel {@link Kernels} offers, this one included when it is on the
 * class path.
 */
class VectorGemmF32Test {

    private static final ReferenceGemmF32 REF = new ReferenceGemmF32();

    @BeforeAll
    static void vectorKernelLoads() {
        String why = Kernels.vectorUnavailableReason();
        Assumptions.assumeFalse(why != null && why.startsWith("the vector kernel refused this machine"), why);
        assertNull(why, "the vector kernel should load in this module");
        assertEquals(Kernels.VECTOR, Kernels.fastest().name());
    }

    private static FMatrixRMaj random(int rows, int cols, SplittableRandom rng) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return m;
    }

    /** All three products at m×k×n, over [r0, r1), with C's rows outside the range NaN; bits must equal the reference's. */
    private static void sameBits(int m, int k, int n, int r0, int r1, SplittableRandom rng) {
        GemmF32 v = Kernels.byName(Kernels.VECTOR);
        for (float beta : new float[] {0f, 1f, 0.5f}) {
            FMatrixRMaj c0 = random(m, n, rng);
            Arrays.fill(c0.data, 0, r0 * n, Float.NaN);
            Arrays.fill(c0.data, r1 * n, m * n, Float.NaN);
            FMatrixRMaj a = random(m, k, rng), b = random(k, n, rng), bt = random(n, k, rng), at = random(k, m, rng);
            for (int op = 0; op < 3; op++) {
                FMatrixRMaj want = c0.copy(), got = c0.copy();
                if (op == 0) {
                    REF.mult(a, b, beta, want, r0, r1);
                    v.mult(a, b, beta, got, r0, r1);
                } else if (op == 1) {
                    REF.multTransB(a, bt, beta, want, r0, r1);
                    v.multTransB(a, bt, beta, got, r0, r1);
                } else {
                    REF.multTransA(-0.3f, at, b, beta, want, r0, r1);
                    v.multTransA(-0.3f, at, b, beta, got, r0, r1);
                }
                for (int e = 0; e < m * n; e++) {
                    if (Float.floatToRawIntBits(want.data[e]) != Float.floatToRawIntBits(got.data[e])) {
                        fail(new String[] {"mult", "multTransB", "multTransA"}[op] + " " + m + "x" + k + "x" + n
                                + " rows [" + r0 + "," + r1 + ") beta=" + beta + ": element (" + e / n + "," + e % n
                                + ") = " + got.data[e] + ", reference " + want.data[e]);
                    }
                }
            }
        }
    }

    @Test
    void everySmallShapeAndZeroSizes() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int m = 0; m <= 4; m++) {
            for (int k = 0; k <= 4; k++) {
                for (int n = 0; n <= 4; n++) {
                    sameBits(m, k, n, 0, m, rng);
                }
            }
        }
    }

    @Test
    void sizesAroundLanesAndBlocks() {
        SplittableRandom rng = new SplittableRandom(12);
        int[] sizes = {5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65};
        for (int n : sizes) {
            sameBits(9, 13, n, 0, 9, rng);
            sameBits(n, 6, 21, 1, n - 1, rng);
        }
        sameBits(129, 785, 511, 3, 126, rng);
    }

    @Test
    void shapesAreChecked() {
        GemmF32 v = Kernels.byName(Kernels.VECTOR);
        FMatrixRMaj a = new FMatrixRMaj(3, 4), c = new FMatrixRMaj(3, 5);
        assertThrows(ShapeMismatchException.class, () -> v.mult(a, new FMatrixRMaj(5, 5), 0f, c, 0, 3));
        assertThrows(ShapeMismatchException.class, () -> v.multTransB(a, new FMatrixRMaj(5, 3), 0f, c, 0, 3));
        assertThrows(ShapeMismatchException.class, () -> v.multTransA(1f, a, new FMatrixRMaj(4, 5), 0f, c, 0, 3));
        FMatrixRMaj sq = new FMatrixRMaj(4, 4);
        assertThrows(IllegalArgumentException.class, () -> v.mult(sq, new FMatrixRMaj(4, 4), 0f, sq, 0, 4));
    }
}
