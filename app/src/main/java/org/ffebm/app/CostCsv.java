package org.ffebm.app;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ffebm.core.schedule.CostLedger;
import org.ffebm.core.schedule.Domain;
import org.ffebm.core.schedule.Phase;

/**
 * Reads the two cost files that a training run writes into its directory: {@value #COST_PHASES} (mean modelled cost per
 * block and phase) and {@value #TRACE} (every event of the last training step). Both are UTF-8, comma-separated, without
 * quoting, with the exact header below on the first line; numbers are in {@link Double#toString}/{@link Long#toString}
 * form.
 *
 * <p>Every problem is bad input: a {@link CommandFailure} with {@link Main#EXIT_USAGE} and one line that names the file
 * and, for content, the line number (1 is the header). Blank lines are skipped. All counts and costs must be finite and
 * {@code >= 0}; count columns of the trace must be whole numbers ({@code 12} or {@code 12.0}).
 */
final class CostCsv {

    /** Mean cost per (context, block, phase): per training step for {@code train}, per sample for {@code inference}. */
    static final String COST_PHASES = RunDir.COST_PHASES;
    /** Every event of the run's last training step, in order. */
    static final String TRACE = RunDir.COST_LAST_STEP;

    static final String COST_HEADER = CostLedger.PHASES_CSV_HEADER;
    static final String TRACE_HEADER = org.ffebm.core.schedule.TraceEvent.CSV_HEADER;

    private CostCsv() {
    }

    /** What the cost is averaged over. */
    enum Context {
        /** Per training step. */
        TRAIN("train"),
        /** Per inference sample. */
        INFERENCE("inference");

        final String label;

        Context(String label) {
            this.label = label;
        }
    }

    /**
     * One row of {@value #COST_PHASES}: means per training step ({@code train}) or per sample ({@code inference}).
     *
     * @param energyPj energy, pJ
     * @param timeNs modelled latency, ns
     */
    record PhaseCost(Context context, String block, Phase phase, Domain domain, double energyPj, double timeNs,
                     double macs, double bytes, double deviceReads, double conversions, double pulses,
                     double relaxSteps) {
    }

    /**
     * One row of {@value #TRACE} (the count columns are checked but not kept).
     *
     * @param energyPj energy, pJ
     * @param startNs modelled start within the step, ns
     * @param timeNs modelled duration, ns
     */
    record TraceEvent(Context context, long step, long seq, String block, Phase phase, Domain domain, double energyPj,
                      double startNs, double timeNs) {
    }

