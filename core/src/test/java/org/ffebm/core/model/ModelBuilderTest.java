package org.ffebm.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.EpConfig;
import org.ffebm.core.config.ModelConfig;
import org.ffebm.core.loss.Loss;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.ShapeMismatchException;
import org.junit.jupiter.api.Test;

class ModelBuilderTest {

    private static ModelConfig split(int blockSize, String tie) {
        return new ModelConfig(new int[] {8, 8, 8}, blockSize, tie, "linear", 3, 1.0, true, 1.0, "ep",
                Loss.CROSS_ENTROPY);
    }

    @Test
    void blockSizeIsTheOneLineOfTheSplitExperiment() {
        FfEbm<FMatrixRMaj> one = ModelBuilder.build(F32Ops.reference(), split(0, "identity"), EpConfig.defaults(),
                Shape.flat(5), new SplittableRandom(1));
        FfEbm<FMatrixRMaj> three = ModelBuilder.build(F32Ops.reference(), split(1, "identity"), EpConfig.defaults(),
                Shape.flat(5), new SplittableRandom(1));
        assertEquals(1, one.energy().size());
        assertEquals(3, three.energy().size());
        // identity ties add no parameters: both hold W1..W3, b1..b3 and the read-out
        assertEquals(one.parameterCount(), three.parameterCount());
        // the weights are drawn in the same order, so the first layer starts equal
        assertArrayEquals(one.param("eb1.W1").value().data, three.param("eb1.W1").value().data);
        FfEbm<FMatrixRMaj> linear = ModelBuilder.build(F32Ops.reference(), split(1, "linear"), EpConfig.defaults(),
                Shape.flat(5), new SplittableRandom(1));
        assertEquals(one.parameterCount() + 2 * (8 * 8 + 8), linear.parameterCount());
    }

    @Test
    void energyBlocksComeFromTheFactory() {
        List<String> made = new ArrayList<>();
        EnergyBlockFactory<FMatrixRMaj> dense = EnergyBlockFactory.dense();
        EnergyBlockFactory<FMatrixRMaj> recording = (ops, name, in, layers, relax, gain, init) -> {
            made.add(name + ":" + in + ":" + layers.length);
            return dense.create(ops, name, in, layers, relax, gain, init);
        };
        ModelBuilder.build(F32Ops.reference(), split(1, "identity"), EpConfig.defaults(), Shape.flat(5),
                new SplittableRandom(1), recording);
        assertEquals(List.of("eb1:5:1", "eb2:8:1", "eb3:8:1"), made);
    }

    @Test
    void blocksThatDoNotChainAreRejectedNamingBoth() {
        EnergyBlockFactory<FMatrixRMaj> dense = EnergyBlockFactory.dense();
        EnergyBlockFactory<FMatrixRMaj> wrongInput = (ops, name, in, layers, relax, gain, init) ->
                dense.create(ops, name, in + 1, layers, relax, gain, init);
        ShapeMismatchException e = org.junit.jupiter.api.Assertions.assertThrows(ShapeMismatchException.class,
                () -> ModelBuilder.build(F32Ops.reference(), split(0, "identity"), EpConfig.defaults(), Shape.flat(5),
                        new SplittableRandom(1), wrongInput));
        assertTrue(e.getMessage().contains("ff1") && e.getMessage().contains("eb1"), e.getMessage());
    }
}
