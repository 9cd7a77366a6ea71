package org.ffebm.core.tensor;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.mult.MatrixMatrixMult_FDRM;

/**
 * The kernel that delegates to EJML's single-precision products ({@link MatrixMatrixMult_FDRM}).
 *
 * <p><b>Which EJML kernels.</b> EJML's {@code CommonOps_FDRM} picks between a "small" and a "reorder" algorithm from
 * the matrix shapes, and for {@code multTransA} the choice depends on the number of output rows, which a row range
 * changes. This class therefore calls one algorithm per operation whatever the shapes:
 * <ul>
 *   <li>{@code mult}: {@code mult_reorder} (beta = 0) or {@code multAdd_reorder};</li>
 *   <li>{@code multTransB}: {@code multTransB} or {@code multAddTransB} (a dot product per element);</li>
 *   <li>{@code multTransA}: {@code multTransA_reorder(alpha, …)} or {@code multAddTransA_reorder(alpha, …)}.</li>
 * </ul>
 * A beta other than 0 or 1 is applied first with {@link CommonOps_FDRM#scale(float, org.ejml.data.FMatrixD1)}, then
 * the product is added ({@code multAdd…}): EJML has no beta argument.
 *
 * <p><b>Row ranges.</b> EJML works on whole matrices. For the full range {@code [0, rows)} the EJML kernel runs on the
 * caller's matrices directly. For a partial range the input rows that the range needs (A's rows for {@code mult} and
 * {@code multTransB}, A's columns for {@code multTransA}) and, if beta ≠ 0, C's rows are copied into scratch matrices,
 * the same EJML kernel runs on them, and the result rows are copied back. The copies cost (r1−r0)·(k + n) floats per
 * call against 2·(r1−r0)·k·n flops.
 *
 * <p><b>Summation order and bits.</b> All three EJML algorithms above compute an output row from that row's inputs
 * only, with the inner index in increasing order; so the full-range and the partial-range paths give the same bits,
 * and the row-independence contract of {@link GemmF32} holds (the tests assert it). The bits can differ from
 * {@link ReferenceGemmF32} by rounding: with beta ≠ 0 EJML starts the sum from {@code beta·C} instead of adding it
 * at the end, {@code multTransA} multiplies each term by alpha ({@code (alpha·a)·b}) instead of the sum, and the
 * reorder kernels start from the first term instead of {@code 0f} (only the sign of an all-zero sum can differ).
 *
 * <p><b>Threads and memory.</b> The scratch matrices are per thread ({@link ThreadLocal}, created on a thread's first
 * partial-range call and grown only when a larger block is asked for), so one instance may serve several threads on
 * disjoint row ranges at once, as {@link Parallel} does. After a thread's first call at the largest block it will
 * see, nothing is allocated. Each pool worker keeps its scratch for its lifetime: about (r1−r0)·(k + n) floats.
 */
public final class EjmlGemmF32 implements GemmF32 {

    /** A thread's copies of the input block and the output block. */
    private static final class Scratch {
        final FMatrixRMaj a = new FMatrixRMaj(1, 1);
        final FMatrixRMaj c = new FMatrixRMaj(1, 1);
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    @Override
    public String name() {
        return "ejml";
    }

    @Override
    public void mult(FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1) {
        GemmF32.checkMult(a, b, c, r0, r1);
        onRows(a, b, beta, c, r0, r1, EjmlGemmF32::mult);
    }

    /** A whole-matrix EJML product C = op(A, B) + beta·C. */
    @FunctionalInterface
    private interface WholeProduct {
        void apply(FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c);
    }

    /**
     * Runs {@code op} on rows [r0, r1) of A and C: directly for the full range, else through this thread's scratch
     * copy of those rows (op's rows of C depend only on the same rows of A, for both products that use this).
     */
    private void onRows(FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1, WholeProduct op) {
        if (r0 == r1) {
            return;
        }
        if (r0 == 0 && r1 == c.numRows) {
            op.apply(a, b, beta, c);
            return;
        }
        Scratch s = scratch.get();
        final int k = a.numCols, n = c.numCols, rows = r1 - r0;
        s.a.reshape(rows, k);
        System.arraycopy(a.data, r0 * k, s.a.data, 0, rows * k);
        s.c.reshape(rows, n);
        if (beta != 0f) {
            System.arraycopy(c.data, r0 * n, s.c.data, 0, rows * n);
        }
        op.apply(s.a, b, beta, s.c);
        System.arraycopy(s.c.data, 0, c.data, r0 * n, rows * n);
    }

    private static void mult(FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c) {
        if (beta == 0f) {
            MatrixMatrixMult_FDRM.mult_reorder(a, b, c);
        } else {
            if (beta != 1f) {
                CommonOps_FDRM.scale(beta, c);
            }
            MatrixMatrixMult_FDRM.multAdd_reorder(a, b, c);
        }
    }

    @Override
    public void multTransB(FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1) {
        GemmF32.checkMultTransB(a, b, c, r0, r1);
        onRows(a, b, beta, c, r0, r1, EjmlGemmF32::multTransB);
    }

    private static void multTransB(FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c) {
        if (beta == 0f) {
            MatrixMatrixMult_FDRM.multTransB(a, b, c);
        } else {
            if (beta != 1f) {
                CommonOps_FDRM.scale(beta, c);
            }
            MatrixMatrixMult_FDRM.multAddTransB(a, b, c);
        }
    }

    @Override
    public void multTransA(float alpha, FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1) {
        GemmF32.checkMultTransA(a, b, c, r0, r1);
        if (r0 == r1) {
            return;
        }
        if (r0 == 0 && r1 == c.numRows) {
            multTransA(alpha, a, b, beta, c);
            return;
        }
        Scratch s = scratch.get();
        final int k = a.numRows, m = a.numCols, n = c.numCols, rows = r1 - r0;
        // output rows [r0, r1) of Aᵀ·B come from columns [r0, r1) of A
        s.a.reshape(k, rows);
        for (int p = 0; p < k; p++) {
            System.arraycopy(a.data, p * m + r0, s.a.data, p * rows, rows);
        }
        s.c.reshape(rows, n);
        if (beta != 0f) {
            System.arraycopy(c.data, r0 * n, s.c.data, 0, rows * n);
        }
        multTransA(alpha, s.a, b, beta, s.c);
        System.arraycopy(s.c.data, 0, c.data, r0 * n, rows * n);
    }

    private static void multTransA(float alpha, FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c) {
        if (beta == 0f) {
            MatrixMatrixMult_FDRM.multTransA_reorder(alpha, a, b, c);
        } else {
            if (beta != 1f) {
                CommonOps_FDRM.scale(beta, c);
            }
            MatrixMatrixMult_FDRM.multAddTransA_reorder(alpha, a, b, c);
        }
    }
}