    /**
     * Reads {@value #COST_PHASES}.
     *
     * @param file (Input) the file
     * @return the rows in file order
     * @throws CommandFailure ({@link Main#EXIT_USAGE}) if the file is missing, unreadable or malformed, if a
     *         (context, block, phase) appears twice, or if there is no {@code train} row
     */
    static List<PhaseCost> readCosts(Path file) {
        List<String> lines = read(file, COST_HEADER, "the run predates cost accounting or did not finish");
        Map<String, Integer> seen = new HashMap<>();
        List<PhaseCost> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            Row r = Row.of(file, lines.get(i), i + 1, COST_HEADER);
            if (r == null) {
                continue;
            }
            PhaseCost c = new PhaseCost(r.context(0), r.block(1), r.phase(2), r.domain(3), r.amount(4), r.amount(5),
                    r.amount(6), r.amount(7), r.amount(8), r.amount(9), r.amount(10), r.amount(11));
            Integer first = seen.putIfAbsent(c.context().label + "," + c.block() + "," + c.phase().key(), i + 1);
            if (first != null) {
                throw r.bad("a second row for " + c.context().label + " " + c.block() + " " + c.phase().key()
                        + " (first on line " + first + ")");
            }
            rows.add(c);
        }
        if (rows.stream().noneMatch(c -> c.context() == Context.TRAIN)) {
            throw usage(file + ": no train rows");
        }
        return rows;
    }

    /**
     * Reads {@value #TRACE}.
     *
     * @param file (Input) the file, which must exist
     * @return the events in file order, possibly none
     * @throws CommandFailure ({@link Main#EXIT_USAGE}) if the file is unreadable or malformed, or if its rows are of
     *         more than one step
     */
    static List<TraceEvent> readTrace(Path file) {
        List<String> lines = read(file, TRACE_HEADER, "");
        List<TraceEvent> events = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            Row r = Row.of(file, lines.get(i), i + 1, TRACE_HEADER);
            if (r == null) {
                continue;
            }
            for (int c : new int[] {6, 7, 8, 9, 10, 11, 12, 13}) {
                r.count(c);
            }
            TraceEvent e = new TraceEvent(r.context(0), r.count(1), r.count(2), r.block(3), r.phase(4), r.domain(5),
                    r.amount(14), r.amount(15), r.amount(16));
            if (!events.isEmpty() && e.step() != events.get(0).step()) {
                throw r.bad("step " + e.step() + " but the first event is of step " + events.get(0).step()
                        + " (the file holds one step)");
            }
            events.add(e);
        }
        return events;
    }

    /** The file's lines, header checked; a missing file names {@code missingHint}. */
    private static List<String> read(Path file, String header, String missingHint) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw usage(file + " not found" + (missingHint.isEmpty() ? "" : ": " + missingHint));
        } catch (CharacterCodingException e) {
            throw usage(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw usage("cannot read " + Main.describe(e));
        }
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw usage(file + " line 1: empty, expected the header " + header);
        }
        String got = lines.get(0).startsWith("\uFEFF") ? lines.get(0).substring(1) : lines.get(0);
        if (!got.equals(header)) {
            String[] g = got.split(",", -1);
            String[] h = header.split(",", -1);
            String what = g.length == h.length ? "" : g.length + " columns, expected " + h.length;
            for (int c = 0; c < Math.min(g.length, h.length); c++) {
                if (!g[c].equals(h[c])) {
                    what = "column " + (c + 1) + " is '" + g[c] + "', expected '" + h[c] + "'";
                    break;
                }
            }
            throw usage(file + " line 1: malformed header: " + what + " (the header must be " + header + ")");
        }
        return lines;
    }

    private static CommandFailure usage(String message) {
        return new CommandFailure(Main.EXIT_USAGE, message, null);
    }

    /** A data line split into its columns, with parsers that name the file, line and column on failure. */
    private record Row(Path file, int line, String[] cells, String[] names) {

        /** The row, or null for a blank line. */
        static Row of(Path file, String text, int line, String header) {
            if (text.isBlank()) {
                return null;
            }
            String[] names = header.split(",", -1);
            String[] cells = text.split(",", -1);
            Row r = new Row(file, line, cells, names);
            if (cells.length != names.length) {
                throw r.bad(cells.length + " columns, expected " + names.length);
            }
            return r;
        }

        CommandFailure bad(String what) {
            return usage(file + " line " + line + ": " + what);
        }

        Context context(int c) {
            for (Context x : Context.values()) {
                if (x.label.equals(cells[c])) {
                    return x;
                }
            }
            throw bad("unknown context '" + cells[c] + "' (expected train or inference)");
        }

        Domain domain(int c) {
            for (Domain x : Domain.values()) {
                if (x.key().equals(cells[c])) {
                    return x;
                }
            }
            throw bad("unknown domain '" + cells[c] + "' (expected analog, digital or conversion)");
        }

        Phase phase(int c) {
            for (Phase x : Phase.values()) {
                if (x.key().equals(cells[c])) {
                    return x;
                }
            }
            List<String> all = new ArrayList<>();
            for (Phase x : Phase.values()) {
                all.add(x.key());
            }
            throw bad("unknown phase '" + cells[c] + "' (expected one of " + String.join(", ", all) + ")");
        }

        String block(int c) {
            if (cells[c].isBlank()) {
                throw bad("empty block name");
            }
            return cells[c];
        }

        /** A finite number {@code >= 0}. */
        double amount(int c) {
            double v;
            try {
                v = Double.parseDouble(cells[c]);
            } catch (NumberFormatException e) {
                throw bad(names[c] + " '" + cells[c] + "' is not a number");
            }
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw bad(names[c] + " must be a finite number >= 0, was " + cells[c]);
            }
            return v;
        }

        /** A whole number {@code >= 0}, written as a long ({@code 12}) or a double ({@code 12.0}). */
        long count(int c) {
            try {
                long v = Long.parseLong(cells[c]);
                if (v < 0) {
                    throw bad(names[c] + " must be >= 0, was " + cells[c]);
                }
                return v;
            } catch (NumberFormatException e) {
                double v = amount(c);
                if (v != Math.rint(v) || v > Long.MAX_VALUE) {
                    throw bad(names[c] + " must be a whole number, was " + cells[c]);
                }
                return (long) v;
            }
        }
    }
}
