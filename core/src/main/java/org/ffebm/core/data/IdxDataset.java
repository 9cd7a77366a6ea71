package org.ffebm.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Loads a train/test pair stored as the four standard IDX files of MNIST and Fashion-MNIST:
 * {@value #TRAIN_IMAGES}, {@value #TRAIN_LABELS}, {@value #TEST_IMAGES} and {@value #TEST_LABELS}, each either
 * gzipped with the suffix {@value #GZ_SUFFIX} or raw without it (the content, not the name, decides how it is read;
 * when both names exist the {@code .gz} one is used). The two sets are named {@code <name>-train} and
 * {@code <name>-test}.
 */
public final class IdxDataset {

    /** Base name of the training images file. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    /** Base name of the training labels file. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    /** Base name of the test images file. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** Base name of the test labels file. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** Suffix of the compressed files. */
    public static final String GZ_SUFFIX = ".gz";

    private IdxDataset() {
    }

    /**
     * Loads the training and test sets from a directory.
     *
     * @param dir (Input) the directory holding the four files
     * @param name the set's name, e.g. {@code mnist}; the results are {@code name-train} and {@code name-test}
     * @param numClasses the number of classes, e.g. 10
     * @return the pair
     * @throws DataFormatException if the directory or a file is missing (the message names both), a file is
     *         malformed, or an images file and its labels file hold different counts
     */
    public static TrainTest load(Path dir, String name, int numClasses) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(name, "name");
        if (!Files.exists(dir)) {
            throw new DataFormatException(dir + ": no such directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir + ": not a directory");
        }
        Path trainImages = resolve(dir, TRAIN_IMAGES);
        Path trainLabels = resolve(dir, TRAIN_LABELS);
        Path testImages = resolve(dir, TEST_IMAGES);
        Path testLabels = resolve(dir, TEST_LABELS);
        Dataset train = combine(dir.toString(), name + "-train", IdxReader.readImages(trainImages),
                trainLabels.getFileName().toString(), IdxReader.readLabels(trainLabels, numClasses), numClasses);
        Dataset test = combine(dir.toString(), name + "-test", IdxReader.readImages(testImages),
                testLabels.getFileName().toString(), IdxReader.readLabels(testLabels, numClasses), numClasses);
        return new TrainTest(train, test);
    }

    /**
     * Loads the training and test sets from class-path resources (e.g. inside a jar).
     *
     * @param resourceDir the resource folder, without leading or trailing slash, e.g.
     *        {@code org/ffebm/core/data/fashion-mnist-subset}
     * @param name the set's name; the results are {@code name-train} and {@code name-test}
     * @param numClasses the number of classes
     * @return the pair
     * @throws DataFormatException if a resource is missing or malformed, or counts differ
     */
    public static TrainTest loadResource(String resourceDir, String name, int numClasses) {
        Objects.requireNonNull(resourceDir, "resourceDir");
        Objects.requireNonNull(name, "name");
        String where = "classpath:" + resourceDir;
        Dataset train = combine(where, name + "-train", readResourceImages(resourceDir, TRAIN_IMAGES),
                TRAIN_LABELS, readResourceLabels(resourceDir, TRAIN_LABELS, numClasses), numClasses);
        Dataset test = combine(where, name + "-test", readResourceImages(resourceDir, TEST_IMAGES),
                TEST_LABELS, readResourceLabels(resourceDir, TEST_LABELS, numClasses), numClasses);
        return new TrainTest(train, test);
    }

    /**
     * The path of {@code dir/base.gz} if it exists, else of {@code dir/base}.
     *
     * @throws DataFormatException naming the directory and the file if neither exists
     */
    static Path resolve(Path dir, String base) {
        Path gz = dir.resolve(base + GZ_SUFFIX);
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = dir.resolve(base);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        throw new DataFormatException(dir + ": missing " + base + GZ_SUFFIX + " (or " + base + ")");
    }

    private static Dataset combine(String where, String setName, IdxImages images, String labelsName, int[] labels,
            int numClasses) {
        if (images.count() != labels.length) {
            throw new DataFormatException(where + ": " + fileName(images.source()) + " has " + images.count()
                    + " images but " + labelsName + " has " + labels.length + " labels");
        }
        return Dataset.fromIdx(setName, images, labels, numClasses);
    }

    private static String fileName(String source) {
        int slash = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
        return source.substring(slash + 1);
    }

    private static IdxImages readResourceImages(String resourceDir, String base) {
        String[] found = new String[1];
        try (InputStream in = openResource(resourceDir, base, found)) {
            return IdxReader.readImages(in, found[0]);
        } catch (IOException e) {
            throw new DataFormatException(found[0] + ": read error (" + e.getMessage() + ")", e);
        }
    }

    private static int[] readResourceLabels(String resourceDir, String base, int numClasses) {
        String[] found = new String[1];
        try (InputStream in = openResource(resourceDir, base, found)) {
            return IdxReader.readLabels(in, found[0], numClasses);
        } catch (IOException e) {
            throw new DataFormatException(found[0] + ": read error (" + e.getMessage() + ")", e);
        }
    }

    /** Opens {@code resourceDir/base.gz} or else {@code resourceDir/base}; stores its name in {@code found[0]}. */
    private static InputStream openResource(String resourceDir, String base, String[] found) {
        for (String candidate : new String[] {base + GZ_SUFFIX, base}) {
            String path = resourceDir + "/" + candidate;
            InputStream in = IdxDataset.class.getResourceAsStream("/" + path);
            if (in != null) {
                found[0] = "classpath:" + path;
                return in;
            }
        }
        throw new DataFormatException("classpath:" + resourceDir + ": missing " + base + GZ_SUFFIX + " (or " + base
                + ")");
    }
}
