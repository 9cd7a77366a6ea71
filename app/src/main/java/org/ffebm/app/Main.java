package org.ffebm.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code ffebm} command: dispatches to {@code train}, {@code eval}, {@code gradcheck}, {@code devices} and
 * {@code report}.
 *
 * <p>Every error ends as one line {@code ffebm: <message>} on standard error and an exit code: {@value #EXIT_USAGE}
 * for bad input (options, configuration, data or checkpoint files), {@value #EXIT_FAILURE} for a failure during the
 * work itself (divergence, an unwritable file). Stack traces are printed only when the environment variable
 * {@code FFEBM_DEBUG} is set, and for internal errors (bugs), which say so.
 */
@Command(name = "ffebm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Simulates feedforward-tied energy-based models (ff-EBMs) trained by the hybrid "
                + "backprop/Equilibrium-Propagation gradient.", ""},
        subcommands = {TrainCommand.class, EvalCommand.class, GradcheckCommand.class, DevicesCommand.class,
                ReportCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 failure during the work (e.g. divergence), 2 bad input.",
                "Run 'ffebm COMMAND --help' for a command's options."})
public final class Main implements Callable<Integer> {

    /** Success. */
    public static final int EXIT_OK = 0;
    /** A failure during the work: training diverged, a result could not be written. */
    public static final int EXIT_FAILURE = 1;
    /** Bad input: an unknown or invalid option, an invalid configuration, missing or corrupt files. */
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    /** Runs the tool and exits the JVM with its exit code. */
    public static void main(String[] args) {
        // core logs through System.Logger (java.util.logging by default): one short line, not JUL's two-line format
        if (System.getProperty(JUL_FORMAT) == null) {
            System.setProperty(JUL_FORMAT, "ffebm: %4$s: %5$s%6$s%n");
        }
        System.exit(run(args));
    }

    private static final String JUL_FORMAT = "java.util.logging.SimpleFormatter.format";

    /**
     * Runs the tool on the process's standard output and error without exiting.
     *
     * @param args (Input) the command line, without the program name
     * @return the exit code: {@value #EXIT_OK}, {@value #EXIT_FAILURE} or {@value #EXIT_USAGE}
     */
    public static int run(String... args) {
        Charset cs = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, cs), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, cs), true);
        try {
            return run(out, err, args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** As {@link #run(String...)}, writing to the given streams (tests capture them). */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(out, err);
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("ffebm: out of memory (" + e.getMessage() + "); give Java more heap, e.g. "
                    + "FFEBM_JAVA_OPTS=-Xmx16g, or use a smaller --batch-size or model");
            return EXIT_FAILURE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The configured command line: streams, error handlers, case-sensitive options. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setParameterExceptionHandler(Main::parameterError);
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> executionError(ex, line.getErr()));
        return cl;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: train, eval, gradcheck, devices or report");
    }

    /** Bad command line: one line with a pointer to the command's help. */
    private static int parameterError(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        StringBuilder b = new StringBuilder("ffebm: ").append(oneLine(ex.getMessage()));
        if (ex instanceof UnmatchedArgumentException u) {
            List<String> s = u.getSuggestions();
            if (!s.isEmpty()) {
                b.append(" (did you mean ").append(String.join(" or ", s.subList(0, Math.min(3, s.size())))).append("?)");
            }
        }
        b.append(" (see '").append(cl.getCommandSpec().qualifiedName()).append(" --help')");
        cl.getErr().println(b);
        debug(ex, cl.getErr());
        return EXIT_USAGE;
    }

    /** An exception out of a command's work, mapped to one line and an exit code. */
    static int executionError(Exception ex, PrintWriter err) {
        int code;
        String msg;
        if (ex instanceof CommandFailure f) {
            code = f.exitCode();
            msg = f.getMessage();
        } else if (ex instanceof IllegalArgumentException) {
            code = EXIT_USAGE;
            msg = ex.getMessage();
        } else if (ex instanceof IllegalStateException || ex instanceof IOException
                || ex instanceof UncheckedIOException) {
            code = EXIT_FAILURE;
            msg = ex instanceof UncheckedIOException u && u.getCause() != null ? describe(u.getCause()) : describe(ex);
        } else {
            err.println("ffebm: internal error: " + oneLine(String.valueOf(ex)));
            ex.printStackTrace(err);
            return EXIT_FAILURE;
        }
        err.println("ffebm: " + oneLine(msg == null ? ex.getClass().getSimpleName() : msg));
        debug(ex, err);
        return code;
    }

    /** A message for I/O exceptions, whose own messages are often just a file name. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + m;
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + m;
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "already exists: " + m;
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getFile() + ": " + fs.getReason();
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static void debug(Exception ex, PrintWriter err) {
        String d = System.getenv("FFEBM_DEBUG");
        if (d != null && !d.isEmpty() && !d.equals("0")) {
            ex.printStackTrace(err);
        }
    }

    /** Joins the lines of a message so that each error stays on one line. */
    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** The version from {@code version.properties}, which Maven fills in; {@code dev} when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() {
            return new String[] {"ffebm " + version(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                            + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
        }

        /** The ffebm version, e.g. {@code 0.1.0-SNAPSHOT}. */
        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    String v = p.getProperty("version", "");
                    if (!v.isBlank() && !v.contains("${")) {
                        return v.trim();
                    }
                }
            } catch (IOException e) {
                // fall through to the manifest
            }
            String v = Main.class.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }
    }
}
