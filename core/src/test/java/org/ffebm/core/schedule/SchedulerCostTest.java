package org.ffebm.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ffebm.core.block.Boundary;
import org.ffebm.core.block.ConvDhnBlock;
import org.ffebm.core.block.ConvLayer;
import org.ffebm.core.block.DenseDhnBlock;
import org.ffebm.core.block.EpSettings;
import org.ffebm.core.block.Identity;
import org.ffebm.core.block.Linear;
import org.ffebm.core.block.RelaxSettings;
import org.ffebm.core.block.Shape;
import org.ffebm.core.block.WeightProducts;
import org.ffebm.core.config.CostConfig;
import org.ffebm.core.config.OptimConfig;
import org.ffebm.core.eqprop.HybridGradient;
import org.ffebm.core.loss.Loss;
import org.ffebm.core.model.FfEbm;
import org.ffebm.core.optim.Optimizer;
import org.ffebm.core.tensor.F64Ops;
import org.junit.jupiter.api.Test;

/**
 * The accounting of the scheduler on a tiny network, against totals computed by hand: Linear(3→3) → DHN(3→[2]) →
 * identity read-out, batch 2, centred EP, fixed step counts (no tolerance), and round figures: 1 pJ per device read,
 * 10 ns per relaxation step, 2^bits pJ per conversion, 1 pJ and 1 ns per MAC, no SRAM cost, tiles of 512, differential
 * pairs (2 devices per weight). Each what-if knob (ADC bits, relaxation step time, steps, tile size, placement) must
 * move exactly the phases it concerns.
 */
class SchedulerCostTest {

    private static final int BATCH = 2;

    /** Round figures: conversions cost 2^bits pJ (FOM 1000 fJ), MACs 1 pJ and 1 ns, a read 1 pJ, a step 10 ns. */
    private static CostConfig figures(double relaxStepNs, List<String> digital) {
        return new CostConfig(1.0, 1.0, 1.0, 1.0, 0.0, 1000.0, OptionalDouble.empty(), 1000.0, 1.0, 1.0, relaxStepNs,
                1.0, 1.0, 1.0, 1.0, 4, digital);
    }

    /** A boundary with pass-through conversions and declared resolutions (what the cost model reads). */
    private static WeightProducts.Factory<DMatrixRMaj> withBits(int dacBits, int adcBits) {
        WeightProducts.Factory<DMatrixRMaj> gemm = WeightProducts.gemm();
        return (ops, name, weights, rows) -> {
            WeightProducts<DMatrixRMaj> inner = gemm.create(ops, name, weights, rows);
            Boundary<DMatrixRMaj> b = new Boundary<>() {
                @Override
                public int dacBits() {
                    return dacBits;
                }

                @Override
                public int adcBits() {
                    return adcBits;
                }

                @Override
                public DMatrixRMaj dacInput(DMatrixRMaj u) {
                    return u;
                }

                @Override
                public DMatrixRMaj dacNudge(DMatrixRMaj delta, double beta) {
                    return null;
                }

                @Override
                public DMatrixRMaj adcOutput(DMatrixRMaj top) {
                    return top;
                }

                @Override
                public void adcInPlace(DMatrixRMaj gradU) {
                }
            };
            return new WeightProducts<>() {
                @Override
                public void forward(int l, DMatrixRMaj x, DMatrixRMaj y, int r0, int r1) {
                    inner.forward(l, x, y, r0, r1);
                }

                @Override
                public void transpose(int l, DMatrixRMaj x, DMatrixRMaj y, int r0, int r1) {
                    inner.transpose(l, x, y, r0, r1);
                }

                @Override
                public void transposeAdd(int l, DMatrixRMaj x, DMatrixRMaj y, int r0, int r1) {
                    inner.transposeAdd(l, x, y, r0, r1);
                }

                @Override
                public Boundary<DMatrixRMaj> boundary() {
                    return b;
                }
            };
        };
    }

