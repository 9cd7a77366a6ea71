package org.ffebm.benchmarks;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.DenseDhnBlock;
import org.ffebm.core.block.RelaxSettings;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.Kernels;
import org.ffebm.core.tensor.Parallel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One relaxation step of a dense DHN block (the hot loop of EP): every layer's drive through the kernel and the
 * projected update, on one thread. Run with {@code -prof gc}: gc.alloc.rate.norm must be ≈ 0 B/op.
 *
 * <p>{@code layers} is the block's input and layer sizes; "784,512" is the default model's block, "784,256,256,256"
 * a three-layer block whose step is dominated by the feedback products.
 */
@State(Scope.Benchmark)
public class RelaxationBenchmark extends BenchDefaults {

    @Param({"784,512", "784,256,256,256"})
    public String layers;

    @Param({"128"})
    public int batch;

    @Param({"blocked"})
    public String kernel;

    private DenseDhnBlock<FMatrixRMaj> block;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = layers.split(",");
        int[] sizes = new int[parts.length - 1];
        for (int i = 1; i < parts.length; i++) {
            sizes[i - 1] = Integer.parseInt(parts[i]);
        }
        int input = Integer.parseInt(parts[0]);
        F32Ops ops = new F32Ops(Kernels.byName(kernel), Parallel.serial());
        SplittableRandom rng = new SplittableRandom(42);
        block = new DenseDhnBlock<>(ops, "eb1", input, sizes,
                new RelaxSettings(5, 5, 0.0, RelaxSettings.Order.ALTERNATING, 1.0, true), 1.0, rng);
        FMatrixRMaj u = new FMatrixRMaj(batch, input);
        for (int i = 0; i < u.data.length; i++) {
            u.data[i] = (float) rng.nextDouble();
        }
        block.relaxFree(u);
    }

    /** One step of the free phase (continued from the current state; the input drive W₁u is not recomputed). */
    @Benchmark
    public double relaxationStep() {
        return block.continueFree(1);
    }
}
