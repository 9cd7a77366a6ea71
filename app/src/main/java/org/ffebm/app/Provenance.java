package org.ffebm.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ffebm.core.config.RunConfig;
import org.ffebm.core.data.TrainTest;
import org.ffebm.core.tensor.F32Ops;

/**
 * Where a run's results come from (Tribuo's provenance): the software (ffebm version, git revision of the source
 * tree), the randomness (seed and generator algorithm), the numerics (kernel, precision, threads), the platform (Java,
 * OS, processors, heap), the data, the time and the command line.
 *
 * <p>The git revision is that of {@code -Dffebm.home} (set by the {@code ./ffebm} launcher to the source tree the jar
 * was built from) or else of the current directory; {@code "unknown"} when git or a repository is missing.
 */
final class Provenance {

    /** The generator algorithm the trainer uses for every random stream. */
    static final String RNG = "java.util.SplittableRandom";
    private static final long GIT_TIMEOUT_SECONDS = 5;

    private Provenance() {
    }

    /** The revision and dirty flag of a git working tree. */
    record Git(String revision, Boolean dirty, String directory) {
    }

    /**
     * @param config the resolved configuration
     * @param kernelRequested the kernel asked for (e.g. {@code fastest}); the configuration holds the one used
     * @param ops the back end
     * @param data the data used
     * @param start when the command started
     * @param commandLine the command line, for the record
     */
    static Map<String, Object> of(RunConfig config, String kernelRequested, F32Ops ops, TrainTest data, Instant start,
                                  String commandLine) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("ffebm_version", Main.Version.version());
        Git git = git();
        p.put("git_revision", git.revision());
        p.put("git_dirty", git.dirty());
        p.put("git_directory", git.directory());
        p.put("seed", config.train().seed());
        p.put("rng", RNG);
        p.put("kernel", ops.kernelName());
        p.put("kernel_requested", kernelRequested);
        p.put("precision", ops.precision());
        p.put("threads", ops.parallel().threads());
        p.put("java_version", System.getProperty("java.version"));
        p.put("java_vendor", System.getProperty("java.vendor"));
        p.put("java_vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        p.put("os_name", System.getProperty("os.name"));
        p.put("os_version", System.getProperty("os.version"));
        p.put("os_arch", System.getProperty("os.arch"));
        p.put("available_processors", Runtime.getRuntime().availableProcessors());
        p.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", Backend.source(config.train()));
        d.put("train", data.train().name());
        d.put("train_size", data.train().size());
        d.put("test", data.test().name());
        d.put("test_size", data.test().size());
        p.put("data", d);
        p.put("start_time", start.toString());
        p.put("working_directory", Path.of("").toAbsolutePath().toString());
        p.put("command_line", commandLine);
        return p;
    }

    /** The git state of {@code -Dffebm.home} or the current directory. */
    static Git git() {
        String home = System.getProperty("ffebm.home");
        Path dir = Path.of(home == null || home.isBlank() ? "" : home).toAbsolutePath().normalize();
        String rev = run(dir, "git", "rev-parse", "HEAD");
        if (rev == null || !rev.matches("[0-9a-f]{7,64}")) {
            return new Git("unknown", null, dir.toString());
        }
        String status = run(dir, "git", "status", "--porcelain");
        return new Git(rev, status == null ? null : !status.isEmpty(), dir.toString());
    }

    /** A command's trimmed standard output, or null if it fails, times out or cannot start. */
    private static String run(Path dir, String... command) {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile())).start();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        try (InputStream in = p.getInputStream()) {
            byte[] out = in.readAllBytes();
            if (!p.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            p.destroyForcibly();
            return null;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** The command line as a shell would take it back: {@code ffebm train --epochs 2 --out 'my runs/a'}. */
    static String commandLine(List<String> args) {
        List<String> words = new ArrayList<>();
        words.add("ffebm");
        for (String a : args) {
            words.add(a.matches("[A-Za-z0-9_./=:,+@%-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return String.join(" ", words);
    }
}
