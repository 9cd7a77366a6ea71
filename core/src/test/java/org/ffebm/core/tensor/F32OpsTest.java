package org.ffebm.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/** Element-wise operations, losses and optimiser steps against their definitions. */
class F32OpsTest {

    private static final F32Ops F = F32Ops.reference();
    private static final F64Ops D = new F64Ops(new ReferenceGemmF64(), Parallel.serial());

    @Test
    void softmaxCrossEntropyMatchesDefinitionAndFiniteDifferences() {
        DMatrixRMaj logits = new DMatrixRMaj(2, 3, true, 0.5, -1.0, 2.0, 3.0, 0.0, 0.1);
        int[] y = {2, 0};
        DMatrixRMaj grad = new DMatrixRMaj(1, 1);
        double loss = D.softmaxCrossEntropy(logits, y, grad);
        double z0 = Math.exp(0.5) + Math.exp(-1) + Math.exp(2), z1 = Math.exp(3) + Math.exp(0) + Math.exp(0.1);
        assertEquals(-Math.log(Math.exp(2) / z0) - Math.log(Math.exp(3) / z1), loss, 1e-12);
        for (int i = 0; i < 6; i++) {
            double old = logits.data[i], h = 1e-6;
            DMatrixRMaj scratch = new DMatrixRMaj(1, 1);
            logits.data[i] = old + h;
            double lp = D.softmaxCrossEntropy(logits, y, scratch);
            logits.data[i] = old - h;
            double lm = D.softmaxCrossEntropy(logits, y, scratch);
            logits.data[i] = old;
            assertEquals((lp - lm) / (2 * h), grad.data[i], 1e-8, "entry " + i);
        }
    }

    @Test
    void squaredErrorAndAccuracy() {
        FMatrixRMaj out = new FMatrixRMaj(2, 2, true, 0.2f, 0.9f, 0.7f, 0.1f);
        FMatrixRMaj grad = new FMatrixRMaj(1, 1);
        double loss = F.squaredError(out, new int[] {1, 1}, grad);
        assertEquals(0.5 * (0.04 + 0.01) + 0.5 * (0.49 + 0.81), loss, 1e-6);
        assertEquals(-0.9f, grad.get(1, 1), 1e-7);
        assertEquals(1, F.countCorrect(out, new int[] {1, 1}));
    }

    @Test
    void sgdWithMomentumAndDecayFollowsItsFormula() {
        FMatrixRMaj w = new FMatrixRMaj(1, 1, true, 1f), g = new FMatrixRMaj(1, 1, true, 0.5f), v = new FMatrixRMaj(1, 1);
        F.sgdStepInPlace(w, g, v, 0.1, 0.9, 0.01);     // v = 0.5 + 0.01 = 0.51; w = 1 - 0.051
        assertEquals(0.949f, w.get(0, 0), 1e-6);
        F.sgdStepInPlace(w, g, v, 0.1, 0.9, 0.01);     // v = 0.9*0.51 + 0.5 + 0.00949
        assertEquals(0.949f - 0.1f * (0.459f + 0.5f + 0.00949f), w.get(0, 0), 1e-6);
    }

    @Test
    void adamFirstStepMovesByTheLearningRate() {
        FMatrixRMaj w = new FMatrixRMaj(1, 2, true, 1f, -1f), g = new FMatrixRMaj(1, 2, true, 0.3f, -2f);
        FMatrixRMaj m = new FMatrixRMaj(1, 2), v = new FMatrixRMaj(1, 2);
        F.adamStepInPlace(w, g, m, v, 0.01, 0.9, 0.999, 1e-8, 0, 1);
        // bias-corrected m̂/√v̂ = sign(g) on the first step
        assertEquals(0.99f, w.get(0, 0), 1e-6);
        assertEquals(-0.99f, w.get(0, 1), 1e-6);
    }

    @Test
    void relaxUpdateClipsAndTracksResidualPerRow() {
        FMatrixRMaj drive = new FMatrixRMaj(2, 2, true, 2f, -1f, 0.25f, 0.5f);
        FMatrixRMaj s = new FMatrixRMaj(2, 2);
        double[] res = new double[2];
        F.relaxUpdate(drive, s, 1.0, true, null, res, 0, 2);
        assertEquals(1f, s.get(0, 0));
        assertEquals(0f, s.get(0, 1));
        assertEquals(1.0, res[0], 0);
        assertEquals(0.5, res[1], 1e-7);
        boolean[] frozen = {true, false};
        FMatrixRMaj s2 = new FMatrixRMaj(2, 2);
        F.relaxUpdate(drive, s2, 1.0, false, frozen, null, 0, 2);
        assertEquals(0f, s2.get(0, 0));
        assertEquals(0.25f, s2.get(1, 0));
    }
}
