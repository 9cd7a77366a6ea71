package org.ffebm.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.ffebm.analog.crossbar.AnalogBlocks;
import org.ffebm.core.config.ModelConfig;
import org.ffebm.core.config.RunConfig;
import org.ffebm.core.config.TrainConfig;
import org.ffebm.core.data.TrainTest;
import org.ffebm.core.io.Json;
import org.ffebm.core.schedule.CostLedger;
import org.ffebm.core.schedule.CostModel;
import org.ffebm.core.schedule.Domain;
import org.ffebm.core.schedule.Scheduler;
import org.ffebm.core.schedule.TraceFile;
import org.ffebm.core.schedule.TraceSink;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.GemmF32;
import org.ffebm.core.train.Checkpoint;
import org.ffebm.core.train.EpochMetrics;
import org.ffebm.core.train.TrainListener;
import org.ffebm.core.train.Trainer;
import org.ffebm.digital.config.DigitalBlocks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ffebm train}: trains a model and writes a run directory ({@link RunDir}).
 *
 * <p>The configuration is built in layers: the defaults, then {@code --config FILE}, then each {@code --set}, then the
 * dedicated flags ({@code --epochs}, …). Everything is checked before anything is written: the configuration, the
 * output directory, the kernel, the data and the model. The resolved configuration (with the kernel that
 * {@code fastest} chose) goes to {@value RunDir#CONFIG}, so {@code --config OUT/config.properties} repeats the run.
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Trains an ff-EBM (or the backprop baseline) and writes a run directory with the resolved "
                + "configuration, provenance, metrics per epoch (CSV and JSON), a summary and a checkpoint.", ""},
        footer = {"", "Configuration precedence: built-in defaults < --config < --set < the flags above.",
                "The run works in OUT.partial and renames it to OUT when it succeeds; after a crash, continue it with "
                        + "--resume OUT.partial.",
                "Example: ffebm train --epochs 5 --set ffebm.model.layers=256,256 --set ffebm.model.block-size=1"})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", order = 1,
            description = "A properties file of ffebm.* keys, e.g. the config.properties of an earlier run. "
                    + "Defaults to none (the built-in defaults).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", order = 2,
            description = "Sets any ffebm.* configuration key, e.g. --set ffebm.model.block-size=1; repeatable. "
                    + "Defaults to none.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--epochs", paramLabel = "N", order = 3,
            description = "Passes over the training set (ffebm.train.epochs). Defaults to 10.")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", order = 4,
            description = "Samples per step (ffebm.train.batch-size). Defaults to 128.")
    Integer batchSize;

    @Option(names = "--seed", paramLabel = "N", order = 5,
            description = "Root seed of the initial weights and the shuffling (ffebm.train.seed). Defaults to 1.")
    Long seed;

    @Option(names = "--data", paramLabel = "DIR", order = 6,
            description = "Fashion-MNIST IDX directory, e.g. /usr/share/datasets/fashion-mnist (ffebm.train.data). "
                    + "Defaults to the embedded subset (10,000 training and 2,000 test images).")
    String data;

    @Option(names = "--limit-train", paramLabel = "N", order = 7,
            description = "Uses only the first N training samples, 0 for all (ffebm.train.limit-train). Defaults to 0.")
    Integer limitTrain;

    @Option(names = "--limit-test", paramLabel = "N", order = 8,
            description = "Uses only the first N test samples, 0 for all (ffebm.train.limit-test). Defaults to 0.")
    Integer limitTest;

    @Option(names = "--threads", paramLabel = "N", order = 9,
            description = "Worker threads; results do not depend on it (ffebm.train.threads). Defaults to the number "
                    + "of available processors.")
    Integer threads;

    @Option(names = "--kernel", paramLabel = "NAME", order = 10,
            description = "Matrix-product kernel: reference, ejml, blocked, vector, or fastest (vector where the JVM "
                    + "has the Vector API, else blocked; all but ejml give the same bits) (ffebm.train.kernel). "
                    + "Defaults to fastest.")
    String kernel;

    @Option(names = "--out", paramLabel = "DIR", order = 11,
            description = "The run directory to create (it must not exist). Defaults to runs/<yyyyMMdd-HHmmss> in "
                    + "the current directory.")
    Path out;

    @Option(names = "--device", paramLabel = "PRESET", order = 11,
            description = "Puts every energy block on simulated crossbars of this device preset (see 'ffebm devices'); "
                    + "ffebm.device.*, ffebm.crossbar.*, ffebm.dac.*, ffebm.adc.* and ffebm.update.* keys override it. "
                    + "Defaults to none: the float DHN of core (or crossbars of the ideal device when such keys are "
                    + "set).")
    String device;

    @Option(names = "--force", order = 12,
            description = "Replaces an existing run directory OUT (and a left-over OUT.partial). Only directories "
                    + "that hold a config.properties, or are empty, are replaced. Defaults to off.")
    boolean force;

    @Option(names = "--resume", paramLabel = "RUN_DIR", order = 13,
            description = "Continues RUN_DIR.partial after a crash, or a finished RUN_DIR with a larger --epochs, from "
                    + "its checkpoint; only --epochs, --threads, --trace, --quiet and --force may be given with it. An "
                    + "interrupted run continues bit for bit; extending a finished one reschedules a cosine learning "
                    + "rate. Defaults to none.")
    Path resume;

    @Option(names = "--trace", paramLabel = "FILE", order = 14,
            description = "Writes every phase of every training step and evaluation (block, phase, operation counts, "
                    + "modelled energy and time) to FILE: JSON lines when the name ends in .jsonl or .json, CSV "
                    + "otherwise; with --resume the events are appended to FILE. The run's cost summary is written either way. "
                    + "Defaults to none.")
    Path trace;

    @Option(names = {"-q", "--quiet"}, order = 15,
            description = "No progress bar, and no progress line every minute when standard error is not a terminal "
                    + "(the per-epoch lines remain). Defaults to off.")
    boolean quiet;

    /**
     * Stops the run after this many epochs as a crash would (exit 1, OUT.partial left with its checkpoint): lets tests
     * and time-sliced jobs exercise --resume. Hidden from the help.
     */
    @Option(names = "--stop-after", paramLabel = "N", hidden = true)
    Integer stopAfter;

    /** Thrown by the listener to honour --stop-after. */
    private static final class StopRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StopRequested(int epoch) {
            super("stopped after epoch " + epoch + " as asked by --stop-after", null, false, false);
        }
    }

    /** Everything checked and built before the first byte is written. */
    private record Setup(RunConfig config, String kernelRequested, RunDir dir, TrainTest data, F32Ops ops,
                         Trainer trainer, List<EpochMetrics> previous, boolean reopen, CostModel cost,
                         CostLedger ledger) {
    }

    @Override
    public Integer call() throws IOException {
        Instant start = Instant.now();
        PrintWriter err = spec.commandLine().getErr();
        Setup s = resume == null ? setUpNew() : setUpResume();
        try {
            printSummary(err, s);
            return work(s, start, err);
        } finally {
            s.ops().parallel().close();
        }
    }

    // ---- validation and set-up (writes nothing) ---------------------------------------------------------------------

    private Setup setUpNew() {
        checkFlags();
        atLeast("--stop-after", stopAfter, 1);
        Properties p = new Properties();
        if (config != null) {
            readProperties(config, p);
        }
        for (String kv : sets) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(spec.commandLine(), "--set needs KEY=VALUE, was '" + kv + "'");
            }
            p.setProperty(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        put(p, "epochs", epochs);
        put(p, "batch-size", batchSize);
        put(p, "seed", seed);
        put(p, "data", data);
        put(p, "limit-train", limitTrain);
        put(p, "limit-test", limitTest);
        put(p, "threads", threads);
        put(p, "kernel", kernel);
        RunConfig cfg = RunConfig.of(p);
        TrainConfig t = cfg.train();
        if (!t.data().isEmpty()) {
            // an absolute path, so that the written configuration works from any directory
            cfg = withTrain(cfg, t.epochs(), t.threads(), t.kernel(),
                    Path.of(t.data()).toAbsolutePath().normalize().toString());
        }
        if (device != null || AnalogBlocks.requested(cfg.modules())) {
            // every device, crossbar, converter and update default is written into the run's configuration
            cfg = cfg.withModules(AnalogBlocks.resolve(device, cfg.modules()));
        }
        // and every number-format default of the digital blocks
        Properties modules = new Properties();
        modules.putAll(cfg.modules());
        modules.putAll(DigitalBlocks.resolve(cfg.modules()));
        cfg = cfg.withModules(modules);
        RunDir dir = RunDir.forNew(out != null ? out : RunDir.defaultOut(LocalDateTime.now()), force);
        return build(cfg, dir, null, List.of(), false);
    }

    private Setup setUpResume() throws IOException {
        List<String> bad = new ArrayList<>();
        addIf(bad, config != null, "--config");
        addIf(bad, !sets.isEmpty(), "--set");
        addIf(bad, batchSize != null, "--batch-size");
        addIf(bad, seed != null, "--seed");
        addIf(bad, device != null, "--device");
        addIf(bad, data != null, "--data");
        addIf(bad, limitTrain != null, "--limit-train");
        addIf(bad, limitTest != null, "--limit-test");
        addIf(bad, kernel != null, "--kernel");
        addIf(bad, out != null, "--out");
        if (!bad.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--resume takes the configuration from the checkpoint; "
                    + String.join(", ", bad) + " cannot be given with it (only --epochs, --threads, --trace, --quiet, --force)");
        }
        checkFlags();
        RunDir dir = RunDir.forResume(resume, force);
        boolean reopen = dir.isFinished();
        Path from = reopen ? dir.finalDir() : dir.partialDir();
        Checkpoint cp = Checkpoint.load(from.resolve(RunDir.CHECKPOINT));
        TrainConfig t = cp.config().train();
        int total = epochs != null ? epochs : t.epochs();
        if (total < cp.epochsDone() || (reopen && total == cp.epochsDone())) {
            throw new ParameterException(spec.commandLine(), "--resume: the run has done " + cp.epochsDone()
                    + " epochs; pass --epochs greater than that" + (epochs == null ? "" : ", was " + epochs));
        }
        RunConfig cfg = withTrain(cp.config(), total, threads != null ? threads : t.threads(), t.kernel(), t.data());
        List<EpochMetrics> previous = Metrics.readCsv(from.resolve(RunDir.METRICS_CSV), cp.epochsDone());
        return build(cfg, dir, cp, previous, reopen);
    }

    /** Picks the kernel, loads the data, builds the model; restores a checkpoint if given. */
    private Setup build(RunConfig cfg, RunDir dir, Checkpoint cp, List<EpochMetrics> previous, boolean reopen) {
        TrainTest tt = Backend.loadData(cfg);
        if (cp != null && !Backend.shape(tt.train()).equals(cp.inputShape())) {
            throw new IllegalArgumentException("the data's samples are " + Backend.shape(tt.train())
                    + " but the checkpoint's model takes " + cp.inputShape());
        }
        String requested = cfg.train().kernel();
        GemmF32 gemm = Backend.kernel(requested);
        TrainConfig t = cfg.train();
        cfg = withTrain(cfg, t.epochs(), t.threads(), gemm.name(), t.data());
        F32Ops ops = Backend.ops(gemm, t.threads());
        try {
            Trainer trainer = Backend.trainer(cfg, ops, Backend.shape(tt.train()));
            if (cp != null) {
                cp.restore(trainer);
            }
            CostModel cost = Backend.costModel(cfg);
            CostLedger ledger = new CostLedger();
            trainer.trace(cost, ledger);
            return new Setup(cfg, requested, dir, tt, ops, trainer, previous, reopen, cost, ledger);
        } catch (RuntimeException e) {
            ops.parallel().close();
            throw e;
        }
    }

    private void checkFlags() {
        atLeast("--epochs", epochs, 1);
        atLeast("--batch-size", batchSize, 1);
        atLeast("--threads", threads, 1);
        atLeast("--limit-train", limitTrain, 0);
        atLeast("--limit-test", limitTest, 0);
        if (kernel != null && kernel.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--kernel must not be empty");
        }
        if (data != null && data.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--data must not be empty");
        }
        if (trace != null) {
            Path parent = trace.toAbsolutePath().getParent();
            if (Files.isDirectory(trace)) {
                throw new ParameterException(spec.commandLine(), "--trace " + trace + " is a directory");
            }
            if (parent != null && !Files.isDirectory(parent)) {
                throw new ParameterException(spec.commandLine(), "--trace: the folder " + parent + " does not exist");
            }
        }
    }

    private void atLeast(String flag, Integer v, int min) {
        if (v != null && v < min) {
            throw new ParameterException(spec.commandLine(), flag + " must be >= " + min + ", was " + v);
        }
    }

    private static void addIf(List<String> list, boolean cond, String flag) {
        if (cond) {
            list.add(flag);
        }
    }

    private static void put(Properties p, String key, Object value) {
        if (value != null) {
            p.setProperty(TrainConfig.PREFIX + key, value.toString());
        }
    }

    /** Loads a properties file (UTF-8) into p; IAE if it is missing or unreadable. */
    static void readProperties(Path file, Properties p) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("configuration file " + file + " is a directory");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("configuration file not found: " + file);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read configuration file " + file + ": " + Main.describe(e));
        }
    }

    static RunConfig withTrain(RunConfig c, int epochs, int threads, String kernel, String data) {
        TrainConfig t = c.train();
        return c.withTrain(t.with(epochs, threads, kernel, data));
    }

    // ---- the work ---------------------------------------------------------------------------------------------------

    private int work(Setup s, Instant start, PrintWriter err) throws IOException {
        RunDir dir = s.dir();
        Trainer trainer = s.trainer();
        int done = trainer.epochsDone();
        try {
            if (s.previous().isEmpty() && done == 0) {
                dir.create();
            } else if (s.reopen()) {
                dir.reopen();
                // the finished run's summary no longer describes the run until it is written again
                Files.deleteIfExists(dir.file(RunDir.SUMMARY));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create the run directory " + dir.partialDir() + ": "
                    + Main.describe(e));
        }
        String cmd = Provenance.commandLine(spec.root().commandLine().getParseResult().originalArgs());
        dir.writeAtomically(RunDir.CONFIG, s.config().toText());
        String provenanceFile = done == 0 ? RunDir.PROVENANCE
                : "provenance-resume-" + done + ".json";
        Map<String, Object> prov = Provenance.of(s.config(), s.kernelRequested(), s.ops(), s.data(), start, cmd);
        if (done > 0) {
            prov.put("resumed_from_epoch", done);
        }
        dir.writeAtomically(provenanceFile, Json.write(prov));

        int total = s.config().train().epochs();
        Progress progress = new Progress(err, Progress.Mode.of(quiet, Progress.interactive()),
                s.config().train().batchSize());
        Thread hook = new Thread(() -> System.err.println("\nffebm: interrupted; finished epochs (if any) are in "
                + dir.partialDir() + ": continue with 'ffebm train --resume " + dir.partialDir() + "'"));
        long t0 = System.nanoTime();
        Metrics metrics = new Metrics(dir, s.previous());
        TraceFile traceFile = null;
        try {
            if (trace != null) {
                try {
                    traceFile = new TraceFile(trace, resume != null);   // a resumed run continues its trace
                } catch (IOException e) {
                    throw new CommandFailure(Main.EXIT_FAILURE, "cannot write the trace " + trace + ": "
                            + Main.describe(e), e);
                }
                trainer.trace(s.cost(), TraceSink.both(s.ledger(), traceFile));
            }
            final TraceFile flushEach = traceFile;
            Runtime.getRuntime().addShutdownHook(hook);
            TrainListener listener = new TrainListener() {
                @Override
                public void batch(int epoch, int epochs, int batch, int batches, double loss, double acc, double sps) {
                    progress.batch(epoch, epochs, batch, batches, loss, acc, sps);
                }

                @Override
                public void epoch(EpochMetrics m) throws IOException {
                    metrics.epoch(m);
                    if (flushEach != null) {
                        flushEach.flush();
                    }
                    Checkpoint.save(dir.file(RunDir.CHECKPOINT), trainer);
                    progress.epoch(m, total);
                    if (stopAfter != null && m.epoch() >= stopAfter && m.epoch() < total) {
                        throw new StopRequested(m.epoch());
                    }
                }
            };
            if (done < total) {
                try {
                    trainer.train(s.data().train(), s.data().test(), listener);
                } catch (RuntimeException e) {
                    progress.clear();
                    throw failure(e, trainer, dir);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            List<EpochMetrics> all = metrics.all();
            Map<String, Object> summary = summary(s, all, seconds, done);
            dir.writeAtomically(RunDir.COST_PHASES, s.ledger().phasesCsv());
            dir.writeAtomically(RunDir.COST_LAST_STEP, s.ledger().lastStepCsv());
            dir.writeAtomically(RunDir.SUMMARY, Json.write(summary));
            metrics.close();
            dir.finish();
            EpochMetrics last = all.get(all.size() - 1);
            double pulses = ((Number) summary.get("pulses_per_step")).doubleValue();
            spec.commandLine().getOut().println(String.format(Locale.ROOT,
                    "%s: test accuracy %.2f%% (loss %.4f), train accuracy %.2f%%, %d epoch%s, %.1f s%s",
                    dir.finalDir(), 100 * last.testAccuracy(), last.testLoss(), 100 * last.trainAccuracy(),
                    last.epoch(), last.epoch() == 1 ? "" : "s", seconds,
                    pulses > 0 ? String.format(Locale.ROOT, ", %.3g programming pulses per step", pulses) : ""));
            spec.commandLine().getOut().println(costLine(s.ledger(), true));
            return Main.EXIT_OK;
        } finally {
            metrics.close();
            if (traceFile != null) {
                traceFile.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // shutting down already, or never added
            }
        }
    }

    private static CommandFailure failure(RuntimeException e, Trainer trainer, RunDir dir) {
        int done = trainer.epochsDone();
        String where = done == 0 ? "; no epoch finished (configuration and provenance are in " + dir.partialDir() + ")"
                : "; the " + done + (done == 1 ? " epoch" : " epochs") + " done are in " + dir.partialDir();
        if (e instanceof UncheckedIOException u) {
            return new CommandFailure(Main.EXIT_FAILURE, "cannot write the run's results: "
                    + Main.describe(u.getCause()) + where, e);
        }
        if (e instanceof StopRequested) {
            return new CommandFailure(Main.EXIT_FAILURE, e.getMessage() + "; continue with --resume "
                    + dir.partialDir(), e);
        }
        if (e instanceof IllegalStateException) {
            return new CommandFailure(Main.EXIT_FAILURE, e.getMessage() + where, e);
        }
        return new CommandFailure(Main.EXIT_FAILURE, "training failed at epoch " + (trainer.epochsDone() + 1) + ": "
                + e + where, e);
    }

    private static Map<String, Object> summary(Setup s, List<EpochMetrics> all, double seconds, int resumedFrom) {
        EpochMetrics last = all.get(all.size() - 1);
        EpochMetrics best = last;
        double sps = 0, training = 0, pulses = 0;
        for (EpochMetrics m : all) {
            sps += m.samplesPerSecond();
            training += m.seconds();
            pulses += m.pulsesPerStep();
            if (m.testAccuracy() > best.testAccuracy()) {
                best = m;
            }
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("test_accuracy", last.testAccuracy());
        o.put("train_accuracy", last.trainAccuracy());
        o.put("test_loss", last.testLoss());
        o.put("train_loss", last.trainLoss());
        o.put("epochs", last.epoch());
        o.put("samples_per_second", sps / all.size());
        o.put("pulses_per_step", pulses / all.size());
        o.put("seed", s.config().train().seed());
        o.put("parameters", s.trainer().model().parameterCount());
        o.put("model", describe(s.config().model(), s.trainer()));
        o.put("best_test_accuracy", best.testAccuracy());
        o.put("best_epoch", best.epoch());
        o.put("seconds_total", seconds);
        o.put("seconds_training", training);
        o.put("kernel", s.ops().kernelName());
        o.put("threads", s.ops().parallel().threads());
        o.put("train_size", s.data().train().size());
        o.put("test_size", s.data().test().size());
        if (resumedFrom > 0) {
            o.put("resumed_from_epoch", resumedFrom);
        }
        Map<String, Object> cost = s.ledger().summary();
        cost.put("note", "modelled by the cost model of ffebm.cost.* (see config.properties); means over the "
                + "training steps and evaluated samples of this invocation" + (resumedFrom > 0 ? " (after the resume)"
                : "") + "; breakdown in " + RunDir.COST_PHASES + ", the last step's phases in "
                + RunDir.COST_LAST_STEP + "; 'ffebm report' plots them");
        o.put("cost", cost);
        o.put("finished", Instant.now().toString());
        return o;
    }

    /**
     * One line: modelled energy and latency per training step (when {@code training}) and per inference, split by
     * domain.
     */
    static String costLine(CostLedger ledger, boolean training) {
        StringBuilder b = new StringBuilder("modelled cost");
        for (String ctx : training ? List.of(Scheduler.TRAIN, Scheduler.INFERENCE) : List.of(Scheduler.INFERENCE)) {
            Map<Domain, Double> e = ledger.energyPjByDomain(ctx);
            Map<Domain, Double> t = ledger.timeNsByDomain(ctx);
            double et = 0, tt = 0;
            for (Domain d : Domain.values()) {
                et += e.get(d);
                tt += t.get(d);
            }
            b.append(ctx.equals(Scheduler.TRAIN) ? ": per training step " : training ? "; per inference "
                    : ": per inference ")
                    .append(String.format(Locale.ROOT, "%.4g uJ, %.4g us (analog %.0f%%, digital %.0f%%, "
                                    + "conversion %.0f%% of the energy)", et * 1e-6, tt * 1e-3,
                            share(e.get(Domain.ANALOG), et), share(e.get(Domain.DIGITAL), et),
                            share(e.get(Domain.CONVERSION), et)));
        }
        return b.toString();
    }

    private static double share(double part, double total) {
        return total > 0 ? 100 * part / total : 0;
    }

    /** One line, e.g. {@code ep: layers [512] in 1 energy block (tie identity), readout linear, loss cross-entropy}. */
    static String describe(ModelConfig m, Trainer t) {
        int[] layers = m.layers();
        StringBuilder b = new StringBuilder(m.algorithm()).append(": input ").append(t.model().inputShape())
                .append(", layers ").append(java.util.Arrays.toString(layers));
        if (m.algorithm().equals("ep")) {
            b.append(" in ").append(m.blocks()).append(m.blocks() == 1 ? " energy block" : " energy blocks");
            if (m.blocks() > 1) {
                b.append(" (tie ").append(m.tie()).append(')');
            }
        } else {
            b.append(" feedforward");
        }
        if (m.firstConvDigital()) {
            b.append(m.algorithm().equals("ep") ? ", each block's first conv digital (conv, pool, batch-norm; s1 by "
                    + "identity)" : ", batch-norm after each block's first conv");
        }
        return b.append(", readout ").append(m.readout()).append(", ").append(m.classes()).append(" classes, loss ")
                .append(m.loss().key()).toString();
    }

    private void printSummary(PrintWriter err, Setup s) {
        RunConfig c = s.config();
        TrainConfig t = c.train();
        var o = c.optim();
        var e = c.ep();
        String resumed = s.trainer().epochsDone() > 0 ? " (resuming after epoch " + s.trainer().epochsDone() + ")"
                : "";
        err.println("ffebm " + Main.Version.version() + " train" + resumed + ": " + describe(c.model(), s.trainer())
                + String.format(Locale.ROOT, ", %,d parameters", s.trainer().model().parameterCount()));
        err.println(String.format(Locale.ROOT, "  data %s: %s (%,d) / %s (%,d)", Backend.source(t),
                s.data().train().name(), s.data().train().size(), s.data().test().name(), s.data().test().size()));
        if (c.model().algorithm().equals("ep")) {
            err.println(String.format(Locale.ROOT, "  ep beta %s %s, steps free %d nudge %d, tol %s, %s order",
                    e.beta(), key(e.estimator()), e.tFree(), e.tNudge(), e.tol(), key(e.order())));
        }
        err.println(String.format(Locale.ROOT, "  optim %s lr %s momentum %s weight-decay %s %s%s", o.name(), o.lr(),
                o.momentum(), o.weightDecay(), o.schedule(), o.blockLr().isEmpty() ? "" : " block-lr " + o.blockLr()));
        err.println(String.format(Locale.ROOT, "  epochs %d, batch %d, seed %d, kernel %s%s, %s, %d thread%s",
                t.epochs(), t.batchSize(), t.seed(), t.kernel(),
                s.kernelRequested().equals(t.kernel()) ? "" : " (" + s.kernelRequested() + ")", s.ops().precision(),
                t.threads(), t.threads() == 1 ? "" : "s"));
        err.println("  output " + s.dir().finalDir() + " (working in " + s.dir().partialDir() + ")");
        err.flush();
    }

    private static String key(Enum<?> v) {
        return v.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
