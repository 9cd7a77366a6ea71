package org.ffebm.core.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST: 28×28 grey-scale images of clothing in 10 classes, 60,000 for training and 10,000 for testing.
 * Source: H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning
 * Algorithms", arXiv:1708.07747 (2017), Zalando Research, MIT licence. The files use the MNIST IDX format and names,
 * so this class is a thin entry point over {@link IdxDataset}.
 *
 * <p>{@link #embedded()} needs no download: it returns the first {@value #EMBEDDED_TRAIN_SIZE} training and first
 * {@value #EMBEDDED_TEST_SIZE} test images, shipped as resources (see the README beside them).
 */
public final class FashionMnist {

    /** The set's name, the prefix of the data sets' names. */
    public static final String NAME = "fashion-mnist";
    /** The number of classes. */
    public static final int NUM_CLASSES = 10;
    /** Image rows and columns. */
    public static final int SIDE = 28;
    /** Class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** Where the Debian package {@code dataset-fashion-mnist} installs the full set. */
    public static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Class-path folder of the embedded subset. */
    public static final String EMBEDDED_RESOURCE_DIR = "org/ffebm/core/data/fashion-mnist-subset";
    /** Training samples in the embedded subset: the first ones of the full training set. */
    public static final int EMBEDDED_TRAIN_SIZE = 10_000;
    /** Test samples in the embedded subset: the first ones of the full test set. */
    public static final int EMBEDDED_TEST_SIZE = 2_000;

    private FashionMnist() {
    }

    /**
     * Loads the full set from a directory holding {@code train-images-idx3-ubyte[.gz]},
     * {@code train-labels-idx1-ubyte[.gz]}, {@code t10k-images-idx3-ubyte[.gz]} and {@code t10k-labels-idx1-ubyte[.gz]}.
     * The sets are named {@code fashion-mnist-train} and {@code fashion-mnist-test}.
     *
     * @param dir (Input) the directory, e.g. {@link #SYSTEM_DIR}
     * @return the training and test sets
     * @throws DataFormatException if a file is missing or malformed (see {@link IdxDataset#load})
     */
    public static TrainTest load(Path dir) {
        return IdxDataset.load(dir, NAME, NUM_CLASSES);
    }

    /**
     * Loads the embedded subset: the first {@value #EMBEDDED_TRAIN_SIZE} training and the first
     * {@value #EMBEDDED_TEST_SIZE} test images of Fashion-MNIST, named {@code fashion-mnist-subset-train} and
     * {@code fashion-mnist-subset-test}. Each call reads the resources anew (about 0.1 s).
     *
     * @return the training and test subsets
     * @throws DataFormatException if the resources are missing from the class path or damaged
     */
    public static TrainTest embedded() {
        return IdxDataset.loadResource(EMBEDDED_RESOURCE_DIR, NAME + "-subset", NUM_CLASSES);
    }

    /**
     * @param label a label in [0, 10)
     * @return its class name, e.g. {@code "Ankle boot"} for 9
     * @throws IllegalArgumentException if label is out of range
     */
    public static String className(int label) {
        if (label < 0 || label >= NUM_CLASSES) {
            throw new IllegalArgumentException("label = " + label + " is not in [0, " + NUM_CLASSES + ")");
        }
        return CLASS_NAMES.get(label);
    }
}
