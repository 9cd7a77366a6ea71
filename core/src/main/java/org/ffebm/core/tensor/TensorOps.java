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

    /** out = max(in, 0) (ReLU) on rows [r0, r1); NaN stays NaN, −0 becomes 0; out may be in. */
    void relu(M in, M out, int r0, int r1);

    /** gradIn = gradOut ⊙ 1[in &gt; 0] on rows [r0, r1) (the derivative at 0 taken as 0); gradIn may be gradOut. */
    void reluBackward(M in, M gradOut, M gradIn, int r0, int r1);

    /** m[r0:r1] = value. */
    void fillRows(M m, double value, int r0, int r1);

    // ---------------------------------------------------------------------------------------------- convolution

    /**
     * Unfolds the windows of images into rows (im2col), so that a convolution is one matrix product. For every sample
     * b in [r0, r1), output position (oh, ow) and patch entry (c, i, j):
     *
     * <pre>
     *   col[(b·Ho + oh)·Wo + ow, (c·k + i)·k + j] = x[b, (c·H + ih)·W + iw],   ih = oh·s − p + i,  iw = ow·s − p + j
     * </pre>
     *
     * and 0 where (ih, iw) falls in the padding. A convolution with kernels K (C_out × C·k·k, row-major as
     * {@code [co][c][i][j]}) is then {@code multTransB(col, K)}: (batch·Ho·Wo) × C_out, one row per output pixel
     * (see {@link #pixelsToChannels}). Only col rows [r0·Ho·Wo, r1·Ho·Wo) are written.
     *
     * @param x (Input) batch × C·H·W, channel-major per sample; not modified
     * @param g the window geometry over x
     * @param col (Output) (batch·Ho·Wo) × C·k·k, sized by the caller; must not be x
     * @throws ShapeMismatchException if the shapes do not match {@code g}
     * @throws IllegalArgumentException if the row range is outside the batch or col is x
     */
    void im2col(M x, ConvGeometry g, M col, int r0, int r1);

    /**
     * The adjoint of {@link #im2col} (col2im), added into images: for every sample b in [r0, r1),
     *
     * <pre>
     *   x[b, (c·H + ih)·W + iw] = beta·x[b, …] + Σ_{oh, ow, i, j : oh·s − p + i = ih, ow·s − p + j = iw} col[(b·Ho + oh)·Wo + ow, (c·k + i)·k + j]
     * </pre>
     *
     * so that ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩. Entries mapped to the padding are dropped. With {@code beta} 0 the old
     * values are not read (NaN does not propagate). The sum runs over (oh, ow) then (c, i, j) in increasing order, so
     * each element is the same bits whatever the row range. A transposed convolution Kᵀ⋆y is
     * {@code col2im(mult(y_pixels, K))}.
     *
     * @param col (Input) (batch·Ho·Wo) × C·k·k, not modified
     * @param g the window geometry over x
     * @param beta 0 to overwrite x, otherwise the factor on its old value
     * @param x (Output) batch × C·H·W, rows [r0, r1) modified; must not be col
     * @throws ShapeMismatchException if the shapes do not match {@code g}
     * @throws IllegalArgumentException if the row range is outside the batch or x is col
     */
    void col2im(M col, ConvGeometry g, double beta, M x, int r0, int r1);

    /**
     * One row per pixel to one row per sample, channel-major: dst[b, c·P + q] = src[b·P + q, c] for samples b in
     * [r0, r1) and pixels q &lt; P (per-sample transpose of a P × C block). Turns the output of a convolution as a
     * matrix product (see {@link #im2col}) into the layout of feature maps.
     *
     * @param src (Input) (batch·P) × C, not modified
     * @param pixels P ≥ 1
     * @param dst (Output) batch × C·P, rows [r0, r1) overwritten; must not be src
     * @throws ShapeMismatchException if the shapes do not match P
     * @throws IllegalArgumentException if P &lt; 1, the row range is outside the batch, or dst is src
     */
    void pixelsToChannels(M src, int pixels, M dst, int r0, int r1);

    /**
     * The inverse of {@link #pixelsToChannels}: dst[b·P + q, c] = src[b, c·P + q] for samples b in [r0, r1), i.e.
     * dst rows [r0·P, r1·P).
     *
     * @param src (Input) batch × C·P, not modified
     * @param pixels P ≥ 1
     * @param dst (Output) (batch·P) × C; must not be src
     * @throws ShapeMismatchException if the shapes do not match P
     * @throws IllegalArgumentException if P &lt; 1, the row range is outside the batch, or dst is src
     */
    void channelsToPixels(M src, int pixels, M dst, int r0, int r1);

    // ---------------------------------------------------------------------------------------------- pooling

    /**
     * Max pooling with the indices of the maxima, for samples b in [r0, r1):
     *
     * <pre>
     *   out[b, (c·Ho + oh)·Wo + ow] = x[b, a],   a = argmax_{i, j &lt; k} x[b, (c·H + oh·s + i)·W + ow·s + j]
     *   argmax[b·C·Ho·Wo + (c·Ho + oh)·Wo + ow] = a                     (the input column, 0 ≤ a &lt; C·H·W)
     * </pre>
     *
     * On ties the first entry of the window in row-major (i, j) order wins; a NaN in the window is the result.
     *
     * @param x (Input) batch × C·H·W, not modified
     * @param g the window geometry over x; padding must be 0
     * @param out (Output) batch × C·Ho·Wo, rows [r0, r1) overwritten; must not be x
     * @param argmax (Output) at least r1·C·Ho·Wo entries, entries of rows [r0, r1) overwritten
     * @throws ShapeMismatchException if the shapes do not match {@code g}
     * @throws IllegalArgumentException if {@code g} has padding, argmax is too short, or the row range is outside
     */
    void maxPool(M x, ConvGeometry g, M out, int[] argmax, int r0, int r1);

    /**
     * The adjoint of {@link #maxPool} at fixed indices (max-unpooling): for samples b in [r0, r1), dst[b] = 0, then
     * dst[b, argmax[b·n + o]] += src[b, o] for o = 0 … n − 1 in increasing order (n = C·Ho·Wo), so that
     * ⟨maxPool(x), y⟩ = ⟨x, maxUnpool(y)⟩ with the indices recorded from x.
     *
     * @param src (Input) batch × C·Ho·Wo, not modified
     * @param argmax (Input) indices from {@link #maxPool} with the same geometry, not modified
     * @param g the pooling geometry (of the unpooled map)
     * @param dst (Output) batch × C·H·W, rows [r0, r1) overwritten; must not be src
     * @throws ShapeMismatchException if the shapes do not match {@code g}
     * @throws IllegalArgumentException if an index is outside 0 … C·H·W − 1, argmax is too short, or the row range
     *                                  is outside
     */
    void maxUnpool(M src, int[] argmax, ConvGeometry g, M dst, int r0, int r1);

    /**
     * Average pooling: out[b, (c·Ho + oh)·Wo + ow] = (1/k²)·Σ_{i, j &lt; k} x[b, (c·H + oh·s + i)·W + ow·s + j] for
     * samples b in [r0, r1) (the sum in row-major (i, j) order, then multiplied by 1/k² rounded to the precision).
     *
     * @param x (Input) batch × C·H·W, not modified
     * @param g the window geometry over x; padding must be 0
     * @param out (Output) batch × C·Ho·Wo, rows [r0, r1) overwritten; must not be x
     * @throws ShapeMismatchException if the shapes do not match {@code g}
     * @throws IllegalArgumentException if {@code g} has padding or the row range is outside
     */
    void avgPool(M x, ConvGeometry g, M out, int r0, int r1);

    /**
     * The adjoint of {@link #avgPool}: for samples b in [r0, r1), dst[b] = 0, then every window adds
     * (1/k²)·src[b, (c·Ho + oh)·Wo + ow] to each of its k² inputs (windows in increasing order), so that
     * ⟨avgPool(x), y⟩ = ⟨x, avgUnpool(y)⟩.
     *
     * @param src (Input) batch × C·Ho·Wo, not modified
     * @param g the pooling geometry (of the unpooled map); padding must be 0
     * @param dst (Output) batch × C·H·W, rows [r0, r1) overwritten; must not be src
     * @throws ShapeMismatchException if the shapes do not match {@code g}
     * @throws IllegalArgumentException if {@code g} has padding or the row range is outside
     */
    void avgUnpool(M src, ConvGeometry g, M dst, int r0, int r1);

    // ---------------------------------------------------------------------------------------------- per channel

    /**
     * Per-channel sums over a batch of feature maps, the statistics of batch normalisation. Matrices are rows ×
     * C·S, channel-major per row (S = {@code spatial} positions per channel, as in {@link ConvGeometry}); for every
     * channel c in [c0, c1), with u′ = u − uShift[c] and v′ = v − vShift[c]:
     *
     * <pre>
     *   sumU[c] = Σ_{r, q} u′[r, c·S + q],     sumUV[c] = Σ_{r, q} u′[r, c·S + q]·v′[r, c·S + q]   (if v is given)
     * </pre>
     *
     * accumulated in double over rows then positions in increasing order, whatever the precision, so that a split of
     * the channels over threads gives the same bits. A null shift means 0.
     *
     * @param u (Input) rows × C·S, not modified
     * @param uShift (Input) at least C values, or null; not modified
     * @param v (Input) the shape of u, or null for no cross sums (sumUV is then not touched and may be null)
     * @param vShift (Input) at least C values, or null; not modified
     * @param spatial S ≥ 1
     * @param sumU (Output) entries [c0, c1) overwritten
     * @param sumUV (Output) entries [c0, c1) overwritten if v is given
     * @throws ShapeMismatchException if the columns are not a multiple of S, or v's shape differs from u's
     * @throws IllegalArgumentException if the channel range is outside 0 … C or an array is too short
     */
    void channelSums(M u, double[] uShift, M v, double[] vShift, int spatial, double[] sumU, double[] sumUV, int c0,
                     int c1);

    /**
     * A per-channel affine combination of two batches of feature maps (the normalisation of batch-norm and its
     * input gradient): on rows [r0, r1), for every entry of channel c,
     *
     * <pre>
     *   out = a[c]·u + b[c]·(v − vShift[c]) + d[c]
     * </pre>
     *
     * evaluated in double and rounded once to the precision. A null u drops the term a·u (a may then be null), a null
     * v drops b·(v − vShift) (b and vShift may then be null), a null vShift means 0. Element-wise: out may be u or v.
     *
     * @param u (Input) rows × C·S, or null; not modified
     * @param v (Input) rows × C·S, or null; not modified
     * @param d (Input) at least C values, not modified
     * @param spatial S ≥ 1, the positions per channel
     * @param out (Output) rows × C·S, rows [r0, r1) overwritten
     * @throws ShapeMismatchException if the shapes differ or the columns are not a multiple of S
     * @throws IllegalArgumentException if the row range is outside or an array is too short
     */
    void channelAffine(double[] a, M u, double[] b, M v, double[] vShift, double[] d, int spatial, M out, int r0,
                       int r1);

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
