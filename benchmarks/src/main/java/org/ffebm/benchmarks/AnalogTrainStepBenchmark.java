package org.ffebm.benchmarks;

import java.util.Properties;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.analog.crossbar.AnalogBlocks;
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
 * One whole training step of the default model (784-512-10, batch 128, one thread) with its energy block in core's
 * float DHN ({@code device=none}) or on crossbars of a device preset: free phase, nudged phases, hybrid backward, the
 * optimiser step and the update of the devices (pulsed, stochastic rounding: the default {@code ffebm.update.*}).
 * The goal: a non-ideal preset's step at most 1.5× the ideal device's.
 */
@State(Scope.Benchmark)
public class AnalogTrainStepBenchmark extends BenchDefaults {

    @Param({"none", "ideal", "rpu-gokmen-vlasov", "pcm-exponential"})
    public String device;

    @Param({"vector"})
    public String kernel;

    private Trainer trainer;
    private Parallel parallel;
    private FMatrixRMaj x;
    private int[] y;
    private FMatrixRMaj grad;

    @Setup(Level.Trial)
    public void setUp() {
        RunConfig defaults = RunConfig.defaults();
        TrainConfig t = defaults.train();
        RunConfig c = defaults.withTrain(new TrainConfig(t.epochs(), 128, t.seed(), 1, 0, 0, kernel, ""));
        parallel = Parallel.of(1);
        F32Ops ops = new F32Ops(Kernels.byName(kernel), parallel);
        Shape shape = new Shape(1, 28, 28);
        if (device.equals("none")) {
            trainer = new Trainer(c, ops, shape);
        } else {
            c = c.withModules(AnalogBlocks.resolve(device, new Properties()));
            trainer = new Trainer(c, ops, shape, AnalogBlocks.factory(c.modules(), c.train().seed()));
        }
        y = new int[128];
        x = embeddedBatch(128, y);
        grad = new FMatrixRMaj(128, 10);
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
