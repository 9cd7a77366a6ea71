package org.ffebm.core.block;

/**
 * The hooks of a physical substrate that holds a block's weights (a crossbar of resistive devices, DESIGN §3): applying
 * a training step to it, counting its programming pulses, and its state for a checkpoint. The defaults are those of
 * digital weights: nothing to apply, no pulses, no state. {@link EnergyBlock} has these hooks, and so has the
 * {@link WeightProducts} strategy to which {@link ConvDhnBlock} forwards them.
 */
public interface Substrate {

    /**
     * Called after the values of the weight params were replaced from outside (a checkpoint restore). A substrate
     * re-programs itself here; the default does nothing.
     */
    default void paramsChangedInPlace() {
    }

    /**
     * Called once per training step, after the optimiser changed the values of the params from their gradients. A
     * substrate applies the change (by re-programming, or by pulses) and may overwrite the values with the weights it
     * now represents. The default calls {@link #paramsChangedInPlace()}.
     *
     * @param lr the learning rate the optimiser used for this block's parameter group at this step
     */
    default void stepAppliedInPlace(double lr) {
        paramsChangedInPlace();
    }

    /**
     * Whether the substrate forms the weight update itself, in the array, from the block's per-sample EP factors
     * (stochastic pulse trains), so that no digital gradient estimate or optimiser step reaches its weights: the cost
     * model then charges neither. False by default.
     */
    default boolean updatesInArray() {
        return false;
    }

    /** Programming pulses applied to the substrate since it was built (0 without one). */
    default long pulsesApplied() {
        return 0;
    }

    /**
     * The state of the substrate that the parameters do not determine (device conductances, clocks, noise stream
     * positions), for a checkpoint; null when there is none. {@link #restoreSubstrateState} on a substrate built from
     * the same configuration and seed, followed by restoring the parameters, continues the run with the same bits.
     */
    default byte[] substrateState() {
        return null;
    }

    /**
     * Restores what {@link #substrateState()} returned.
     *
     * @param state (Input) the bytes, not modified; null when there is no substrate state
     * @throws IllegalArgumentException if the bytes were not written by a substrate of this configuration (by default:
     *                                  if they are not null)
     */
    default void restoreSubstrateState(byte[] state) {
        if (state != null) {
            throw new IllegalArgumentException("no substrate to restore, but the checkpoint holds " + state.length
                    + " bytes of substrate state");
        }
    }
}