    /** One training step of the tiny network; the events by phase. */
    private static Map<Phase, List<TraceEvent>> step(CostModel cost, int tFree, int tNudge,
                                                     WeightProducts.Factory<DMatrixRMaj> products) {
        F64Ops ops = F64Ops.reference();
        RelaxSettings relax = new RelaxSettings(tFree, tNudge, 0, RelaxSettings.Order.ALTERNATING, 0.5, true);
        DenseDhnBlock<DMatrixRMaj> block = new DenseDhnBlock<>(ops, "E1", 3, new int[] {2}, relax, 1.0,
                new SplittableRandom(1), products);
        FfEbm<DMatrixRMaj> model = new FfEbm<>(ops,
                List.of(new Linear<>(ops, "F1", Shape.flat(3), 3, 1.0, new SplittableRandom(2)),
                        new Identity<>("F2", Shape.flat(2))), List.of(block), Loss.CROSS_ENTROPY);
        List<TraceEvent> events = new ArrayList<>();
        Scheduler<DMatrixRMaj> s = new Scheduler<>(model, cost, events::add);
        DMatrixRMaj x = new DMatrixRMaj(BATCH, 3);
        ops.uniform(x, 0, 1, new SplittableRandom(3));
        HybridGradient.zeroGradients(model);
        s.gradient(x, new int[] {0, 1}, new EpSettings(0.1, EpSettings.Estimator.CENTERED), new DMatrixRMaj(1, 1));
        s.update(new Optimizer<>(ops, OptimConfig.defaults(), model.params()));
        Map<Phase, List<TraceEvent>> byPhase = new EnumMap<>(Phase.class);
        double clock = 0;
        for (int i = 0; i < events.size(); i++) {
            TraceEvent e = events.get(i);
            assertEquals(i, e.seq(), "events in order");
            assertEquals(clock, e.startNs(), 1e-9, "phases run one after another");
            clock += e.timeNs();
            byPhase.computeIfAbsent(e.phase(), k -> new ArrayList<>()).add(e);
        }
        return byPhase;
    }

    private static double energy(Map<Phase, List<TraceEvent>> m, Phase p) {
        return m.getOrDefault(p, List.of()).stream().mapToDouble(TraceEvent::energyPj).sum();
    }

    private static double time(Map<Phase, List<TraceEvent>> m, Phase p) {
        return m.getOrDefault(p, List.of()).stream().mapToDouble(TraceEvent::timeNs).sum();
    }

    private static long conversions(Map<Phase, List<TraceEvent>> m, Phase p) {
        return m.getOrDefault(p, List.of()).stream().mapToLong(TraceEvent::conversions).sum();
    }

    private static double total(Map<Phase, List<TraceEvent>> m) {
        return m.values().stream().flatMap(List::stream).mapToDouble(TraceEvent::energyPj).sum();
    }

