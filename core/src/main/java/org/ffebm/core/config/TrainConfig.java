package org.ffebm.core.config;

import java.util.Properties;
import org.ffebm.core.data.Augment;

/**
 * The training run.
 *
 * @param epochs passes over the training set, ≥ 1
 * @param batchSize samples per step, ≥ 1
 * @param seed root seed of every generator (initialisation, shuffling)
 * @param threads worker threads (the batch is split over them; results do not depend on it)
 * @param limitTrain use only the first N training samples (0 = all)
 * @param limitTest use only the first N test samples (0 = all)
 * @param kernel matrix-product kernel: fastest, reference, ejml, blocked, …
 * @param data an IDX directory such as /usr/share/datasets/fashion-mnist; empty for the embedded subset
 * @param augment augmentation of the training images ({@code ffebm.train.augment}: none, flip, shift=N)
 */
public record TrainConfig(int epochs, int batchSize, long seed, int threads, int limitTrain, int limitTest,
                          String kernel, String data, Augment augment) {

    public static final String PREFIX = "ffebm.train.";

    public TrainConfig {
        Props.requireAtLeast(PREFIX + "epochs", epochs, 1);
        Props.requireAtLeast(PREFIX + "batch-size", batchSize, 1);
        Props.requireAtLeast(PREFIX + "threads", threads, 1);
        Props.requireAtLeast(PREFIX + "limit-train", limitTrain, 0);
        Props.requireAtLeast(PREFIX + "limit-test", limitTest, 0);
        if (kernel == null || kernel.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "kernel must not be empty");
        }
        data = data == null ? "" : data;
        augment = augment == null ? Augment.NONE : augment;
    }

    /** A run without augmentation. */
    public TrainConfig(int epochs, int batchSize, long seed, int threads, int limitTrain, int limitTest, String kernel,
                       String data) {
        this(epochs, batchSize, seed, threads, limitTrain, limitTest, kernel, data, Augment.NONE);
    }

    /** This run with another number of epochs, threads, kernel and data (the rest kept, augmentation included). */
    public TrainConfig with(int epochs, int threads, String kernel, String data) {
        return new TrainConfig(epochs, batchSize, seed, threads, limitTrain, limitTest, kernel, data, augment);
    }

    public static TrainConfig defaults() {
        return new TrainConfig(10, 128, 1L, Math.max(1, Runtime.getRuntime().availableProcessors()), 0, 0, "fastest", "");
    }

    public static TrainConfig of(Properties p) {
        TrainConfig d = defaults();
        return new TrainConfig(Props.integer(p, PREFIX + "epochs", d.epochs),
                Props.integer(p, PREFIX + "batch-size", d.batchSize), Props.longValue(p, PREFIX + "seed", d.seed),
                Props.integer(p, PREFIX + "threads", d.threads), Props.integer(p, PREFIX + "limit-train", d.limitTrain),
                Props.integer(p, PREFIX + "limit-test", d.limitTest), Props.string(p, PREFIX + "kernel", d.kernel),
                Props.string(p, PREFIX + "data", d.data), Augment.parse(Props.string(p, PREFIX + "augment", "none")));
    }

    public void write(Properties p) {
        p.setProperty(PREFIX + "epochs", Integer.toString(epochs));
        p.setProperty(PREFIX + "batch-size", Integer.toString(batchSize));
        p.setProperty(PREFIX + "seed", Long.toString(seed));
        p.setProperty(PREFIX + "threads", Integer.toString(threads));
        p.setProperty(PREFIX + "limit-train", Integer.toString(limitTrain));
        p.setProperty(PREFIX + "limit-test", Integer.toString(limitTest));
        p.setProperty(PREFIX + "kernel", kernel);
        p.setProperty(PREFIX + "data", data);
        p.setProperty(PREFIX + "augment", augment.text());
    }
}
