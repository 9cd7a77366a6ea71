package org.ffebm.core.block;

/**
 * How EP estimates gradients in an energy block.
 *
 * @param beta the nudging strength β &gt; 0
 * @param estimator centred (±β, the default) or one-sided (+β and the free state)
 */
public record EpSettings(double beta, Estimator estimator) {

    /** The EP estimator. */
    public enum Estimator {
        /** (∂θE(s⁺ᵝ) − ∂θE(s⁻ᵝ)) / 2β: error O(β²). */
        CENTERED,
        /** (∂θE(s⁺ᵝ) − ∂θE(s⁰)) / β: error O(β). */
        ONE_SIDED
    }

    public EpSettings {
        if (!(beta > 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("beta must be a finite number > 0, was " + beta);
        }
        if (estimator == null) {
            throw new IllegalArgumentException("estimator must not be null");
        }
    }
}
