package org.ffebm.benchmarks;

import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.RunConfig;
import org.ffebm.core.config.TrainConfig;
import org.ffebm.core.eqprop.HybridGradient;
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
 * One training step of the default model (the configuration of {@code ./ffebm train} with no flags) on a batch of 128
 * embedded Fashion-MNIST images: free phase, loss, nudged phases, hybrid backward pass and optimiser step.
 * Samples per second = 128 × ops/s.
 */
@State(Scope.Benchmark)
public class TrainStepBenchmark extends BenchDefaults {

    @Param({"1", "2"})
    public int threads;

    @Param({"blocked"})
    public String kernel;

    @Param({"128"})
    public int batch;

    private Trainer trainer;
    private Parallel parallel;
    private FMatrixRMaj x;
    private int[] y;
    private FMatrixRMaj grad;

    @Setup(Level.Trial)
    public void setUp() {
        RunConfig defaults = RunConfig.defaults();
        TrainConfig t = defaults.train();
        RunConfig c = defaults.withTrain(new TrainConfig(t.epochs(), batch, t.seed(), threads, 0, 0, kernel, ""));
        parallel = Parallel.of(threads);
        trainer = new Trainer(c, new F32Ops(Kernels.byName(kernel), parallel), new Shape(1, 28, 28));
        y = new int[batch];
        x = embeddedBatch(batch, y);
        grad = new FMatrixRMaj(batch, 10);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
    }

    @Benchmark
    public double trainingStep() {
        HybridGradient.zeroGradients(trainer.model());
        HybridGradient.Result r = trainer.scheduler().gradient(x, y, trainer.config().ep().settings(), grad);
        trainer.scheduler().update(trainer.optimizer());
        return r.lossSum();
    }
}
