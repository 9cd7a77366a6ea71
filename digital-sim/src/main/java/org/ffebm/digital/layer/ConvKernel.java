package org.ffebm.digital.layer;

import java.util.Objects;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.ConvGeometry;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.ShapeMismatchException;
import org.ffebm.core.tensor.TensorOps;

/**
 * 2-D convolution and its adjoint as matrix products through the back end's kernels (im2col), with the workspaces
 * they need: the engine of {@link Conv2d}, and the operator a convolutional energy block needs for its coupling term
 * (forward: y = conv(x), feedback: x̃ = convᵀ(y)).
 *
 * <p>With input x (c×h×w per sample), k filters W (k × c·kₛ·kₛ, row j of a filter ordered (c, ky, kx), as PyTorch's
 * {@code weight.view(k, -1)}) and the window geometry of core's {@link ConvGeometry} (square kernel kₛ, stride s,
 * zero padding p), the convolution (a cross-correlation, as in every ML library) is
 * <pre>
 *   conv(x)[o, oy, ox] = Σ_{c,ky,kx} W[o, (c,ky,kx)] · x[c, oy·s − p + ky, ox·s − p + kx]   (+ b[o])
 * </pre>
 * with x = 0 outside the input. For a batch of B samples it is computed with core's primitives as
 * <pre>
 *   P = im2col(X)                  (B·h'·w') × (c·kₛ·kₛ), one patch per row      ({@code ops.im2col})
 *   Y₂ = P·Wᵀ (+ 1·bᵀ)             (B·h'·w') × k                                ({@code ops.multTransB})
 *   Y = pixelsToChannels(Y₂)       B × k·h'·w', channel-major rows               ({@code ops.pixelsToChannels})
 * </pre>
 * and its adjoint, the transposed convolution {@code convᵀ(y)[c, iy, ix] = Σ W[o, (c,ky,kx)]·y[o, oy, ox]} over
 * the (o, oy, ox, ky, kx) with oy·s − p + ky = iy and ox·s − p + kx = ix, as
 * <pre>
 *   G₂ = channelsToPixels(Y);   convᵀ(Y) = col2im(G₂·W)            ({@code ops.mult}, {@code ops.col2im})
 * </pre>
 * so that ⟨conv(x), y⟩ = ⟨x, convᵀ(y)⟩ for the bias-free map. The filter gradient of ℓ with ∂ℓ/∂Y = G is
 * ∇W = G₂ᵀ·P ({@code ops.multTransA}) and ∇b = Σ_rows G₂.
 *
 * <p>Work is split over samples (im2col, the two row products, col2im) and over filters (∇W, whose reduction over the
 * batch runs in a fixed order), so results have the same bits for every thread count. Workspaces grow with the batch
 * and are reused: B·h'·w'·(c·kₛ·kₛ + k) entries. Nothing is allocated after the first call at a given batch size,
 * except what a multi-threaded {@link Parallel} dispatch makes. An instance is not thread-safe: one caller at a time.
 *
 * @param <M> the matrix type of the back end
 */
public final class ConvKernel<M extends ReshapeMatrix> {

    private final TensorOps<M> ops;
    private final String name;
    private final ConvGeometry g;
    private final Shape inShape, outShape;
    private final int inSize, outSize, positions, patch, filters;
    /** (B·h'·w') × patch: the patches of {@link #patchesOf}, or ∂ℓ/∂P during {@link #transpose}. */
    private final M col;
    /** (B·h'·w') × k: Y₂ in forward, G₂ in the gradients. */
    private final M rows;
    private Object patchesOf;
    private int patchesBatch;

    // the arguments of the running call, read by the range tasks
    private M x, w, bias, out, gy, wGrad;
    private double scale;
    private boolean im2col;
    private final Parallel.RangeTask forwardTask = this::forwardRange;
    private final Parallel.RangeTask gradRowsTask = this::gradRowsRange;
    private final Parallel.RangeTask weightGradTask = this::weightGradRange;
    private final Parallel.RangeTask transposeTask = this::transposeRange;

