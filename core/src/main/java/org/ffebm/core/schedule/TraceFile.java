package org.ffebm.core.schedule;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Objects;

/**
 * A {@link TraceSink} that writes every event to a file as it comes: JSON lines ({@link TraceEvent#jsonLine()}) when
 * the name ends in {@code .jsonl} or {@code .json}, CSV ({@link TraceEvent#CSV_HEADER} first) otherwise. Buffered;
 * {@link #close()} flushes.
 */
public final class TraceFile implements TraceSink, Closeable {

    private final Path path;
    private final boolean json;
    private final BufferedWriter out;

    /**
     * Creates or truncates the file; with {@code append} an existing file is continued instead (a resumed run), and
     * the CSV header is written only into an empty file.
     *
     * @throws IOException if the file cannot be opened
     */
    public TraceFile(Path path, boolean append) throws IOException {
        this.path = Objects.requireNonNull(path, "path");
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        this.json = name.endsWith(".jsonl") || name.endsWith(".json");
        boolean empty = !append || !Files.exists(path) || Files.size(path) == 0;
        this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        if (!json && empty) {
            out.write(TraceEvent.CSV_HEADER);
            out.write('\n');
        }
    }

    public Path path() {
        return path;
    }

    /** Whether events are written as JSON lines (else CSV). */
    public boolean json() {
        return json;
    }

    /**
     * @throws UncheckedIOException if the write fails
     */
    @Override
    public void accept(TraceEvent e) {
        try {
            out.write(json ? e.jsonLine() : e.csv());
            out.write('\n');
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the trace " + path, ex);
        }
    }

    /** Flushes what is buffered (e.g. at the end of an epoch). */
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
