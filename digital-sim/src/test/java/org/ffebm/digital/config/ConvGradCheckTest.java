package org.ffebm.digital.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.EpSettings.Estimator;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Sequential;
import org.ffebm.core.config.ModelConfig;
import org.ffebm.core.loss.Loss;
import org.ffebm.core.model.DigitalBlockFactory;
import org.ffebm.core.model.EnergyBlockFactory;
import org.ffebm.core.model.FfEbm;
import org.ffebm.core.model.ModelBuilder;
import org.ffebm.core.oracle.FiniteDifferenceOracle;
import org.ffebm.core.oracle.GradCheck;
import org.ffebm.core.oracle.GradCheck.Precision;
import org.ffebm.core.oracle.GradientOracle;
import org.ffebm.core.tensor.F64Ops;
import org.ffebm.core.tensor.TensorOps;
import org.ffebm.digital.layer.BatchNorm2d;
import org.ffebm.digital.layer.MaxPool2d;
import org.ffebm.digital.layer.Quantized;
import org.junit.jupiter.api.Test;

/**
 * The gradient check of the convolutional ff-EBM (issue 4, item 4): two conv energy blocks tied by digital-sim's
 * max-pool + batch-norm, the hybrid EP/backprop gradient against central finite differences of the batch-mean loss
 * in double precision (DESIGN §2 "Correctness oracle", STYLE 12).
 */
class ConvGradCheckTest {

    private static final GradCheck.DigitalLayers DIGITAL = new GradCheck.DigitalLayers() {
        @Override
        public <M extends ReshapeMatrix> DigitalBlockFactory<M> factory(TensorOps<M> ops) {
            return DigitalBlocks.unrounded();
        }
    };
    private static final double SMALLEST = 0.001;
    /**
     * Centred EP with no piece change is exact up to the accuracy of the finite differences (measured: ≈ 2e-10 per
     * tensor).
     */
    private static final double TOL_EXACT = 1e-7;

    private static GradCheck.Report report;

    private static synchronized GradCheck.Report preset() {
        if (report == null) {
            report = GradCheck.run(GradCheck.preset("conv"), DIGITAL);
        }
        return report;
    }

    @Test
    void everyTensorMatchesTheFiniteDifferencesAtTheSmallestBeta() {
        GradCheck.Report r = preset();
        assertEquals(List.of(0.5, 0.1, 0.01, SMALLEST), r.options().betas());
        GradCheck.OracleInfo o = r.oracle(Precision.FLOAT64);
        assertEquals(GradientOracle.Method.FINITE_DIFFERENCES, o.method());
        assertTrue(o.relaxation().converged(), o.relaxation().toString());
        assertEquals(402, o.entries());
        assertEquals(402L, o.parameters());
        assertEquals(0, o.kinks(), "a finite difference straddles a kink");
        assertTrue(o.interiorFraction() > 0.3 && o.interiorFraction() < 0.9, "interior " + o.interiorFraction());
        for (Estimator e : Estimator.values()) {
            GradCheck.Summary s = r.summary(Precision.FLOAT64, SMALLEST, e);
            assertTrue(s.free().converged() && s.nudged().converged(), s.toString());
            List<GradCheck.Row> rows = r.rows(Precision.FLOAT64, SMALLEST, e);
            assertEquals(6, rows.size());                      // eb1.W1, eb1.b1, eb2.W1, eb2.b1, readout.W, readout.b
            for (GradCheck.Row row : rows) {
                assertTrue(row.cosine() >= GradCheck.COSINE_MIN, row.toString());
                assertTrue(row.relError() <= GradCheck.REL_ERROR_MAX, row.toString());
            }
            // why: no neuron changes clip status (or pooling argmax) within ±0.001 for this seed
            assertEquals(0, s.crossings(), s.toString());
            assertTrue(s.maxRelError() <= TOL_EXACT, s.toString());
        }
        assertTrue(o.linearRangeCentred() > SMALLEST, "linear range " + o.linearRangeCentred());
        assertTrue(r.passed());
        assertTrue(r.table().contains("check conv float64 beta=0.001 centered"), r.table());
        assertTrue(r.toJson().contains("\"method\": \"finite-differences\""), r.toJson());
        assertTrue(r.toJson().contains("\"pools\": \"m-\""), r.toJson());
    }

    @Test
    void errorShrinksAsBetaDecreases() {
        GradCheck.Report r = preset();
        for (Estimator e : Estimator.values()) {
            double previous = Double.POSITIVE_INFINITY;
            for (double beta : r.options().betas()) {
                GradCheck.Summary s = r.summary(Precision.FLOAT64, beta, e);
                assertTrue(s.relError() < previous, e + " beta " + beta + ": " + s.relError() + " after " + previous);
                previous = s.relError();
            }
            // and the piece changes that cause it vanish
            assertTrue(r.summary(Precision.FLOAT64, 0.5, e).crossings() > r.summary(Precision.FLOAT64, 0.01, e)
                    .crossings());
        }
    }

