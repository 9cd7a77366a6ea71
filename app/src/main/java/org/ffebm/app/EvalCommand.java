package org.ffebm.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ffebm.core.block.SettleResult;
import org.ffebm.core.config.RunConfig;
import org.ffebm.core.config.TrainConfig;
import org.ffebm.core.data.Dataset;
import org.ffebm.core.data.TrainTest;
import org.ffebm.core.io.Json;
import org.ffebm.core.schedule.CostLedger;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.GemmF32;
import org.ffebm.core.train.Checkpoint;
import org.ffebm.core.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ffebm eval RUN_DIR}: loads a run's checkpoint and evaluates the model on the test set (free phase only). By
 * default the data, test limit, batch size, kernel and thread count are the run's, so the figures are those of the
 * run's last finished epoch, bit for bit.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Evaluates a run's checkpoint on the test set and prints the loss and accuracy.", ""})
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_DIR",
            description = "A run directory (finished, or a .partial one) holding checkpoint.bin, or a checkpoint file.")
    Path run;

    @Option(names = "--data", paramLabel = "DIR", order = 1,
            description = "Fashion-MNIST IDX directory to evaluate on. Defaults to the run's data.")
    String data;

    @Option(names = "--limit-test", paramLabel = "N", order = 2,
            description = "Uses only the first N test samples, 0 for all. Defaults to the run's limit.")
    Integer limitTest;

    @Option(names = "--threads", paramLabel = "N", order = 3,
            description = "Worker threads; results do not depend on it. Defaults to the run's thread count.")
    Integer threads;

    @Option(names = "--kernel", paramLabel = "NAME", order = 4,
            description = "Matrix-product kernel (another kernel may change the last bits). Defaults to the run's.")
    String kernel;

    @Option(names = "--t-free", paramLabel = "N", order = 5,
            description = "Free-phase steps of every energy block (the most, with a tolerance), to see how accuracy "
                    + "depends on the relaxation budget at inference. Defaults to the run's ffebm.ep.t-free.")
    Integer tFree;

    @Option(names = "--tol", paramLabel = "X", order = 6,
            description = "Per-sample residual tolerance of the free phase, 0 for exactly --t-free steps. Defaults "
                    + "to the run's ffebm.ep.tol.")
    Double tol;

    @Option(names = "--json", order = 7, description = "Prints the result as a JSON object. Defaults to off.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (threads != null && threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 1, was " + threads);
        }
        if (limitTest != null && limitTest < 0) {
            throw new ParameterException(spec.commandLine(), "--limit-test must be >= 0, was " + limitTest);
        }
        if (tFree != null && tFree < 1) {
            throw new ParameterException(spec.commandLine(), "--t-free must be >= 1, was " + tFree);
        }
        if (tol != null && !(tol >= 0 && Double.isFinite(tol))) {
            throw new ParameterException(spec.commandLine(), "--tol must be a finite number >= 0, was " + tol);
        }
        if (!Files.exists(run)) {
            throw new IllegalArgumentException("no such run directory or checkpoint file: " + run);
        }
        Path file = Files.isDirectory(run) ? run.resolve(RunDir.CHECKPOINT) : run;
        Checkpoint cp = Checkpoint.load(file);
        TrainConfig t = cp.config().train();
        String dataDir = data == null ? t.data() : Path.of(data).toAbsolutePath().normalize().toString();
        RunConfig cfg = cp.config().withTrain(new TrainConfig(t.epochs(), t.batchSize(), t.seed(),
                threads != null ? threads : t.threads(), t.limitTrain(), limitTest != null ? limitTest : t.limitTest(),
                kernel != null ? kernel : t.kernel(), dataDir, t.augment()));
        cfg = cfg.withEp(cfg.ep().withFreePhase(tFree != null ? tFree : cfg.ep().tFree(),
                tol != null ? tol : cfg.ep().tol()));
        GemmF32 gemm = Backend.kernel(cfg.train().kernel());
        TrainTest tt = Backend.loadData(cfg);
        Dataset test = tt.test();
        if (!Backend.shape(test).equals(cp.inputShape())) {
            throw new IllegalArgumentException("the data's samples are " + Backend.shape(test)
                    + " but the checkpoint's model takes " + cp.inputShape());
        }
        F32Ops ops = Backend.ops(gemm, cfg.train().threads());
        try {
            Trainer trainer = Backend.trainer(cfg, ops, cp.inputShape());
            cp.restore(trainer);
            CostLedger ledger = new CostLedger();
            trainer.trace(Backend.costModel(cfg), ledger);
            long t0 = System.nanoTime();
            Trainer.Evaluation ev = trainer.evaluate(test);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("checkpoint", file.toString());
            o.put("epochs", cp.epochsDone());
            o.put("data", test.name());
            o.put("samples", test.size());
            o.put("test_loss", ev.loss());
            o.put("test_accuracy", ev.accuracy());
            o.put("t_free", cfg.ep().tFree());
            o.put("tol", cfg.ep().tol());
            SettleResult settle = ev.settle();
            int blocks = trainer.model().energy().size();
            double stepsPerSample = settle == null || blocks == 0 ? 0.0
                    : (double) settle.sampleSteps() / ((double) test.size() * blocks);
            o.put("max_free_residual", settle == null ? 0.0 : settle.residual());
            o.put("free_steps_per_sample_and_block", stepsPerSample);
            o.put("kernel", ops.kernelName());
            o.put("seconds", seconds);
            o.put("cost", ledger.summary().get("per_inference"));
            if (json) {
                spec.commandLine().getOut().print(Json.write(o));
            } else {
                spec.commandLine().getOut().println(String.format(Locale.ROOT,
                        "%s (epoch %d) on %s (%,d samples): test accuracy %.2f%% (%s), test loss %.6f (%s)", run,
                        cp.epochsDone(), test.name(), test.size(), 100 * ev.accuracy(), Json.number(ev.accuracy()),
                        ev.loss(), Json.number(ev.loss())));
                if (settle != null) {
                    spec.commandLine().getOut().println(String.format(Locale.ROOT,
                            "free phase: T_free %d, tol %s: %.1f steps per sample and block, largest residual %.3g",
                            cfg.ep().tFree(), Json.number(cfg.ep().tol()), stepsPerSample, settle.residual()));
                }
                spec.commandLine().getOut().println(TrainCommand.costLine(ledger, false));
            }
            spec.commandLine().getOut().flush();
            return Main.EXIT_OK;
        } finally {
            ops.parallel().close();
        }
    }
}
