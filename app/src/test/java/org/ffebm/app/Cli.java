package org.ffebm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the tool in-process through picocli and captures what it prints. */
final class Cli {

    private Cli() {
    }

    /**
     * @param code the exit code
     * @param out everything written to standard output
     * @param err everything written to standard error
     */
    record Result(int code, String out, String err) {

        /** The lines of standard error, without empty ones. */
        String[] errLines() {
            return err.lines().filter(l -> !l.isBlank()).toArray(String[]::new);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * A usage error as every command reports it: exit 2, exactly one line on stderr that starts with {@code ffebm: }
     * and contains {@code expected}, no stack trace, nothing on stdout.
     */
    static void assertUsageError(Result r, String expected) {
        assertEquals(2, r.code(), r.toString());
        String[] lines = r.errLines();
        assertEquals(1, lines.length, "one line on stderr: " + r);
        assertTrue(lines[0].startsWith("ffebm: "), r.toString());
        assertTrue(lines[0].contains(expected),
                "expected '" + expected + "' in: " + lines[0]);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
        assertEquals("", r.out(), r.toString());
    }
}
