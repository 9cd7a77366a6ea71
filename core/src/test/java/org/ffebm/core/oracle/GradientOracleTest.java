package org.ffebm.core.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.EpSettings;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.RelaxSettings;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.EpConfig;
import org.ffebm.core.config.ModelConfig;
import org.ffebm.core.eqprop.HybridGradient;
import org.ffebm.core.loss.Loss;
import org.ffebm.core.model.FfEbm;
import org.ffebm.core.model.ModelBuilder;
import org.ffebm.core.schedule.Scheduler;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.F64Ops;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.ReferenceGemmF64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The oracle against itself (implicit differentiation vs finite differences) and against the production forward. */
class GradientOracleTest {

    private static final F64Ops OPS = new F64Ops(new ReferenceGemmF64(), Parallel.serial());
    /** Implicit vs finite differences: |fd − g| ≤ TOL_FD_ABS + TOL_FD_REL·|g|, per entry (measured worst ≈ 1e-9). */
    private static final double TOL_FD_ABS = 1e-8;
    private static final double TOL_FD_REL = 1e-6;
    /** Oracle vs production forward, both relaxed to ~1e-14: the same fixed point. */
    private static final double TOL_FORWARD = 1e-11;
    /** Centred EP inside the linear range vs the oracle: limited by the relaxation tolerance over β. */
    private static final double TOL_EXACT = 1e-6;
    /** A float32 model's oracle vs its float64 twin: weights differ by rounding only. */
    private static final double TOL_F32_LOSS = 1e-5;

    private static final EpConfig TIGHT = new EpConfig(1e-3, EpSettings.Estimator.CENTERED, 5000, 5000, 1e-14,
            RelaxSettings.Order.ALTERNATING);

    private static FfEbm<DMatrixRMaj> model(ModelConfig mc, EpConfig ec, int inputs, long seed) {
        return ModelBuilder.build(OPS, mc, ec, Shape.flat(inputs), new SplittableRandom(seed));
    }

