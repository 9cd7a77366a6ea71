package org.ffebm.core.tensor;

import org.ejml.data.DMatrixRMaj;

/**
 * Double-precision matrix-product kernel on EJML row-major storage, restricted to a range of output rows.
 *
 * <p>Every method computes rows {@code [r0, r1)} of its output and leaves the other rows untouched, so that callers can
 * split a batch over threads. <b>Contract that makes results independent of the thread count:</b> the value written to
 * an output element must not depend on {@code r0}, {@code r1} or on the other rows (each element is reduced over the
 * inner dimension in an order that depends only on the matrix shapes). Kernels never allocate after their first call
 * with a given shape and never resize their arguments: callers size outputs.
 *
 * <p>Naming key (EJML): {@code mult} is C = A·B, {@code multTransB} is C = A·Bᵀ, {@code multTransA} is C = Aᵀ·B. The
 * {@code beta} argument is 0 (overwrite) or any other value (C = op + beta·C).
 */
public interface GemmF64 {

    /** A short name for logs, benchmarks and the run's provenance. */
    String name();

    /**
     * C[r0:r1,:] = A[r0:r1,:]·B + beta·C[r0:r1,:].
     *
     * @param a (Input) m×k, not modified
     * @param b (Input) k×n, not modified
     * @param beta 0 to overwrite C, otherwise the factor on C's old value
     * @param c (Output) m×n, rows r0..r1-1 modified; must not be a or b
     */
    void mult(DMatrixRMaj a, DMatrixRMaj b, double beta, DMatrixRMaj c, int r0, int r1);

    /**
     * C[r0:r1,:] = A[r0:r1,:]·Bᵀ + beta·C[r0:r1,:].
     *
     * @param a (Input) m×k, not modified
     * @param b (Input) n×k, not modified
     * @param c (Output) m×n, rows r0..r1-1 modified; must not be a or b
     */
    void multTransB(DMatrixRMaj a, DMatrixRMaj b, double beta, DMatrixRMaj c, int r0, int r1);

    /**
     * C[r0:r1,:] = alpha·(Aᵀ·B)[r0:r1,:] + beta·C[r0:r1,:]. Used for weight gradients: A is the batch of post-synaptic
     * states (k×m), B the pre-synaptic ones (k×n), and the sum over the batch index k runs in increasing order.
     *
     * @param a (Input) k×m, not modified
     * @param b (Input) k×n, not modified
     * @param c (Output) m×n, rows r0..r1-1 modified; must not be a or b
     */
    void multTransA(double alpha, DMatrixRMaj a, DMatrixRMaj b, double beta, DMatrixRMaj c, int r0, int r1);

    /** Shape checks shared by implementations; throws {@link ShapeMismatchException}. */
    static void checkMult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, int r0, int r1) {
        if (a.numCols != b.numRows || c.numRows != a.numRows || c.numCols != b.numCols) {
            throw new ShapeMismatchException("mult: A " + a.numRows + "x" + a.numCols + ", B " + b.numRows + "x" + b.numCols
                    + ", C " + c.numRows + "x" + c.numCols);
        }
        checkOut(a, b, c, r0, r1);
    }

    static void checkMultTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, int r0, int r1) {
        if (a.numCols != b.numCols || c.numRows != a.numRows || c.numCols != b.numRows) {
            throw new ShapeMismatchException("multTransB: A " + a.numRows + "x" + a.numCols + ", B " + b.numRows + "x"
                    + b.numCols + ", C " + c.numRows + "x" + c.numCols);
        }
        checkOut(a, b, c, r0, r1);
    }

    static void checkMultTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, int r0, int r1) {
        if (a.numRows != b.numRows || c.numRows != a.numCols || c.numCols != b.numCols) {
            throw new ShapeMismatchException("multTransA: A " + a.numRows + "x" + a.numCols + ", B " + b.numRows + "x"
                    + b.numCols + ", C " + c.numRows + "x" + c.numCols);
        }
        checkOut(a, b, c, r0, r1);
    }

    private static void checkOut(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, int r0, int r1) {
        if (c == a || c == b) {
            throw new IllegalArgumentException("output matrix must not be one of the inputs");
        }
        if (r0 < 0 || r1 < r0 || r1 > c.numRows) {
            throw new IllegalArgumentException("row range [" + r0 + ", " + r1 + ") outside 0.." + c.numRows);
        }
    }
}
