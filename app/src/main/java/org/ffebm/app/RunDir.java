package org.ffebm.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;

/**
 * A run's output directory, written so that nothing is ever half-written: the run works in {@code OUT.partial/} and
 * renames it to {@code OUT} in one atomic move when it succeeds; after a crash {@code OUT.partial/} keeps the epochs
 * done so far (and can be resumed). Single files that are rewritten during the run are replaced atomically
 * (temporary file, then rename).
 *
 * <p>Files of a run directory:
 * <ul>
 *   <li>{@value #CONFIG}: the resolved configuration, every key written, defaults included;</li>
 *   <li>{@value #PROVENANCE}: version, git revision, seed, kernel, threads, Java, OS, time, command line;</li>
 *   <li>{@value #METRICS_CSV} and {@value #METRICS_JSON}: one row (object) per epoch, written after each epoch;</li>
 *   <li>{@value #CHECKPOINT}: the state after the last finished epoch, replaced after each epoch;</li>
 *   <li>{@value #SUMMARY}: final figures, written last.</li>
 * </ul>
 *
 * <p>Replacing ({@code --force}) deletes a directory only if it is empty or holds a {@value #CONFIG}, so that a
 * mistyped {@code --out} cannot wipe an unrelated folder.
 */
final class RunDir {

    static final String CONFIG = "config.properties";
    static final String PROVENANCE = "provenance.json";
    static final String METRICS_CSV = "metrics.csv";
    static final String METRICS_JSON = "metrics.json";
    static final String SUMMARY = "summary.json";
    static final String CHECKPOINT = "checkpoint.bin";
    static final String COST_PHASES = "cost-phases.csv";
    static final String COST_LAST_STEP = "trace-last-step.csv";
    static final String PARTIAL_SUFFIX = ".partial";

    private final Path finalDir;
    private final Path partialDir;
    private final boolean replaceFinal;

    private RunDir(Path finalDir, Path partialDir, boolean replaceFinal) {
        this.finalDir = finalDir;
        this.partialDir = partialDir;
        this.replaceFinal = replaceFinal;
    }

    /** The final directory, {@code OUT}. */
    Path finalDir() {
        return finalDir;
    }

    /** The working directory, {@code OUT.partial}. */
    Path partialDir() {
        return partialDir;
    }

    /** A file in the working directory. */
    Path file(String name) {
        return partialDir.resolve(name);
    }

    /** {@code runs/<yyyyMMdd-HHmmss>} under the current directory, with a suffix {@code -2}, {@code -3}, … if taken. */
    static Path defaultOut(LocalDateTime now) {
        String stamp = now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", java.util.Locale.ROOT));
        Path base = Path.of("runs", stamp);
        Path p = base;
        for (int i = 2; Files.exists(p) || Files.exists(partialOf(p)); i++) {
            p = Path.of("runs", stamp + "-" + i);
        }
        return p;
    }

    static Path partialOf(Path out) {
        return out.resolveSibling(out.getFileName() + PARTIAL_SUFFIX);
    }

    /**
     * Checks that a new run may write {@code out}; creates nothing.
     *
     * @param out (Input) the final directory
     * @param force whether an existing run directory {@code out} (and a left-over {@code out.partial}) may be replaced
     * @throws IllegalArgumentException if {@code out} or {@code out.partial} exists and may not be replaced
     */
    static RunDir forNew(Path out, boolean force) {
        if (out.getFileName() == null || out.toString().isBlank()) {
            throw new IllegalArgumentException("--out must name a directory, was '" + out + "'");
        }
        if (out.getFileName().toString().endsWith(PARTIAL_SUFFIX)) {
            throw new IllegalArgumentException("--out must not end in " + PARTIAL_SUFFIX + " (that suffix marks "
                    + "unfinished runs), was " + out);
        }
        Path partial = partialOf(out);
        if (Files.exists(out)) {
            if (!force) {
                throw new IllegalArgumentException("output directory " + out + " already exists; choose another --out "
                        + "or add --force to replace it");
            }
            requireReplaceable(out);
        }
        if (Files.exists(partial)) {
            if (!force) {
                throw new IllegalArgumentException(partial + " exists (an interrupted run?); resume it with 'ffebm "
                        + "train --resume " + partial + "', remove it, or add --force to replace it");
            }
            requireReplaceable(partial);
        }
        return new RunDir(out, partial, force);
    }

