package org.ffebm.digital.layer;

import java.util.List;
import java.util.Objects;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.ConvGeometry;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.TensorOps;

/**
 * A 2-D pooling layer: each channel separately, every kₛ×kₛ window at stride s (no padding) is reduced to one value,
 * c×h×w → c×h'×w' with h' = ⌊(h − kₛ)/s⌋ + 1, w' = ⌊(w − kₛ)/s⌋ + 1 (core's {@link ConvGeometry#floor}: rows and
 * columns that no window reaches are ignored, as in PyTorch). The subclasses say how a window is reduced, each with one
 * of core's pooling primitives and its adjoint. No parameters.
 *
 * @param <M> the matrix type of the back end
 */
public abstract sealed class Pool2d<M extends ReshapeMatrix> implements FeedforwardBlock<M>
        permits MaxPool2d, AvgPool2d {

    final TensorOps<M> ops;
    final String name;
    final ConvGeometry geometry;
    private final Shape inShape, outShape;
    final int outSize;
    final M output, gradIn;
    M input, gradOut;
    private final Parallel.RangeTask forwardTask = this::forwardRows;
    private final Parallel.RangeTask backwardTask = this::backwardRows;

    Pool2d(TensorOps<M> ops, String name, Shape in, int kernel, int stride) {
        this.ops = Objects.requireNonNull(ops, "ops");
        this.name = Objects.requireNonNull(name, "name");
        this.geometry = Checks.geometry(name, in, kernel, stride, 0);
        this.inShape = in;
        this.outShape = new Shape(in.channels(), geometry.outHeight(), geometry.outWidth());
        this.outSize = outShape.size();
        this.output = ops.zeros(0, outSize);
        this.gradIn = ops.zeros(0, in.size());
    }

    @Override
    public final String name() {
        return name;
    }

    /** The window geometry (padding 0, output size rounded down). */
    public final ConvGeometry geometry() {
        return geometry;
    }

    @Override
    public final Shape inputShape() {
        return inShape;
    }

    @Override
    public final Shape outputShape() {
        return outShape;
    }

    /**
     * @throws org.ffebm.core.tensor.ShapeMismatchException if x does not have c·h·w columns
     */
    @Override
    public final M forward(M x, boolean training) {
        Checks.requireFeatures(name, "input", x, inShape);
        input = x;
        ops.reshape(output, x.getNumRows(), outSize);
        prepare(x.getNumRows());
        ops.parallel().forRange(x.getNumRows(), forwardTask);
        return output;
    }

    /**
     * @throws org.ffebm.core.tensor.ShapeMismatchException if g is not batch × c·h'·w'
     * @throws IllegalStateException before the first forward
     */
    @Override
    public final M backward(M g, double paramScale, boolean needInputGrad) {
        Checks.requireForward(name, input);
        Checks.requireBatch(name, "gradient", g, input.getNumRows(), outShape);
        if (!needInputGrad) {
            return null;
        }
        gradOut = g;
        ops.reshape(gradIn, g.getNumRows(), inShape.size());
        ops.parallel().forRange(g.getNumRows(), backwardTask);
        gradOut = null;
        return gradIn;
    }

    /** Grows per-batch workspaces before a forward of {@code batch} rows (nothing by default). */
    void prepare(int batch) {
    }

    /** output rows [b0, b1) from input. */
    abstract void forwardRows(int b0, int b1);

    /** gradIn rows [b0, b1) (overwritten) from gradOut rows [b0, b1). */
    abstract void backwardRows(int b0, int b1);

    @Override
    public final List<Param<M>> params() {
        return List.of();
    }
}
