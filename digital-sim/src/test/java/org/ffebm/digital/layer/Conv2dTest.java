package org.ffebm.digital.layer;

import static org.ffebm.digital.layer.Oracles.F32;
import static org.ffebm.digital.layer.Oracles.F64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.ShapeMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Conv2d and ConvKernel against direct loops, finite differences and the adjoint identity. */
class Conv2dTest {

    /** Stride 1 and 2, padding 0 and 1, non-square inputs and kernels, 1 to 3 channels, 1×1 kernels and outputs. */
    static Stream<ConvGeometry> geometries() {
        return Stream.of(
                new ConvGeometry(new Shape(1, 5, 5), 2, 3, 3, 1, 0),
                new ConvGeometry(new Shape(2, 6, 5), 3, 3, 2, 2, 1),
                new ConvGeometry(new Shape(3, 4, 7), 2, 2, 3, 1, 1),
                new ConvGeometry(new Shape(2, 7, 6), 4, 3, 3, 2, 0),
                new ConvGeometry(new Shape(1, 3, 4), 2, 1, 1, 2, 0),
                new ConvGeometry(new Shape(2, 5, 4), 3, 5, 4, 1, 0),
                new ConvGeometry(new Shape(1, 2, 2), 2, 3, 3, 1, 1),
                new ConvGeometry(new Shape(2, 5, 5), 1, 2, 2, 3, 1));
    }

