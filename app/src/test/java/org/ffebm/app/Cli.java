package org.ffebm.app;

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
}