    @Test
    void everyPhaseMatchesTheHandComputedCount() {
        // ideal converters are costed at ideal-converter-bits = 4: 16 pJ per conversion
        Map<Phase, List<TraceEvent>> m = step(new CostModel(figures(10, List.of()), 512, 512, 2), 5, 3,
                WeightProducts.gemm());
        // F1: 2 samples x 9 MACs forward; backward of the first block: weight gradient only, 18 MACs
        assertEquals(18 + 0, energy(m, Phase.DIGITAL_FORWARD), 1e-9, "F1 18 MACs, identity read-out 0");
        assertEquals(18, energy(m, Phase.DIGITAL_BACKWARD), 1e-9);
        // u: 2 x 3 values, one tile row; output: 2 x 2; each nudge: 2 x 2, two nudges
        assertEquals(6 * 16, energy(m, Phase.DAC_INPUT), 1e-9);
        assertEquals(4 * 16, energy(m, Phase.ADC_OUTPUT), 1e-9);
        assertEquals(2 * 4 * 16, energy(m, Phase.DAC_NUDGE), 1e-9);
        assertEquals(2, time(m, Phase.DAC_INPUT), 1e-9, "one conversion time per sample");
        // W1 is 2x3 = 6 weights = 12 devices; free: 2 samples x 5 steps x 12 reads; each nudge 2 x 3 x 12
        assertEquals(2 * 5 * 12, energy(m, Phase.RELAX_FREE), 1e-9);
        assertEquals(2 * 5 * 10, time(m, Phase.RELAX_FREE), 1e-9);
        assertEquals(2 * 3 * 12, energy(m, Phase.RELAX_NUDGE_PLUS), 1e-9);
        assertEquals(2 * 3 * 12, energy(m, Phase.RELAX_NUDGE_MINUS), 1e-9);
        // the ∇u read: 2 samples x 12 devices, one step each; its ADC: 2 x 3 values
        assertEquals(24, energy(m, Phase.READ_INPUT_GRADIENT), 1e-9);
        assertEquals(20, time(m, Phase.READ_INPUT_GRADIENT), 1e-9);
        assertEquals(6 * 16, energy(m, Phase.ADC_INPUT_GRADIENT), 1e-9);
        // the nudged states read out for the estimate: 2 samples x 2 neurons after each of the two nudged phases
        assertEquals(2 * 4 * 16, energy(m, Phase.ADC_STATES), 1e-9);
        // EP estimate 2 x 6 MACs; loss 2 x 2; SGD with momentum 2 MACs per parameter, 12 + 8 parameters
        assertEquals(12, energy(m, Phase.EP_ESTIMATE), 1e-9);
        assertEquals(4, energy(m, Phase.LOSS), 1e-9);
        assertEquals(2 * 20, energy(m, Phase.OPTIMISER_STEP), 1e-9);
        assertEquals(0, energy(m, Phase.ANALOG_UPDATE), 1e-9, "no substrate, no pulses");
        assertEquals(18 + 18 + 96 + 64 + 128 + 120 + 72 + 72 + 128 + 24 + 96 + 12 + 4 + 40, total(m), 1e-9);
    }

    /**
     * A conv block whose input is coupled to s₁ by identity (its first convolution digital, before it), after a
     * digital Linear: u (4×1×1) drives s₁ directly, W₂ (a 1×1 convolution to 2 channels: 8 weights, one pixel) is
     * read both ways in every step, and ∇u is the difference of the states already read out: no array read, no ∇u
     * conversion.
     */
    @Test
    void anIdentityCoupledInputHasNoFirstWeightsToReadOrConvert() {
        F64Ops ops = F64Ops.reference();
        RelaxSettings relax = new RelaxSettings(5, 3, 0, RelaxSettings.Order.ALTERNATING, 0.5, true);
        Shape in = Shape.flat(4);
        ConvDhnBlock<DMatrixRMaj> block = new ConvDhnBlock<>(ops, "E1", in, List.of(
                new ConvLayer(4, 1, ConvLayer.Pooling.NONE), new ConvLayer(2, 1, ConvLayer.Pooling.NONE)), relax, 1.0,
                new SplittableRandom(1), WeightProducts.gemm(), true);
        FfEbm<DMatrixRMaj> model = new FfEbm<>(ops, List.of(new Linear<>(ops, "F1", in, 4, 1.0,
                new SplittableRandom(4)), new Linear<>(ops, "F2", block.outputShape(), 2, 1.0,
                new SplittableRandom(2))), List.of(block),
                Loss.CROSS_ENTROPY);
        List<TraceEvent> events = new ArrayList<>();
        Scheduler<DMatrixRMaj> s = new Scheduler<>(model, new CostModel(figures(10, List.of()), 512, 512, 2),
                events::add);
        DMatrixRMaj x = new DMatrixRMaj(BATCH, 4);
        ops.uniform(x, 0, 1, new SplittableRandom(3));
        HybridGradient.zeroGradients(model);
        s.gradient(x, new int[] {0, 1}, new EpSettings(0.1, EpSettings.Estimator.CENTERED), new DMatrixRMaj(1, 1));
        Map<Phase, List<TraceEvent>> m = new EnumMap<>(Phase.class);
        for (TraceEvent e : events) {
            m.computeIfAbsent(e.phase(), k -> new ArrayList<>()).add(e);
        }
        // u: 2 samples x 4 values, one converter each (no W1 tile rows)
        assertEquals(8, conversions(m, Phase.DAC_INPUT));
        // a step reads W2 (8 MACs per product) forward and transposed, 2 devices per weight: 32 reads per sample
        assertEquals(2 * 5 * 32, m.get(Phase.RELAX_FREE).get(0).deviceReads());
        assertEquals(2 * 3 * 32, m.get(Phase.RELAX_NUDGE_PLUS).get(0).deviceReads());
        TraceEvent read = m.get(Phase.READ_INPUT_GRADIENT).get(0);
        assertEquals(Domain.DIGITAL, read.domain());
        assertEquals(0, read.deviceReads());
        assertEquals(8, read.macs(), "one subtraction per value of u");
        assertTrue(!m.containsKey(Phase.ADC_INPUT_GRADIENT), "∇u comes from the states already read out");
        // both nudged phases read out s1 (4 values) and s2 (2 values) of 2 samples
        assertEquals(2 * 2 * 6, conversions(m, Phase.ADC_STATES));
        // the estimate: both correlation terms of W2, 2 samples
        assertEquals(2 * 16, m.get(Phase.EP_ESTIMATE).get(0).macs());
    }

