package org.ffebm.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.ConvDhnBlock;
import org.ffebm.core.block.ConvLayer;
import org.ffebm.core.block.RelaxSettings;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.RunConfig;
import org.ffebm.core.config.TrainConfig;
import org.ffebm.core.eqprop.HybridGradient;
import org.ffebm.core.model.EnergyBlockFactory;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.Kernels;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.train.Trainer;
import org.ffebm.digital.config.DigitalBlocks;
import org.ffebm.digital.config.DigitalConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The convolutional model of the split experiment ({@code configs/conv4-*.properties}: 16, 32, 32, 64 channels, 3×3,
 * max pooling after layers 1 and 3, batch 64, one thread):
 * <ul>
 *   <li>{@link #relaxationStep}: one free-phase step of the whole 4-layer conv DHN as one block (convolutions and
 *       transposed convolutions as im2col products through the kernel); must report ≈ 0 B/op under {@code -prof gc};</li>
 *   <li>{@link #trainingStep}: one training step of the model split into {@code blocks} energy blocks (free phase,
 *       nudged phases, hybrid backward through the pool/batch-norm ties, optimiser step).</li>
 * </ul>
 * The configuration files are read from {@code configs/} of the working directory (run from the repository root).
 */
@State(Scope.Benchmark)
public class ConvBenchmark extends BenchDefaults {

    @Param({"1", "2", "4"})
    public int blocks;

    @Param({"vector"})
    public String kernel;

    private ConvDhnBlock<FMatrixRMaj> block;
    private Trainer trainer;
    private Parallel parallel;
    private FMatrixRMaj x;
    private int[] y;
    private FMatrixRMaj grad;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String file = blocks == 1 ? "conv4-1block" : blocks == 2 ? "conv4-2blocks" : "conv4-4blocks";
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("configs", file + ".properties"), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        RunConfig c = RunConfig.of(p);
        TrainConfig t = c.train();
        c = c.withTrain(new TrainConfig(t.epochs(), 64, t.seed(), 1, 0, 0, kernel, ""));
        parallel = Parallel.of(1);
        F32Ops ops = new F32Ops(Kernels.byName(kernel), parallel);
        Shape shape = new Shape(1, 28, 28);
        trainer = new Trainer(c, ops, shape, EnergyBlockFactory.dense(),
                new DigitalBlocks<>(DigitalConfig.of(c.modules())));
        y = new int[64];
        x = embeddedBatch(64, y);
        grad = new FMatrixRMaj(64, 10);
        List<ConvLayer> layers = ConvLayer.of(3, new int[] {16, 32, 32, 64}, "m-m-");
        block = new ConvDhnBlock<>(ops, "eb1", shape, layers, new RelaxSettings(5, 5, 0.0,
                RelaxSettings.Order.ALTERNATING, 0.5, false), 1.0, new SplittableRandom(1));
        block.relaxFree(x);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
    }

    /** One free-phase step of the 4-layer conv DHN (the {@code blocks} parameter does not apply). */
    @Benchmark
    public double relaxationStep() {
        return block.continueFree(1);
    }

    @Benchmark
    public double trainingStep() {
        HybridGradient.zeroGradients(trainer.model());
        HybridGradient.Result r = trainer.scheduler().gradient(x, y, trainer.config().ep().settings(), grad);
        trainer.scheduler().update(trainer.optimizer());
        return r.lossSum();
    }
}
