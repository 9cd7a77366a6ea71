package org.ffebm.core.tensor;

/**
 * The geometry of a square window sliding over one sample's feature map of {@code channels × height × width}, stored
 * channel-major in a row of a batch matrix (entry {@code (c·H + h)·W + w}). It serves convolutions ({@link
 * TensorOps#im2col}, {@link TensorOps#col2im}) and pooling ({@link TensorOps#maxPool}, {@link TensorOps#avgPool}).
 *
 * <p>With kernel k, stride s and zero padding p on every side, the window at output position (oh, ow) covers input rows
 * {@code oh·s − p … oh·s − p + k − 1} and columns {@code ow·s − p … ow·s − p + k − 1}, and
 *
 * <pre>
 *   Ho = ⌊(H + 2p − k)/s⌋ + 1,   Wo = ⌊(W + 2p − k)/s⌋ + 1
 * </pre>
 *
 * An {@code exact} geometry (the default, and what {@link #same} and {@link #pool} make) requires the division to be
 * exact: one whose windows do not tile the padded map (for example 2×2 pooling with stride 2 over an odd size) is
 * rejected rather than silently dropping the last row or column. A {@link #floor} geometry accepts it: the rows and
 * columns that no window reaches are ignored (they receive nothing from {@link TensorOps#col2im}, and 0 from the
 * unpooling adjoints), as in PyTorch's convolution and pooling layers.
 *
 * @param channels C ≥ 1, the input channels
 * @param height H ≥ 1
 * @param width W ≥ 1
 * @param kernel k ≥ 1, the window's side
 * @param stride s ≥ 1
 * @param padding p, 0 ≤ p &lt; k, zeros added on every side
 * @param exact whether the windows must tile the padded map exactly (see above)
 */
public record ConvGeometry(int channels, int height, int width, int kernel, int stride, int padding, boolean exact) {

    /**
     * @throws IllegalArgumentException if a value is out of range, if the kernel does not fit in the padded map, if
     *                                  the geometry is {@code exact} and the stride does not tile the padded map
     *                                  exactly, or if a size exceeds {@code int}
     */
    public ConvGeometry {
        positive("channels", channels);
        positive("height", height);
        positive("width", width);
        positive("kernel", kernel);
        positive("stride", stride);
        if (padding < 0 || padding >= kernel) {
            throw new IllegalArgumentException("padding must be in [0, kernel) = [0, " + kernel + "), was " + padding);
        }
        fits("height", height, kernel, stride, padding, exact);
        fits("width", width, kernel, stride, padding, exact);
        if ((long) channels * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("feature map " + channels + "x" + height + "x" + width + " exceeds "
                    + Integer.MAX_VALUE + " entries");
        }
        long outPixels = ((long) height + 2L * padding - kernel) / stride + 1;
        outPixels *= ((long) width + 2L * padding - kernel) / stride + 1;
        if (channels * outPixels > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("output map " + channels + "x" + outPixels + " exceeds "
                    + Integer.MAX_VALUE + " entries");
        }
        if ((long) channels * kernel * kernel > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("patch " + channels + "x" + kernel + "x" + kernel + " exceeds "
                    + Integer.MAX_VALUE + " entries");
        }
    }

    /**
     * An exact geometry: the windows must tile the padded map.
     *
     * @throws IllegalArgumentException as the canonical constructor with {@code exact} true
     */
    public ConvGeometry(int channels, int height, int width, int kernel, int stride, int padding) {
        this(channels, height, width, kernel, stride, padding, true);
    }

    /**
     * A geometry whose windows need not tile the padded map: Ho = ⌊(H + 2p − k)/s⌋ + 1, the last rows and columns
     * that no window reaches are ignored (PyTorch's default, {@code ceil_mode=False}).
     *
     * @throws IllegalArgumentException if a value is out of range, the kernel does not fit in the padded map, or a
     *                                  size exceeds {@code int}
     */
    public static ConvGeometry floor(int channels, int height, int width, int kernel, int stride, int padding) {
        return new ConvGeometry(channels, height, width, kernel, stride, padding, false);
    }

    /**
     * A stride-1 convolution with "same" zero padding p = (k − 1)/2, so that Ho = H and Wo = W.
     *
     * @throws IllegalArgumentException if the kernel is even or a value is out of range
     */
    public static ConvGeometry same(int channels, int height, int width, int kernel) {
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("a 'same' convolution needs an odd kernel >= 1, was " + kernel);
        }
        return new ConvGeometry(channels, height, width, kernel, 1, (kernel - 1) / 2);
    }

    /**
     * Non-overlapping pooling windows of side {@code size} with stride {@code size} and no padding: Ho = H/size.
     *
     * @throws IllegalArgumentException if {@code size} does not divide the height and the width, or a value is out
     *                                  of range
     */
    public static ConvGeometry pool(int channels, int height, int width, int size) {
        return new ConvGeometry(channels, height, width, size, size, 0);
    }

    /** Ho = ⌊(H + 2p − k)/s⌋ + 1. */
    public int outHeight() {
        return (height + 2 * padding - kernel) / stride + 1;
    }

    /** Wo = ⌊(W + 2p − k)/s⌋ + 1. */
    public int outWidth() {
        return (width + 2 * padding - kernel) / stride + 1;
    }

    /** H·W, the input positions per channel. */
    public int inPixels() {
        return height * width;
    }

    /** Ho·Wo, the window positions per channel. */
    public int outPixels() {
        return outHeight() * outWidth();
    }

    /** C·H·W, one sample's input row. */
    public int inputSize() {
        return channels * height * width;
    }

    /** C·k·k, one column-matrix row (the fan-in of a convolution). */
    public int patchSize() {
        return channels * kernel * kernel;
    }

    /** C·Ho·Wo, one sample's output row of a pooling (which keeps the channels). */
    public int poolOutputSize() {
        return channels * outPixels();
    }

    private static void positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, was " + value);
        }
    }

    private static void fits(String what, int size, int kernel, int stride, int padding, boolean exact) {
        long padded = (long) size + 2L * padding;
        if (padded < kernel) {
            throw new IllegalArgumentException("kernel " + kernel + " does not fit in the " + what + " " + size
                    + " padded by " + padding + " on each side");
        }
        if (exact && (padded - kernel) % stride != 0) {
            throw new IllegalArgumentException("stride " + stride + " does not tile the " + what + " " + size
                    + " exactly (kernel " + kernel + ", padding " + padding + ": " + what + " + 2·padding − kernel = "
                    + (padded - kernel) + " is not a multiple of the stride)");
        }
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width + " k" + kernel + " s" + stride + " p" + padding
                + (exact ? "" : " floor");
    }
}
