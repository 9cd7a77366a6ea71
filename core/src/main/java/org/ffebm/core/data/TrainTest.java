package org.ffebm.core.data;

import java.util.Objects;

/**
 * A training set and a test set of the same shape and class count.
 *
 * @param train the training samples
 * @param test the held-out test samples
 */
public record TrainTest(Dataset train, Dataset test) {

    /**
     * Checks that the sets are compatible.
     *
     * @param train the training samples
     * @param test the held-out test samples
     * @throws IllegalArgumentException if the two sets differ in channels, rows, cols or class count
     */
    public TrainTest {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (train.channels() != test.channels() || train.rows() != test.rows() || train.cols() != test.cols()) {
            throw new IllegalArgumentException("test shape " + test.channels() + "x" + test.rows() + "x" + test.cols()
                    + " differs from train shape " + train.channels() + "x" + train.rows() + "x" + train.cols());
        }
        if (train.numClasses() != test.numClasses()) {
            throw new IllegalArgumentException("test.numClasses = " + test.numClasses()
                    + " differs from train.numClasses = " + train.numClasses());
        }
    }

    /**
     * Both sets cut to their first samples, see {@link Dataset#limit}.
     *
     * @param trainSize samples kept from the training set, ≥ 1
     * @param testSize samples kept from the test set, ≥ 1
     * @return the limited pair (this when both limits cover the whole sets)
     * @throws IllegalArgumentException if a size is &lt; 1
     */
    public TrainTest limit(int trainSize, int testSize) {
        Dataset tr = train.limit(trainSize);
        Dataset te = test.limit(testSize);
        return tr == train && te == test ? this : new TrainTest(tr, te);
    }
}
