package org.ffebm.core.tensor;

/** Thrown when the shapes of matrices or blocks do not chain. It is an {@link IllegalArgumentException}. */
public class ShapeMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ShapeMismatchException(String message) {
        super(message);
    }
}
