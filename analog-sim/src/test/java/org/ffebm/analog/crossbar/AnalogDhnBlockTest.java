package org.ffebm.analog.crossbar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.analog.device.DeviceConfig;
import org.ffebm.analog.peripheral.ConverterConfig;
import org.ffebm.core.block.DenseDhnBlock;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.EpSettings;
import org.ffebm.core.block.Identity;
import org.ffebm.core.block.Linear;
import org.ffebm.core.block.RelaxSettings;
import org.ffebm.core.block.SettleResult;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.OptimConfig;
import org.ffebm.core.eqprop.HybridGradient;
import org.ffebm.core.loss.Loss;
import org.ffebm.core.model.FfEbm;
import org.ffebm.core.optim.Optimizer;
import org.ffebm.core.schedule.CostModel;
import org.ffebm.core.schedule.Phase;
import org.ffebm.core.schedule.Scheduler;
import org.ffebm.core.schedule.TraceEvent;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.Kernels;
import org.ffebm.core.tensor.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class AnalogDhnBlockTest {

    private static final int[] LAYERS = {13, 9, 5};
    private static final int IN = 11;
    /** Write-verify re-programming, no clock: the update mode of the ideal-equivalence tests. */
    static final UpdateConfig PROGRAM = new UpdateConfig(UpdateConfig.Mode.PROGRAM, UpdateConfig.Rounding.NEAREST, 255,
            31, 0);

    /** Core's dense DHN block with crossbar products (the crossbar dense block). */
    private static DenseDhnBlock<FMatrixRMaj> analog(F32Ops ops, RelaxSettings relax, CrossbarConfig xb,
                                                     DeviceConfig dev, long seed) {
        return new DenseDhnBlock<>(ops, "a", IN, LAYERS, relax, 1.5, new SplittableRandom(seed),
                CrossbarProducts.dense(xb, dev, ConverterConfig.ideal(ConverterConfig.Kind.DAC),
                        ConverterConfig.ideal(ConverterConfig.Kind.ADC), PROGRAM, new SplittableRandom(seed + 100),
                        new SplittableRandom(seed + 200)));
    }

    /** The crossbar products of a crossbar dense block. */
    private static CrossbarProducts xb(DenseDhnBlock<FMatrixRMaj> block) {
        return (CrossbarProducts) block.products();
    }

    static FMatrixRMaj uniform(int r, int c, double lo, double hi, SplittableRandom rng) {
        FMatrixRMaj m = new FMatrixRMaj(r, c);
        for (int k = 0; k < m.data.length; k++) {
            m.data[k] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return m;
    }

    static void assertBitwise(FMatrixRMaj expected, FMatrixRMaj actual, String what) {
        assertEquals(expected.numRows, actual.numRows, what + " rows");
        assertEquals(expected.numCols, actual.numCols, what + " cols");
        int n = expected.getNumElements();
        for (int k = 0; k < n; k++) {
            assertEquals(Float.floatToIntBits(expected.data[k]), Float.floatToIntBits(actual.data[k]),
                    what + " index " + k + ": " + expected.data[k] + " vs " + actual.data[k]);
        }
    }

    /**
     * Relaxation settings (20 free and 10 nudged steps, both orders, with and without a tolerance), estimator and
     * thread count of the ideal-equivalence tests, dense and conv.
     */
    static Stream<Arguments> idealCases() {
        return Stream.of(Arguments.of(idealRelax(RelaxSettings.Order.ALTERNATING, 0), EpSettings.Estimator.CENTERED, 1),
                Arguments.of(idealRelax(RelaxSettings.Order.SYNCHRONOUS, 0), EpSettings.Estimator.ONE_SIDED, 1),
                Arguments.of(idealRelax(RelaxSettings.Order.ALTERNATING, 1e-4), EpSettings.Estimator.CENTERED, 3),
                Arguments.of(idealRelax(RelaxSettings.Order.SYNCHRONOUS, 0), EpSettings.Estimator.CENTERED, 2));
    }

    private static RelaxSettings idealRelax(RelaxSettings.Order order, double tol) {
        return new RelaxSettings(20, 10, tol, order, 1.0, true);
    }

    /**
     * Ideal device (continuous, no noise, no faults), ideal converters: the analog block gives the same bits as core's
     * DenseDhnBlock with the same seed: weights, free states, output, settle results, every parameter gradient (which
     * are functions of the nudged states) and ∇u. Small tiles (4×5) so that the matrices are split.
     */
    @ParameterizedTest
    @MethodSource("idealCases")
    void idealDeviceIsBitwiseEqualToCore(RelaxSettings relax, EpSettings.Estimator est, int threads) {
        try (Parallel par = Parallel.of(threads)) {
            F32Ops ops = new F32Ops(Kernels.byName(Kernels.REFERENCE), par);
            DenseDhnBlock<FMatrixRMaj> dense = new DenseDhnBlock<>(ops, "a", IN, LAYERS, relax, 1.5,
                    new SplittableRandom(42));
            DenseDhnBlock<FMatrixRMaj> an = analog(ops, relax, new CrossbarConfig(4, 5, CrossbarConfig.Mapping.DIFFERENTIAL, 1, 0),
                    DeviceConfig.defaults(), 42);
            for (int l = 1; l <= LAYERS.length; l++) {
                assertBitwise(dense.weight(l).value(), an.weight(l).value(), "W" + l);
                // a non-zero bias, the same on both
                SplittableRandom b = new SplittableRandom(l);
                for (int k = 0; k < LAYERS[l - 1]; k++) {
                    float v = (float) (0.2 * b.nextDouble() - 0.1);
                    dense.bias(l).value().data[k] = v;
                    an.bias(l).value().data[k] = v;
                }
            }
            SplittableRandom data = new SplittableRandom(7);
            FMatrixRMaj u = uniform(6, IN, 0, 1, data);
            SettleResult fd = dense.relaxFree(u);
            SettleResult fa = an.relaxFree(u);
            assertEquals(fd, fa);
            for (int l = 1; l <= LAYERS.length; l++) {
                assertBitwise(dense.freeState(l), an.freeState(l), "free s" + l);
            }
            assertBitwise(dense.output(), an.output(), "output");
            FMatrixRMaj delta = uniform(6, LAYERS[LAYERS.length - 1], -1, 1, data);
            EpSettings ep = new EpSettings(0.05, est);
            SettleResult bd = dense.backward(delta, ep, 0.5, true);
            SettleResult ba = an.backward(delta, ep, 0.5, true);
            assertEquals(bd, ba);
            for (int p = 0; p < dense.params().size(); p++) {
                assertBitwise(dense.params().get(p).grad(), an.params().get(p).grad(),
                        "grad " + dense.params().get(p).name());
                assertEquals(dense.params().get(p).name(), an.params().get(p).name());
            }
            assertBitwise(dense.inputGradient(), an.inputGradient(), "grad u");
            assertEquals(dense.freeEnergy(2), an.freeEnergy(2), 0.0);
        }
    }

    @Test
    void readNoiseChangesStatesButSeedReproduces() {
        DeviceConfig dev = DeviceConfig.defaults().with("read-noise", "1e-7");
        RelaxSettings relax = new RelaxSettings(15, 8, 0, RelaxSettings.Order.ALTERNATING, 1.0, true);
        FMatrixRMaj u = uniform(5, IN, 0, 1, new SplittableRandom(1));
        float[][] out = new float[3][];
        int k = 0;
        for (int threads : new int[]{1, 3}) {
            try (Parallel par = Parallel.of(threads)) {
                F32Ops ops = new F32Ops(Kernels.byName(Kernels.REFERENCE), par);
                DenseDhnBlock<FMatrixRMaj> an = analog(ops, relax, CrossbarConfig.defaults(), dev, 9);
                an.relaxFree(u);
                out[k++] = an.output().data.clone();
            }
        }
        F32Ops ops = F32Ops.reference();
        DenseDhnBlock<FMatrixRMaj> clean = analog(ops, relax, CrossbarConfig.defaults(), DeviceConfig.defaults(), 9);
        clean.relaxFree(u);
        out[2] = clean.output().data.clone();
        assertArrayEquals(out[0], out[1], "same seed, different thread count");
        assertNotEquals(Arrays.toString(out[0]), Arrays.toString(out[2]));
    }

    @Test
    void syncReprogramsFromTheParams() {
        F32Ops ops = F32Ops.reference();
        RelaxSettings relax = RelaxSettings.defaults();
        DenseDhnBlock<FMatrixRMaj> an = analog(ops, relax, CrossbarConfig.defaults(), DeviceConfig.defaults().with("levels", "64"),
                3);
        FMatrixRMaj w = an.weight(2).value();
        w.data[0] = 0.3f;
        xb(an).syncFromParamsInPlace(null);
        double half = 0.5 * 1e-5 / 63 / xb(an).crossbar(2).gRef();
        assertEquals(0.3, an.weight(2).value().data[0], half * (1 + 1e-6));
        assertBitwise(xb(an).crossbar(2).effectiveWeights(null), an.weight(2).value(), "W2 after sync");
    }

    /**
     * After a first relaxation (which sizes the buffers), further steps allocate nothing on one thread, with and without
     * read noise (per-thread allocation counter, as core's GemmF32Test).
     */
    @ParameterizedTest
    @CsvSource({"0", "1e-7"})
    void relaxationStepsAllocateNothing(double readNoise) {
        DeviceConfig dev = DeviceConfig.defaults().with("read-noise", Double.toString(readNoise),
                "read-noise-relative", readNoise > 0 ? "0.02" : "0");
        DenseDhnBlock<FMatrixRMaj> an = analog(F32Ops.reference(), RelaxSettings.defaults(),
                new CrossbarConfig(4, 4, CrossbarConfig.Mapping.DIFFERENTIAL, 1, 0), dev, 5);
        an.relaxFree(uniform(4, IN, 0, 1, new SplittableRandom(2)));
        an.continueFree(5);
        Allocations.assertNoAllocation(() -> an.continueFree(5), "5 relaxation steps");
    }

    /**
     * Through the scheduler of a model (linear map, the block, identity read-out): a 4-bit ADC puts what the read-out
     * sees and ∇u on its grid; a 3-bit DAC on u changes the free state; the converters' own counts equal the
     * conversions of the trace events, each crossing counted once.
     */
    @Test
    void convertersQuantizeWhatCrossesTheBoundary() {
        F32Ops ops = F32Ops.reference();
        RelaxSettings relax = RelaxSettings.defaults();
        ConverterConfig adcCfg = ConverterConfig.of(ConverterConfig.Kind.ADC, 4, -1, 1);
        DenseDhnBlock<FMatrixRMaj> an = new DenseDhnBlock<>(ops, "a", IN, LAYERS, relax, 1.5,
                new SplittableRandom(8), CrossbarProducts.dense(CrossbarConfig.defaults(), DeviceConfig.defaults(),
                ConverterConfig.of(ConverterConfig.Kind.DAC, 3, 0, 1), adcCfg, PROGRAM, new SplittableRandom(9),
                new SplittableRandom(10)));
        DenseDhnBlock<FMatrixRMaj> ideal = analog(ops, relax, CrossbarConfig.defaults(), DeviceConfig.defaults(), 8);
        int top = LAYERS[LAYERS.length - 1];
        List<TraceEvent> events = new ArrayList<>();
        Scheduler<FMatrixRMaj> s = new Scheduler<>(new FfEbm<>(ops,
                List.of(new Linear<>(ops, "in", Shape.flat(IN), IN, 1.0, new SplittableRandom(1)),
                        new Identity<>("out", an.outputShape())), List.of(an), Loss.CROSS_ENTROPY),
                CostModel.defaults(), events::add);
        FMatrixRMaj u = uniform(3, IN, 0, 1, new SplittableRandom(4));
        FMatrixRMaj out = s.forward(u, false, null);
        double step = adcCfg.step();
        for (float v : out.data) {
            double k = (v - adcCfg.lo()) / step;
            assertEquals(Math.rint(k), k, 1e-4, "output " + v + " not on the ADC grid");
        }
        ideal.relaxFree(s.model().digital().get(0).forward(u, false));
        assertNotEquals(Arrays.toString(ideal.freeState(1).data),
                Arrays.toString(an.freeState(1).data), "the DAC on u had no effect");
        assertEquals(3L * IN, xb(an).dac().conversions());
        s.gradient(u, new int[] {0, 1, 2}, new EpSettings(0.1, EpSettings.Estimator.CENTERED), new FMatrixRMaj(1, 1));
        for (float v : an.inputGradient().data) {
            double k = (v - adcCfg.lo()) / step;
            assertEquals(Math.rint(k), k, 1e-4, "grad u " + v + " not on the ADC grid");
        }
        // two free phases' u, then the + and − nudges; two outputs, every layer after each nudged phase, one ∇u
        int neurons = Arrays.stream(LAYERS).sum();
        assertEquals(2 * 3L * IN + 2L * 3 * top, xb(an).dac().conversions());
        assertEquals(2 * 3L * top + 2L * 3 * neurons + 3L * IN, xb(an).adc().conversions());
        for (int l = 1; l <= an.layers(); l++) {
            for (float v : an.plusState(l).data) {
                double k = (v - adcCfg.lo()) / step;
                assertEquals(Math.rint(k), k, 1e-4, "nudged state " + v + " not on the ADC grid");
            }
        }
        long dac = 0, adc = 0;
        for (TraceEvent e : events) {
            switch (e.phase()) {
                case DAC_INPUT, DAC_NUDGE -> dac += e.conversions();
                case ADC_OUTPUT, ADC_STATES, ADC_INPUT_GRADIENT -> adc += e.conversions();
                default -> assertEquals(0, e.conversions(), e.phase() + " converts nothing");
            }
        }
        assertEquals(xb(an).dac().conversions(), dac, "DAC conversions counted once, where applied");
        assertEquals(xb(an).adc().conversions(), adc, "ADC conversions counted once, where applied");
    }

    /**
     * The cost accounting follows the update mode: with pulsed updates the EP estimate is digital and every parameter
     * goes through the optimiser; with stochastic pulse trains the array forms the update, so the block has no
     * EP-estimate event and its weights (not its biases) leave the optimiser's count; both pulse.
     */
    @ParameterizedTest
    @CsvSource({"PULSED", "STOCHASTIC"})
    void costAccountingFollowsTheUpdateMode(UpdateConfig.Mode mode) {
        F32Ops ops = F32Ops.reference();
        UpdateConfig update = new UpdateConfig(mode, UpdateConfig.Rounding.STOCHASTIC, 255, 31, 0);
        DenseDhnBlock<FMatrixRMaj> an = new DenseDhnBlock<>(ops, "a", IN, LAYERS, RelaxSettings.defaults(), 1.5,
                new SplittableRandom(8), CrossbarProducts.dense(CrossbarConfig.defaults(), DeviceConfig.defaults(),
                ConverterConfig.ideal(ConverterConfig.Kind.DAC), ConverterConfig.ideal(ConverterConfig.Kind.ADC), update,
                new SplittableRandom(9), new SplittableRandom(10)));
        FfEbm<FMatrixRMaj> model = model(ops, an);
        List<TraceEvent> events = new ArrayList<>();
        Scheduler<FMatrixRMaj> s = new Scheduler<>(model, CostModel.defaults(), events::add);
        int top = LAYERS[LAYERS.length - 1];
        FMatrixRMaj x = uniform(4, IN, 0, 1, new SplittableRandom(4));
        s.gradient(x, new int[] {0, 1, 2, top - 1}, new EpSettings(0.1, EpSettings.Estimator.CENTERED),
                new FMatrixRMaj(1, 1));
        s.update(new Optimizer<>(ops, OptimConfig.defaults(), model.params()));
        boolean inArray = mode == UpdateConfig.Mode.STOCHASTIC;
        long weights = 0;
        for (int l = 1; l <= an.layers(); l++) {
            weights += an.weight(l).size();
        }
        long estimates = events.stream().filter(e -> e.phase() == Phase.EP_ESTIMATE).count();
        TraceEvent opt = events.stream().filter(e -> e.phase() == Phase.OPTIMISER_STEP).findFirst().orElseThrow();
        TraceEvent pulses = events.stream().filter(e -> e.phase() == Phase.ANALOG_UPDATE).findFirst().orElseThrow();
        assertEquals(inArray ? 0 : 1, estimates, "EP-estimate events");
        long params = model.parameterCount() - (inArray ? weights : 0);
        assertEquals(params * 2, opt.macs(), "SGD: 2 MACs per parameter the optimiser updates");
        assertTrue(pulses.pulses() > 0, "pulses");
        assertEquals(pulses.pulses(), an.pulsesApplied());
    }

    /**
     * End to end through core's hybrid gradient and optimiser: three training steps (gradient, optimiser step, then
     * {@link DenseDhnBlock#stepAppliedInPlace} re-programs the ideal devices) give the same weights, bit for bit,
     * as the same steps on core's DenseDhnBlock.
     */
    @Test
    void trainingStepsWithReprogrammingMatchCore() {
        F32Ops ops = F32Ops.reference();
        RelaxSettings relax = new RelaxSettings(20, 10, 0, RelaxSettings.Order.ALTERNATING, 1.0, true);
        DenseDhnBlock<FMatrixRMaj> dense = new DenseDhnBlock<>(ops, "a", IN, LAYERS, relax, 1.5,
                new SplittableRandom(42));
        DenseDhnBlock<FMatrixRMaj> an = analog(ops, relax, new CrossbarConfig(8, 8, CrossbarConfig.Mapping.DIFFERENTIAL, 1, 0),
                DeviceConfig.defaults(), 42);
        assertTrainingStepsMatch(ops, dense, an, 8);
    }

    /**
     * Three training steps of a model around each block (identity maps, cross-entropy on the block's output): hybrid
     * gradient, the default optimiser's step, then each block's {@code stepAppliedInPlace}; the losses and every
     * parameter afterwards must be the same bits.
     *
     * @param reference core's block
     * @param analog the crossbar block built with the same seed
     * @param batch samples per step
     */
    static void assertTrainingStepsMatch(F32Ops ops, EnergyBlock<FMatrixRMaj> reference,
                                         EnergyBlock<FMatrixRMaj> analog, int batch) {
        FfEbm<FMatrixRMaj> md = model(ops, reference);
        FfEbm<FMatrixRMaj> ma = model(ops, analog);
        Optimizer<FMatrixRMaj> od = new Optimizer<>(ops, OptimConfig.defaults(), md.params());
        Optimizer<FMatrixRMaj> oa = new Optimizer<>(ops, OptimConfig.defaults(), ma.params());
        EpSettings ep = new EpSettings(0.1, EpSettings.Estimator.CENTERED);
        SplittableRandom data = new SplittableRandom(3);
        FMatrixRMaj gd = new FMatrixRMaj(1, 1), ga = new FMatrixRMaj(1, 1);
        for (int step = 0; step < 3; step++) {
            FMatrixRMaj x = uniform(batch, reference.inputShape().size(), 0, 1, data);
            int[] labels = new int[batch];
            for (int r = 0; r < batch; r++) {
                labels[r] = data.nextInt(reference.outputShape().size());
            }
            HybridGradient.zeroGradients(md);
            HybridGradient.zeroGradients(ma);
            var rd = HybridGradient.compute(md, x, labels, ep, gd);
            var ra = HybridGradient.compute(ma, x, labels, ep, ga);
            assertEquals(rd.lossSum(), ra.lossSum(), 0.0, "loss at step " + step);
            od.step();
            oa.step();
            reference.stepAppliedInPlace(od.lr(reference.name()));
            analog.stepAppliedInPlace(oa.lr(analog.name()));
            for (int p = 0; p < md.params().size(); p++) {
                assertBitwise(md.params().get(p).value(), ma.params().get(p).value(),
                        "step " + step + " " + md.params().get(p).name());
            }
        }
    }

    static FfEbm<FMatrixRMaj> model(F32Ops ops,
            EnergyBlock<FMatrixRMaj> block) {
        return new FfEbm<>(ops,
                List.of(new Identity<>("in", block.inputShape()),
                        new Identity<>("out", block.outputShape())),
                List.of(block), Loss.CROSS_ENTROPY);
    }
}
