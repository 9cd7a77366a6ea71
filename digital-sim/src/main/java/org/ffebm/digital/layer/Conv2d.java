package org.ffebm.digital.layer;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.TensorOps;

/**
 * Digital 2-D convolution layer (a cross-correlation, as in PyTorch's {@code Conv2d}):
 * <pre>
 *   y[o, oy, ox] = b[o] + Σ_{c,ky,kx} W[o, (c,ky,kx)] · x[c, oy·s − p + ky, ox·s − p + kx]
 * </pre>
 * input c×h×w, output k×h'×w' ({@link ConvGeometry}), zero padding p, stride s. W is a k × c·kh·kw param (each row
 * one filter in (c, ky, kx) order), b a 1 × k param (absent without bias).
 *
 * <p>Backward, for the per-sample error G = ∂ℓ/∂y: ∇W += scale·G₂ᵀ·im2col(x), ∇b += scale·Σ G₂, ∇x = convᵀ(G) (the
 * transposed convolution); all are matrix products through the back end's kernels ({@link ConvKernel}).
 * Initialisation: W ~ U(−g/√fan_in, g/√fan_in) with fan_in = c·kh·kw, drawn row-major from the generator passed in;
 * b = 0.
 *
 * <p>Cost per sample: MACs = k·h'·w'·c·kh·kw (the im2col product, padded taps included); bytes =
 * 4·(c·h·w + k·h'·w').
 *
 * @param <M> the matrix type of the back end
 */
public final class Conv2d<M extends ReshapeMatrix> implements FeedforwardBlock<M>, DigitalCost {

    private final TensorOps<M> ops;
    private final String name;
    private final ConvGeometry geometry;
    private final Shape outShape;
    private final ConvKernel<M> kernel;
    private final Param<M> weight, bias;
    private final List<Param<M>> params;
    private final M output, gradIn;
    private M input;

    /**
     * @param ops the back end
     * @param name the block's name; params are {@code name.W} and {@code name.b}
     * @param geometry input shape, filters, kernel, stride, padding
     * @param withBias whether the layer has the bias b
     * @param initGain g ≥ 0 of the initialisation bound g/√fan_in
     * @param init the generator of the initial weights
     * @throws IllegalArgumentException if initGain is negative or not finite, or the back end's matrices are neither
     *                                  FMatrixRMaj nor DMatrixRMaj
     * @throws NullPointerException if an object argument is null
     */
    public Conv2d(TensorOps<M> ops, String name, ConvGeometry geometry, boolean withBias, double initGain,
                  SplittableRandom init) {
        this.ops = Objects.requireNonNull(ops, "ops");
        this.name = Objects.requireNonNull(name, "name");
        this.geometry = Objects.requireNonNull(geometry, "geometry");
        Objects.requireNonNull(init, "init");
        if (!(initGain >= 0) || Double.isInfinite(initGain)) {
            throw new IllegalArgumentException(name + ": initGain must be finite and >= 0, was " + initGain);
        }
        this.kernel = new ConvKernel<>(ops, name, geometry);
        this.outShape = kernel.outputShape();
        int k = geometry.outChannels(), fanIn = geometry.patchSize();
        M w = ops.zeros(k, fanIn);
        double bound = initGain / Math.sqrt(fanIn);
        ops.uniform(w, -bound, bound, init);
        weight = new Param<>(name + ".W", name, Param.Kind.WEIGHT, w, ops.zeros(k, fanIn));
        bias = withBias ? new Param<>(name + ".b", name, Param.Kind.BIAS, ops.zeros(1, k), ops.zeros(1, k)) : null;
        params = withBias ? List.of(weight, bias) : List.of(weight);
        output = ops.zeros(0, outShape.size());
        gradIn = ops.zeros(0, geometry.input().size());
    }

    /**
     * A convolution with bias from its geometry's parts.
     *
     * @throws IllegalArgumentException as {@link ConvGeometry#of} (naming this block) and the main constructor
     * @see #Conv2d(TensorOps, String, ConvGeometry, boolean, double, SplittableRandom)
     */
    public Conv2d(TensorOps<M> ops, String name, Shape in, int outChannels, int kernelH, int kernelW, int stride,
                  int padding, double initGain, SplittableRandom init) {
        this(ops, name, ConvGeometry.of(name, in, outChannels, kernelH, kernelW, stride, padding), true, initGain, init);
    }

    @Override
    public String name() {
        return name;
    }

    public ConvGeometry geometry() {
        return geometry;
    }

    @Override
    public Shape inputShape() {
        return geometry.input();
    }

    @Override
    public Shape outputShape() {
        return outShape;
    }

    /** The filters, k × c·kh·kw. */
    public Param<M> weight() {
        return weight;
    }

    /** The bias, 1 × k, or null without bias. */
    public Param<M> bias() {
        return bias;
    }

    /**
     * @throws org.ffebm.core.tensor.ShapeMismatchException if x does not have c·h·w columns
     */
    @Override
    public M forward(M x, boolean training) {
        Checks.requireFeatures(name, "input", x, geometry.input());
        input = x;
        return kernel.forward(x, weight.value(), bias == null ? null : bias.value(), output);
    }

    /**
     * @throws org.ffebm.core.tensor.ShapeMismatchException if g is not batch × k·h'·w'
     * @throws IllegalStateException before the first forward
     */
    @Override
    public M backward(M g, double paramScale, boolean needInputGrad) {
        Checks.requireForward(name, input);
        Checks.requireBatch(name, "gradient", g, input.getNumRows(), outShape);
        kernel.accumulateGradsReusingPatches(input, g, paramScale, weight.grad(), bias == null ? null : bias.grad());
        return needInputGrad ? kernel.transpose(g, weight.value(), gradIn) : null;
    }

    @Override
    public List<Param<M>> params() {
        return params;
    }

    /** k·h'·w'·c·kh·kw. */
    @Override
    public long macsPerSample() {
        return (long) outShape.size() * geometry.patchSize();
    }

    /** 4·(c·h·w + k·h'·w'). */
    @Override
    public long bytesPerSample() {
        return DigitalCost.activationBytes(inputShape(), outputShape(), FP32_BYTES);
    }
}
