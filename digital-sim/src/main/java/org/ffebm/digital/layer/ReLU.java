package org.ffebm.digital.layer;

import java.util.List;
import java.util.Objects;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.TensorOps;

/**
 * Rectified linear unit y = max(x, 0), element-wise on any shape (NaN stays NaN). Backward: ∂ℓ/∂x = g·1[x &gt; 0]
 * (the derivative at 0 is taken as 0). Both are core's {@link TensorOps#relu} and {@link TensorOps#reluBackward}.
 *
 * <p>Cost per sample: 0 MACs; bytes = 4·2·c·h·w.
 *
 * @param <M> the matrix type of the back end
 */
public final class ReLU<M extends ReshapeMatrix> implements FeedforwardBlock<M> {

    private final TensorOps<M> ops;
    private final String name;
    private final Shape shape;
    private final M output, gradIn;
    private M input, gradOut;
    private final Parallel.RangeTask forwardTask = this::forwardRange;
    private final Parallel.RangeTask backwardTask = this::backwardRange;

    /**
     * @param ops the back end
     * @param name the block's name
     * @param shape the input (and output) shape
     * @throws NullPointerException if an argument is null
     */
    public ReLU(TensorOps<M> ops, String name, Shape shape) {
        this.ops = Objects.requireNonNull(ops, "ops");
        this.name = Objects.requireNonNull(name, "name");
        this.shape = Objects.requireNonNull(shape, "shape");
        this.output = ops.zeros(0, shape.size());
        this.gradIn = ops.zeros(0, shape.size());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape inputShape() {
        return shape;
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    /**
     * @throws org.ffebm.core.tensor.ShapeMismatchException if x does not have shape.size() columns
     */
    @Override
    public M forward(M x, boolean training) {
        Checks.requireFeatures(name, "input", x, shape);
        input = x;
        ops.reshape(output, x.getNumRows(), shape.size());
        ops.parallel().forRange(x.getNumRows(), forwardTask);
        return output;
    }

    private void forwardRange(int r0, int r1) {
        ops.relu(input, output, r0, r1);
    }

    /**
     * @throws org.ffebm.core.tensor.ShapeMismatchException if g is not batch × shape.size()
     * @throws IllegalStateException before the first forward
     */
    @Override
    public M backward(M g, double paramScale, boolean needInputGrad) {
        Checks.requireForward(name, input);
        Checks.requireBatch(name, "gradient", g, input.getNumRows(), shape);
        if (!needInputGrad) {
            return null;
        }
        gradOut = g;
        ops.reshape(gradIn, g.getNumRows(), shape.size());
        ops.parallel().forRange(g.getNumRows(), backwardTask);
        gradOut = null;
        return gradIn;
    }

    private void backwardRange(int r0, int r1) {
        ops.reluBackward(input, gradOut, gradIn, r0, r1);
    }

    @Override
    public List<Param<M>> params() {
        return List.of();
    }

    /** 0. */
    @Override
    public long macsPerSample() {
        return 0;
    }
}
