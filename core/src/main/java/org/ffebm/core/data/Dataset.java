package org.ffebm.core.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;

/**
 * An immutable in-memory set of labelled images.
 *
 * <p>Sample {@code i} has {@link #features()} = channels·rows·cols values stored contiguously in channel, row, column
 * order (row-major within a channel), each a pixel intensity scaled to [0, 1] (for 8-bit images {@code byte / 255f}),
 * and a label in [0, {@link #numClasses()}). Grey-scale sets (MNIST, Fashion-MNIST) have one channel; the channel
 * count is kept so that colour sets (CIFAR) fit the same type.
 *
 * <p>Training reads mini-batches with {@link #copyBatch}, which writes into caller-owned buffers and allocates nothing
 * once they are large enough, in an order given by {@link #shuffledOrder}.
 *
 * <p>Storage: a set made by {@link #of} or {@link #fromIdx} holds its pixels as {@code float} (4 bytes each). The
 * 8-bit colour readers ({@link Cifar10}, {@link ImageNet32}) keep the raw unsigned bytes instead and scale them as they
 * are read ({@link #pixel}, {@link #copyBatch}) through the same table {@code byte / 255f}, so the values are
 * bit-identical while the set needs a quarter of the memory and may exceed one Java array (the bytes are held in
 * chunks of whole samples): the full ImageNet32 training set takes 3.9 GB instead of 15.7 GB.
 */
public final class Dataset {

