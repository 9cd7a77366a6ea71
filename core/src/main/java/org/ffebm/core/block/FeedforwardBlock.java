package org.ffebm.core.block;

import java.util.List;
import java.util.Map;
import org.ejml.data.ReshapeMatrix;

/**
 * A digital block F: a differentiable map applied once per sample, with a vector-Jacobian product for backprop.
 * The batch is the rows of the matrices.
 *
 * <p>A block owns its output and input-gradient buffers (returned, to be read and not modified by the caller; they
 * are overwritten by the next call). {@link #forward} keeps a reference to its input for {@link #backward}.
 */
public interface FeedforwardBlock<M extends ReshapeMatrix> {

    String name();

    Shape inputShape();

    Shape outputShape();

    /**
     * @param in (Input) batch × inputShape().size(), not modified; kept until the next forward
     * @param training true during training (batch-norm and the like use batch statistics)
     * @return the block's output buffer, batch × outputShape().size()
     */
    M forward(M in, boolean training);

    /**
     * Vector-Jacobian product with the per-sample error {@code gradOut}. Adds {@code paramScale}·∂ℓ/∂ω into the
     * gradients of {@link #params()} (the trainer passes 1/batch so that they are batch means).
     *
     * @param gradOut (Input) batch × outputShape().size(): ∂ℓ_b/∂out for each sample b
     * @param needInputGrad false for the first block of a model, whose input gradient nobody reads
     * @return ∂ℓ_b/∂in per sample (the block's buffer), or null when {@code needInputGrad} is false
     */
    M backward(M gradOut, double paramScale, boolean needInputGrad);

    List<Param<M>> params();

    /**
     * The block's state that is not trained but must survive a checkpoint (batch-norm running statistics), by a name
     * unique in the model. The arrays are the block's own: a restore writes into them.
     *
     * @return live arrays by name; empty for a block without such state
     */
    default Map<String, double[]> buffers() {
        return Map.of();
    }

    /** Multiply-accumulates of one forward pass per sample, for the cost model. */
    long macsPerSample();

    /**
     * SRAM bytes of one forward pass per sample, for the cost model: by default the input read and the output
     * written as fp32, 4·(|in| + |out|).
     */
    default long bytesPerSample() {
        return 4L * (inputShape().size() + outputShape().size());
    }

    /** The number format the block computes in, by its cost-model name (fp32, bf16, fp16, int8); fp32 by default. */
    default String numberFormat() {
        return "fp32";
    }
}
