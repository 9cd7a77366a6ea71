package org.ffebm.app;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ffebm.core.io.Json;
import org.ffebm.core.train.EpochMetrics;

/**
 * Writes {@value RunDir#METRICS_CSV} (appended and flushed after each epoch) and {@value RunDir#METRICS_JSON}
 * (an array with one object per epoch and per line, replaced atomically after each epoch).
 */
final class Metrics implements Closeable {

    private final RunDir dir;
    private final BufferedWriter csv;
    private final List<String> jsonRows = new ArrayList<>();
    private final List<EpochMetrics> all = new ArrayList<>();

    /**
     * Starts both files with the epochs of an earlier part of the run (none for a new run).
     *
     * @param previous (Input) the epochs already done, in order
     */
    Metrics(RunDir dir, List<EpochMetrics> previous) throws IOException {
        this.dir = dir;
        this.csv = Files.newBufferedWriter(dir.file(RunDir.METRICS_CSV), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        csv.write(EpochMetrics.CSV_HEADER);
        csv.newLine();
        for (EpochMetrics m : previous) {
            csv.write(m.csv());
            csv.newLine();
            add(m);
        }
        csv.flush();
        writeJson();
    }

    /** Appends an epoch to both files. */
    void epoch(EpochMetrics m) throws IOException {
        csv.write(m.csv());
        csv.newLine();
        csv.flush();
        add(m);
        writeJson();
    }

    private void add(EpochMetrics m) {
        all.add(m);
        jsonRows.add(Json.writeCompact(toMap(m)));
    }

    /** Every epoch so far, earlier parts of a resumed run included. */
    List<EpochMetrics> all() {
        return List.copyOf(all);
    }

    private void writeJson() throws IOException {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < jsonRows.size(); i++) {
            b.append(i == 0 ? "\n  " : ",\n  ").append(jsonRows.get(i));
        }
        b.append(jsonRows.isEmpty() ? "]\n" : "\n]\n");
        dir.writeAtomically(RunDir.METRICS_JSON, b.toString());
    }

    /** An epoch's figures under the CSV's column names, plus the fraction of free phases that converged. */
    static Map<String, Object> toMap(EpochMetrics m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("epoch", m.epoch());
        o.put("train_loss", m.trainLoss());
        o.put("train_accuracy", m.trainAccuracy());
        o.put("test_loss", m.testLoss());
        o.put("test_accuracy", m.testAccuracy());
        o.put("seconds", m.seconds());
        o.put("samples_per_second", m.samplesPerSecond());
        o.put("free_converged", m.freeConverged());
        o.put("max_free_residual", m.maxFreeResidual());
        o.put("pulses_per_step", m.pulsesPerStep());
        return o;
    }

    /**
     * Reads the epochs 1..{@code upTo} of an earlier {@value RunDir#METRICS_CSV} (later rows, written after the last
     * checkpoint of a crashed run, are dropped: they are trained again). The CSV has no free-phase convergence
     * column, so that figure reads back as NaN.
     *
     * @throws IllegalArgumentException if the file is malformed or misses one of those epochs
     */
    static List<EpochMetrics> readCsv(Path file, int upTo) throws IOException {
        List<EpochMetrics> out = new ArrayList<>();
        if (upTo == 0) {
            return out;
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": missing; cannot resume the run's metrics");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(EpochMetrics.CSV_HEADER)) {
            throw new IllegalArgumentException(file + ": unexpected header; expected " + EpochMetrics.CSV_HEADER);
        }
        for (int i = 1; i < lines.size() && out.size() < upTo; i++) {
            String[] f = lines.get(i).split(",", -1);
            try {
                if (f.length != 10 || Integer.parseInt(f[0]) != out.size() + 1) {
                    throw new NumberFormatException("bad row");
                }
                out.add(new EpochMetrics(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]),
                        d(f[8]), d(f[7]), d(f[9])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + " is malformed: " + lines.get(i));
            }
        }
        if (out.size() < upTo) {
            throw new IllegalArgumentException(file + ": has " + out.size() + " epochs, the checkpoint " + upTo);
        }
        return out;
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }
}