    /**
     * @param ops the back end
     * @param name a name for error messages (the owning block's)
     * @param geometry the windows over the input
     * @param filters k ≥ 1, the output channels
     * @throws IllegalArgumentException if filters is out of range, or a sample's output or patches would exceed
     *                                  2³¹ − 1 entries (message: name, parameter, value)
     * @throws NullPointerException if an object argument is null
     */
    public ConvKernel(TensorOps<M> ops, String name, ConvGeometry geometry, int filters) {
        this.ops = Objects.requireNonNull(ops, "ops");
        this.name = Objects.requireNonNull(name, "name");
        this.g = Objects.requireNonNull(geometry, "geometry");
        if (filters < 1) {
            throw new IllegalArgumentException(name + ": outChannels must be >= 1, was " + filters);
        }
        this.positions = g.outPixels();
        this.patch = g.patchSize();
        if ((long) positions * Math.max(patch, filters) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": geometry too large: " + positions + " positions x "
                    + patch + " patch entries, " + filters + " channels out");
        }
        this.filters = filters;
        this.inShape = new Shape(g.channels(), g.height(), g.width());
        this.outShape = new Shape(filters, g.outHeight(), g.outWidth());
        this.inSize = inShape.size();
        this.outSize = outShape.size();
        this.col = ops.zeros(0, patch);
        this.rows = ops.zeros(0, filters);
    }

    /** The windows over the input. */
    public ConvGeometry geometry() {
        return g;
    }

    /** k, the number of filters. */
    public int outChannels() {
        return filters;
    }

    /** The input shape c×h×w. */
    public Shape inputShape() {
        return inShape;
    }

    /**
     * Y = conv(X) + 1·bᵀ, one sample per row (see the class comment).
     *
     * @param x (Input) B × c·h·w, not modified
     * @param w (Input) k × c·kₛ·kₛ filters, not modified
     * @param bias (Input) 1 × k (or k × 1), or null for none; not modified
     * @param out (Output) reshaped to B × k·h'·w' and overwritten; null for a new matrix
     * @return out
     * @throws ShapeMismatchException if a matrix has the wrong shape
     * @throws IllegalArgumentException if out is x, or the batch's workspace would exceed 2³¹ − 1 entries
     */
    public M forward(M x, M w, M bias, M out) {
        Checks.requireFeatures(name, "input", x, inShape);
        checkFilters(w);
        if (bias != null) {
            Checks.requireVector(name, "bias", bias, filters);
        }
        Checks.requireDistinct(name, out, x, "the input");
        int batch = x.getNumRows();
        reshapeWorkspaces(batch);
        out = shaped(out, batch, outSize);
        this.x = x;
        this.w = w;
        this.bias = bias;
        this.out = out;
        ops.parallel().forRange(batch, forwardTask);
        patchesOf = x;
        patchesBatch = batch;
        clearArgs();
        return out;
    }

    private void forwardRange(int b0, int b1) {
        ops.im2col(x, g, col, b0, b1);
        ops.multTransB(col, w, 0.0, rows, b0 * positions, b1 * positions);
        if (bias != null) {
            ops.addRowInPlace(rows, 1.0, bias, b0 * positions, b1 * positions);
        }
        ops.pixelsToChannels(rows, positions, out, b0, b1);
    }

    /**
     * Adds the filter and bias gradients of ℓ with per-sample error G = ∂ℓ/∂Y: ∇W += scale·G₂ᵀ·im2col(X),
     * ∇b += scale·Σ_rows G₂ (see the class comment). Always recomputes the patches of x.
     *
     * @param x (Input) the B × c·h·w input the error belongs to, not modified
     * @param gy (Input) B × k·h'·w', not modified
     * @param scale the factor of the gradients (e.g. 1/B for batch means)
     * @param wGrad (Output) k × c·kₛ·kₛ, added into
     * @param biasGrad (Output) 1 × k, added into; null to skip
     * @throws ShapeMismatchException if a matrix has the wrong shape
     */
    public void accumulateGrads(M x, M gy, double scale, M wGrad, M biasGrad) {
        patchesOf = null;
        accumulateGradsReusingPatches(x, gy, scale, wGrad, biasGrad);
    }

    /**
     * {@link #accumulateGrads}, but reuses the patches of the last {@link #forward} if it was called with this same
     * x and no {@link #transpose} ran since: for callers (like {@link Conv2d}) that guarantee that x has not changed.
     */
    void accumulateGradsReusingPatches(M x, M gy, double scale, M wGrad, M biasGrad) {
        Checks.requireFeatures(name, "input", x, inShape);
        int batch = x.getNumRows();
        Checks.requireBatch(name, "gradient", gy, batch, outShape);
        Checks.requireMatrix(name, "filter gradient", wGrad, filters, patch);
        if (biasGrad != null) {
            Checks.requireVector(name, "bias gradient", biasGrad, filters);
        }
        reshapeWorkspaces(batch);
        this.x = x;
        this.gy = gy;
        this.wGrad = wGrad;
        this.scale = scale;
        this.im2col = patchesOf != x || patchesBatch != batch;
        ops.parallel().forRange(batch, gradRowsTask);
        patchesOf = x;
        patchesBatch = batch;
        ops.parallel().forRange(filters, weightGradTask);
        if (biasGrad != null) {
            ops.sumRowsDiff(scale, rows, null, 1.0, biasGrad);
        }
        clearArgs();
    }

    private void gradRowsRange(int b0, int b1) {
        ops.channelsToPixels(gy, positions, rows, b0, b1);
        if (im2col) {
            ops.im2col(x, g, col, b0, b1);
        }
    }

    private void weightGradRange(int k0, int k1) {
        ops.multTransA(scale, rows, col, 1.0, wGrad, k0, k1);
    }

    /**
     * The transposed convolution X̃ = convᵀ(Y), the adjoint of the bias-free {@link #forward} in x; also the input
     * gradient ∂ℓ/∂X of a convolution layer for the error Y = ∂ℓ/∂(conv(X)). Overwrites the cached patches.
     *
     * @param y (Input) B × k·h'·w', not modified
     * @param w (Input) k × c·kₛ·kₛ filters, not modified
     * @param out (Output) reshaped to B × c·h·w and overwritten; null for a new matrix
     * @return out
     * @throws ShapeMismatchException if a matrix has the wrong shape
     * @throws IllegalArgumentException if out is y
     */
    public M transpose(M y, M w, M out) {
        Checks.requireFeatures(name, "gradient", y, outShape);
        checkFilters(w);
        Checks.requireDistinct(name, out, y, "the transposed convolution's input");
        int batch = y.getNumRows();
        reshapeWorkspaces(batch);
        out = shaped(out, batch, inSize);
        patchesOf = null;
        this.gy = y;
        this.w = w;
        this.out = out;
        ops.parallel().forRange(batch, transposeTask);
        clearArgs();
        return out;
    }

    private void transposeRange(int b0, int b1) {
        ops.channelsToPixels(gy, positions, rows, b0, b1);
        ops.mult(rows, w, 0.0, col, b0 * positions, b1 * positions);
        ops.col2im(col, g, 0.0, out, b0, b1);
    }

    /**
     * A one-off {@link #forward}: makes a kernel (workspaces) for this call, with as many filters as w has rows. For
     * oracles and set-up code; in loops keep a {@link ConvKernel}.
     *
     * @return a new B × k·h'·w' matrix
     * @see #forward
     */
    public static <M extends ReshapeMatrix> M conv(TensorOps<M> ops, ConvGeometry geometry, M x, M w, M bias) {
        return new ConvKernel<>(ops, "conv", geometry, w.getNumRows()).forward(x, w, bias, null);
    }

    /**
     * A one-off {@link #transpose}: makes a kernel for this call, with as many filters as w has rows. For oracles and
     * set-up code; in loops keep a {@link ConvKernel}.
     *
     * @return a new B × c·h·w matrix
     * @see #transpose
     */
    public static <M extends ReshapeMatrix> M convTranspose(TensorOps<M> ops, ConvGeometry geometry, M y, M w) {
        return new ConvKernel<>(ops, "convTranspose", geometry, w.getNumRows()).transpose(y, w, null);
    }

    private void reshapeWorkspaces(int batch) {
        long r = (long) batch * positions;
        if (r * Math.max(patch, filters) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": batch " + batch + " too large for the im2col workspace ("
                    + r + " x " + patch + " entries)");
        }
        ops.reshape(col, (int) r, patch);
        ops.reshape(rows, (int) r, filters);
    }

    /** out reshaped to rows × cols (grow-only), or a new matrix if out is null. */
    private M shaped(M out, int rows, int cols) {
        if (out == null) {
            return ops.zeros(rows, cols);
        }
        ops.reshape(out, rows, cols);
        return out;
    }

    private void checkFilters(M w) {
        Checks.requireMatrix(name, "filters", w, filters, patch);
    }

    /** Drops the references to the caller's matrices so that they can be collected. */
    private void clearArgs() {
        x = null;
        w = null;
        bias = null;
        out = null;
        gy = null;
        wGrad = null;
    }

    /** The output shape k×h'×w'. */
    public Shape outputShape() {
        return outShape;
    }
}
