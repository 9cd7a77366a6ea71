package org.ffebm.core.block;

import java.util.List;
import org.ejml.data.ReshapeMatrix;

/**
 * An energy-based (analog) block: given its input u, its state relaxes to s* = argmin_s E(s; θ, u). Trained by
 * Equilibrium Propagation: nudged relaxations give ∇θ and the boundary gradient ∇u (DESIGN §2).
 *
 * <p>Implementations: the float/double dense DHN of core, and the crossbar DHN of analog-sim. Buffers returned are
 * owned by the block and valid until the next call. The {@link Substrate} hooks ({@code paramsChangedInPlace},
 * {@code stepAppliedInPlace}, {@code pulsesApplied}, the substrate state) are called by the trainer: after a
 * checkpoint replaced the params, after each optimiser step, and when a checkpoint is written or restored.
 */
public interface EnergyBlock<M extends ReshapeMatrix> extends Substrate {

    String name();

    Shape inputShape();

    /** The shape of the block's last layer, which is what the next digital block reads. */
    Shape outputShape();

    /**
     * Free phase: relax from zero states with input {@code u} held fixed.
     *
     * @param u (Input) batch × inputShape().size(); kept until the next free phase
     */
    SettleResult relaxFree(M u);

    /** The last layer at the free equilibrium, batch × outputShape().size(). */
    M output();

    /**
     * Nudged phases and the EP estimate. Adds {@code paramScale}·∇θ into the params' gradients and computes the
     * per-sample boundary gradient ∇u, read with {@link #inputGradient()}.
     *
     * @param delta (Input) per-sample ∂ℓ/∂s_L at the free equilibrium, batch × outputShape().size()
     * @param ep the estimator and β
     * @param paramScale factor on the parameter gradients (1/batch for batch means)
     * @param needInputGrad false when no block below reads ∇u
     */
    SettleResult backward(M delta, EpSettings ep, double paramScale, boolean needInputGrad);

    /** ∇u per sample from the last {@link #backward}, batch × inputShape().size(). */
    M inputGradient();

    List<Param<M>> params();

    /**
     * {@inheritDoc} The default names the block in its message.
     *
     * @throws IllegalArgumentException if the bytes were not written by a block of this configuration
     */
    @Override
    default void restoreSubstrateState(byte[] state) {
        if (state != null) {
            throw new IllegalArgumentException(name() + " has no substrate state, but the checkpoint holds "
                    + state.length + " bytes of it");
        }
    }

    /**
     * The energy E(s; θ, u) of sample {@code row} in the free state, with the block's current input. For tests and
     * diagnostics, not for the hot path.
     */
    double freeEnergy(int row);
}
