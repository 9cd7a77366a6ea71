package org.ffebm.core.block;

import java.util.List;
import org.ejml.data.ReshapeMatrix;

/**
 * An energy-based (analog) block: given its input u, its state relaxes to s* = argmin_s E(s; θ, u). Trained by
 * Equilibrium Propagation: nudged relaxations give ∇θ and the boundary gradient ∇u (DESIGN §2).
 *
 * <p>Implementations: the float/double dense DHN of core, and the crossbar DHN of analog-sim. Buffers returned are
 * owned by the block and valid until the next call.
 */
public interface EnergyBlock<M extends ReshapeMatrix> {

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
     * Called after the values of {@link #params()} were replaced from outside the block (a checkpoint restore). A
     * block whose weights live on a physical substrate (a crossbar) re-programs it here; the default does nothing.
     */
    default void paramsChangedInPlace() {
    }

    /**
     * Called once per training step, after the optimiser changed the values of {@link #params()} from their gradients.
     * A block on a physical substrate applies the change there (by re-programming, or by pulses) and may overwrite the
     * values with the weights the substrate now represents. The default calls {@link #paramsChangedInPlace()}.
     *
     * @param lr the learning rate the optimiser used for this block's parameter group at this step
     */
    default void stepAppliedInPlace(double lr) {
        paramsChangedInPlace();
    }

    /** Programming pulses applied to the substrate since the block was built (0 for a block without one). */
    default long pulsesApplied() {
        return 0;
    }

    /**
     * The state of the block's substrate that its parameters do not determine (device conductances, clocks, noise
     * stream positions), for a checkpoint; null when there is none. {@link #restoreSubstrateState} of a block built
     * from the same configuration and seed, followed by restoring the parameters, continues the run with the same bits.
     */
    default byte[] substrateState() {
        return null;
    }

    /**
     * Restores what {@link #substrateState()} returned.
     *
     * @param state (Input) the bytes, not modified; null for a block without substrate state
     * @throws IllegalArgumentException if the bytes were not written by a block of this configuration
     */
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