    /** {@code LUT[b] = b / 255f}: the scaling of an unsigned byte pixel, exact to float rounding. */
    private static final float[] BYTE_TO_UNIT = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            BYTE_TO_UNIT[b] = b / 255f;
        }
    }

    private final String name;
    private final int size;
    private final int channels;
    private final int rows;
    private final int cols;
    private final int features;
    private final int numClasses;
    /** Pixels scaled to [0, 1], sample after sample; null when the set is held as {@link #bytes}. */
    private final float[] pixels;
    /** Unsigned 8-bit pixels, one sample of {@code features} bytes each; null when the set is held as floats. */
    private final ByteSamples bytes;
    private final int[] labels;

    /**
     * Takes ownership of the arrays; callers have validated them (see {@link #of} and {@link #fromBytes}). Exactly one
     * of pixels and bytes is non-null.
     */
    private Dataset(String name, int channels, int rows, int cols, float[] pixels, ByteSamples bytes, int[] labels,
            int numClasses) {
        this.name = name;
        this.size = labels.length;
        this.channels = channels;
        this.rows = rows;
        this.cols = cols;
        this.features = channels * rows * cols;
        this.numClasses = numClasses;
        this.pixels = pixels;
        this.bytes = bytes;
        this.labels = labels;
    }

    /**
     * Makes a data set from copies of the given arrays, checking everything.
     *
     * @param name a non-blank name for logs and provenance, e.g. {@code fashion-mnist-train}
     * @param channels channels per sample, at least 1
     * @param rows pixel rows, at least 1
     * @param cols pixel columns, at least 1
     * @param pixels (Input) size·channels·rows·cols values in [0, 1], sample after sample; copied, not modified
     * @param labels (Input) size ≥ 1 labels in [0, numClasses); copied, not modified
     * @param numClasses the number of classes, at least 1
     * @return the data set
     * @throws IllegalArgumentException naming the argument and value that is out of range or of the wrong length
     */
    public static Dataset of(String name, int channels, int rows, int cols, float[] pixels, int[] labels,
            int numClasses) {
        checkName(name);
        int features = checkShape(channels, rows, cols);
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        checkNumClasses(numClasses);
        if (labels.length < 1) {
            throw new IllegalArgumentException("labels.length = 0: a data set needs at least one sample");
        }
        long expected = (long) labels.length * features;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixels.length = " + pixels.length + ", expected labels.length·features = "
                    + labels.length + "·" + features + " = " + expected);
        }
        for (int i = 0; i < pixels.length; i++) {
            float p = pixels[i];
            if (!(p >= 0f && p <= 1f)) { // NaN fails too
                throw new IllegalArgumentException("pixels[" + i + "] = " + p + " is not in [0, 1]");
            }
        }
        checkLabels(labels, numClasses);
        return new Dataset(name, channels, rows, cols, pixels.clone(), null, labels.clone(), numClasses);
    }

    /**
     * Makes a one-channel data set from IDX images and labels, scaling each pixel to {@code byte / 255f}.
     *
     * @param name a non-blank name for logs and provenance
     * @param images (Input) the images, not modified
     * @param labels (Input) one label per image in [0, numClasses); copied, not modified
     * @param numClasses the number of classes, at least 1
     * @return the data set
     * @throws IllegalArgumentException if the counts differ, a label is out of range or an argument is invalid
     */
    public static Dataset fromIdx(String name, IdxImages images, int[] labels, int numClasses) {
        checkName(name);
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        checkNumClasses(numClasses);
        if (labels.length != images.count()) {
            throw new IllegalArgumentException("labels.length = " + labels.length + " differs from the image count "
                    + images.count() + " of " + images.source());
        }
        checkLabels(labels, numClasses);
        byte[] data = images.data();
        float[] pixels = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            pixels[i] = BYTE_TO_UNIT[data[i] & 0xFF];
        }
        return new Dataset(name, 1, images.rows(), images.cols(), pixels, null, labels.clone(), numClasses);
    }

    /**
     * Makes a data set that keeps 8-bit pixels as bytes and scales each to {@code byte / 255f} when read. Used by the
     * colour readers, whose sets would not fit in memory as floats.
     *
     * @param name a non-blank name for logs and provenance
     * @param channels channels per sample, at least 1
     * @param rows pixel rows, at least 1
     * @param cols pixel columns, at least 1
     * @param samples (Input) one sample of channels·rows·cols bytes per label, in channel, row, column order; the data
     *        set takes it over, so nothing may write to it afterwards
     * @param labels (Input) size ≥ 1 labels in [0, numClasses); copied, not modified
     * @param numClasses the number of classes, at least 1
     * @return the data set
     * @throws IllegalArgumentException if the counts or the sample length differ, a label is out of range or an
     *         argument is invalid
     */
    static Dataset fromBytes(String name, int channels, int rows, int cols, ByteSamples samples, int[] labels,
            int numClasses) {
        checkName(name);
        int features = checkShape(channels, rows, cols);
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(labels, "labels");
        checkNumClasses(numClasses);
        if (labels.length < 1) {
            throw new IllegalArgumentException("labels.length = 0: a data set needs at least one sample");
        }
        if (samples.count() != labels.length) {
            throw new IllegalArgumentException("samples.count = " + samples.count() + " differs from labels.length = "
                    + labels.length);
        }
        if (samples.sampleBytes() != features) {
            throw new IllegalArgumentException("samples.sampleBytes = " + samples.sampleBytes()
                    + " differs from channels·rows·cols = " + features);
        }
        checkLabels(labels, numClasses);
        return new Dataset(name, channels, rows, cols, null, samples, labels.clone(), numClasses);
    }

    /** The name given at construction, for logs and provenance. */
    public String name() {
        return name;
    }

    /** The number of samples, at least 1. */
    public int size() {
        return size;
    }

    /** Channels per sample (1 for grey-scale). */
    public int channels() {
        return channels;
    }

    /** Pixel rows per sample. */
    public int rows() {
        return rows;
    }

    /** Pixel columns per sample. */
    public int cols() {
        return cols;
    }

    /** Values per sample: channels·rows·cols (784 for 28×28 grey-scale). */
    public int features() {
        return features;
    }

    /** The number of classes; labels lie in [0, numClasses). */
    public int numClasses() {
        return numClasses;
    }

    /**
     * The bytes that hold the pixels: 4·size·features for a set held as floats, size·features for one held as 8-bit
     * bytes (see the class comment). Labels (4·size) are not counted.
     */
    public long storageBytes() {
        return pixels != null ? 4L * pixels.length : bytes.totalBytes();
    }

    /**
     * @param i sample index in [0, size)
     * @return the label of sample i, in [0, numClasses)
     * @throws IllegalArgumentException if i is out of range
     */
    public int label(int i) {
        checkIndex(i, "i");
        return labels[i];
    }

    /**
     * @param i sample index in [0, size)
     * @param f feature index in [0, features): {@code (channel·rows + row)·cols + col}
     * @return the pixel value in [0, 1]
     * @throws IllegalArgumentException if an index is out of range
     */
    public float pixel(int i, int f) {
        checkIndex(i, "i");
        if (f < 0 || f >= features) {
            throw new IllegalArgumentException("f = " + f + " is not in [0, " + features + ")");
        }
        if (pixels != null) {
            return pixels[i * features + f];
        }
        return BYTE_TO_UNIT[bytes.chunkOf(i)[bytes.offsetOf(i) + f] & 0xFF];
    }

    /**
     * Copies a mini-batch: row k of {@code x} becomes the features of sample {@code order[start + k]} and
     * {@code y[k]} its label, for k in [0, count). Allocates nothing when {@code x}'s array is already large enough.
     *
     * @param order (Input) sample indices, each in [0, size), e.g. from {@link #shuffledOrder}; not modified
     * @param start first position in {@code order}, ≥ 0
     * @param count number of samples, ≥ 0, with start + count ≤ order.length
     * @param x (Output) reshaped to count × features (grow-only) and overwritten; may be null, then a new matrix is made
     * @param y (Output) y[0..count) receives the labels, the rest is untouched; length ≥ count; must not be order
     * @return x, or the new matrix when x was null
     * @throws IllegalArgumentException if a range or index is invalid or y is order; nothing is written then
     */
    public FMatrixRMaj copyBatch(int[] order, int start, int count, FMatrixRMaj x, int[] y) {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(y, "y");
        if (y == order) {
            throw new IllegalArgumentException("y must not be the same array as order");
        }
        if (start < 0 || start > order.length) {
            throw new IllegalArgumentException("start = " + start + " is not in [0, order.length = " + order.length
                    + "]");
        }
        if (count < 0 || count > order.length - start) {
            throw new IllegalArgumentException("count = " + count + " is not in [0, order.length - start = "
                    + (order.length - start) + "]");
        }
        if (y.length < count) {
            throw new IllegalArgumentException("y.length = " + y.length + " is less than count = " + count);
        }
        for (int k = start; k < start + count; k++) {
            int s = order[k];
            if (s < 0 || s >= size) {
                throw new IllegalArgumentException("order[" + k + "] = " + s + " is not in [0, " + size + ")");
            }
        }
        if (x == null) {
            x = new FMatrixRMaj(count, features);
        } else {
            x.reshape(count, features);
        }
        float[] out = x.data;
        for (int k = 0; k < count; k++) {
            int s = order[start + k];
            if (pixels != null) {
                System.arraycopy(pixels, s * features, out, k * features, features);
            } else {
                byte[] chunk = bytes.chunkOf(s);
                int from = bytes.offsetOf(s);
                int to = k * features;
                for (int f = 0; f < features; f++) {
                    out[to + f] = BYTE_TO_UNIT[chunk[from + f] & 0xFF];
                }
            }
            y[k] = labels[s];
        }
        return x;
    }

    /**
     * The first {@code n} samples, e.g. for quick runs. The result is named {@code name[:n]}.
     *
     * @param n the number of samples to keep, ≥ 1
     * @return this when n ≥ size, otherwise a new data set with the first n samples (copied when held as floats,
     *         shared when held as bytes: both are immutable)
     * @throws IllegalArgumentException if n &lt; 1
     */
    public Dataset limit(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n = " + n + " must be at least 1");
        }
        if (n >= size) {
            return this;
        }
        String limited = name + "[:" + n + "]";
        if (pixels != null) {
            return new Dataset(limited, channels, rows, cols, Arrays.copyOf(pixels, n * features), null,
                    Arrays.copyOf(labels, n), numClasses);
        }
        return new Dataset(limited, channels, rows, cols, null, bytes.prefix(n), Arrays.copyOf(labels, n), numClasses);
    }

    /** A new array of length numClasses: the number of samples of each class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * A uniformly random permutation of [0, n) by the Fisher–Yates (Durstenfeld) shuffle: for i = n−1 down to 1,
     * swap element i with element {@code rng.nextInt(i + 1)}. The same generator state gives the same order.
     *
     * @param n the length, ≥ 0
     * @param rng (Input) the generator, advanced by n − 1 draws
     * @return a new array holding a permutation of 0..n−1
     * @throws IllegalArgumentException if n &lt; 0
     */
    public static int[] shuffledOrder(int n, SplittableRandom rng) {
        if (n < 0) {
            throw new IllegalArgumentException("n = " + n + " must be non-negative");
        }
        Objects.requireNonNull(rng, "rng");
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    @Override
    public String toString() {
        return name + ": " + size + " samples of " + channels + "x" + rows + "x" + cols + ", " + numClasses + " classes";
    }

    // ------------------------------------------------------------------------------------------------------------

    private void checkIndex(int i, String param) {
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException(param + " = " + i + " is not in [0, " + size + ")");
        }
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name = \"" + name + "\" must not be blank");
        }
    }

    private static int checkShape(int channels, int rows, int cols) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels = " + channels + " must be at least 1");
        }
        if (rows < 1) {
            throw new IllegalArgumentException("rows = " + rows + " must be at least 1");
        }
        if (cols < 1) {
            throw new IllegalArgumentException("cols = " + cols + " must be at least 1");
        }
        long features = (long) channels * rows * cols;
        if (features > IdxReader.MAX_DATA_BYTES) {
            throw new IllegalArgumentException("channels·rows·cols = " + features + " exceeds " + IdxReader.MAX_DATA_BYTES);
        }
        return (int) features;
    }

    private static void checkNumClasses(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses = " + numClasses + " must be at least 1");
        }
    }

    private static void checkLabels(int[] labels, int numClasses) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is not in [0, " + numClasses
                        + ")");
            }
        }
    }
}
