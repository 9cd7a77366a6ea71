package org.ffebm.benchmarks;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.analog.crossbar.CrossbarConfig;
import org.ffebm.analog.crossbar.CrossbarMatrix;
import org.ffebm.analog.crossbar.CrossbarProducts;
import org.ffebm.analog.crossbar.UpdateConfig;
import org.ffebm.analog.device.DeviceConfig;
import org.ffebm.analog.device.DevicePresets;
import org.ffebm.analog.device.ReadNoise;
import org.ffebm.analog.peripheral.ConverterConfig;
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
 * The crossbar's hot loops on one thread, each with the ideal device and with a non-ideal one, so that the cost of the
 * physics shows as a ratio. Run with {@code -prof gc}: every method must report gc.alloc.rate.norm ≈ 0 B/op.
 * <ul>
 *   <li>{@link #read}: a forward read W·x of a batch of 128 through a 512×784 matrix (two 512×512 tiles per polarity);
 *       {@code device=noisy} adds read noise (4% of G, PCM-like) to every output;</li>
 *   <li>{@link #relaxationStep}: one free-phase step of a 784-256-256-256 crossbar DHN (forward and transpose reads of
 *       every layer), ideal vs read noise;</li>
 *   <li>{@link #pulsedUpdate}: a pulsed update of the 512×784 matrix from a weight change of about one pulse per
 *       weight (stochastic rounding); {@code device=noisy} is the PCM-like preset (state-dependent exponential steps,
 *       cycle-to-cycle noise, drift clock);</li>
 *   <li>{@link #pulseTrains}: the stochastic pulse trains of one batch of 128 rank-1 updates on the same matrix
 *       (Gokmen &amp; Vlasov's scheme is per sample, so it scales with the batch); alternating signs keep the
 *       devices mid-window.</li>
 * </ul>
 */
@State(Scope.Benchmark)
public class CrossbarBenchmark extends BenchDefaults {

    @Param({"ideal", "noisy"})
    public String device;

    @Param({"vector"})
    public String kernel;

    private static final int BATCH = 128;
    private static final int OUT = 512;
    private static final int IN = 784;

    private CrossbarMatrix matrix;
    private ReadNoise[] noise;
    private FMatrixRMaj x;
    private FMatrixRMaj y;
    private FMatrixRMaj delta;
    private FMatrixRMaj negDelta;
    private FMatrixRMaj a;
    private FMatrixRMaj negA;
    private SplittableRandom rng;
    private DenseDhnBlock<FMatrixRMaj> block;
    private boolean flip;

    @Setup(Level.Trial)
    public void setUp() {
        boolean noisy = device.equals("noisy");
        DeviceConfig dev = noisy ? DevicePresets.get("pcm-exponential") : DeviceConfig.defaults();
        DeviceConfig readOnly = noisy ? DeviceConfig.defaults().with("read-noise-relative", "0.04")
                : DeviceConfig.defaults();
        F32Ops ops = new F32Ops(Kernels.byName(kernel), Parallel.serial());
        rng = new SplittableRandom(42);
        matrix = new CrossbarMatrix(OUT, IN, CrossbarConfig.defaults(), dev, ops.gemm(), rng, true);
        FMatrixRMaj w = uniform(OUT, IN, -0.05, 0.05);
        matrix.programInPlace(w, rng);
        x = uniform(BATCH, IN, 0, 1);
        y = new FMatrixRMaj(BATCH, OUT);
        a = uniform(BATCH, OUT, -0.1, 0.1);
        negA = new FMatrixRMaj(BATCH, OUT);
        for (int k = 0; k < a.data.length; k++) {
            negA.data[k] = -a.data[k];
        }
        matrix.ensureRows(BATCH);
        ReadNoise template = ReadNoise.of(noisy ? readOnly : DeviceConfig.defaults(), rng);
        noise = new ReadNoise[BATCH];
        for (int r = 0; r < BATCH; r++) {
            noise[r] = template.withRng(rng.split());
        }
        double dw = matrix.pulseWeight();
        delta = uniform(OUT, IN, -1.5 * dw, 1.5 * dw);
        negDelta = new FMatrixRMaj(OUT, IN);
        for (int k = 0; k < delta.data.length; k++) {
            negDelta.data[k] = -delta.data[k];
        }
        block = new DenseDhnBlock<>(ops, "eb1", IN, new int[] {256, 256, 256},
                new RelaxSettings(5, 5, 0.0, RelaxSettings.Order.ALTERNATING, 1.0, true), 1.0,
                new SplittableRandom(1), CrossbarProducts.dense(CrossbarConfig.defaults(), readOnly,
                ConverterConfig.ideal(ConverterConfig.Kind.DAC), ConverterConfig.ideal(ConverterConfig.Kind.ADC),
                UpdateConfig.defaults(), new SplittableRandom(2), new SplittableRandom(3)));
        block.relaxFree(x);
    }

    private FMatrixRMaj uniform(int r, int c, double lo, double hi) {
        FMatrixRMaj m = new FMatrixRMaj(r, c);
        for (int k = 0; k < m.data.length; k++) {
            m.data[k] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return m;
    }

    /** The cost of the harness itself. */
    @Benchmark
    public int baseline() {
        return x.numRows;
    }

    /** One forward read of the batch, with read noise when {@code device=noisy}. */
    @Benchmark
    public FMatrixRMaj read() {
        matrix.forward(x, 0f, y, 0, BATCH, device.equals("noisy") ? noise : null);
        return y;
    }

    /** One free-phase step of the 784-256-256-256 crossbar DHN. */
    @Benchmark
    public double relaxationStep() {
        return block.continueFree(1);
    }

    /** One pulsed update of the whole matrix; alternates +ΔW and −ΔW so that the devices stay mid-window. */
    @Benchmark
    public long pulsedUpdate() {
        flip = !flip;
        return matrix.pulseUpdateInPlace(flip ? delta : negDelta, 255, true, rng);
    }

    /** Stochastic pulse trains (BL = 31) of a batch of 128 rank-1 updates a_b ⊗ x_b. */
    @Benchmark
    public long pulseTrains() {
        flip = !flip;
        return matrix.coincidenceUpdateInPlace(flip ? a : negA, x, BATCH, 1e-3, 31, rng);
    }
}