    private static Conv2d<DMatrixRMaj> conv64(ConvGeometry g, long seed) {
        Conv2d<DMatrixRMaj> c = new Conv2d<>(F64, "conv", g, true, 1.0, new SplittableRandom(seed));
        SplittableRandom r = new SplittableRandom(seed + 1);
        for (int i = 0; i < g.outChannels(); i++) {
            c.bias().value().data[i] = 2 * r.nextDouble() - 1;           // a non-zero bias, to see it added
        }
        return c;
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void forwardMatchesDirectConvolutionInBothPrecisions(ConvGeometry g) {
        SplittableRandom rng = new SplittableRandom(11);
        Conv2d<DMatrixRMaj> c64 = conv64(g, 3);
        DMatrixRMaj x = Oracles.uniform(3, g.input().size(), rng);
        DMatrixRMaj want = Oracles.naiveConv(g, x, c64.weight().value(), c64.bias().value());
        Oracles.assertClose(want, c64.forward(x, true), 1e-13, "float64 " + g);

        // float32: the same weights rounded; the oracle runs in double on the rounded values
        Conv2d<FMatrixRMaj> c32 = new Conv2d<>(F32, "conv", g, true, 1.0, new SplittableRandom(3));
        c32.bias().value().setTo(Oracles.toFloat(c64.bias().value()));
        FMatrixRMaj x32 = Oracles.toFloat(x);
        DMatrixRMaj want32 = Oracles.naiveConv(g, Oracles.toDouble(x32), Oracles.toDouble(c32.weight().value()),
                Oracles.toDouble(c32.bias().value()));
        Oracles.assertClose(want32, Oracles.toDouble(c32.forward(x32, true)), 1e-5, "float32 " + g);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void vjpMatchesFiniteDifferences(ConvGeometry g) {
        SplittableRandom rng = new SplittableRandom(12);
        Conv2d<DMatrixRMaj> c = conv64(g, 5);
        Oracles.assertVjp(c, Oracles.uniform(2, g.input().size(), rng), true, rng);
        // without bias, and with a batch of 3
        Conv2d<DMatrixRMaj> nb = new Conv2d<>(F64, "conv-nb", g, false, 1.0, new SplittableRandom(6));
        assertNull(nb.bias());
        assertEquals(1, nb.params().size());
        Oracles.assertVjp(nb, Oracles.uniform(3, g.input().size(), rng), true, rng);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void transposedConvolutionIsTheAdjoint(ConvGeometry g) {
        SplittableRandom rng = new SplittableRandom(13);
        DMatrixRMaj x = Oracles.uniform(3, g.input().size(), rng);
        DMatrixRMaj y = Oracles.uniform(3, g.outputShape().size(), rng);
        DMatrixRMaj w = Oracles.uniform(g.outChannels(), g.patchSize(), rng);
        DMatrixRMaj cx = ConvKernel.conv(F64, g, x, w, null);
        DMatrixRMaj ty = ConvKernel.convTranspose(F64, g, y, w);
        double lhs = Oracles.dot(cx, y), rhs = Oracles.dot(x, ty);
        assertEquals(lhs, rhs, 1e-14 * Oracles.absDot(cx, y), g.toString());
        Oracles.assertClose(Oracles.naiveConv(g, x, w, null), cx, 1e-13, "static conv " + g);
    }

    @Test
    void kernelInstanceReusesItsWorkspacesAcrossBatchSizesAndRecomputesPatches() {
        ConvGeometry g = new ConvGeometry(new Shape(2, 5, 4), 3, 3, 3, 1, 1);
        SplittableRandom rng = new SplittableRandom(14);
        ConvKernel<DMatrixRMaj> k = new ConvKernel<>(F64, "k", g);
        DMatrixRMaj w = Oracles.uniform(3, g.patchSize(), rng);
        DMatrixRMaj out = new DMatrixRMaj(1, 1);
        for (int batch : new int[] {4, 1, 3}) {
            DMatrixRMaj x = Oracles.uniform(batch, g.input().size(), rng);
            assertSame(out, k.forward(x, w, null, out));
            Oracles.assertClose(Oracles.naiveConv(g, x, w, null), out, 1e-13, "batch " + batch);
            // the weight gradient from fresh patches equals Σ_b G₂ᵀ·P computed through conv's linearity:
            // ⟨∇W, V⟩ = ⟨G, conv_V(x)⟩ for any V
            DMatrixRMaj gy = Oracles.uniform(batch, g.outputShape().size(), rng);
            DMatrixRMaj gw = new DMatrixRMaj(3, g.patchSize());
            k.transpose(gy, w, null);                                   // clobbers the cached patches
            k.accumulateGrads(x, gy, 1.0, gw, null);
            DMatrixRMaj v = Oracles.uniform(3, g.patchSize(), rng);
            double lhs = Oracles.dot(gw, v), rhs = Oracles.dot(gy, Oracles.naiveConv(g, x, v, null));
            assertEquals(rhs, lhs, 1e-12 * Math.max(1, Math.abs(rhs)));
        }
    }

    @Test
    void backwardTwiceGivesTheSameInputGradientAndTwiceTheParamGradient() {
        ConvGeometry g = new ConvGeometry(new Shape(2, 4, 4), 3, 3, 3, 1, 1);
        SplittableRandom rng = new SplittableRandom(15);
        Conv2d<DMatrixRMaj> c = conv64(g, 8);
        DMatrixRMaj x = Oracles.uniform(2, g.input().size(), rng);
        DMatrixRMaj gy = Oracles.uniform(2, g.outputShape().size(), rng);
        c.forward(x, true);
        DMatrixRMaj first = c.backward(gy, 1.0, true).copy();
        DMatrixRMaj gw1 = c.weight().grad().copy();
        DMatrixRMaj second = c.backward(gy, 1.0, true);
        Oracles.assertClose(first, second, 0, "input gradient");
        for (int i = 0; i < gw1.data.length; i++) {
            assertEquals(2 * gw1.data[i], c.weight().grad().data[i], 1e-12);
        }
        assertNull(c.backward(gy, 1.0, false));
    }

    @Test
    void countsAndShapes() {
        Conv2d<FMatrixRMaj> c = new Conv2d<>(F32, "c1", new Shape(3, 8, 6), 5, 3, 2, 2, 1, 1.0, new SplittableRandom(1));
        // h' = (8 + 2 − 3)/2 + 1 = 4, w' = (6 + 2 − 2)/2 + 1 = 4
        assertEquals(new Shape(5, 4, 4), c.outputShape());
        assertEquals(5L * 16 * 3 * 3 * 2, c.macsPerSample());
        assertEquals(4L * (3 * 8 * 6 + 5 * 16), c.bytesPerSample());
        assertEquals(List.of("c1.W", "c1.b"), c.params().stream().map(p -> p.name()).toList());
        assertEquals(5, c.weight().value().numRows);
        assertEquals(18, c.weight().value().numCols);
    }

    @Test
    void initialisationIsUniformWithinTheFanInBound() {
        ConvGeometry g = new ConvGeometry(new Shape(4, 6, 6), 16, 3, 3, 1, 1);
        Conv2d<DMatrixRMaj> a = new Conv2d<>(F64, "a", g, true, 2.0, new SplittableRandom(9));
        Conv2d<DMatrixRMaj> b = new Conv2d<>(F64, "b", g, true, 2.0, new SplittableRandom(9));
        double bound = 2.0 / Math.sqrt(36), max = 0;
        for (int i = 0; i < a.weight().value().data.length; i++) {
            max = Math.max(max, Math.abs(a.weight().value().data[i]));
            assertEquals(a.weight().value().data[i], b.weight().value().data[i], 0, "same seed, same weights");
        }
        assertTrue(max <= bound && max > 0.9 * bound, "max |w| = " + max + ", bound " + bound);
        for (double v : a.bias().value().data) {
            assertEquals(0.0, v);
        }
    }

    @Test
    void impossibleGeometriesAreRejectedNamingBlockParameterAndValue() {
        Shape in = new Shape(2, 3, 4);
        SplittableRandom r = new SplittableRandom(1);
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 2, 4, 3, 1, 0, 1.0, r), "cv", "kernelH 4", "height 3");
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 2, 3, 7, 1, 1, 1.0, r), "cv", "kernelW 7", "width 6");
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 2, 3, 3, 0, 0, 1.0, r), "cv", "stride", "was 0");
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 2, 3, 3, 1, -1, 1.0, r), "cv", "padding", "was -1");
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 0, 3, 3, 1, 0, 1.0, r), "cv", "outChannels", "was 0");
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 2, 0, 3, 1, 0, 1.0, r), "cv", "kernelH", "was 0");
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 2, 3, 3, 1, 0, Double.NaN, r), "cv", "initGain", "NaN");
        assertMessage(() -> new ConvGeometry(in, 1, 5, 1, 1, 0), "ConvGeometry", "kernelH 5");
        // padding 1 makes a kernel of 5 fit a height of 3
        assertEquals(new Shape(2, 1, 2), new ConvGeometry(in, 2, 5, 5, 1, 1).outputShape());
    }

    @Test
    void wrongBatchShapesAreRejectedNamingBlockAndBothShapes() {
        Conv2d<DMatrixRMaj> c = new Conv2d<>(F64, "conv7", new Shape(2, 3, 3), 4, 2, 2, 1, 0, 1.0,
                new SplittableRandom(1));
        assertThrows(IllegalStateException.class, () -> c.backward(new DMatrixRMaj(2, 16), 1.0, true));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> c.forward(new DMatrixRMaj(2, 17), true));
        assertContains(e.getMessage(), "conv7", "2x17", "[2x3x3]", "18");
        c.forward(new DMatrixRMaj(2, 18), true);
        e = assertThrows(ShapeMismatchException.class, () -> c.backward(new DMatrixRMaj(3, 16), 1.0, true));
        assertContains(e.getMessage(), "conv7", "3x16", "[4x2x2]", "2x16");
        ConvKernel<DMatrixRMaj> k = new ConvKernel<>(F64, "kern", c.geometry());
        DMatrixRMaj x = new DMatrixRMaj(2, 18);
        e = assertThrows(ShapeMismatchException.class, () -> k.forward(x, new DMatrixRMaj(4, 7), null, null));
        assertContains(e.getMessage(), "kern", "filters", "4x7", "4x8");
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                () -> k.forward(x, new DMatrixRMaj(4, 8), null, x));
        assertContains(a.getMessage(), "kern", "output");
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable make, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make);
        assertContains(e.getMessage(), parts);
    }

    static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + message + "' should contain '" + p + "'");
        }
    }
}
