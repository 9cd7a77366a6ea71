package org.ffebm.digital.layer;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.ConvGeometry;
import org.ffebm.core.tensor.TensorOps;

/**
 * Digital 2-D convolution layer (a cross-correlation, as in PyTorch's {@code Conv2d}):
 * <pre>
 *   y[o, oy, ox] = b[o] + Σ_{c,ky,kx} W[o, (c,ky,kx)] · x[c, oy·s − p + ky, ox·s − p + kx]
 * </pre>
 * input c×h×w, output k×h'×w' with a square kₛ×kₛ kernel, stride s and zero padding p &lt; kₛ given by core's
 * {@link ConvGeometry} (h' = ⌊(h + 2p − kₛ)/s⌋ + 1 as in PyTorch, see {@link ConvGeometry#floor}). W is a k × c·kₛ·kₛ
 * param (each row one filter in (c, ky, kx) order), b a 1 × k param (absent without bias).
 *
 * <p>Backward, for the per-sample error G = ∂ℓ/∂y: ∇W += scale·G₂ᵀ·im2col(x), ∇b += scale·Σ G₂, ∇x = convᵀ(G) (the
 * transposed convolution); all are matrix products through the back end's kernels ({@link ConvKernel}).
 * Initialisation: W ~ U(−g/√fan_in, g/√fan_in) with fan_in = c·kₛ·kₛ, drawn row-major from the generator passed in;
 * b = 0.
 *
 * <p>Cost per sample: MACs = k·h'·w'·c·kₛ·kₛ (the im2col product, padded taps included); bytes =
 * 4·(c·h·w + k·h'·w').
 *
 * @param <M> the matrix type of the back end
 */
public final class Conv2d<M extends ReshapeMatrix> implements FeedforwardBlock<M> {

    private final TensorOps<M> ops;
    private final String name;
    private final ConvGeometry geometry;
    private final Shape inShape, outShape;
    private final ConvKernel<M> kernel;
    private final Param<M> weight, bias;
    private final List<Param<M>> params;
    private final M output, gradIn;
    private M input;

    /**
     * @param ops the back end
     * @param name the block's name; params are {@code name.W} and {@code name.b}
     * @param geometry input shape, kernel, stride, padding
     * @param outChannels k ≥ 1, the number of filters
     * @param withBias whether the layer has the bias b
     * @param initGain g ≥ 0 of the initialisation bound g/√fan_in
     * @param init the generator of the initial weights
     * @throws IllegalArgumentException naming the block, if outChannels is out of range, initGain is negative or not
     *                                  finite, or a sample's workspaces would exceed 2³¹ − 1 entries
     * @throws NullPointerException if an object argument is null
     */
    public Conv2d(TensorOps<M> ops, String name, ConvGeometry geometry, int outChannels, boolean withBias,
                  double initGain, SplittableRandom init) {
        this.ops = Objects.requireNonNull(ops, "ops");
        this.name = Objects.requireNonNull(name, "name");
        this.geometry = Objects.requireNonNull(geometry, "geometry");
        Objects.requireNonNull(init, "init");
        if (!(initGain >= 0) || Double.isInfinite(initGain)) {
            throw new IllegalArgumentException(name + ": initGain must be finite and >= 0, was " + initGain);
        }
        this.kernel = new ConvKernel<>(ops, name, geometry, outChannels);
        this.inShape = kernel.inputShape();
        this.outShape = kernel.outputShape();
        int fanIn = geometry.patchSize();
        M w = ops.zeros(outChannels, fanIn);
        double bound = initGain / Math.sqrt(fanIn);
        ops.uniform(w, -bound, bound, init);
        weight = new Param<>(name + ".W", name, Param.Kind.WEIGHT, w, ops.zeros(outChannels, fanIn));
        bias = withBias ? new Param<>(name + ".b", name, Param.Kind.BIAS, ops.zeros(1, outChannels),
                ops.zeros(1, outChannels)) : null;
        params = withBias ? List.of(weight, bias) : List.of(weight);
        output = ops.zeros(0, outShape.size());
        gradIn = ops.zeros(0, inShape.size());
    }

    /**
     * A convolution with bias over {@code in}, its output size rounded down as in PyTorch ({@link
     * ConvGeometry#floor}).
     *
     * @param kernel kₛ ≥ 1, the side of the square kernel, at most the padded height and width
     * @param stride s ≥ 1
     * @param padding p, 0 ≤ p &lt; kₛ
     * @throws IllegalArgumentException naming the block, the parameter and the value, if the geometry is impossible,
     *                                  and as the main constructor
     * @see #Conv2d(TensorOps, String, ConvGeometry, int, boolean, double, SplittableRandom)
     */
    public Conv2d(TensorOps<M> ops, String name, Shape in, int outChannels, int kernel, int stride, int padding,
                  double initGain, SplittableRandom init) {
        this(ops, name, in, outChannels, kernel, stride, padding, true, initGain, init);
    }

    /**
     * The same, with or without the bias (a convolution followed by batch-norm needs none: the norm cancels it).
     *
     * @param withBias whether the layer has the bias b
     * @throws IllegalArgumentException as the other constructors
     */
    public Conv2d(TensorOps<M> ops, String name, Shape in, int outChannels, int kernel, int stride, int padding,
                  boolean withBias, double initGain, SplittableRandom init) {
        this(ops, name, Checks.geometry(name, in, kernel, stride, padding), outChannels, withBias, initGain, init);
    }

    @Override
    public String name() {
        return name;
    }

    /** The windows over the input (channels, size, kernel, stride, padding). */
    public ConvGeometry geometry() {
        return geometry;
    }

    /** k, the number of filters. */
    public int outChannels() {
        return outShape.channels();
    }

    @Override
    public Shape inputShape() {
        return inShape;
    }

    @Override
    public Shape outputShape() {
        return outShape;
    }

    /** The filters, k × c·kₛ·kₛ. */
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
        Checks.requireFeatures(name, "input", x, inShape);
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

    /** k·h'·w'·c·kₛ·kₛ. */
    @Override
    public long macsPerSample() {
        return (long) outShape.size() * geometry.patchSize();
    }
}