    @Test
    void adcBitsMoveOnlyTheAdcPhases() {
        CostModel cost = new CostModel(figures(10, List.of()), 512, 512, 2);
        Map<Phase, List<TraceEvent>> four = step(cost, 5, 3, withBits(4, 4));
        Map<Phase, List<TraceEvent>> eight = step(cost, 5, 3, withBits(4, 8));
        assertEquals(4 * 256, energy(eight, Phase.ADC_OUTPUT), 1e-9);
        assertEquals(6 * 256, energy(eight, Phase.ADC_INPUT_GRADIENT), 1e-9);
        assertEquals(8, eight.get(Phase.ADC_OUTPUT).get(0).bits());
        assertEquals(2 * 4 * 256, energy(eight, Phase.ADC_STATES), 1e-9);
        assertEquals((4 + 6 + 8) * (256 - 16), total(eight) - total(four), 1e-9, "nothing else moved");
    }

    @Test
    void relaxationStepTimeAndStepCountScaleTheRelaxations() {
        Map<Phase, List<TraceEvent>> base = step(new CostModel(figures(10, List.of()), 512, 512, 2), 5, 3,
                WeightProducts.gemm());
        Map<Phase, List<TraceEvent>> slow = step(new CostModel(figures(30, List.of()), 512, 512, 2), 5, 3,
                WeightProducts.gemm());
        Map<Phase, List<TraceEvent>> longer = step(new CostModel(figures(10, List.of()), 512, 512, 2), 10, 3,
                WeightProducts.gemm());
        for (Phase p : List.of(Phase.RELAX_FREE, Phase.RELAX_NUDGE_PLUS, Phase.RELAX_NUDGE_MINUS,
                Phase.READ_INPUT_GRADIENT)) {
            assertEquals(3 * time(base, p), time(slow, p), 1e-9, p + " time");
            assertEquals(energy(base, p), energy(slow, p), 1e-9, p + " energy");
        }
        assertEquals(total(base), total(slow), 1e-9, "step time changes no energy");
        assertEquals(2 * energy(base, Phase.RELAX_FREE), energy(longer, Phase.RELAX_FREE), 1e-9);
        assertEquals(2 * 10 * 10, time(longer, Phase.RELAX_FREE), 1e-9);
        assertEquals(total(base) + 2 * 5 * 12, total(longer), 1e-9, "5 more free steps, 2 samples, 12 reads each");
    }

