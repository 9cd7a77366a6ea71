package org.ffebm.digital.layer;

import java.util.Objects;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.ConvGeometry;
import org.ffebm.core.tensor.ShapeMismatchException;

/** Argument checks shared by the layers; every message starts with the block's name. */
final class Checks {

    private Checks() {
    }

    /**
     * The windows of a layer over {@code in}, its output size rounded down as in PyTorch ({@link ConvGeometry#floor}).
     *
     * @throws IllegalArgumentException if the geometry is impossible; the message is core's (parameter and value)
     *                                  after the block's name
     * @throws NullPointerException if block or in is null
     */
    static ConvGeometry geometry(String block, Shape in, int kernel, int stride, int padding) {
        Objects.requireNonNull(block, "name");
        Objects.requireNonNull(in, "in");
        try {
            return ConvGeometry.floor(in.channels(), in.height(), in.width(), kernel, stride, padding);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(block + ": " + e.getMessage(), e);
        }
    }

    /**
     * @throws ShapeMismatchException unless m has shape.size() columns
     */
    static void requireFeatures(String block, String what, ReshapeMatrix m, Shape shape) {
        Objects.requireNonNull(m, what);
        if (m.getNumCols() != shape.size()) {
            throw new ShapeMismatchException(block + ": " + what + " is " + m.getNumRows() + "x" + m.getNumCols()
                    + ", expected batch x " + shape + " = batch x " + shape.size() + " features");
        }
    }

    /**
     * @throws ShapeMismatchException unless m is rows × shape.size()
     */
    static void requireBatch(String block, String what, ReshapeMatrix m, int rows, Shape shape) {
        Objects.requireNonNull(m, what);
        if (m.getNumRows() != rows || m.getNumCols() != shape.size()) {
            throw new ShapeMismatchException(block + ": " + what + " is " + m.getNumRows() + "x" + m.getNumCols()
                    + ", expected " + rows + " x " + shape + " = " + rows + "x" + shape.size());
        }
    }

    /**
     * @throws ShapeMismatchException unless m is rows × cols
     */
    static void requireMatrix(String block, String what, ReshapeMatrix m, int rows, int cols) {
        Objects.requireNonNull(m, what);
        if (m.getNumRows() != rows || m.getNumCols() != cols) {
            throw new ShapeMismatchException(block + ": " + what + " is " + m.getNumRows() + "x" + m.getNumCols()
                    + ", expected " + rows + "x" + cols);
        }
    }

    /**
     * @throws ShapeMismatchException unless m has n entries (1×n or n×1)
     */
    static void requireVector(String block, String what, ReshapeMatrix m, int n) {
        if (m.getNumRows() * m.getNumCols() != n || (m.getNumRows() != 1 && m.getNumCols() != 1)) {
            throw new ShapeMismatchException(block + ": " + what + " is " + m.getNumRows() + "x" + m.getNumCols()
                    + ", expected 1x" + n);
        }
    }

    /** @throws IllegalStateException if backward comes before any forward */
    static void requireForward(String block, Object input) {
        if (input == null) {
            throw new IllegalStateException(block + ": backward called before forward");
        }
    }

    /** @throws IllegalArgumentException if out is the same object as an input (rule: outputs never alias inputs) */
    static void requireDistinct(String block, Object out, Object in, String inName) {
        if (out != null && out == in) {
            throw new IllegalArgumentException(block + ": the output must not be the same matrix as " + inName);
        }
    }
}