    private static DMatrixRMaj inputs(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        DMatrixRMaj x = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = r.nextDouble();
        }
        return x;
    }

    @ParameterizedTest(name = "{0} blockSize={1} tie={2} clampLast={3} {4}")
    @CsvSource({
            "4;3;3;3, 2, linear, true, cross-entropy",
            "4;3;3, 0, identity, true, squared-error",
            "4;3;3;3, 2, identity, false, cross-entropy",
            "4;3;3;3, 2, linear, false, cross-entropy",
            "5;4, 0, identity, false, squared-error"})
    void implicitDifferentiationMatchesItsOwnFiniteDifferences(String layers, int blockSize, String tie,
                                                               boolean clampLast, String loss) {
        FfEbm<DMatrixRMaj> m = tiny(layers, blockSize, tie, clampLast, loss, 12);
        DMatrixRMaj x = inputs(3, 5, 12);
        int[] y = {0, 2, 1};
        GradientOracle oracle = GradientOracle.of(m);
        GradientOracle.OracleGradient g = oracle.gradient(x, y);
        GradientOracle.OracleGradient fd = oracle.finiteDifferences(x, y, GradientOracle.DEFAULT_FD_STEP);
        assertTrue(g.relaxation().converged(), g.relaxation().toString());
        assertTrue(fd.relaxation().converged(), fd.relaxation().toString());
        assertTrue(g.interiorFraction() > 0.3, "most neurons clipped: " + g.interiorFraction());
        assertTrue(g.linearRange(true) > 0, "a neuron sits exactly on a clip boundary");
        assertEquals(g.loss(), fd.loss(), 0.0, "the same forward");
        for (String name : oracle.paramNames()) {
            double[] a = g.gradient(name), b = fd.gradient(name);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], TOL_FD_ABS + TOL_FD_REL * Math.abs(a[i]), name + "[" + i + "]");
            }
        }
        // one entry alone gives the same number as the sweep over all entries
        String first = oracle.paramNames().get(0);
        assertEquals(fd.gradient(first)[1], oracle.finiteDifference(x, y, first, 1, GradientOracle.DEFAULT_FD_STEP),
                0.0);
    }

    @Test
    void flagsNeuronsExactlyOnAClipBoundary() {
        // with this seed one sample has a layer entirely at 0 (zero biases), so the top layer's drive is exactly 0:
        // the loss has a kink there; finite differences see the mean of the two one-sided slopes, the oracle the
        // clipped side, and the oracle says so with a linear range of 0
        FfEbm<DMatrixRMaj> m = tiny("4;3;3", 0, "identity", true, "squared-error", 13);
        DMatrixRMaj x = inputs(3, 5, 12);
        int[] y = {0, 2, 1};
        GradientOracle oracle = GradientOracle.of(m);
        GradientOracle.OracleGradient g = oracle.gradient(x, y);
        assertEquals(0.0, g.linearRange(true));
        assertTrue(g.predictedCrossings(Double.MIN_VALUE, true) > 0);
        double fd = oracle.finiteDifference(x, y, "eb1.b3", 0, GradientOracle.DEFAULT_FD_STEP);
        assertTrue(Math.abs(fd - g.gradient("eb1.b3")[0]) > 1e-3, "expected a kink: fd " + fd);
    }

    private static FfEbm<DMatrixRMaj> tiny(String layers, int blockSize, String tie, boolean clampLast, String loss,
                                           long seed) {
        int[] sizes = java.util.Arrays.stream(layers.split(";")).mapToInt(Integer::parseInt).toArray();
        ModelConfig mc = new ModelConfig(sizes, blockSize, tie, "linear", 3, 1.0, clampLast, 1.5, "ep", Loss.of(loss));
        return model(mc, TIGHT, 5, seed);
    }

    @Test
    void forwardAgreesWithTheProductionRelaxation() {
        // the oracle relaxes by Gauss–Seidel sweeps, the block by alternating (or synchronous) half steps
        for (RelaxSettings.Order order : RelaxSettings.Order.values()) {
            ModelConfig mc = new ModelConfig(new int[] {6, 5, 5, 4}, 2, "linear", "linear", 3, 1.0, true, 1.2, "ep",
                    Loss.CROSS_ENTROPY);
            EpConfig ec = new EpConfig(1e-3, EpSettings.Estimator.CENTERED, 20_000, 20_000, 1e-14, order);
            FfEbm<DMatrixRMaj> m = model(mc, ec, 7, 3);
            DMatrixRMaj x = inputs(4, 7, 4);
            DMatrixRMaj modelOut = Scheduler.untraced(m).forward(x, false, null).copy();
            DMatrixRMaj oracleOut = GradientOracle.of(m).output(x);
            for (int i = 0; i < modelOut.data.length; i++) {
                assertEquals(modelOut.data[i], oracleOut.data[i], TOL_FORWARD, order + " output[" + i + "]");
            }
        }
    }

    @Test
    void centredEpIsExactInsideThePredictedLinearRange() {
        // the fixed point is piecewise affine in β: while no neuron changes clip status, the centred estimate has no
        // truncation error, whatever the seed. β = half the predicted range keeps every neuron on its side.
        for (long seed = 1; seed <= 4; seed++) {
            GradCheck.Options o = GradCheck.preset("dhn").withSeed(seed);
            FfEbm<DMatrixRMaj> m = GradCheck.model64(o);
            int[] y = new int[o.batch()];
            DMatrixRMaj x = GradCheck.drawInputs(o, y);
            GradientOracle.OracleGradient g = GradientOracle.of(m).gradient(x, y);
            double beta = 0.5 * g.linearRange(true);
            assertEquals(0, g.predictedCrossings(beta, true));
            HybridGradient.zeroGradients(m);
            HybridGradient.compute(m, x, y, new EpSettings(beta, EpSettings.Estimator.CENTERED), new DMatrixRMaj(1, 1));
            double diff = 0, norm = 0;
            for (Param<DMatrixRMaj> p : m.params()) {
                double[] ref = g.gradient(p.name());
                for (int i = 0; i < ref.length; i++) {
                    double d = p.grad().data[i] - ref[i];
                    diff += d * d;
                    norm += ref[i] * ref[i];
                }
            }
            double rel = Math.sqrt(diff / norm);
            assertTrue(rel <= TOL_EXACT, "seed " + seed + ", beta " + beta + ": relative error " + rel);
        }
    }

    @Test
    void readsFloat32Models() {
        ModelConfig mc = new ModelConfig(new int[] {6, 5}, 0, "identity", "linear", 3, 1.0, true, 1.0, "ep",
                Loss.CROSS_ENTROPY);
        FfEbm<FMatrixRMaj> m32 = ModelBuilder.build(F32Ops.reference(), mc, TIGHT, Shape.flat(7), new SplittableRandom(5));
        FfEbm<DMatrixRMaj> m64 = model(mc, TIGHT, 7, 5);
        DMatrixRMaj x = inputs(3, 7, 6);
        int[] y = {0, 1, 2};
        GradientOracle o32 = GradientOracle.of(m32), o64 = GradientOracle.of(m64);
        assertEquals(o64.loss(x, y), o32.loss(x, y), TOL_F32_LOSS);
        assertEquals(o64.paramNames(), o32.paramNames());
    }

    @Test
    void copiesTheParametersWhenMade() {
        ModelConfig mc = new ModelConfig(new int[] {4}, 0, "identity", "linear", 3, 1.0, true, 1.0, "ep",
                Loss.CROSS_ENTROPY);
        FfEbm<DMatrixRMaj> m = model(mc, TIGHT, 5, 1);
        DMatrixRMaj x = inputs(2, 5, 2);
        int[] y = {0, 1};
        GradientOracle oracle = GradientOracle.of(m);
        double before = oracle.loss(x, y);
        m.param("readout.b").value().data[0] += 1.0;
        assertEquals(before, oracle.loss(x, y), 0.0);
        assertTrue(GradientOracle.of(m).loss(x, y) != before);
    }

    @Test
    void nonConvergenceIsReportedNotThrown() {
        ModelConfig mc = new ModelConfig(new int[] {6, 5, 4}, 0, "identity", "linear", 3, 1.0, true, 1.5, "ep",
                Loss.CROSS_ENTROPY);
        FfEbm<DMatrixRMaj> m = model(mc, TIGHT, 5, 1);
        GradientOracle.OracleGradient g = GradientOracle.of(m, 1e-14, 1).gradient(inputs(2, 5, 2), new int[] {0, 1});
        assertFalse(g.relaxation().converged());
        assertEquals(1, g.relaxation().maxSweeps());
        assertTrue(g.relaxation().maxResidual() > 1e-14);
    }

    @Test
    void rejectsUnsupportedBlocksByType() {
        ModelConfig bp = new ModelConfig(new int[] {4}, 0, "identity", "linear", 3, 1.0, true, 1.0, "bp",
                Loss.CROSS_ENTROPY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientOracle.of(model(bp, TIGHT, 5, 1)));
        assertTrue(e.getMessage().contains("HardSigmoid"), e.getMessage());

        FfEbm<DMatrixRMaj> custom = new FfEbm<>(OPS, List.of(new Doubler(Shape.flat(3))),
                List.<EnergyBlock<DMatrixRMaj>>of(), Loss.CROSS_ENTROPY);
        e = assertThrows(IllegalArgumentException.class, () -> GradientOracle.of(custom));
        assertTrue(e.getMessage().contains(Doubler.class.getName()), e.getMessage());
    }

    @Test
    void validatesItsArguments() {
        ModelConfig mc = new ModelConfig(new int[] {4}, 0, "identity", "linear", 3, 1.0, true, 1.0, "ep",
                Loss.CROSS_ENTROPY);
        FfEbm<DMatrixRMaj> m = model(mc, TIGHT, 5, 1);
        GradientOracle o = GradientOracle.of(m);
        DMatrixRMaj x = inputs(2, 5, 1);
        assertThrows(IllegalArgumentException.class, () -> GradientOracle.of(m, Double.NaN, 10));
        assertThrows(IllegalArgumentException.class, () -> GradientOracle.of(m, 1e-12, 0));
        assertThrows(IllegalArgumentException.class, () -> o.gradient(inputs(2, 4, 1), new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> o.gradient(x, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> o.gradient(x, new int[] {0, 3}));
        assertThrows(IllegalArgumentException.class, () -> o.finiteDifferences(x, new int[] {0, 1}, 0.0));
        assertThrows(IllegalArgumentException.class, () -> o.finiteDifference(x, new int[] {0, 1}, "nope", 0, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> o.finiteDifference(x, new int[] {0, 1}, "eb1.W1", 20, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> o.gradient(x, new int[] {0, 1}).gradient("nope"));
    }

    /** A digital block the oracle does not know: y = 2x. */
    private static final class Doubler implements FeedforwardBlock<DMatrixRMaj> {
        private final Shape shape;

        Doubler(Shape shape) {
            this.shape = shape;
        }

        @Override
        public String name() {
            return "doubler";
        }

        @Override
        public Shape inputShape() {
            return shape;
        }

        @Override
        public Shape outputShape() {
            return shape;
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj in, boolean training) {
            DMatrixRMaj out = in.copy();
            for (int i = 0; i < out.data.length; i++) {
                out.data[i] *= 2;
            }
            return out;
        }

        @Override
        public DMatrixRMaj backward(DMatrixRMaj gradOut, double paramScale, boolean needInputGrad) {
            return needInputGrad ? forward(gradOut, false) : null;
        }

        @Override
        public List<Param<DMatrixRMaj>> params() {
            return List.of();
        }

        @Override
        public long macsPerSample() {
            return 0;
        }
    }
}
