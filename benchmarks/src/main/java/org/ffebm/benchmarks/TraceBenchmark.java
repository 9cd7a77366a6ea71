package org.ffebm.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.EpSettings;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.RunConfig;
import org.ffebm.core.config.TrainConfig;
import org.ffebm.core.eqprop.HybridGradient;
import org.ffebm.core.optim.Optimizer;
import org.ffebm.core.schedule.CostLedger;
import org.ffebm.core.schedule.CostModel;
import org.ffebm.core.schedule.Scheduler;
import org.ffebm.core.schedule.TraceFile;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.Kernels;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.train.Trainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of tracing a training step. One training step of the default model (the configuration of
 * {@code ./ffebm train} with no flags, as {@link TrainStepBenchmark} builds it: batch 128 embedded Fashion-MNIST
 * images, one thread, {@code blocked} kernel) through the trainer's {@link Scheduler}: zero the gradients,
 * {@link Scheduler#gradient} (free phase, loss, nudged phases, hybrid backward) and {@link Scheduler#update} (optimiser
 * step, update of the energy blocks), with the scheduler's {@code mode}:
 * <ul>
 *   <li>{@code none}: the untraced scheduler the {@link Trainer} builds (no sink: no event is built, no count taken);
 *   <li>{@code ledger}: {@code trainer.trace(CostModel.defaults(), new CostLedger())}, what every training run uses
 *       for its summary (one {@code TraceEvent} per phase, summed in memory);
 *   <li>{@code csv}, {@code jsonl}: a {@link TraceFile} into a fresh temporary file per trial ({@code .csv} or
 *       {@code .jsonl}), created in the trial's set-up and closed and deleted in its tear-down. The file is buffered
 *       and not flushed in the measured method, so the cost includes the buffer's writes to the OS as a run pays them.
 * </ul>
 *
 * <p>Run (from the repository root; about 2½ minutes on 2 cores each):
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar TraceBenchmark -prof gc -f 2 -wi 3 -i 5 -w 2s -r 2s -rf json
 * java -jar benchmarks/target/benchmarks.jar TraceBenchmark -p layers=8 -p batch=8 -f 3 -wi 3 -i 5 -w 2s -r 2s
 * }</pre>
 *
 * <p>How to read it. The overhead of a mode is {@code (t_mode − t_none) / t_none} from the mean times; the goal
 * is at most 5 % for tracing on ({@code ledger}, {@code csv}, {@code jsonl}). Compare it with the modes' error bars: an
 * overhead inside them is not measurable. "Tracing off costs nothing" is read from {@code none}: it has no sink and
 * takes no counts, so its time is the step itself, and its {@code gc.alloc.rate.norm} (B/op, with {@code -prof gc})
 * must be no larger than the step's allocation before the scheduler ({@link AnalogTrainStepBenchmark} with {@code -p
 * device=none -p kernel=blocked} at 8dd9405, the commit before the scheduler, run with the same options; B/op includes
 * JMH's own per-iteration bytes divided by the ops of an iteration, so compare runs of equal op time), while the traced
 * modes add the events' bytes. Step times vary by tens of percent on a loaded machine: read the overhead only from runs
 * whose {@code none} error is well under 5 %. There is no {@code baseline()} method: the step without the scheduler no
 * longer exists, and {@code none} is the baseline the other modes are read against.
 */
@State(Scope.Benchmark)
public class TraceBenchmark extends BenchDefaults {

    @Param({"none", "ledger", "csv", "jsonl"})
    public String mode;

    @Param({"blocked"})
    public String kernel;

    @Param({"128"})
    public int batch;

    /**
     * The DHN layer sizes ({@code ffebm.model.layers}). With {@code -p layers=8 -p batch=8} the step shrinks to tens of
     * microseconds while a step still has the same phases, so the tracing work per step (events built, counted,
     * costed and written) stands out of the noise in absolute terms; divided by the default step's time it bounds
     * the default step's overhead more tightly than the default step's own error bars can.
     */
    @Param({"512"})
    public String layers;

    private Trainer trainer;
    private Parallel parallel;
    private Scheduler<FMatrixRMaj> scheduler;
    private Optimizer<FMatrixRMaj> optimizer;
    private EpSettings ep;
    private FMatrixRMaj x;
    private int[] y;
    private FMatrixRMaj grad;
    private TraceFile file;
    private Path path;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Properties p = RunConfig.defaults().toProperties();
        p.setProperty("ffebm.model.layers", layers);
        RunConfig defaults = RunConfig.of(p);
        TrainConfig t = defaults.train();
        RunConfig c = defaults.withTrain(new TrainConfig(t.epochs(), batch, t.seed(), 1, 0, 0, kernel, ""));
        parallel = Parallel.of(1);
        trainer = new Trainer(c, new F32Ops(Kernels.byName(kernel), parallel), new Shape(1, 28, 28));
        switch (mode) {
            case "none" -> { }
            case "ledger" -> trainer.trace(CostModel.defaults(), new CostLedger());
            case "csv", "jsonl" -> {
                path = Files.createTempFile("ffebm-trace-bench-", "." + mode);
                file = new TraceFile(path, false);
                trainer.trace(CostModel.defaults(), file);
            }
            default -> throw new IllegalArgumentException("mode must be none, ledger, csv or jsonl, was " + mode);
        }
        scheduler = trainer.scheduler();
        optimizer = trainer.optimizer();
        ep = trainer.config().ep().settings();
        y = new int[batch];
        x = embeddedBatch(batch, y);
        grad = new FMatrixRMaj(batch, 10);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            if (file != null) {
                file.close();
            }
        } finally {
            if (path != null) {
                Files.deleteIfExists(path);
            }
            parallel.close();
        }
    }

    @Benchmark
    public double trainingStep() {
        HybridGradient.zeroGradients(trainer.model());
        HybridGradient.Result r = scheduler.gradient(x, y, ep, grad);
        scheduler.update(optimizer);
        return r.lossSum();
    }
}
