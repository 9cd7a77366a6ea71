package org.ffebm.digital.layer;

import static org.ffebm.digital.layer.Conv2dTest.assertContains;
import static org.ffebm.digital.layer.Conv2dTest.assertMessage;
import static org.ffebm.digital.layer.Oracles.F32;
import static org.ffebm.digital.layer.Oracles.F64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.ShapeMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Batch-norm: its definition, running statistics, and its VJP in both modes against finite differences. */
class BatchNorm2dTest {

    private static final Shape SHAPE = new Shape(3, 2, 3);

    /** A batch-norm with γ, β away from 1, 0, and running statistics from two training batches. */
    private static BatchNorm2d<DMatrixRMaj> trained(boolean affine, SplittableRandom rng) {
        BatchNorm2d<DMatrixRMaj> bn = new BatchNorm2d<>(F64, "bn", SHAPE, 1e-3, 0.3, affine);
        if (affine) {
            for (int c = 0; c < 3; c++) {
                bn.gamma().value().data[c] = 0.5 + rng.nextDouble();
                bn.beta().value().data[c] = rng.nextDouble() - 0.5;
            }
        }
        for (int k = 0; k < 2; k++) {
            bn.forward(shifted(4, rng), true);
        }
        return bn;
    }

    /** Inputs whose channel c has mean about c and spread about 1 + c. */
    private static DMatrixRMaj shifted(int rows, SplittableRandom rng) {
        DMatrixRMaj x = Oracles.uniform(rows, SHAPE.size(), rng);
        for (int i = 0; i < x.data.length; i++) {
            int c = (i % SHAPE.size()) / 6;
            x.data[i] = c + (1 + c) * x.data[i];
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void vjpMatchesFiniteDifferencesInTrainingModeIncludingTheBatchStatistics(boolean affine) {
        SplittableRandom rng = new SplittableRandom(31);
        BatchNorm2d<DMatrixRMaj> bn = trained(affine, rng);
        assertEquals(affine ? 2 : 0, bn.params().size());
        Oracles.assertVjp(bn, shifted(3, rng), true, rng);
        // dense features (c×1×1): statistics over the batch only
        BatchNorm2d<DMatrixRMaj> dense = new BatchNorm2d<>(F64, "bn1d", Shape.flat(4), 1e-5, 0.1, affine);
        Oracles.assertVjp(dense, Oracles.uniform(5, 4, rng), true, rng);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void vjpMatchesFiniteDifferencesInEvaluationMode(boolean affine) {
        SplittableRandom rng = new SplittableRandom(32);
        BatchNorm2d<DMatrixRMaj> bn = trained(affine, rng);
        double[] mean = bn.runningMean();
        Oracles.assertVjp(bn, shifted(2, rng), false, rng);
        assertEquals(mean[2], bn.runningMean()[2], 0, "evaluation leaves the running statistics alone");
    }

    @Test
    void trainingOutputIsNormalisedAndRunningStatisticsFollowTheMomentum() {
        SplittableRandom rng = new SplittableRandom(33);
        BatchNorm2d<DMatrixRMaj> bn = new BatchNorm2d<>(F64, "bn", SHAPE, 1e-5, 0.25, false);
        DMatrixRMaj x = shifted(4, rng);
        DMatrixRMaj y = bn.forward(x, true);
        int n = 4 * 6;
        for (int c = 0; c < 3; c++) {
            double sx = 0, sxx = 0, sy = 0, syy = 0;
            for (int b = 0; b < 4; b++) {
                for (int s = 0; s < 6; s++) {
                    double v = x.get(b, c * 6 + s), w = y.get(b, c * 6 + s);
                    sx += v;
                    sxx += v * v;
                    sy += w;
                    syy += w * w;
                }
            }
            double mu = sx / n, var = sxx / n - mu * mu;
            assertEquals(0, sy / n, 1e-12, "output mean of channel " + c);
            assertEquals(var / (var + 1e-5), syy / n, 1e-9, "output variance of channel " + c);
            assertEquals(0.25 * mu, bn.runningMean()[c], 1e-12);
            assertEquals(0.75 + 0.25 * var * n / (n - 1), bn.runningVar()[c], 1e-12);
        }
        // evaluation uses the running statistics: y = (x − μ_run)/√(σ²_run + ε)
        DMatrixRMaj e = bn.forward(x, false);
        double want = (x.get(1, 13) - bn.runningMean()[2]) / Math.sqrt(bn.runningVar()[2] + 1e-5);
        assertEquals(want, e.get(1, 13), 1e-12);
    }

    @Test
    void defaultsAndFloat32AgreeWithFloat64() {
        SplittableRandom rng = new SplittableRandom(34);
        BatchNorm2d<FMatrixRMaj> f = new BatchNorm2d<>(F32, "bn", SHAPE);
        BatchNorm2d<DMatrixRMaj> d = new BatchNorm2d<>(F64, "bn", SHAPE);
        assertEquals(BatchNorm2d.DEFAULT_EPS, f.eps());
        assertEquals(BatchNorm2d.DEFAULT_MOMENTUM, f.momentum());
        assertTrue(f.affine());
        FMatrixRMaj x32 = Oracles.toFloat(shifted(5, rng));
        DMatrixRMaj x64 = Oracles.toDouble(x32);
        Oracles.assertClose(d.forward(x64, true), Oracles.toDouble(f.forward(x32, true)), 1e-6, "forward");
        FMatrixRMaj g32 = Oracles.toFloat(Oracles.uniform(5, SHAPE.size(), rng));
        Oracles.assertClose(d.backward(Oracles.toDouble(g32), 0.2, true),
                Oracles.toDouble(f.backward(g32, 0.2, true)), 1e-5, "backward");
        Oracles.assertClose(d.gamma().grad(), Oracles.toDouble(f.gamma().grad()), 1e-6, "gamma grad");
        assertNull(f.backward(g32, 0.2, false));
    }

    @Test
    void countsRunningStatsAndValidation() {
        BatchNorm2d<FMatrixRMaj> bn = new BatchNorm2d<>(F32, "bn9", SHAPE, 1e-5, 0.1, true);
        assertEquals(18, bn.macsPerSample());
        assertEquals(4L * 36, bn.bytesPerSample());
        bn.setRunningStats(new double[] {1, 2, 3}, new double[] {4, 5, 6});
        assertEquals(5.0, bn.runningVar()[1]);
        assertMessage(() -> bn.setRunningStats(new double[] {1, 2}, new double[] {1, 2, 3}), "bn9", "3 values");
        assertMessage(() -> bn.setRunningStats(new double[] {1, 2, 3}, new double[] {1, -2, 3}), "bn9", "channel 1");
        assertMessage(() -> new BatchNorm2d<>(F32, "bnA", SHAPE, 0, 0.1, true), "bnA", "eps", "was 0.0");
        assertMessage(() -> new BatchNorm2d<>(F32, "bnB", SHAPE, 1e-5, 1.5, true), "bnB", "momentum", "1.5");
        assertMessage(() -> new BatchNorm2d<>(F32, "bnC", SHAPE, 1e-5, Double.NaN, true), "bnC", "momentum", "NaN");
        BatchNorm2d<FMatrixRMaj> dense = new BatchNorm2d<>(F32, "bnD", Shape.flat(3));
        assertMessage(() -> dense.forward(new FMatrixRMaj(1, 3), true), "bnD", "at least 2 values");
        dense.forward(new FMatrixRMaj(1, 3), false);                    // evaluation of one sample is fine
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> bn.forward(new FMatrixRMaj(2, 17), true));
        assertContains(e.getMessage(), "bn9", "2x17", "[3x2x3]", "18");
    }
}
