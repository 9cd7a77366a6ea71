package org.ffebm.core.model;

import java.util.SplittableRandom;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.ConvLayer;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.TensorOps;

/**
 * Lets another module (digital-sim's co-processor model) supply and shape the digital blocks of a model without core
 * knowing it: {@link ModelBuilder} passes every digital block it makes through {@link #wrap} (for example to round its
 * activations and gradients to a number format), and asks it for the convolutional layers core does not have
 * ({@link #tie}, {@link #conv}). {@link #plain()} leaves blocks as they are and has no convolutional layers.
 */
public interface DigitalBlockFactory<M extends ReshapeMatrix> {

    /**
     * The block to put in the model in place of {@code block}: {@code block} itself, or a block that wraps it (same
     * name, shapes and parameters).
     *
     * @param ops the back end
     * @param block (Input) a digital block the builder made
     * @return the block to use
     */
    FeedforwardBlock<M> wrap(TensorOps<M> ops, FeedforwardBlock<M> block);

    /**
     * The digital block between two convolutional energy blocks: the pooling moved out of the lower block's last
     * layer (if any), then batch normalisation with frozen affine parameters when {@code batchNorm} (PAPER-NOTES §1.2).
     * Core has no convolutional digital layers; digital-sim's factory implements this.
     *
     * @param name the block's name ({@code ff2}, …)
     * @param in the shape of the lower block's last layer
     * @param pooling the pooling to apply first
     * @param batchNorm whether to batch-normalise (per channel; batch statistics in training, running ones in eval)
     * @throws UnsupportedOperationException in this default
     */
    default FeedforwardBlock<M> tie(TensorOps<M> ops, String name, Shape in, ConvLayer.Pooling pooling,
                                    boolean batchNorm) {
        throw new UnsupportedOperationException("convolutional ties need digital-sim's layers (not on this path)");
    }

    /**
     * A digital convolution layer k×k, stride 1, "same" padding, with or without bias, then the pooling: the backprop
     * baseline of a convolutional DHN layer (followed by the builder's hard sigmoid), or a block's first convolution
     * when it runs in the digital part.
     *
     * @param name the layer's name
     * @param in its input shape
     * @param channels output channels
     * @param kernel odd k
     * @param withBias whether it has a bias (none before a batch-norm, which would cancel it)
     * @param pooling pooling after the convolution
     * @param initGain g of U(−g/√fan_in, g/√fan_in)
     * @param init (Input) generator of the initial weights, advanced
     * @throws UnsupportedOperationException in this default
     */
    default FeedforwardBlock<M> conv(TensorOps<M> ops, String name, Shape in, int channels, int kernel,
                                     boolean withBias, ConvLayer.Pooling pooling, double initGain,
                                     SplittableRandom init) {
        throw new UnsupportedOperationException("convolution layers need digital-sim's layers (not on this path)");
    }

    /** Leaves every block as it is (core's float digital blocks). */
    static <M extends ReshapeMatrix> DigitalBlockFactory<M> plain() {
        return new DigitalBlockFactory<>() {
            @Override
            public FeedforwardBlock<M> wrap(TensorOps<M> ops, FeedforwardBlock<M> block) {
                return block;
            }
        };
    }
}
