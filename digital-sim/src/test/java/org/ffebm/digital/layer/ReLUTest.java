package org.ffebm.digital.layer;

import static org.ffebm.digital.layer.Conv2dTest.assertContains;
import static org.ffebm.digital.layer.Oracles.F32;
import static org.ffebm.digital.layer.Oracles.F64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

class ReLUTest {

    @Test
    void forwardAndBackwardFollowTheDefinition() {
        ReLU<FMatrixRMaj> r = new ReLU<>(F32, "relu", Shape.flat(5));
        FMatrixRMaj y = r.forward(new FMatrixRMaj(1, 5, true, -1f, 0f, 2f, Float.NaN, -0f), true);
        assertEquals(0f, y.data[0]);
        assertEquals(0f, y.data[1]);
        assertEquals(2f, y.data[2]);
        assertTrue(Float.isNaN(y.data[3]));
        assertEquals(0, Float.floatToIntBits(y.data[4]), "-0 becomes +0");
        FMatrixRMaj g = r.backward(new FMatrixRMaj(1, 5, true, 1f, 2f, 3f, 4f, 5f), 1.0, true);
        assertArrayEquals(new float[] {0, 0, 3, 0, 0}, g.data, 0f);
        assertNull(r.backward(g, 1.0, false));
        assertEquals(0, r.macsPerSample());
        assertEquals(40, r.bytesPerSample());
    }

    @Test
    void vjpMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(41);
        ReLU<DMatrixRMaj> r = new ReLU<>(F64, "relu", new Shape(2, 3, 4));
        Oracles.assertVjp(r, Oracles.distinct(3, 24, rng), true, rng);
    }

    @Test
    void wrongShapesAreRejected() {
        ReLU<DMatrixRMaj> r = new ReLU<>(F64, "act3", new Shape(2, 3, 4));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> r.forward(new DMatrixRMaj(2, 23), true));
        assertContains(e.getMessage(), "act3", "2x23", "[2x3x4]");
        r.forward(new DMatrixRMaj(2, 24), true);
        e = assertThrows(ShapeMismatchException.class, () -> r.backward(new DMatrixRMaj(1, 24), 1.0, true));
        assertContains(e.getMessage(), "act3", "1x24", "2x24");
    }
}
