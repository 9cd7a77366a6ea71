package org.ffebm.core.tensor;

import org.ejml.data.ReshapeMatrix;

/**
 * Shape checks of the convolution, pooling and per-channel primitives, shared by {@link F32Ops} and {@link F64Ops}.
 */
final class ConvChecks {

    private ConvChecks() {
    }

    static void rows(String op, ReshapeMatrix m, int r0, int r1) {
        if (r0 < 0 || r1 < r0 || r1 > m.getNumRows()) {
            throw new IllegalArgumentException(op + ": row range [" + r0 + ", " + r1 + ") outside 0.." + m.getNumRows());
        }
    }

    static String shape(ReshapeMatrix m) {
        return m.getNumRows() + "x" + m.getNumCols();
    }

    /** x: batch × C·H·W; col: (batch·Ho·Wo) × C·k·k. */
    static void im2col(String op, ReshapeMatrix x, ConvGeometry g, ReshapeMatrix col, int r0, int r1) {
        if (x == col) {
            throw new IllegalArgumentException(op + ": the column matrix must not be the image matrix");
        }
        if (x.getNumCols() != g.inputSize() || col.getNumCols() != g.patchSize()
                || (long) col.getNumRows() != (long) x.getNumRows() * g.outPixels()) {
            throw new ShapeMismatchException(op + " [" + g + "]: images " + shape(x) + " (expected batch x "
                    + g.inputSize() + "), columns " + shape(col) + " (expected batch·" + g.outPixels() + " x "
                    + g.patchSize() + ")");
        }
        rows(op, x, r0, r1);
    }

    /** src: (batch·pixels) × C; dst: batch × C·pixels. */
    static void pixels(String op, ReshapeMatrix pixelRows, int pixels, ReshapeMatrix sampleRows, int r0, int r1) {
        if (pixelRows == sampleRows) {
            throw new IllegalArgumentException(op + ": source and destination must differ");
        }
        if (pixels < 1) {
            throw new IllegalArgumentException(op + ": pixels must be >= 1, was " + pixels);
        }
        if ((long) pixelRows.getNumRows() != (long) sampleRows.getNumRows() * pixels
                || (long) sampleRows.getNumCols() != (long) pixelRows.getNumCols() * pixels) {
            throw new ShapeMismatchException(op + ": pixel rows " + shape(pixelRows) + " and sample rows "
                    + shape(sampleRows) + " do not match " + pixels + " pixels per sample");
        }
        rows(op, sampleRows, r0, r1);
    }

    /** x: batch × C·H·W; out: batch × C·Ho·Wo; no padding. */
    static void pool(String op, ReshapeMatrix x, ConvGeometry g, ReshapeMatrix out, int r0, int r1) {
        if (x == out) {
            throw new IllegalArgumentException(op + ": output must not be the input");
        }
        if (g.padding() != 0) {
            throw new IllegalArgumentException(op + ": pooling takes no padding, was " + g.padding());
        }
        if (x.getNumCols() != g.inputSize() || out.getNumCols() != g.poolOutputSize()
                || x.getNumRows() != out.getNumRows()) {
            throw new ShapeMismatchException(op + " [" + g + "]: input " + shape(x) + " (expected batch x "
                    + g.inputSize() + "), pooled " + shape(out) + " (expected batch x " + g.poolOutputSize() + ")");
        }
        rows(op, x, r0, r1);
    }

    static void argmax(String op, int[] argmax, ConvGeometry g, int r1) {
        if (argmax == null || (long) argmax.length < (long) r1 * g.poolOutputSize()) {
            throw new IllegalArgumentException(op + ": argmax needs at least " + ((long) r1 * g.poolOutputSize())
                    + " entries, has " + (argmax == null ? "none" : Integer.toString(argmax.length)));
        }
    }

    /** m: rows × C·spatial, other (if not null) the same shape; returns C. */
    static int channels(String op, ReshapeMatrix m, ReshapeMatrix other, int spatial) {
        if (spatial < 1) {
            throw new IllegalArgumentException(op + ": spatial must be >= 1, was " + spatial);
        }
        if (m.getNumCols() % spatial != 0) {
            throw new ShapeMismatchException(op + ": " + shape(m) + " does not hold whole channels of " + spatial
                    + " positions");
        }
        if (other != null && (other.getNumRows() != m.getNumRows() || other.getNumCols() != m.getNumCols())) {
            throw new ShapeMismatchException(op + ": shapes differ: " + shape(m) + " vs " + shape(other));
        }
        return m.getNumCols() / spatial;
    }

    /** values has at least C entries; it may be null only where not {@code required}. */
    static void perChannel(String op, String what, double[] values, int channels, boolean required) {
        if (values == null) {
            if (required) {
                throw new NullPointerException(op + ": " + what);
            }
        } else if (values.length < channels) {
            throw new IllegalArgumentException(op + ": " + what + " has " + values.length + " values for " + channels
                    + " channels");
        }
    }

    static void channelRange(String op, int channels, int c0, int c1) {
        if (c0 < 0 || c1 < c0 || c1 > channels) {
            throw new IllegalArgumentException(op + ": channel range [" + c0 + ", " + c1 + ") outside 0.." + channels);
        }
    }

    static IllegalArgumentException badIndex(int index, int row, ConvGeometry g) {
        return new IllegalArgumentException("maxUnpool: argmax " + index + " of row " + row + " outside 0.."
                + (g.inputSize() - 1) + " [" + g + "]");
    }
}
