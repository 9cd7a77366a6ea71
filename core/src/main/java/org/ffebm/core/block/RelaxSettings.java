package org.ffebm.core.block;

/**
 * How a DHN block relaxes (DESIGN §1).
 *
 * @param tFree the most steps of the free phase (the exact count when {@code tol} is 0)
 * @param tNudge the most steps of each nudged phase, started from the free equilibrium
 * @param tol stop a sample once its residual max|Δs| over one step is below this; 0 runs the full step counts
 * @param order the update order of the layers
 * @param slope the hard-sigmoid slope a in s = clip(a·v, 0, 1)
 * @param clampLast whether the block's last layer is bounded (true) or linear (false, s_L = v)
 */
public record RelaxSettings(int tFree, int tNudge, double tol, Order order, double slope, boolean clampLast) {

    /** The order in which layers are updated within one step. */
    public enum Order {
        /** All layers at once from the previous states (Jacobi). */
        SYNCHRONOUS,
        /** Odd layers s₁, s₃, … then even layers (block-coordinate descent on E; converges in fewer steps). */
        ALTERNATING
    }

    public RelaxSettings {
        if (tFree < 1) {
            throw new IllegalArgumentException("t-free must be >= 1, was " + tFree);
        }
        if (tNudge < 1) {
            throw new IllegalArgumentException("t-nudge must be >= 1, was " + tNudge);
        }
        if (!(tol >= 0) || !Double.isFinite(tol)) {
            throw new IllegalArgumentException("tol must be a finite number >= 0, was " + tol);
        }
        if (order == null) {
            throw new IllegalArgumentException("order must not be null");
        }
        if (!(slope > 0) || !Double.isFinite(slope)) {
            throw new IllegalArgumentException("slope must be a finite number > 0, was " + slope);
        }
    }

    public static RelaxSettings defaults() {
        return new RelaxSettings(20, 10, 0.0, Order.ALTERNATING, 1.0, true);
    }
}
