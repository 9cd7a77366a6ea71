package org.ffebm.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.Param;
import org.ffebm.core.config.OptimConfig;
import org.ffebm.core.tensor.F32Ops;
import org.junit.jupiter.api.Test;

class OptimizerTest {

    private static Param<FMatrixRMaj> param(String name, String group, Param.Kind kind, float value, float grad) {
        return new Param<>(name, group, kind, new FMatrixRMaj(1, 1, true, value), new FMatrixRMaj(1, 1, true, grad));
    }

    @Test
    void perBlockLearningRatesAndDecayOnWeightsOnly() {
        Param<FMatrixRMaj> w1 = param("eb1.W1", "eb1", Param.Kind.WEIGHT, 1f, 1f);
        Param<FMatrixRMaj> b1 = param("eb1.b1", "eb1", Param.Kind.BIAS, 1f, 1f);
        Param<FMatrixRMaj> w2 = param("readout.W", "readout", Param.Kind.WEIGHT, 1f, 1f);
        OptimConfig c = new OptimConfig("sgd", 0.1, 0.0, 0.5, "constant", Map.of("eb1", 0.01));
        Optimizer<FMatrixRMaj> o = new Optimizer<>(F32Ops.reference(), c, List.of(w1, b1, w2));
        o.startEpoch(0, 1);
        o.step();
        assertEquals(1f - 0.01f * (1f + 0.5f), w1.value().get(0, 0), 1e-7, "eb1 weight: block lr and decay");
        assertEquals(1f - 0.01f, b1.value().get(0, 0), 1e-7, "eb1 bias: block lr, no decay");
        assertEquals(1f - 0.1f * (1f + 0.5f), w2.value().get(0, 0), 1e-7, "readout weight: base lr and decay");
    }

    @Test
    void cosineScheduleAnnealsOverTheEpochs() {
        OptimConfig c = new OptimConfig("sgd", 0.2, 0.9, 0, "cosine", Map.of());
        Optimizer<FMatrixRMaj> o = new Optimizer<>(F32Ops.reference(), c, List.of());
        o.startEpoch(0, 4);
        assertEquals(0.2, o.lr("any"), 1e-15);
        o.startEpoch(2, 4);
        assertEquals(0.1, o.lr("any"), 1e-15);
        o.startEpoch(3, 4);
        assertEquals(0.2 * 0.5 * (1 + Math.cos(Math.PI * 3 / 4)), o.lr("any"), 1e-15);
    }
}
