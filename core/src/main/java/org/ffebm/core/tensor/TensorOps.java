package org.ffebm.core.tensor;

import java.util.SplittableRandom;
import org.ejml.data.ReshapeMatrix;

/**
 * The numerical back end of blocks, losses and optimisers, in one precision: {@link F32Ops} (float32, the training
 * path) or {@link F64Ops} (float64, gradient checks). Blocks are written once against this interface, so the same
 * model code runs in both precisions.
 *
 * <p>Matrices are EJML row-major with the batch as rows. Methods that take {@code r0, r1} touch only rows
 * {@code [r0, r1)} of their output: the caller splits a batch over threads with {@link #parallel()}. Scalars are passed
 * as double and rounded to the back end's precision. Nothing here allocates, except {@link #zeros}.
 *
 * <p>Naming key: outputs come last; {@code InPlace} methods modify their first argument.
 *
 * @param <M> the matrix type, {@code FMatrixRMaj} or {@code DMatrixRMaj}
 */
public interface TensorOps<M extends ReshapeMatrix> {

    /** "float32" or "float64". */
    String precision();

    /** The kernel's name, for provenance. */
    String kernelName();

    /** How rows are split over threads. */
    Parallel parallel();

    /** A new rows×cols matrix of zeros. */
    M zeros(int rows, int cols);

    /** Grow-only reshape (EJML semantics: the data array is reallocated only when too small). */
    default void reshape(M m, int rows, int cols) {
        m.reshape(rows, cols);
    }

    double get(M m, int row, int col);

    void set(M m, int row, int col, double value);

    // ---------------------------------------------------------------------------------------------- products

    /** C[r0:r1] = A[r0:r1]·B + beta·C[r0:r1]. */
    void mult(M a, M b, double beta, M c, int r0, int r1);

    /** C[r0:r1] = A[r0:r1]·Bᵀ + beta·C[r0:r1]. */
    void multTransB(M a, M b, double beta, M c, int r0, int r1);

    /** C[r0:r1] = alpha·(Aᵀ·B)[r0:r1] + beta·C[r0:r1]; the reduction over A's rows runs in increasing order. */
    void multTransA(double alpha, M a, M b, double beta, M c, int r0, int r1);

    // ---------------------------------------------------------------------------------------------- element-wise

    /** dst[r0:r1] = src[r0:r1]. */
    void copyRows(M src, M dst, int r0, int r1);

    /** Copies src into dst, reshaping dst (grow-only). */
    void copy(M src, M dst);

    /** c[r] += alpha·row for every r in [r0, r1); {@code row} is 1×cols. */
    void addRowInPlace(M c, double alpha, M row, int r0, int r1);

    /** y[r0:r1] += alpha·x[r0:r1]. */
    void axpyRows(double alpha, M x, M y, int r0, int r1);

    /** c[r0:r1] = alpha·a[r0:r1] + beta·b[r0:r1]; c may be a or b; all three already of the same shape. */
    void combine(double alpha, M a, double beta, M b, M c, int r0, int r1);

    /** out(1×cols) = alpha·Σ_r (a − b)[r] + beta·out, summed over rows in increasing order; b may be null. */
    void sumRowsDiff(double alpha, M a, M b, double beta, M out);

    /** m = value everywhere. */
    void fill(M m, double value);

    /** Fills with U(lo, hi) in row-major order from {@code rng} (drawn in double, then rounded). */
    void uniform(M m, double lo, double hi, SplittableRandom rng);

    /**
     * The neuron update of a relaxation step on rows [r0, r1): s ← clip(slope·drive, 0, 1) if {@code clamp}, else
     * s ← drive (a linear layer). Rows with {@code frozen[r]} set are left unchanged. For every updated row,
     * {@code rowResidual[r] = max(rowResidual[r], max_j |Δs|)}.
     *
     * @param drive (Input) the layer's total input, not modified
     * @param s (Output) the layer's state, modified
     * @param frozen (Input) may be null (no row frozen)
     * @param rowResidual (Output) may be null (not tracked)
     */
    void relaxUpdate(M drive, M s, double slope, boolean clamp, boolean[] frozen, double[] rowResidual, int r0, int r1);

    /** out = clip(slope·in, 0, 1) (hard sigmoid) on rows [r0, r1). */
    void hardSigmoid(M in, double slope, M out, int r0, int r1);

    /** gradIn = gradOut ⊙ slope·1[0 < slope·in < 1] on rows [r0, r1). */
    void hardSigmoidBackward(M in, double slope, M gradOut, M gradIn, int r0, int r1);

    // ---------------------------------------------------------------------------------------------- losses

    /**
     * Softmax cross-entropy of each row of {@code logits} against {@code labels}; writes the per-sample gradient
     * softmax − onehot into {@code grad} (not divided by the batch size) and returns the loss summed over rows.
     */
    double softmaxCrossEntropy(M logits, int[] labels, M grad);

    /** ½‖o − onehot‖² per row; grad = o − onehot per sample; returns the sum over rows. */
    double squaredError(M out, int[] labels, M grad);

    /** Number of rows whose largest entry (first on ties) is at the label's index. */
    int countCorrect(M out, int[] labels);

    // ---------------------------------------------------------------------------------------------- optimisers

    /** SGD with momentum and coupled weight decay: v ← μ·v + g + λ·w; w ← w − lr·v. */
    void sgdStepInPlace(M w, M g, M v, double lr, double momentum, double weightDecay);

    /**
     * Adam (Kingma &amp; Ba 2015) with coupled L2 weight decay (g ← g + λ·w), bias correction at step t ≥ 1.
     */
    void adamStepInPlace(M w, M g, M m, M v, double lr, double beta1, double beta2, double eps, double weightDecay, long t);

    // ---------------------------------------------------------------------------------------------- conversions

    /** Row-major copy as doubles. */
    double[] toDoubleArray(M m);

    /** Sets m (already shaped) from row-major doubles, rounding to the back end's precision. */
    void setFrom(M m, double[] values);

    /** True if every entry is finite. */
    boolean allFinite(M m);
}
