package org.ffebm.core.model;

import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.tensor.TensorOps;

/**
 * Lets another module (digital-sim's co-processor model) shape the digital blocks of a model without core knowing
 * it: {@link ModelBuilder} passes every digital block it makes through {@link #wrap} (for example to round its
 * activations and gradients to a number format). {@link #plain()} leaves blocks as they are.
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

    /** Leaves every block as it is (core's float digital blocks). */
    static <M extends ReshapeMatrix> DigitalBlockFactory<M> plain() {
        return (ops, block) -> block;
    }
}