    /**
     * Checks a run directory to resume: {@code OUT.partial} (an interrupted run) or {@code OUT} (a finished one, to
     * extend with more epochs). Creates nothing.
     *
     * @throws IllegalArgumentException if it has no checkpoint, or if the other of the pair exists
     */
    static RunDir forResume(Path dir, boolean force) {
        if (dir.getFileName() == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--resume: " + dir + " is not a run directory");
        }
        if (!Files.isRegularFile(dir.resolve(CHECKPOINT))) {
            throw new IllegalArgumentException("--resume: " + dir + " holds no " + CHECKPOINT);
        }
        String name = dir.getFileName().toString();
        if (name.endsWith(PARTIAL_SUFFIX)) {
            Path out = dir.resolveSibling(name.substring(0, name.length() - PARTIAL_SUFFIX.length()));
            if (Files.exists(out)) {
                if (!force) {
                    throw new IllegalArgumentException("--resume: " + out + " already exists; remove it or add "
                            + "--force to replace it when the resumed run finishes");
                }
                requireReplaceable(out);
            }
            return new RunDir(out, dir, force);
        }
        Path partial = partialOf(dir);
        if (Files.exists(partial)) {
            throw new IllegalArgumentException("--resume: " + partial + " exists beside " + dir + "; resume that one "
                    + "or remove it");
        }
        return new RunDir(dir, partial, false);
    }

    /** Whether a finished run is being extended (its directory is moved back to {@code .partial} while working). */
    boolean isFinished() {
        return Files.isDirectory(finalDir) && !Files.exists(partialDir);
    }

    private static void requireReplaceable(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " exists and is not a directory; refusing to replace it");
        }
        boolean empty;
        try (Stream<Path> s = Files.list(dir)) {
            empty = s.findAny().isEmpty();
        } catch (IOException e) {
            throw new IllegalArgumentException(dir + ": cannot list it: " + Main.describe(e));
        }
        if (!empty && !Files.isRegularFile(dir.resolve(CONFIG))) {
            throw new IllegalArgumentException(dir + " exists and is not an ffebm run directory (no " + CONFIG
                    + "); refusing to replace it");
        }
    }

    /**
     * Creates {@code OUT.partial} for a new run, replacing a left-over one when forced.
     *
     * @throws IOException if it cannot be created
     */
    void create() throws IOException {
        if (replaceFinal && Files.exists(partialDir)) {
            deleteTree(partialDir);
        }
        Path parent = partialDir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.createDirectory(partialDir);
    }

    /** Moves a finished run back to {@code OUT.partial} to extend it. */
    void reopen() throws IOException {
        move(finalDir, partialDir);
    }

    /**
     * Renames {@code OUT.partial} to {@code OUT} (replacing {@code OUT} when forced).
     *
     * @throws IOException if the rename fails; {@code OUT.partial} is then left as it was
     */
    void finish() throws IOException {
        if (replaceFinal && Files.exists(finalDir)) {
            deleteTree(finalDir);
        }
        move(partialDir, finalDir);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Writes a text file in the working directory atomically: a temporary file, then a rename over the target. */
    void writeAtomically(String name, String text) throws IOException {
        writeAtomically(file(name), text);
    }

    static void writeAtomically(Path target, String text) throws IOException {
        writeAtomically(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /** Writes a file's content to a temporary sibling. */
    @FunctionalInterface
    interface FileWriter {
        void write(Path tmp) throws IOException;
    }

    /**
     * Has {@code writer} write a temporary sibling of {@code target}, then renames it over the target (atomically where
     * the file system can), so that a reader never sees half a file; the temporary file is gone afterwards either way.
     */
    static void writeAtomically(Path target, FileWriter writer) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            writer.write(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
