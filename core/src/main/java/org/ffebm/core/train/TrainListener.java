package org.ffebm.core.train;

/** Progress of a training run: the CLI draws its progress bar from these calls. */
public interface TrainListener {

    /**
     * After each training batch.
     *
     * @param runningLoss mean loss so far in the epoch
     * @param runningAccuracy accuracy so far in the epoch
     * @param samplesPerSecond throughput so far in the epoch
     */
    default void batch(int epoch, int epochs, int batch, int batches, double runningLoss, double runningAccuracy,
                       double samplesPerSecond) {
    }

    /** After each epoch's evaluation; the trainer has written nothing yet. */
    default void epoch(EpochMetrics metrics) throws java.io.IOException {
    }

    TrainListener NONE = new TrainListener() {
    };
}
