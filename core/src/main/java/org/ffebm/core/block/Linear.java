package org.ffebm.core.block;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.ShapeMismatchException;
import org.ffebm.core.tensor.TensorOps;

/**
 * Digital fully connected layer y = W x + b (W: out × in), batch as rows: Y = X Wᵀ + 1 bᵀ.
 * Backward: ∇W += scale·Gᵀ X, ∇b += scale·Σ_rows G, ∇X = G W. Initialisation U(−g/√in, g/√in), bias 0.
 */
public final class Linear<M extends ReshapeMatrix> implements FeedforwardBlock<M> {

    private final TensorOps<M> ops;
    private final String name;
    private final Shape inShape;
    private final int in, out;
    private final Param<M> weight, bias;
    private final List<Param<M>> params;
    private final M output, gradIn;
    private M input, gradOut;
    private double scale;
    private final Parallel.RangeTask forwardTask = this::forwardRange;
    private final Parallel.RangeTask weightGradTask = this::weightGradRange;
    private final Parallel.RangeTask inputGradTask = this::inputGradRange;

    public Linear(TensorOps<M> ops, String name, Shape inShape, int out, double initGain, SplittableRandom init) {
        this.ops = Objects.requireNonNull(ops, "ops");
        this.name = Objects.requireNonNull(name, "name");
        this.inShape = Objects.requireNonNull(inShape, "inShape");
        this.in = inShape.size();
        if (out < 1) {
            throw new IllegalArgumentException(name + ": output size must be >= 1, was " + out);
        }
        this.out = out;
        M w = ops.zeros(out, in);
        double bound = initGain / Math.sqrt(in);
        ops.uniform(w, -bound, bound, init);
        weight = new Param<>(name + ".W", name, Param.Kind.WEIGHT, w, ops.zeros(out, in));
        bias = new Param<>(name + ".b", name, Param.Kind.BIAS, ops.zeros(1, out), ops.zeros(1, out));
        params = List.of(weight, bias);
        output = ops.zeros(0, out);
        gradIn = ops.zeros(0, in);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape inputShape() {
        return inShape;
    }

    @Override
    public Shape outputShape() {
        return Shape.flat(out);
    }

    public Param<M> weight() {
        return weight;
    }

    public Param<M> bias() {
        return bias;
    }

    @Override
    public M forward(M x, boolean training) {
        if (x.getNumCols() != in) {
            throw new ShapeMismatchException(name + ": input has " + x.getNumCols() + " features, expected " + in);
        }
        input = x;
        ops.reshape(output, x.getNumRows(), out);
        ops.parallel().forRange(x.getNumRows(), forwardTask);
        return output;
    }

    private void forwardRange(int r0, int r1) {
        ops.multTransB(input, weight.value(), 0.0, output, r0, r1);
        ops.addRowInPlace(output, 1.0, bias.value(), r0, r1);
    }

    @Override
    public M backward(M g, double paramScale, boolean needInputGrad) {
        if (g.getNumCols() != out || g.getNumRows() != input.getNumRows()) {
            throw new ShapeMismatchException(name + ": gradient is " + g.getNumRows() + "x" + g.getNumCols());
        }
        gradOut = g;
        scale = paramScale;
        ops.parallel().forRange(out, weightGradTask);
        ops.sumRowsDiff(paramScale, g, null, 1.0, bias.grad());
        if (!needInputGrad) {
            return null;
        }
        ops.reshape(gradIn, g.getNumRows(), in);
        ops.parallel().forRange(g.getNumRows(), inputGradTask);
        return gradIn;
    }

    private void weightGradRange(int r0, int r1) {
        ops.multTransA(scale, gradOut, input, 1.0, weight.grad(), r0, r1);
    }

    private void inputGradRange(int r0, int r1) {
        ops.mult(gradOut, weight.value(), 0.0, gradIn, r0, r1);
    }

    @Override
    public List<Param<M>> params() {
        return params;
    }

    @Override
    public long macsPerSample() {
        return (long) in * out;
    }
}
