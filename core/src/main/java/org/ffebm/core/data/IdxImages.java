package org.ffebm.core.data;

/**
 * The raw content of an IDX image file (rank 3, unsigned bytes): {@code count} images of {@code rows × cols} pixels,
 * stored image after image in row-major order, each pixel an unsigned value in [0, 255]. Immutable; made by
 * {@link IdxReader#readImages}. Turn it into a {@link Dataset} with {@link Dataset#fromIdx}.
 */
public final class IdxImages {
    private final String source;
    private final int count;
    private final int rows;
    private final int cols;
    private final byte[] data;

    /** Takes ownership of {@code data}; the reader has checked that its length is count·rows·cols. */
    IdxImages(String source, int count, int rows, int cols, byte[] data) {
        this.source = source;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /** The file or resource the images were read from, for messages and provenance. */
    public String source() {
        return source;
    }

    /** The number of images (first IDX dimension). */
    public int count() {
        return count;
    }

    /** Pixel rows per image (second IDX dimension). */
    public int rows() {
        return rows;
    }

    /** Pixel columns per image (third IDX dimension). */
    public int cols() {
        return cols;
    }

    /** rows·cols. */
    public int pixelsPerImage() {
        return rows * cols;
    }

    /**
     * One pixel as an unsigned value.
     *
     * @param image image index in [0, count)
     * @param index pixel index in [0, rows·cols), row-major ({@code r·cols + c})
     * @return the pixel value in [0, 255]
     * @throws IllegalArgumentException if an index is out of range
     */
    public int pixel(int image, int index) {
        if (image < 0 || image >= count) {
            throw new IllegalArgumentException("image = " + image + " is not in [0, " + count + ")");
        }
        int ppi = pixelsPerImage();
        if (index < 0 || index >= ppi) {
            throw new IllegalArgumentException("index = " + index + " is not in [0, " + ppi + ")");
        }
        return data[image * ppi + index] & 0xFF;
    }

    /** The backing array, not copied: callers in this package must not modify it. */
    byte[] data() {
        return data;
    }

    @Override
    public String toString() {
        return source + ": " + count + " images of " + rows + "x" + cols;
    }
}
