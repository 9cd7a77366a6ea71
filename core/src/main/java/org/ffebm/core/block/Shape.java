package org.ffebm.core.block;

/**
 * The shape of one sample's features: channels × height × width, stored flat in a row of the batch matrix in
 * channel-major order. Dense features are {@code (n, 1, 1)}.
 */
public record Shape(int channels, int height, int width) {

    public Shape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("shape dimensions must be >= 1, were " + channels + "x" + height + "x" + width);
        }
        if ((long) channels * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape too large: " + channels + "x" + height + "x" + width);
        }
    }

    /** A dense vector of n features. */
    public static Shape flat(int n) {
        return new Shape(n, 1, 1);
    }

    /** channels·height·width. */
    public int size() {
        return channels * height * width;
    }

    public boolean isFlat() {
        return height == 1 && width == 1;
    }

    @Override
    public String toString() {
        return isFlat() ? "[" + channels + "]" : "[" + channels + "x" + height + "x" + width + "]";
    }
}
