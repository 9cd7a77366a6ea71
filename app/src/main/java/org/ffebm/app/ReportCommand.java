package org.ffebm.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ffebm.app.CostCsv.Context;
import org.ffebm.app.CostCsv.PhaseCost;
import org.ffebm.app.CostCsv.TraceEvent;
import org.ffebm.core.schedule.Domain;
import org.ffebm.core.schedule.Phase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ffebm report RUN_DIR}: the modelled hardware cost of a training run, as a table and two charts.
 *
 * <p>Reads {@value CostCsv#COST_PHASES} (mean energy and time per block and phase: per training step and per inference
 * sample) and, if present, {@value CostCsv#TRACE} (every event of the last training step) from the run directory; see
 * {@link CostCsv} for the formats. Prints, for training (per step) and for inference (per sample, if the run has
 * inference rows), the total energy and modelled latency, then both split by domain (analog, digital, conversion), by
 * phase and by block. The latency is the sum of the rows' times: phases run one after another.
 *
 * <p>Writes {@value #ENERGY_PNG} (energy per phase, stacked by domain; one panel per training step, one per inference
 * sample) and {@value #TIMELINE_PNG} (a Gantt chart of the last training step: one row per block, one bar per event)
 * into {@code --out}, by default the run directory, each {@value #WIDTH}×{@value #HEIGHT} px. Charts are drawn with
 * JFreeChart (D. Gilbert et al., <a href="https://www.jfree.org/jfreechart/">https://www.jfree.org/jfreechart/</a>,
 * LGPL) in headless AWT. Everything is read and checked before anything is printed or written; a missing trace only
 * skips the timeline, with a note on standard error.
 */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Prints a run's modelled energy and latency (per training step and per inference sample) split "
                + "by domain, phase and block, and draws " + ReportCommand.ENERGY_PNG + " and "
                + ReportCommand.TIMELINE_PNG + " (the last training step).", ""})
final class ReportCommand implements Callable<Integer> {

    static final String ENERGY_PNG = "energy.png";
    static final String TIMELINE_PNG = "timeline.png";
    /** Size of both charts, px. */
    static final int WIDTH = 1200;
    static final int HEIGHT = 600;

    /** The micro sign, or {@code u} where the default charset (used for standard output) cannot encode it. */
    static final String MICRO = Charset.defaultCharset().newEncoder().canEncode('\u00b5') ? "\u00b5" : "u";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_DIR",
            description = "The run directory: " + CostCsv.COST_PHASES + " is required; without "
                    + CostCsv.TRACE + " there is no timeline.")
    Path run;

    @Option(names = "--out", paramLabel = "DIR", order = 1,
            description = "Directory for the charts, created if needed. Defaults to RUN_DIR.")
    Path out;

    @Override
    public Integer call() throws IOException {
        // before anything touches AWT: charts are drawn off-screen, also where there is no display
        System.setProperty("java.awt.headless", "true");
        if (!Files.exists(run)) {
            throw usage("no such run directory: " + run);
        }
        if (!Files.isDirectory(run)) {
            throw usage("not a directory: " + run + " (expected a run directory)");
        }
        List<PhaseCost> costs = CostCsv.readCosts(run.resolve(CostCsv.COST_PHASES));
        Path traceFile = run.resolve(CostCsv.TRACE);
        List<TraceEvent> trace = Files.exists(traceFile) ? CostCsv.readTrace(traceFile) : null;
        Path dir = out == null ? run : out;
        makeOutDir(dir);

        PrintWriter o = spec.commandLine().getOut();
        o.print(table(run, costs));
        o.flush();
        Path energy = dir.resolve(ENERGY_PNG);
        ReportCharts.save(ReportCharts.energy(costs), energy, WIDTH, HEIGHT);
        o.println("wrote " + energy);
        if (trace != null && !trace.isEmpty()) {
            Path timeline = dir.resolve(TIMELINE_PNG);
            ReportCharts.save(ReportCharts.timeline(trace, WIDTH), timeline, WIDTH, HEIGHT);
            o.println("wrote " + timeline);
        }
        o.flush();
        if (trace == null) {
            spec.commandLine().getErr().println("ffebm: " + traceFile + " is absent, so the timeline ("
                    + TIMELINE_PNG + ") is skipped");
        } else if (trace.isEmpty()) {
            spec.commandLine().getErr().println("ffebm: " + traceFile + " has no events, so the timeline ("
                    + TIMELINE_PNG + ") is skipped");
        }
        return Main.EXIT_OK;
    }

    /** Creates the output directory, or fails with bad input. */
    private static void makeOutDir(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw usage("output directory " + dir + " is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw usage("cannot create output directory " + dir + ": " + Main.describe(e));
        }
        if (!Files.isWritable(dir)) {
            throw usage("cannot write to output directory " + dir + " (choose another with --out)");
        }
    }

    private static CommandFailure usage(String message) {
        return new CommandFailure(Main.EXIT_USAGE, message, null);
    }

    // ---- the table --------------------------------------------------------------------------------------------------

    /** Energy (pJ) and time (ns) summed over rows. */
    static final class Sum {
        double energyPj;
        double timeNs;

        void add(PhaseCost c) {
            energyPj += c.energyPj();
            timeNs += c.timeNs();
        }
    }

    /** One context's rows summed in total, per domain (all three), per phase (in running order) and per block. */
    record Breakdown(Sum total, Map<Domain, Sum> domains, Map<Phase, Sum> phases, Map<String, Sum> blocks) {

        /** The breakdown of {@code context}'s rows; null if there are none. */
        static Breakdown of(List<PhaseCost> costs, Context context) {
            Sum total = new Sum();
            Map<Domain, Sum> domains = new EnumMap<>(Domain.class);
            for (Domain d : Domain.values()) {
                domains.put(d, new Sum());
            }
            Map<Phase, Sum> phases = new EnumMap<>(Phase.class);
            Map<String, Sum> blocks = new LinkedHashMap<>();
            boolean any = false;
            for (PhaseCost c : costs) {
                if (c.context() == context) {
                    any = true;
                    total.add(c);
                    domains.get(c.domain()).add(c);
                    phases.computeIfAbsent(c.phase(), p -> new Sum()).add(c);
                    blocks.computeIfAbsent(c.block(), b -> new Sum()).add(c);
                }
            }
            return any ? new Breakdown(total, domains, phases, blocks) : null;
        }
    }

    /** The printed report: training, then inference if the run has inference rows. */
    static String table(Path run, List<PhaseCost> costs) {
        StringBuilder b = new StringBuilder();
        b.append("Modelled cost of ").append(run).append(" (").append(CostCsv.COST_PHASES).append(")\n");
        // one width for the name column of every part
        int w = "conversion".length();
        for (PhaseCost c : costs) {
            w = Math.max(w, Math.max(c.phase().key().length(), c.block().length()));
        }
        section(b, "Training, per step", Breakdown.of(costs, Context.TRAIN), w);
        Breakdown inference = Breakdown.of(costs, Context.INFERENCE);
        if (inference != null) {
            section(b, "Inference, per sample", inference, w);
        }
        return b.toString();
    }

    private static void section(StringBuilder b, String title, Breakdown x, int w) {
        b.append('\n').append(title).append(": energy ").append(energy(x.total().energyPj))
                .append(", modelled latency ").append(time(x.total().timeNs)).append('\n');
        Map<String, Sum> byDomain = new LinkedHashMap<>();
        x.domains().forEach((d, s) -> byDomain.put(d.key(), s));
        Map<String, Sum> byPhase = new LinkedHashMap<>();
        x.phases().forEach((p, s) -> byPhase.put(p.key(), s));
        part(b, "domain", w, byDomain, x.total());
        part(b, "phase", w, byPhase, x.total());
        part(b, "block", w, x.blocks(), x.total());
    }

    private static void part(StringBuilder b, String what, int w, Map<String, Sum> rows, Sum total) {
        String row = "  %-" + w + "s  %11s  %6s  %11s  %6s%n";
        b.append('\n').append(String.format(Locale.ROOT, row, what, "energy", "share", "time", "share"));
        rows.forEach((name, s) -> b.append(String.format(Locale.ROOT, row, name, energy(s.energyPj),
                share(s.energyPj, total.energyPj), time(s.timeNs), share(s.timeNs, total.timeNs))));
    }

    /** {@code 60.0%}, or {@code -} when the total is 0. */
    static String share(double part, double total) {
        return total > 0 ? String.format(Locale.ROOT, "%.1f%%", 100 * part / total) : "-";
    }

    /** An energy in pJ with four significant digits in pJ, nJ, µJ, mJ or J, e.g. {@code 1.000 nJ}. */
    static String energy(double pj) {
        return scaled(pj, "pJ", "nJ", MICRO + "J", "mJ", "J");
    }

    /** A time in ns with four significant digits in ns, µs, ms or s, e.g. {@code 2.500 µs}. */
    static String time(double ns) {
        return scaled(ns, "ns", MICRO + "s", "ms", "s");
    }

    /**
     * {@code x} in the first unit (each 1000 times the one before) where it rounds below 1000, with four significant
     * digits; the last unit takes anything larger.
     */
    static String scaled(double x, String... units) {
        double v = x;
        int u = 0;
        while (u < units.length - 1 && Math.abs(v) >= 999.95) {
            v /= 1000;
            u++;
        }
        double a = Math.abs(v);
        int decimals = a < 9.9995 ? 3 : a < 99.995 ? 2 : 1;
        return String.format(Locale.ROOT, "%." + decimals + "f %s", v, units[u]);
    }
}
