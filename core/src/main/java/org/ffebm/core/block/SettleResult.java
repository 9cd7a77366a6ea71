package org.ffebm.core.block;

/**
 * The outcome of a relaxation: non-convergence is data, never an exception.
 *
 * @param converged true if every sample's residual fell below the tolerance (always false when no tolerance is set,
 *                  unless the residual reached exactly 0)
 * @param iterations the largest number of steps any sample took
 * @param residual the largest per-sample residual max|Δs| of the last step taken
 * @param sampleSteps the steps taken, summed over the samples (what a physical array that relaxes one sample at a
 *                    time spends; the cost model reads it)
 */
public record SettleResult(boolean converged, int iterations, double residual, long sampleSteps) {

    /** Combines the results of two phases or two blocks: the worst convergence, the steps added. */
    public SettleResult merge(SettleResult other) {
        return new SettleResult(converged && other.converged, Math.max(iterations, other.iterations),
                Math.max(residual, other.residual), sampleSteps + other.sampleSteps);
    }
}
