package org.ffebm.core.eqprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ffebm.core.block.EpSettings;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.RelaxSettings;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.EpConfig;
import org.ffebm.core.config.ModelConfig;
import org.ffebm.core.loss.Loss;
import org.ffebm.core.model.FfEbm;
import org.ffebm.core.model.ModelBuilder;
import org.ffebm.core.schedule.Scheduler;
import org.ffebm.core.tensor.F64Ops;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.ReferenceGemmF64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hybrid gradient against central finite differences of the model's own forward pass (the independent oracle
 * lives in the oracle package; this test checks the chaining of BP and EP on the production code path).
 */
class HybridGradientTest {

    private static final F64Ops OPS = new F64Ops(new ReferenceGemmF64(), Parallel.serial());

    @ParameterizedTest
    @CsvSource({"ep,2,linear,cross-entropy", "ep,0,identity,squared-error", "ep,1,linear,squared-error",
            "bp,0,identity,cross-entropy"})
    void matchesFiniteDifferencesOfTheLoss(String algorithm, int blockSize, String tie, String loss) {
        ModelConfig mc = new ModelConfig(new int[] {6, 5, 4, 4}, blockSize, tie, "linear", 3, 1.0, true, 1.5, algorithm,
                Loss.of(loss));
        EpConfig ec = new EpConfig(1e-4, EpSettings.Estimator.CENTERED, 1000, 1000, 1e-14, RelaxSettings.Order.ALTERNATING);
        FfEbm<DMatrixRMaj> m = ModelBuilder.build(OPS, mc, ec, Shape.flat(7), new SplittableRandom(3));
        SplittableRandom r = new SplittableRandom(5);
        DMatrixRMaj x = new DMatrixRMaj(4, 7);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = r.nextDouble();
        }
        int[] y = {0, 1, 2, 1};
        DMatrixRMaj g = new DMatrixRMaj(1, 1);
        HybridGradient.zeroGradients(m);
        HybridGradient.compute(m, x, y, ec.settings(), g);
        for (Param<DMatrixRMaj> p : m.params()) {
            double[] ep = p.grad().data.clone();
            double dot = 0, nf = 0, ne = 0;
            for (int i = 0; i < p.size(); i++) {
                double old = p.value().data[i];
                double h = 1e-5;
                p.value().data[i] = old + h;
                double lp = loss(m, x, y, g);
                p.value().data[i] = old - h;
                double lm = loss(m, x, y, g);
                p.value().data[i] = old;
                double fd = (lp - lm) / (2 * h);
                assertEquals(fd, ep[i], 1e-6 + 1e-4 * Math.abs(fd), p.name() + "[" + i + "]");
                dot += fd * ep[i];
                nf += fd * fd;
                ne += ep[i] * ep[i];
            }
            if (nf > 0) {
                assertTrue(dot / Math.sqrt(nf * ne) > 0.9999, p.name() + " cosine " + dot / Math.sqrt(nf * ne));
            }
        }
    }

    private static double loss(FfEbm<DMatrixRMaj> m, DMatrixRMaj x, int[] y, DMatrixRMaj g) {
        DMatrixRMaj out = Scheduler.untraced(m).forward(x, false, null);
        return m.loss().evaluate(OPS, out, y, g) / x.numRows;
    }
}
