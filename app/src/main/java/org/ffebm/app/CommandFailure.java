package org.ffebm.app;

/**
 * Ends a command with a message and an exit code: {@link Main#EXIT_FAILURE} for a failure during the work,
 * {@link Main#EXIT_USAGE} for bad input found while working. {@link Main} prints {@code ffebm: <message>} and returns
 * the code.
 */
final class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /**
     * @param exitCode the process's exit code
     * @param message one line
     * @param cause the underlying exception, may be null
     */
    CommandFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
