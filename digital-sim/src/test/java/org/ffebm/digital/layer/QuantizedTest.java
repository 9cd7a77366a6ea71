package org.ffebm.digital.layer;

import static org.ffebm.digital.layer.Oracles.F32;
import static org.ffebm.digital.layer.Oracles.F64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.Identity;
import org.ffebm.core.block.Linear;
import org.ffebm.core.block.Shape;
import org.ffebm.digital.format.FloatBits;
import org.ffebm.digital.format.NumberFormat;
import org.junit.jupiter.api.Test;

/** The format wrapper rounds exactly the output and the input gradient, and nothing else. */
class QuantizedTest {

    @Test
    void bf16RoundsOutputAndInputGradientButNotParamGradients() {
        SplittableRandom rng = new SplittableRandom(51);
        Linear<FMatrixRMaj> plain = new Linear<>(F32, "fc", Shape.flat(6), 4, 1.0, new SplittableRandom(2));
        Linear<FMatrixRMaj> inner = new Linear<>(F32, "fc", Shape.flat(6), 4, 1.0, new SplittableRandom(2));
        Quantized<FMatrixRMaj> q = new Quantized<>(F32, inner, NumberFormat.BF16);
        assertEquals("fc", q.name());
        assertSame(inner.params(), q.params());
        FMatrixRMaj x = Oracles.toFloat(Oracles.uniform(3, 6, rng));
        FMatrixRMaj want = plain.forward(x, true).copy();
        FMatrixRMaj got = q.forward(x, true);
        for (int i = 0; i < want.data.length; i++) {
            assertEquals(FloatBits.roundToBfloat16(want.data[i]), got.data[i], 0f, "output " + i);
        }
        assertEquals(1.0, q.lastOutputScale());
        FMatrixRMaj g = Oracles.toFloat(Oracles.uniform(3, 4, rng));
        FMatrixRMaj wantIn = plain.backward(g, 0.5, true).copy();
        FMatrixRMaj gotIn = q.backward(g, 0.5, true);
        for (int i = 0; i < wantIn.data.length; i++) {
            assertEquals(FloatBits.roundToBfloat16(wantIn.data[i]), gotIn.data[i], 0f, "input gradient " + i);
        }
        assertTrue(Arrays.equals(plain.weight().grad().data, inner.weight().grad().data), "param grads unrounded");
        assertNull(q.backward(g, 0.5, false));
        assertEquals(inner.macsPerSample(), q.macsPerSample());
        assertEquals(6 * 4 + 4 * 2, q.bytesPerSample());
    }

    @Test
    void int8UsesOneScalePerTensorAndRecordsIt() {
        Quantized<DMatrixRMaj> q = new Quantized<>(F64, new Identity<>("id", Shape.flat(3)), NumberFormat.INT8);
        DMatrixRMaj x = new DMatrixRMaj(2, 3, true, 1.27, -0.5, 0.004, 0.3, 0.0051, -0.02);
        DMatrixRMaj y = q.forward(x, true);
        assertNotSame(x, y);
        assertEquals(1.27, x.get(0, 0), "the wrapped block's output (here the input) is not modified");
        assertEquals(0.01, q.lastOutputScale(), 1e-15);
        double[] want = {1.27, -0.5, 0.0, 0.3, 0.01, -0.02};
        for (int i = 0; i < 6; i++) {
            assertEquals(want[i], y.data[i], 1e-12, "entry " + i);
        }
        DMatrixRMaj g = q.backward(new DMatrixRMaj(2, 3, true, 0, 0, 0, 0, 0, 0), 1.0, true);
        assertEquals(0.0, q.lastGradientScale());
        assertEquals(0.0, g.get(1, 2));
    }

    @Test
    void fp32IsAPassThroughOnFloat32AndARoundingOnFloat64() {
        Identity<FMatrixRMaj> id = new Identity<>("id", Shape.flat(2));
        Quantized<FMatrixRMaj> q = new Quantized<>(F32, id, NumberFormat.FP32);
        FMatrixRMaj x = new FMatrixRMaj(1, 2, true, 0.1f, 0.2f);
        assertSame(x, q.forward(x, true));
        Quantized<DMatrixRMaj> d = new Quantized<>(F64, new Identity<>("id", Shape.flat(2)), NumberFormat.FP32);
        DMatrixRMaj y = d.forward(new DMatrixRMaj(1, 2, true, 0.1, 0.2), true);
        assertEquals((double) 0.1f, y.get(0, 0));
        assertEquals(4 * 2 + 4 * 2, d.bytesPerSample());
    }
}