    @Test
    void smallerTilesConvertEachInputOncePerTileRow() {
        // W1 has 2 rows: tiles of 1 row split it in two, so u and ∇u cross two sets of converters
        Map<Phase, List<TraceEvent>> big = step(new CostModel(figures(10, List.of()), 512, 512, 2), 5, 3,
                WeightProducts.gemm());
        Map<Phase, List<TraceEvent>> small = step(new CostModel(figures(10, List.of()), 1, 512, 2), 5, 3,
                WeightProducts.gemm());
        assertEquals(12, conversions(small, Phase.DAC_INPUT));
        assertEquals(12, conversions(small, Phase.ADC_INPUT_GRADIENT));
        assertEquals(2 * conversions(big, Phase.DAC_INPUT), conversions(small, Phase.DAC_INPUT));
        assertEquals(4, conversions(small, Phase.ADC_OUTPUT), "the output is one value per neuron, not per tile");
        assertEquals(total(big) + (6 + 6) * 16, total(small), 1e-9);
    }

    @Test
    void aBlockPlacedOnTheCoProcessorHasNoConversionsAndPaysMacs() {
        Map<Phase, List<TraceEvent>> m = step(new CostModel(figures(10, List.of("E1")), 512, 512, 2), 5, 3,
                WeightProducts.gemm());
        for (Phase p : List.of(Phase.DAC_INPUT, Phase.ADC_OUTPUT, Phase.DAC_NUDGE, Phase.ADC_STATES,
                Phase.ADC_INPUT_GRADIENT, Phase.ANALOG_UPDATE)) {
            assertTrue(!m.containsKey(p), p + " should not happen on the co-processor");
        }
        // free: 2 samples x 5 steps x 6 weights = 60 MACs, 60 ns
        TraceEvent free = m.get(Phase.RELAX_FREE).get(0);
        assertEquals(Domain.DIGITAL, free.domain());
        assertEquals(60, free.macs());
        assertEquals(60, free.energyPj(), 1e-9);
        assertEquals(60, free.timeNs(), 1e-9);
        assertEquals(4 * 60, free.bytes(), "a 4-byte weight read per MAC");
        assertEquals(12, m.get(Phase.READ_INPUT_GRADIENT).get(0).macs());
        assertEquals(18 + 18 + 60 + 36 + 36 + 12 + 12 + 4 + 40, total(m), 1e-9);
    }

    @Test
    void placementOfAnUnknownBlockIsRefusedNamingTheBlocks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> step(new CostModel(figures(10, List.of("E9")), 512, 512, 2), 5, 3, WeightProducts.gemm()));
        assertTrue(e.getMessage().contains("E9") && e.getMessage().contains("E1"), e.getMessage());
    }

    @Test
    void aBlockWithConvertersCannotBePlacedOnTheCoProcessor() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> step(new CostModel(figures(10, List.of("E1")), 512, 512, 2), 5, 3, withBits(4, 4)));
        assertTrue(e.getMessage().contains("converters"), e.getMessage());
    }

    @Test
    void withoutASinkTheStepComputesTheSameNumbers() {
        F64Ops ops = F64Ops.reference();
        double[] losses = new double[2];
        for (int traced = 0; traced < 2; traced++) {
            RelaxSettings relax = new RelaxSettings(5, 3, 0, RelaxSettings.Order.ALTERNATING, 0.5, true);
            DenseDhnBlock<DMatrixRMaj> block = new DenseDhnBlock<>(ops, "E1", 3, new int[] {2}, relax, 1.0,
                    new SplittableRandom(1));
            FfEbm<DMatrixRMaj> model = new FfEbm<>(ops, List.of(new Identity<>("F1", Shape.flat(3)),
                    new Identity<>("F2", Shape.flat(2))), List.of(block), Loss.CROSS_ENTROPY);
            Scheduler<DMatrixRMaj> s = traced == 1 ? new Scheduler<>(model, null, new CostLedger())
                    : Scheduler.untraced(model);
            DMatrixRMaj x = new DMatrixRMaj(BATCH, 3);
            ops.uniform(x, 0, 1, new SplittableRandom(3));
            losses[traced] = s.gradient(x, new int[] {0, 1}, new EpSettings(0.1, EpSettings.Estimator.CENTERED),
                    new DMatrixRMaj(1, 1)).lossSum();
        }
        assertEquals(losses[0], losses[1], 0.0);
    }
}
