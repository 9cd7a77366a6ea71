package org.ffebm.core.model;

import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.ConvDhnBlock;
import org.ffebm.core.block.ConvLayer;
import org.ffebm.core.block.DenseDhnBlock;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.RelaxSettings;
import org.ffebm.core.block.Shape;
import org.ffebm.core.block.WeightProducts;
import org.ffebm.core.tensor.TensorOps;

/**
 * Makes the energy blocks of a model, so that other modules (the crossbar DHN of analog-sim) can put their own block
 * in every energy slot of a configuration without core knowing them. {@link #dense()} makes core's
 * {@link DenseDhnBlock} (and {@link ConvDhnBlock} for convolutional configurations).
 */
@FunctionalInterface
public interface EnergyBlockFactory<M extends ReshapeMatrix> {

    /**
     * @param name the block's name ({@code eb1}, {@code eb2}, …), prefix of its parameters' names
     * @param inputSize the size of the block's input u
     * @param layerSizes the sizes of s₁..s_L
     * @param init the generator of the initial weights, shared along the chain (draw in row-major order)
     */
    EnergyBlock<M> create(TensorOps<M> ops, String name, int inputSize, int[] layerSizes, RelaxSettings relax,
                          double initGain, SplittableRandom init);

    /**
     * A convolutional DHN block; the default makes core's {@link ConvDhnBlock}.
     *
     * @param name the block's name
     * @param input the shape of the block's input u
     * @param layers the convolutional layers s₁..s_L
     * @param init the generator of the initial weights, shared along the chain
     * @param identityInput couple u to s₁ by identity (no W₁; the block's first convolution is digital, before it)
     * @throws IllegalArgumentException if this factory cannot make convolutional blocks
     */
    default EnergyBlock<M> createConv(TensorOps<M> ops, String name, Shape input, List<ConvLayer> layers,
                                      RelaxSettings relax, double initGain, SplittableRandom init,
                                      boolean identityInput) {
        return new ConvDhnBlock<>(ops, name, input, layers, relax, initGain, init, WeightProducts.gemm(),
                identityInput);
    }

    /** Core's dense DHN block, in the back end's precision. */
    static <M extends ReshapeMatrix> EnergyBlockFactory<M> dense() {
        return DenseDhnBlock::new;
    }
}
