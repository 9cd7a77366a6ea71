package org.ffebm.digital.layer;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.TensorOps;
import org.ffebm.digital.format.NumberFormat;

/**
 * A digital block whose stored values are in a {@link NumberFormat}: the wrapped block F runs in the back end's
 * precision, then its output is rounded to the format (forward), and so is the input gradient it returns
 * (backward). So y = round(F(x)) and ∂ℓ/∂x = round(J_Fᵀ·g): the straight-through estimator, the rounding itself is
 * not differentiated. Only activations and gradients are rounded: F's parameters, their gradients and the
 * incoming gradient g are left as they are (the optimiser's master weights stay in the back end's precision).
 *
 * <p>The rounded values go into this block's own buffers (F's are not modified). For {@link NumberFormat#INT8} the
 * scale is per tensor, i.e. over the whole batch × features matrix, and recorded ({@link #lastOutputScale},
 * {@link #lastGradientScale}). {@link NumberFormat#FP32} on the float32 back end changes nothing and passes F's
 * buffers through.
 *
 * <p>Name, shapes, params and MACs are F's. Bytes per sample: the input read at 4 bytes per value (its producer's
 * format is not known here) plus the output written at {@link NumberFormat#bytesPerValue()}.
 *
 * @param <M> the matrix type of the back end
 */
public final class Quantized<M extends ReshapeMatrix> implements FeedforwardBlock<M> {

    private final TensorOps<M> ops;
    private final FeedforwardBlock<M> inner;
    private final NumberFormat format;
    private final boolean passThrough;
    private final M output, gradIn;
    private double outputScale = Double.NaN, gradientScale = Double.NaN;

    /**
     * @param ops the back end of {@code inner}
     * @param inner the block F to wrap
     * @param format the format of F's output and input gradient
     * @throws IllegalArgumentException if the back end's matrices are neither FMatrixRMaj nor DMatrixRMaj
     * @throws NullPointerException if an argument is null
     */
    public Quantized(TensorOps<M> ops, FeedforwardBlock<M> inner, NumberFormat format) {
        this.ops = Objects.requireNonNull(ops, "ops");
        this.inner = Objects.requireNonNull(inner, "inner");
        this.format = Objects.requireNonNull(format, "format");
        this.passThrough = format == NumberFormat.FP32 && "float32".equals(ops.precision());
        this.output = ops.zeros(0, inner.outputShape().size());
        this.gradIn = ops.zeros(0, inner.inputShape().size());
        if (!(output instanceof FMatrixRMaj || output instanceof DMatrixRMaj)) {
            throw new IllegalArgumentException(inner.name() + ": unsupported matrix type " + output.getClass().getName()
                    + " of the " + ops.precision() + " back end; number formats need FMatrixRMaj or DMatrixRMaj");
        }
    }

    /** The wrapped block. */
    public FeedforwardBlock<M> inner() {
        return inner;
    }

    public NumberFormat format() {
        return format;
    }

    /** The INT8 scale of the last forward's output, 1 for the float formats, NaN before the first forward. */
    public double lastOutputScale() {
        return outputScale;
    }

    /** The INT8 scale of the last input gradient, 1 for the float formats, NaN before the first one. */
    public double lastGradientScale() {
        return gradientScale;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public Shape inputShape() {
        return inner.inputShape();
    }

    @Override
    public Shape outputShape() {
        return inner.outputShape();
    }

    /** round(F(x)), in this block's buffer (F's own unless pass-through). */
    @Override
    public M forward(M in, boolean training) {
        M y = inner.forward(in, training);
        if (passThrough) {
            outputScale = 1.0;
            return y;
        }
        ops.copy(y, output);
        outputScale = roundInPlace(output);
        return output;
    }

    /** round(F's input gradient), in this block's buffer; F's param gradients are not rounded. */
    @Override
    public M backward(M gradOut, double paramScale, boolean needInputGrad) {
        M g = inner.backward(gradOut, paramScale, needInputGrad);
        if (g == null || passThrough) {
            gradientScale = g == null ? gradientScale : 1.0;
            return g;
        }
        ops.copy(g, gradIn);
        gradientScale = roundInPlace(gradIn);
        return gradIn;
    }

    /** Rounds all of m to the format in place and returns the scale (see {@link NumberFormat#roundInPlace}). */
    private double roundInPlace(M m) {
        if (m instanceof FMatrixRMaj f) {
            return format.roundInPlace(f.data, 0, f.getNumElements());
        }
        DMatrixRMaj d = (DMatrixRMaj) m;
        return format.roundInPlace(d.data, 0, d.getNumElements());
    }

    @Override
    public List<Param<M>> params() {
        return inner.params();
    }

    @Override
    public Map<String, double[]> buffers() {
        return inner.buffers();
    }

    @Override
    public long macsPerSample() {
        return inner.macsPerSample();
    }

    /** The format's name (fp32, bf16, fp16, int8). */
    @Override
    public String numberFormat() {
        return format.key();
    }

    /** 4·in + bytesPerValue·out. */
    @Override
    public long bytesPerSample() {
        return 4L * inputShape().size() + (long) outputShape().size() * format.bytesPerValue();
    }
}
