package org.ffebm.core.block;

/**
 * The outcome of a relaxation: non-convergence is data, never an exception.
 *
 * @param converged true if every sample's residual fell below the tolerance (always false when no tolerance is set,
 *                  unless the residual reached exactly 0)
 * @param iterations the largest number of steps any sample took
 * @param residual the largest per-sample residual max|Δs| of the last step taken
 */
public record SettleResult(boolean converged, int iterations, double residual) {

    /** Combines the results of two row ranges or two blocks. */
    public SettleResult merge(SettleResult other) {
        return new SettleResult(converged && other.converged, Math.max(iterations, other.iterations),
                Math.max(residual, other.residual));
    }
}
