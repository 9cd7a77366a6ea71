package org.ffebm.core.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * CIFAR-10: 32×32 colour images in 10 classes, 50,000 for training and 10,000 for testing, read from the "binary
 * version" of the set. Source: A. Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", technical
 * report, University of Toronto (2009); files at https://www.cs.toronto.edu/~kriz/cifar.html
 * ({@code cifar-10-binary.tar.gz}, which unpacks to the folder {@value #SUBDIR}).
 *
 * <p>Format: each file is a sequence of 3073-byte records without header: one label byte in [0, 9], then 3072 pixel
 * bytes, the 1024 red values of the 32×32 image, then the 1024 green, then the 1024 blue, each plane row-major. The
 * training set is {@code data_batch_1.bin} … {@code data_batch_5.bin} (10,000 records each) concatenated in that
 * order, the test set {@value #TEST_FILE}.
 *
 * <p>Result: {@link Dataset}s with 3 channels of 32×32, features in (channel, row, column) order exactly as stored,
 * each pixel scaled to {@code byte / 255f} in [0, 1] like Fashion-MNIST, and labels in [0, 10). The pixels are kept as
 * bytes (about 184 MB for the 60,000 images; see {@link Dataset}).
 *
 * <p>Checks: a file's length must be a positive multiple of 3073 ("truncated record" otherwise) and every label below
 * 10; every problem, a missing file included, is a {@link DataFormatException} whose one-line message names the file
 * (or the directory and the missing file's name).
 */
public final class Cifar10 {

    /** The set's name, the prefix of the data sets' names. */
    public static final String NAME = "cifar-10";
    /** The number of classes. */
    public static final int NUM_CLASSES = 10;
    /** Colour channels: red, green, blue. */
    public static final int CHANNELS = 3;
    /** Image rows and columns. */
    public static final int SIDE = 32;
    /** Pixel bytes per image: channels·side·side = 3072. */
    public static final int FEATURES = CHANNELS * SIDE * SIDE;
    /** Bytes per record: one label byte and the pixels. */
    public static final int RECORD_BYTES = 1 + FEATURES;
    /** The training files, in the order their records are concatenated. */
    public static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin");
    /** The test file. */
    public static final String TEST_FILE = "test_batch.bin";
    /** The folder the official archive unpacks to; {@link #load} also looks inside it. */
    public static final String SUBDIR = "cifar-10-batches-bin";
    /** Class names, indexed by label (as in the archive's {@code batches.meta.txt}). */
    public static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    private Cifar10() {
    }

    /**
     * Loads the training and test sets, named {@code cifar-10-train} and {@code cifar-10-test}. Each file is looked
     * for in {@code dir} and then in {@code dir/}{@value #SUBDIR}, so both the unpacked folder and its parent work.
     *
     * @param dir (Input) the directory holding {@code data_batch_1.bin} … {@code data_batch_5.bin} and
     *        {@value #TEST_FILE}
     * @return the training set (the five batches in order) and the test set
     * @throws DataFormatException if the directory or a file is missing, a file's length is not a positive multiple
     *         of {@value #RECORD_BYTES}, a label is not in [0, 10), a file cannot be read, or the heap is too small
     */
    public static TrainTest load(Path dir) {
        Objects.requireNonNull(dir, "dir");
        DataFiles.requireDirectory(dir);
        List<Path> train = new ArrayList<>();
        for (String name : TRAIN_FILES) {
            train.add(DataFiles.find(dir, name, SUBDIR));
        }
        Path test = DataFiles.find(dir, TEST_FILE, SUBDIR);
        return new TrainTest(read(NAME + "-train", train), read(NAME + "-test", List.of(test)));
    }

    /**
     * Reads CIFAR-10 binary files and concatenates their records in the order given, e.g. a single batch for a quick
     * run. Each file may hold any positive number of records.
     *
     * @param name the data set's name
     * @param files (Input) one or more files of 3073-byte records
     * @return the data set: 3×32×32 pixels scaled to [0, 1], labels in [0, 10)
     * @throws DataFormatException if a file is missing or malformed (the message names it) or the heap is too small
     * @throws IllegalArgumentException if files is empty or name is blank
     */
    public static Dataset read(String name, List<Path> files) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(files, "files");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("files is empty: at least one CIFAR-10 file is needed");
        }
        long total = 0;
        int[] counts = new int[files.size()];
        for (int k = 0; k < files.size(); k++) {
            Path file = Objects.requireNonNull(files.get(k), "files[" + k + "]");
            long length = DataFiles.size(file);
            if (length == 0) {
                throw IdxReader.fail(file.toString(), "empty: no records");
            }
            if (length % RECORD_BYTES != 0) {
                throw IdxReader.fail(file.toString(), "truncated record: the length " + length
                        + " bytes is not a multiple of the record size " + RECORD_BYTES + " (1 label byte + "
                        + FEATURES + " pixel bytes): " + length / RECORD_BYTES + " whole records and "
                        + length % RECORD_BYTES + " bytes more");
            }
            total += length / RECORD_BYTES;
            if (total > IdxReader.MAX_DATA_BYTES) {
                throw IdxReader.fail(file.toString(), "too many records: more than " + IdxReader.MAX_DATA_BYTES
                        + " in all");
            }
            counts[k] = (int) (length / RECORD_BYTES);
        }
        DataFiles.checkHeap(files.get(0).toString(), total + " CIFAR-10 images", total * FEATURES,
                Runtime.getRuntime().maxMemory());
        ByteSamples samples = new ByteSamples((int) total, FEATURES);
        int[] labels = new int[(int) total];
        int first = 0;
        for (int k = 0; k < files.size(); k++) {
            readFile(files.get(k), counts[k], samples, labels, first);
            first += counts[k];
        }
        return Dataset.fromBytes(name, CHANNELS, SIDE, SIDE, samples, labels, NUM_CLASSES);
    }

    /**
     * @param label a label in [0, 10)
     * @return its class name, e.g. {@code "truck"} for 9
     * @throws IllegalArgumentException if label is out of range
     */
    public static String className(int label) {
        if (label < 0 || label >= NUM_CLASSES) {
            throw new IllegalArgumentException("label = " + label + " is not in [0, " + NUM_CLASSES + ")");
        }
        return CLASS_NAMES.get(label);
    }

    // ------------------------------------------------------------------------------------------------------------

    /** Reads {@code records} records of one file into samples and labels from index {@code first} on. */
    private static void readFile(Path file, int records, ByteSamples samples, int[] labels, int first) {
        String source = file.toString();
        try (InputStream in = new BufferedInputStream(DataFiles.open(file), 1 << 16)) {
            for (int r = 0; r < records; r++) {
                int label = in.read();
                long pixels = label < 0 ? 0 : samples.readInto(in, first + r, 1);
                if (label < 0 || pixels < FEATURES) {
                    throw IdxReader.fail(source, "truncated: the file shrank while being read, record " + r + " of "
                            + records + " is incomplete");
                }
                if (label >= NUM_CLASSES) {
                    throw IdxReader.fail(source, "label out of range: label " + label + " in record " + r
                            + " (byte offset " + (long) r * RECORD_BYTES + ") is not in [0, " + NUM_CLASSES + ")");
                }
                labels[first + r] = label;
            }
            if (in.read() >= 0) {
                throw IdxReader.fail(source, "trailing bytes: the file grew while being read beyond " + records
                        + " records");
            }
        } catch (IOException e) {
            throw DataFiles.readError(source, e);
        }
    }
}
