package org.ffebm.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * ImageNet32: the 1,281,167 training and 50,000 validation images of ImageNet (ILSVRC 2012, 1000 classes) downsampled
 * to 32×32 colour pixels. Source: P. Chrabaszcz, I. Loshchilov, F. Hutter, "A Downsampled Variant of ImageNet as an
 * Alternative to the CIFAR datasets", arXiv:1707.08819 (2017); files from https://image-net.org/download-images
 * ("Imagenet32_train_npz", "Imagenet32_val_npz"), under the ImageNet terms of access.
 *
 * <p>Format: the training set is split into {@value #TRAIN_BATCHES} NumPy archives {@code train_data_batch_1.npz} …
 * {@code train_data_batch_10.npz} (about 128,000 images each), the validation set is {@value #VAL_FILE}. Each archive
 * ({@code .npz}: a zip, stored or deflated, of {@code .npy} arrays) holds {@code data}, a uint8 array of shape
 * (N, 3072) whose row is one image, the 1024 red values, then the 1024 green, then the 1024 blue, each plane 32×32
 * row-major (the CIFAR layout), and {@code labels}, N integers in [1, 1000] (1-based, any integer dtype). Other
 * arrays ({@code mean}) are ignored.
 *
 * <p>Result: {@link Dataset}s with 3 channels of 32×32, features in (channel, row, column) order as stored, each pixel
 * scaled to {@code byte / 255f} in [0, 1], and labels converted to 0-based, in [0, 1000). The validation set is the
 * test set of the {@link TrainTest}.
 *
 * <p>Memory: the pixels stay bytes (see {@link Dataset}): 3072 bytes per image, about 394 MB per training archive,
 * 3.94 GB for all ten plus 154 MB for the validation set; as floats it would be four times that. Give the JVM
 * {@code -Xmx5g} or more for the full set, or load fewer archives with {@link #load(Path, int)}; a heap that is too
 * small fails before anything large is allocated. Each archive is opened twice: first its labels and the data
 * header are read and checked (so every file is checked before the large allocation), then the pixels are read
 * straight into place.
 *
 * <p>Checks: the zip structure and every array's CRC-32, the {@code .npy} magic, version and header (see {@link Npy}),
 * the dtypes ({@code |u1} for the pixels), the shapes (3072 columns, as many rows as labels, at least one), the entry
 * sizes against the shapes, and every label. Every problem, a missing file included, is a
 * {@link DataFormatException} whose one-line message names the file (and the array).
 */
public final class ImageNet32 {

    /** The set's name, the prefix of the data sets' names. */
    public static final String NAME = "imagenet32";
    /** The number of classes. */
    public static final int NUM_CLASSES = 1000;
    /** Colour channels: red, green, blue. */
    public static final int CHANNELS = 3;
    /** Image rows and columns. */
    public static final int SIDE = 32;
    /** Pixel bytes per image, the columns of the {@code data} array: channels·side·side = 3072. */
    public static final int FEATURES = CHANNELS * SIDE * SIDE;
    /** The number of training archives. */
    public static final int TRAIN_BATCHES = 10;
    /** The validation archive, used as the test set. */
    public static final String VAL_FILE = "val_data.npz";
    /** The folder the official training download unpacks to; {@link #load} also looks inside it. */
    public static final String TRAIN_SUBDIR = "Imagenet32_train_npz";
    /** The folder the official validation download unpacks to; {@link #load} also looks inside it. */
    public static final String VAL_SUBDIR = "Imagenet32_val_npz";
    /** The name of the pixel array in each archive. */
    public static final String DATA_KEY = "data";
    /** The name of the label array in each archive. */
    public static final String LABELS_KEY = "labels";

    private ImageNet32() {
    }

    /**
     * The file name of a training archive.
     *
     * @param batch the archive's number, in [1, {@value #TRAIN_BATCHES}]
     * @return {@code train_data_batch_<batch>.npz}
     * @throws IllegalArgumentException if batch is out of range
     */
    public static String trainFile(int batch) {
        if (batch < 1 || batch > TRAIN_BATCHES) {
            throw new IllegalArgumentException("batch = " + batch + " is not in [1, " + TRAIN_BATCHES + "]");
        }
        return "train_data_batch_" + batch + ".npz";
    }

    /**
     * Loads all ten training archives and the validation archive: {@code load(dir, 10)}. Needs about 4.1 GB of heap.
     *
     * @param dir (Input) the directory holding the archives (directly, or in the folders {@value #TRAIN_SUBDIR} and
     *        {@value #VAL_SUBDIR})
     * @return the training set {@code imagenet32-train} and the validation set {@code imagenet32-val}
     * @throws DataFormatException if the directory or a file is missing or malformed, or the heap is too small
     */
    public static TrainTest load(Path dir) {
        return load(dir, TRAIN_BATCHES);
    }

    /**
     * Loads the first {@code maxTrainBatches} training archives ({@code train_data_batch_1.npz} onwards, concatenated in
     * order) and the whole validation archive. One archive holds about 128,000 images of all classes (394 MB), so
     * {@code maxTrainBatches = 1} is a tenth of the training set at a tenth of the memory. Each file is looked for in
     * {@code dir}, then in {@code dir/}{@value #TRAIN_SUBDIR} or {@code dir/}{@value #VAL_SUBDIR}; the archives beyond
     * {@code maxTrainBatches} need not exist.
     *
     * @param dir (Input) the directory holding the archives
     * @param maxTrainBatches the number of training archives to read, in [1, {@value #TRAIN_BATCHES}]
     * @return the training set, named {@code imagenet32-train} when all ten are read and
     *         {@code imagenet32-train[batches 1-k]} otherwise, and the validation set {@code imagenet32-val}
     * @throws DataFormatException if the directory or a needed file is missing or malformed (the message names it),
     *         or the heap is too small for the images
     * @throws IllegalArgumentException if maxTrainBatches is out of range
     */
    public static TrainTest load(Path dir, int maxTrainBatches) {
        Objects.requireNonNull(dir, "dir");
        if (maxTrainBatches < 1 || maxTrainBatches > TRAIN_BATCHES) {
            throw new IllegalArgumentException("maxTrainBatches = " + maxTrainBatches + " is not in [1, "
                    + TRAIN_BATCHES + "]");
        }
        DataFiles.requireDirectory(dir);
        List<Path> trainFiles = new ArrayList<>();
        for (int b = 1; b <= maxTrainBatches; b++) {
            trainFiles.add(DataFiles.find(dir, trainFile(b), TRAIN_SUBDIR));
        }
        Path valFile = DataFiles.find(dir, VAL_FILE, VAL_SUBDIR);
        List<Part> train = scan(trainFiles);
        List<Part> val = scan(List.of(valFile));
        long trainCount = count(train);
        long valCount = count(val);
        DataFiles.checkHeap(dir.toString(), trainCount + " training and " + valCount + " validation images",
                (trainCount + valCount) * FEATURES, Runtime.getRuntime().maxMemory());
        String trainName = NAME + "-train" + (maxTrainBatches == TRAIN_BATCHES ? ""
                : maxTrainBatches == 1 ? "[batch 1]" : "[batches 1-" + maxTrainBatches + "]");
        return new TrainTest(fill(trainName, train), fill(NAME + "-val", val));
    }

    /**
     * Reads ImageNet32 archives and concatenates their images in the order given, e.g. one training archive.
     *
     * @param name the data set's name
     * @param files (Input) one or more {@code .npz} archives with the arrays {@code data} and {@code labels}
     * @return the data set: 3×32×32 pixels scaled to [0, 1], labels in [0, 1000)
     * @throws DataFormatException if a file is missing or malformed (the message names it) or the heap is too small
     * @throws IllegalArgumentException if files is empty or name is blank
     */
    public static Dataset read(String name, List<Path> files) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(files, "files");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("files is empty: at least one ImageNet32 archive is needed");
        }
        List<Part> parts = scan(files);
        long n = count(parts);
        DataFiles.checkHeap(files.get(0).toString(), n + " ImageNet32 images", n * FEATURES,
                Runtime.getRuntime().maxMemory());
        return fill(name, parts);
    }

    // ------------------------------------------------------------------------------------------------------------

    /** One archive after the first pass: its 0-based labels; the data array has as many rows. */
    private record Part(Path file, int[] labels) {
    }

    /** First pass: reads and checks every archive's labels and data header. */
    private static List<Part> scan(List<Path> files) {
        List<Part> parts = new ArrayList<>(files.size());
        long total = 0;
        for (int k = 0; k < files.size(); k++) {
            Path file = Objects.requireNonNull(files.get(k), "files[" + k + "]");
            int[] labels;
            try (Npz npz = Npz.open(file)) {
                try (Npz.Array a = npz.array(LABELS_KEY)) {
                    labels = readLabels(a);
                }
                try (Npz.Array a = npz.array(DATA_KEY)) {
                    checkData(a, labels.length);
                }
            }
            total += labels.length;
            if (total > IdxReader.MAX_DATA_BYTES) {
                throw IdxReader.fail(file.toString(), "too many images: more than " + IdxReader.MAX_DATA_BYTES
                        + " in all");
            }
            parts.add(new Part(file, labels));
        }
        return parts;
    }

    /** Second pass: reads the pixels of every archive into one store. */
    private static Dataset fill(String name, List<Part> parts) {
        int n = (int) count(parts);
        ByteSamples samples = new ByteSamples(n, FEATURES);
        int[] labels = new int[n];
        int first = 0;
        for (Part p : parts) {
            int rows = p.labels().length;
            try (Npz npz = Npz.open(p.file()); Npz.Array a = npz.array(DATA_KEY)) {
                checkData(a, rows); // again: the file may have been replaced between the passes
                a.readInto(samples, first, rows);
            }
            System.arraycopy(p.labels(), 0, labels, first, rows);
            first += rows;
        }
        return Dataset.fromBytes(name, CHANNELS, SIDE, SIDE, samples, labels, NUM_CLASSES);
    }

    private static long count(List<Part> parts) {
        long n = 0;
        for (Part p : parts) {
            n += p.labels().length;
        }
        return n;
    }

    /** Reads the labels array, checks its shape and values, and returns the labels made 0-based. */
    private static int[] readLabels(Npz.Array a) {
        Npy.Header h = a.header();
        String source = a.source();
        if (!h.isInteger()) {
            throw IdxReader.fail(source, "unsupported dtype '" + h.descr() + "' for the labels: "
                    + Npy.INTEGER_DTYPES);
        }
        if (h.rank() != 1) {
            throw IdxReader.fail(source, "labels have shape " + h.shapeText() + ": expected one dimension (N,)");
        }
        if (h.dim(0) == 0) {
            throw IdxReader.fail(source, "empty: no labels (shape " + h.shapeText() + ")");
        }
        a.checkSize();
        long[] values = a.readIntegers();
        int[] labels = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            long v = values[i];
            if (v < 1 || v > NUM_CLASSES) { // an unsigned 64-bit value above 2^63 reads negative: out of range too
                throw IdxReader.fail(source, "label out of range: label " + Npy.toText(v, h) + " at index " + i
                        + " is not in [1, " + NUM_CLASSES + "] (ImageNet32 labels are 1-based)");
            }
            labels[i] = (int) v - 1;
        }
        return labels;
    }

    /** Checks the data array's dtype, shape and entry size against the label count. */
    private static void checkData(Npz.Array a, int labelCount) {
        Npy.Header h = a.header();
        String source = a.source();
        if (h.kind() != 'u' || h.itemSize() != 1) {
            throw IdxReader.fail(source, "unsupported dtype '" + h.descr() + "' for the pixels: expected '|u1' (uint8)");
        }
        if (h.rank() != 2 || h.dim(1) != FEATURES) {
            throw IdxReader.fail(source, "data have shape " + h.shapeText() + ": expected (N, " + FEATURES
                    + "), one row of " + CHANNELS + "x" + SIDE + "x" + SIDE + " bytes per image");
        }
        if (h.dim(0) != labelCount) {
            throw IdxReader.fail(source, "data have " + h.dim(0) + " rows (shape " + h.shapeText() + ") but the labels"
                    + " array has " + labelCount + " labels");
        }
        a.checkSize();
    }
}
