package org.ffebm.core.block;

import java.util.List;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.TensorOps;

/** Digital activation y = clip(a·x, 0, 1), the feedforward counterpart of the DHN neuron (for backprop baselines). */
public final class HardSigmoid<M extends ReshapeMatrix> implements FeedforwardBlock<M> {

    private final TensorOps<M> ops;
    private final String name;
    private final Shape shape;
    private final double slope;
    private final M output, gradIn;
    private M input, gradOut;
    private final Parallel.RangeTask forwardTask = this::forwardRange;
    private final Parallel.RangeTask backwardTask = this::backwardRange;

    public HardSigmoid(TensorOps<M> ops, String name, Shape shape, double slope) {
        if (!(slope > 0)) {
            throw new IllegalArgumentException(name + ": slope must be > 0, was " + slope);
        }
        this.ops = ops;
        this.name = name;
        this.shape = shape;
        this.slope = slope;
        this.output = ops.zeros(0, shape.size());
        this.gradIn = ops.zeros(0, shape.size());
    }

    @Override
    public String name() {
        return name;
    }

    /** The slope a of clip(a·x, 0, 1). */
    public double slope() {
        return slope;
    }

    @Override
    public Shape inputShape() {
        return shape;
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    @Override
    public M forward(M x, boolean training) {
        input = x;
        ops.reshape(output, x.getNumRows(), x.getNumCols());
        ops.parallel().forRange(x.getNumRows(), forwardTask);
        return output;
    }

    private void forwardRange(int r0, int r1) {
        ops.hardSigmoid(input, slope, output, r0, r1);
    }

    @Override
    public M backward(M g, double paramScale, boolean needInputGrad) {
        if (!needInputGrad) {
            return null;
        }
        gradOut = g;
        ops.reshape(gradIn, g.getNumRows(), g.getNumCols());
        ops.parallel().forRange(g.getNumRows(), backwardTask);
        return gradIn;
    }

    private void backwardRange(int r0, int r1) {
        ops.hardSigmoidBackward(input, slope, gradOut, gradIn, r0, r1);
    }

    @Override
    public List<Param<M>> params() {
        return List.of();
    }

    @Override
    public long macsPerSample() {
        return 0;
    }
}
