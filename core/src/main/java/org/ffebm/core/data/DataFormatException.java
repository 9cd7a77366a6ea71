package org.ffebm.core.data;

/**
 * Thrown when a data file is missing, unreadable or malformed. It is an {@link IllegalArgumentException} (the file is
 * a bad argument), and its message is one line of the form {@code <file>: <problem>}, for example
 * {@code train-images-idx3-ubyte.gz: truncated: expected 47040000 data bytes, found 1000}.
 */
public class DataFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line naming the file and the problem
     */
    public DataFormatException(String message) {
        super(message);
    }

    /**
     * @param message one line naming the file and the problem
     * @param cause the underlying I/O or decompression error, may be null
     */
    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