    @Test
    void aSeedWithAChangeInsideTheSmallestBetaFailsAndSaysWhy() {
        // seed 10 (see GradCheck.preset): a neuron changes clip status at β ≈ 1e-4 in the −β phase; the centred
        // estimate is a secant across that kink, while the one-sided one (+β phase only) is still exact
        GradCheck.Report r = GradCheck.run(GradCheck.preset("conv").withSeed(10).withBetas(List.of(SMALLEST)), DIGITAL);
        assertFalse(r.passed());
        GradCheck.Summary c = r.summary(Precision.FLOAT64, SMALLEST, Estimator.CENTERED);
        GradCheck.Summary o = r.summary(Precision.FLOAT64, SMALLEST, Estimator.ONE_SIDED);
        assertTrue(c.crossings() > 0 && c.maxRelError() > GradCheck.REL_ERROR_MAX, c.toString());
        assertEquals(0, o.crossings(), o.toString());
        assertTrue(o.maxRelError() <= TOL_EXACT, o.toString());
        assertTrue(r.oracle(Precision.FLOAT64).linearRangeCentred() < SMALLEST);
        assertTrue(r.oracle(Precision.FLOAT64).linearRangeOneSided() > SMALLEST);
    }

    @Test
    void batchNormRunningStatisticsDoNotChangeTheFiniteDifferences() {
        GradCheck.Options o = GradCheck.preset("conv");
        F64Ops ops = F64Ops.reference();
        FfEbm<DMatrixRMaj> m = ModelBuilder.build(ops, o.model(), o.ep(), o.input(),
                new SplittableRandom(o.seed()).split(), EnergyBlockFactory.dense(), DigitalBlocks.unrounded());
        assertTie(m.digital().get(1));
        SplittableRandom r = new SplittableRandom(5);
        DMatrixRMaj x = new DMatrixRMaj(o.batch(), o.input().size());
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = r.nextDouble();
        }
        int[] y = {0, 1, 2, 3, 3, 2, 1, 0};
        Map<String, double[]> buffers = m.buffers();
        assertEquals(List.of("ff2.bn.running-mean", "ff2.bn.running-var"), List.copyOf(buffers.keySet()));
        double[] mean = buffers.get("ff2.bn.running-mean").clone(), var = buffers.get("ff2.bn.running-var").clone();
        FiniteDifferenceOracle.Result a = FiniteDifferenceOracle.gradient(m, x, y, 1e-5, 0);
        assertArrayEquals(mean, m.buffers().get("ff2.bn.running-mean"), "running mean restored");
        assertArrayEquals(var, m.buffers().get("ff2.bn.running-var"), "running variance restored");
        // other running statistics (as after training): the same differences, to the bit
        for (double[] b : buffers.values()) {
            for (int i = 0; i < b.length; i++) {
                b[i] = 3 + i;
            }
        }
        FiniteDifferenceOracle.Result b = FiniteDifferenceOracle.gradient(m, x, y, 1e-5, 0);
        assertEquals(a.loss(), b.loss(), 0.0);
        for (FiniteDifferenceOracle.Tensor t : a.tensors()) {
            assertArrayEquals(t.gradient(), b.tensor(t.name()).gradient(), t.name());
        }
    }

    /** The tie is digital-sim's max-pool then batch-norm, not wrapped in a number format (float64 stays float64). */
    private static void assertTie(FeedforwardBlock<DMatrixRMaj> tie) {
        assertTrue(tie instanceof Sequential<DMatrixRMaj>, tie.getClass().getName());
        List<FeedforwardBlock<DMatrixRMaj>> parts = ((Sequential<DMatrixRMaj>) tie).blocks();
        assertTrue(parts.get(0) instanceof MaxPool2d<DMatrixRMaj>, parts.get(0).getClass().getName());
        assertTrue(parts.get(1) instanceof BatchNorm2d<DMatrixRMaj>, parts.get(1).getClass().getName());
        assertFalse(tie instanceof Quantized<DMatrixRMaj>);
    }

    /**
     * The seed paper's placement (first-conv digital): each block's first convolution, its pooling and the batch-norm
     * run in the digital part and feed s₁ by identity; EP's ∇u reaches the digital convolutions through that coupling.
     * Centred EP at β = 0.001 is exact to the finite differences' accuracy when no neuron changes piece.
     */
    @Test
    void theDigitalFirstConvolutionPresetMatchesTheFiniteDifferences() {
        GradCheck.Report r = GradCheck.run(GradCheck.preset("conv-digital"), DIGITAL);
        GradCheck.OracleInfo o = r.oracle(Precision.FLOAT64);
        assertTrue(o.relaxation().converged(), o.relaxation().toString());
        assertEquals(0, o.kinks(), "a finite difference straddles a kink");
        for (Estimator e : Estimator.values()) {
            GradCheck.Summary s = r.summary(Precision.FLOAT64, SMALLEST, e);
            List<GradCheck.Row> rows = r.rows(Precision.FLOAT64, SMALLEST, e);
            // no conv bias before a batch-norm, no W1 in an identity-coupled block
            assertEquals(List.of("ff1.conv.W", "eb1.W2", "eb1.b2", "ff2.conv.W", "eb2.W2", "eb2.b2", "readout.W",
                    "readout.b"), rows.stream().map(GradCheck.Row::param).toList());
            for (GradCheck.Row row : rows) {
                assertTrue(row.cosine() >= GradCheck.COSINE_MIN, row.toString());
                assertTrue(row.relError() <= GradCheck.REL_ERROR_MAX, row.toString());
            }
            assertEquals(0, s.crossings(), s.toString());
        }
        assertTrue(r.summary(Precision.FLOAT64, SMALLEST, Estimator.CENTERED).maxRelError() <= TOL_EXACT);
        assertTrue(r.passed());
        assertTrue(r.toJson().contains("\"firstConv\": \"digital\""), r.toJson());
    }

    /** The built model: ff = conv → max-pool → batch-norm; identity-coupled energy blocks; the shapes chain. */
    @Test
    void theDigitalFirstConvolutionModelChainsItsShapes() {
        GradCheck.Options o = GradCheck.preset("conv-digital");
        FfEbm<DMatrixRMaj> m = ModelBuilder.build(F64Ops.reference(), o.model(), o.ep(), o.input(),
                new SplittableRandom(1), EnergyBlockFactory.dense(), DigitalBlocks.unrounded());
        for (int k = 0; k < 2; k++) {
            FeedforwardBlock<DMatrixRMaj> ff = m.digital().get(k);
            List<FeedforwardBlock<DMatrixRMaj>> parts = ((Sequential<DMatrixRMaj>) ff).blocks();
            assertEquals(List.of("ff" + (k + 1) + ".conv", "ff" + (k + 1) + ".bn"),
                    parts.stream().map(FeedforwardBlock::name).toList());
            assertTrue(m.energy().get(k).identityInput());
            assertEquals(ff.outputShape(), m.energy().get(k).inputShape());
        }
        assertEquals("[3x4x4]", m.energy().get(0).inputShape().toString());
        assertEquals("[4x4x4]", m.energy().get(0).outputShape().toString());
        assertEquals("[4x2x2]", m.energy().get(1).inputShape().toString());
        assertEquals(List.of("ff1.bn.running-mean", "ff1.bn.running-var", "ff2.bn.running-mean",
                "ff2.bn.running-var"), List.copyOf(m.buffers().keySet()));
        // the backprop twin batch-normalises the same layers: conv1 (pooled) and conv3 (pooled)
        FfEbm<DMatrixRMaj> bp = ModelBuilder.build(F64Ops.reference(), o.model().withAlgorithm("bp"), o.ep(),
                o.input(), new SplittableRandom(1), EnergyBlockFactory.dense(), DigitalBlocks.unrounded());
        assertEquals(List.of("norm1.bn.running-mean", "norm1.bn.running-var", "norm3.bn.running-mean",
                "norm3.bn.running-var"), List.copyOf(bp.buffers().keySet()));
        assertEquals(List.of("conv1", "norm1.bn", "act1", "conv2", "act2", "conv3", "norm3.bn", "act3", "conv4",
                "act4", "readout"), names(bp), "clamp-last true: every layer bounded");
        // the twin of the split with the first convs in the energies: the batch-norm ties after each block, whose
        // last layer is linear as in the ff-EBM with clamp-last false
        FfEbm<DMatrixRMaj> tie = ModelBuilder.build(F64Ops.reference(), new ModelConfig(new int[] {3, 4, 4, 4}, 2,
                "bn", "linear", 4, 1.0, false, 1.5, "bp", Loss.CROSS_ENTROPY, "conv", "m-m-", 3), o.ep(), o.input(),
                new SplittableRandom(1), EnergyBlockFactory.dense(), DigitalBlocks.unrounded());
        assertEquals(List.of("conv1", "act1", "conv2", "tie2.bn", "conv3", "act3", "conv4", "readout"), names(tie));
    }

    private static List<String> names(FfEbm<DMatrixRMaj> feedforward) {
        return ((Sequential<DMatrixRMaj>) feedforward.digital().get(0)).blocks().stream().map(FeedforwardBlock::name)
                .toList();
    }
}
