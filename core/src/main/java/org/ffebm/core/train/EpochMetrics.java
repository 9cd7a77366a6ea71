package org.ffebm.core.train;

/**
 * One epoch's figures.
 *
 * @param epoch 1-based
 * @param trainLoss mean loss over the epoch's training batches (measured during training)
 * @param trainAccuracy fraction of training samples classified right during the epoch
 * @param testLoss mean loss on the test set after the epoch
 * @param testAccuracy fraction of test samples right after the epoch
 * @param seconds wall-clock seconds of the epoch's training (evaluation excluded)
 * @param samplesPerSecond training samples per second
 * @param freeConverged fraction of training batches whose free phase met the tolerance (NaN without tolerance)
 * @param maxFreeResidual the largest free-phase residual seen in the epoch
 * @param pulsesPerStep programming pulses applied to analog devices per training step, mean over the epoch (0 when
 *                      no block is on a crossbar, or when updates are re-programmed rather than pulsed)
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                           double seconds, double samplesPerSecond, double freeConverged, double maxFreeResidual,
                           double pulsesPerStep) {

    /** The header of metrics.csv. */
    public static final String CSV_HEADER =
            "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,samples_per_second,max_free_residual,"
                    + "free_converged,pulses_per_step";

    /** One metrics.csv line (no newline). Timing columns are the only ones that vary between identical runs. */
    public String csv() {
        return epoch + "," + fmt(trainLoss) + "," + fmt(trainAccuracy) + "," + fmt(testLoss) + "," + fmt(testAccuracy)
                + "," + String.format(java.util.Locale.ROOT, "%.3f", seconds) + ","
                + String.format(java.util.Locale.ROOT, "%.1f", samplesPerSecond) + "," + fmt(maxFreeResidual) + ","
                + (Double.isNaN(freeConverged) ? "NaN" : fmt(freeConverged)) + ","
                + String.format(java.util.Locale.ROOT, "%.1f", pulsesPerStep);
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.6f", v);
    }
}
