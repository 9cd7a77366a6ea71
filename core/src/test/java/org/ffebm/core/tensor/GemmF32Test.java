package org.ffebm.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel of {@link Kernels#names()} against {@link ReferenceGemmF32} and a double-precision oracle: all shapes
 * in 1..4³, zero-size dimensions, sizes that are not multiples of a block or a vector, beta 0, 1 and 0.5, alpha ≠ 1,
 * partial row ranges, the row-independence (threading) contract, argument checks and allocation.
 */
class GemmF32Test {

    /** Unit roundoff of float. */
    private static final double U_F32 = 0x1p-24;
    /** Safety factor on the worst-case bound (k + 2)·u·Σ|a·b| of a float dot product and the final scaling. */
    private static final double TOL_FACTOR = 2.0;
    /** Kernels documented to give the reference's bits. */
    private static final List<String> BIT_EXACT = List.of(Kernels.REFERENCE, Kernels.BLOCKED, Kernels.VECTOR);
    private static final float[] BETAS = {0f, 1f, 0.5f};

    private static final ReferenceGemmF32 REF = new ReferenceGemmF32();

    /** The three products; m×n output, inner dimension k, as stored (A and B with their op's layout). */
    enum Op {
        MULT, TRANS_B, TRANS_A;

        FMatrixRMaj newA(int m, int k, SplittableRandom rng) {
            return this == TRANS_A ? random(k, m, rng) : random(m, k, rng);
        }

        FMatrixRMaj newB(int k, int n, SplittableRandom rng) {
            return this == TRANS_B ? random(n, k, rng) : random(k, n, rng);
        }

        void run(GemmF32 g, float alpha, FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1) {
            switch (this) {
                case MULT:
                    g.mult(a, b, beta, c, r0, r1);
                    break;
                case TRANS_B:
                    g.multTransB(a, b, beta, c, r0, r1);
                    break;
                default:
                    g.multTransA(alpha, a, b, beta, c, r0, r1);
            }
        }

        /** alpha used in tests: only multTransA has one. */
        float alpha(float wanted) {
            return this == TRANS_A ? wanted : 1f;
        }

        double a(FMatrixRMaj a, int i, int p) {
            return this == TRANS_A ? a.get(p, i) : a.get(i, p);
        }

        double b(FMatrixRMaj b, int p, int j) {
            return this == TRANS_B ? b.get(j, p) : b.get(p, j);
        }
    }

    static Stream<String> kernels() {
        return Kernels.names().stream();
    }

    private static FMatrixRMaj random(int rows, int cols, SplittableRandom rng) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return m;
    }

    private static FMatrixRMaj nan(int rows, int cols) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        java.util.Arrays.fill(m.data, Float.NaN);
        return m;
    }

    /**
     * Asserts rows [r0, r1) of {@code got} against the exact value (in double) of alpha·op(A,B) + beta·C0 within
     * TOL_FACTOR·(k + 2)·u·(|alpha|·Σ|a·b| + |beta·c0|), and, for the kernels in {@link #BIT_EXACT}, bit-equality with
     * the reference; rows outside the range must keep c0's bits.
     */
    private static void check(String kernel, Op op, float alpha, FMatrixRMaj a, FMatrixRMaj b, float beta,
            FMatrixRMaj c0, FMatrixRMaj got, int r0, int r1) {
        int m = c0.numRows, n = c0.numCols, k = op == Op.TRANS_A ? a.numRows : a.numCols;
        FMatrixRMaj want = c0.copy();
        op.run(REF, alpha, a, b, beta, want, r0, r1);
        String where = kernel + " " + op + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha + " beta=" + beta
                + " rows [" + r0 + "," + r1 + ")";
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float g = got.get(i, j);
                if (i < r0 || i >= r1) {
                    if (Float.floatToRawIntBits(g) != Float.floatToRawIntBits(c0.get(i, j))) {
                        fail(where + ": element (" + i + "," + j + ") outside the range was modified: " + g);
                    }
                    continue;
                }
                double exact = 0, scale = 0;
                for (int p = 0; p < k; p++) {
                    double t = op.a(a, i, p) * op.b(b, p, j);
                    exact += t;
                    scale += Math.abs(t);
                }
                exact *= alpha;
                scale *= Math.abs(alpha);
                if (beta != 0f) {
                    exact += (double) beta * c0.get(i, j);
                    scale += Math.abs((double) beta * c0.get(i, j));
                }
                double tol = TOL_FACTOR * (k + 2) * U_F32 * scale;
                if (!(Math.abs(g - exact) <= tol)) {
                    fail(where + ": element (" + i + "," + j + ") = " + g + ", exact " + exact + ", tolerance " + tol);
                }
                if (BIT_EXACT.contains(kernel)
                        && Float.floatToIntBits(g) != Float.floatToIntBits(want.get(i, j))) {
                    fail(where + ": element (" + i + "," + j + ") = " + g + " but the reference gives "
                            + want.get(i, j) + " (this kernel promises the reference's bits)");
                }
            }
        }
    }

    /** Runs op on a fresh copy of c0 over [r0, r1) and checks it. */
    private static void runAndCheck(String kernel, Op op, float alpha, FMatrixRMaj a, FMatrixRMaj b, float beta,
            FMatrixRMaj c0, int r0, int r1) {
        GemmF32 g = Kernels.byName(kernel);
        FMatrixRMaj got = c0.copy();
        op.run(g, alpha, a, b, beta, got, r0, r1);
        check(kernel, op, alpha, a, b, beta, c0, got, r0, r1);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void everySmallShape(String kernel) {
        SplittableRandom rng = new SplittableRandom(1);
        for (Op op : Op.values()) {
            for (int m = 1; m <= 4; m++) {
                for (int n = 1; n <= 4; n++) {
                    for (int k = 1; k <= 4; k++) {
                        for (float beta : BETAS) {
                            FMatrixRMaj a = op.newA(m, k, rng), b = op.newB(k, n, rng), c0 = random(m, n, rng);
                            runAndCheck(kernel, op, op.alpha(-0.75f), a, b, beta, c0, 0, m);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void zeroSizeDimensions(String kernel) {
        SplittableRandom rng = new SplittableRandom(2);
        int[][] shapes = {{0, 3, 5}, {3, 0, 5}, {3, 5, 0}, {0, 0, 0}, {0, 4, 0}, {6, 0, 0}};
        for (Op op : Op.values()) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                for (float beta : BETAS) {
                    FMatrixRMaj a = op.newA(m, k, rng), b = op.newB(k, n, rng), c0 = random(m, n, rng);
                    runAndCheck(kernel, op, op.alpha(2f), a, b, beta, c0, 0, m);
                    if (m > 2) {
                        runAndCheck(kernel, op, op.alpha(2f), a, b, beta, c0, 1, m - 1);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void awkwardSizes(String kernel) {
        SplittableRandom rng = new SplittableRandom(3);
        // {m, k, n}: primes, one past a block or a vector (16 lanes with AVX-512, 8 with AVX2), the training shapes
        int[][] shapes = {{7, 13, 29}, {5, 17, 33}, {9, 31, 65}, {33, 3, 47}, {129, 785, 511}};
        for (Op op : Op.values()) {
            for (int[] s : shapes) {
                int m = s[0], k = s[1], n = s[2];
                FMatrixRMaj a = op.newA(m, k, rng), b = op.newB(k, n, rng), c0 = random(m, n, rng);
                for (float beta : BETAS) {
                    runAndCheck(kernel, op, op.alpha(0.3f), a, b, beta, c0, 0, m);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void partialRangesLeaveOtherRowsUntouched(String kernel) {
        SplittableRandom rng = new SplittableRandom(4);
        int m = 11, k = 19, n = 37;
        int[][] ranges = {{0, 1}, {3, 8}, {10, 11}, {2, 11}, {0, 10}, {5, 5}};
        for (Op op : Op.values()) {
            FMatrixRMaj a = op.newA(m, k, rng), b = op.newB(k, n, rng);
            for (int[] r : ranges) {
                // beta = 0: every element is a NaN sentinel, which the range's rows must overwrite
                runAndCheck(kernel, op, op.alpha(1.5f), a, b, 0f, nan(m, n), r[0], r[1]);
                // beta != 0: the range's rows hold values, the others NaN sentinels
                for (float beta : new float[] {1f, 0.5f}) {
                    FMatrixRMaj c0 = nan(m, n);
                    for (int i = r[0]; i < r[1]; i++) {
                        for (int j = 0; j < n; j++) {
                            c0.set(i, j, (float) (rng.nextDouble() * 2 - 1));
                        }
                    }
                    runAndCheck(kernel, op, op.alpha(1.5f), a, b, beta, c0, r[0], r[1]);
                }
            }
        }
    }

    /** The threading contract: a row's bits do not depend on the range it was computed in. */
    @ParameterizedTest
    @MethodSource("kernels")
    void rowBitsDoNotDependOnTheRange(String kernel) {
        GemmF32 g = Kernels.byName(kernel);
        SplittableRandom rng = new SplittableRandom(5);
        int[][] shapes = {{37, 50, 45}, {128, 97, 70}, {13, 4, 3}};
        for (Op op : Op.values()) {
            for (int[] s : shapes) {
                int m = s[0], k = s[1], n = s[2];
                FMatrixRMaj a = op.newA(m, k, rng), b = op.newB(k, n, rng), c0 = random(m, n, rng);
                for (float beta : BETAS) {
                    FMatrixRMaj full = c0.copy();
                    op.run(g, op.alpha(0.7f), a, b, beta, full, 0, m);
                    // splits with odd boundaries, as Parallel makes for 1..5 threads, and one row at a time
                    for (int parts : new int[] {2, 3, 5, m}) {
                        FMatrixRMaj split = c0.copy();
                        for (int q = 0; q < parts; q++) {
                            int r0 = (int) ((long) m * q / parts), r1 = (int) ((long) m * (q + 1) / parts);
                            op.run(g, op.alpha(0.7f), a, b, beta, split, r0, r1);
                        }
                        for (int e = 0; e < full.getNumElements(); e++) {
                            if (Float.floatToIntBits(full.data[e]) != Float.floatToIntBits(split.data[e])) {
                                fail(kernel + " " + op + " " + m + "x" + k + "x" + n + " beta=" + beta + " in "
                                        + parts + " parts: element (" + e / n + "," + e % n + ") = " + split.data[e]
                                        + " but " + full.data[e] + " over the full range");
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void shapeMismatchAndAliasingAreRejected(String kernel) {
        GemmF32 g = Kernels.byName(kernel);
        FMatrixRMaj a = new FMatrixRMaj(3, 4), b = new FMatrixRMaj(4, 5), c = new FMatrixRMaj(3, 5);
        FMatrixRMaj bt = new FMatrixRMaj(5, 4), at = new FMatrixRMaj(4, 3);
        assertThrows(ShapeMismatchException.class, () -> g.mult(a, bt, 0f, c, 0, 3));
        assertThrows(ShapeMismatchException.class, () -> g.mult(a, b, 0f, new FMatrixRMaj(3, 4), 0, 3));
        assertThrows(ShapeMismatchException.class, () -> g.multTransB(a, b, 0f, c, 0, 3));
        assertThrows(ShapeMismatchException.class, () -> g.multTransB(a, bt, 0f, new FMatrixRMaj(5, 3), 0, 3));
        assertThrows(ShapeMismatchException.class, () -> g.multTransA(1f, a, b, 0f, c, 0, 3));
        assertThrows(ShapeMismatchException.class, () -> g.multTransA(1f, at, b, 0f, new FMatrixRMaj(4, 5), 0, 3));

        FMatrixRMaj sq = new FMatrixRMaj(4, 4), sq2 = new FMatrixRMaj(4, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.mult(sq, sq2, 0f, sq, 0, 4));
        assertTrue(e.getMessage().contains("must not be one of the inputs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> g.mult(sq2, sq, 0f, sq, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> g.multTransB(sq, sq2, 0f, sq, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> g.multTransA(1f, sq, sq2, 0f, sq, 0, 4));

        assertThrows(IllegalArgumentException.class, () -> g.mult(a, b, 0f, c, -1, 2));
        assertThrows(IllegalArgumentException.class, () -> g.mult(a, b, 0f, c, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> g.mult(a, b, 0f, c, 0, 4));
    }

    /**
     * After a first call at a shape (which may create a thread's scratch), the scalar kernels allocate nothing, even
     * in the interpreter. The vector kernel is left to JMH {@code -prof gc}: its vectors are objects until C2 compiles
     * the loop.
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void noAllocationAfterTheFirstCall(String kernel) {
        Assumptions.assumeFalse(kernel.equals(Kernels.VECTOR), "checked by the JMH benchmark with -prof gc");
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
        GemmF32 g = Kernels.byName(kernel);
        SplittableRandom rng = new SplittableRandom(6);
        int m = 9, k = 10, n = 11;
        FMatrixRMaj a = random(m, k, rng), b = random(k, n, rng), bt = random(n, k, rng), at = random(k, m, rng);
        FMatrixRMaj c = random(m, n, rng);
        Runnable calls = () -> {
            g.mult(a, b, 0.5f, c, 0, m);
            g.mult(a, b, 0f, c, 2, 7);
            g.multTransB(a, bt, 1f, c, 0, m);
            g.multTransB(a, bt, 0f, c, 2, 7);
            g.multTransA(0.1f, at, b, 0.5f, c, 0, m);
            g.multTransA(0.1f, at, b, 0f, c, 2, 7);
        };
        calls.run();
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int rep = 0; rep < 100; rep++) {
            calls.run();
        }
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        // 600 calls: even one 16-byte object per call would show as 9600 bytes
        assertTrue(allocated < 1024, kernel + " allocated " + allocated + " bytes in 600 calls");
    }

    @Test
    void kernelsByNameAndFastest() {
        for (String name : Kernels.names()) {
            assertEquals(name, Kernels.byName(name).name());
        }
        assertTrue(Kernels.names().containsAll(List.of(Kernels.REFERENCE, Kernels.EJML, Kernels.BLOCKED)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.byName("gpu"));
        assertTrue(e.getMessage().contains("'gpu'") && e.getMessage().contains("reference, ejml, blocked"),
                e.getMessage());
        assertThrows(NullPointerException.class, () -> Kernels.byName(null));

        String fastest = Kernels.fastest().name();
        assertEquals(Kernels.vectorAvailable() ? Kernels.VECTOR : Kernels.BLOCKED, fastest);
        assertEquals(Kernels.vectorAvailable(), Kernels.names().contains(Kernels.VECTOR));
        assertEquals(Kernels.vectorAvailable(), Kernels.vectorUnavailableReason() == null);
        if (!Kernels.vectorAvailable()) {
            IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
                    () -> Kernels.byName(Kernels.VECTOR));
            assertTrue(v.getMessage().contains(Kernels.vectorUnavailableReason()), v.getMessage());
        }
    }

    @Test
    void selfCheckCatchesAKernelWithOtherBits() {
        assertEquals(null, Kernels.selfCheck(new BlockedGemmF32()));
        // EJML starts the sum from beta·C: close to the reference but not its bits
        String why = Kernels.selfCheck(new EjmlGemmF32());
        assertTrue(why != null && why.startsWith("self-check: mult"), String.valueOf(why));
    }
}
