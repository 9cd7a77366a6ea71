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
import org.ffebm.core.tensor.ConvGeometry;
import org.ffebm.core.tensor.ShapeMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Conv2d and ConvKernel against direct loops, finite differences and the adjoint identity. */
class Conv2dTest {

    /** A geometry and the number of filters. */
    record Case(ConvGeometry g, int filters) {

        int outSize() {
            return filters * g.outPixels();
        }

        @Override
        public String toString() {
            return g + " -> " + filters;
        }
    }

    /**
     * Stride 1, 2 and 3, padding 0 and 1, non-square inputs, even and odd kernels, windows that do not tile the padded
     * input (floor), 1 to 3 channels, 1×1 kernels and outputs, an exact geometry.
     */
    static Stream<Case> geometries() {
        return Stream.of(
                new Case(new ConvGeometry(1, 5, 5, 3, 1, 0), 2),
                new Case(ConvGeometry.floor(2, 6, 5, 3, 2, 1), 3),
                new Case(ConvGeometry.floor(3, 4, 7, 2, 1, 1), 2),
                new Case(ConvGeometry.floor(2, 7, 6, 3, 2, 0), 4),
                new Case(ConvGeometry.floor(1, 3, 4, 1, 2, 0), 2),
                new Case(ConvGeometry.floor(2, 5, 4, 4, 2, 0), 3),
                new Case(ConvGeometry.floor(1, 2, 2, 3, 1, 1), 2),
                new Case(ConvGeometry.floor(2, 5, 5, 2, 3, 1), 1));
    }

    private static Conv2d<DMatrixRMaj> conv64(Case c, long seed) {
        Conv2d<DMatrixRMaj> conv = new Conv2d<>(F64, "conv", c.g(), c.filters(), true, 1.0, new SplittableRandom(seed));
        SplittableRandom r = new SplittableRandom(seed + 1);
        for (int i = 0; i < c.filters(); i++) {
            conv.bias().value().data[i] = 2 * r.nextDouble() - 1;        // a non-zero bias, to see it added
        }
        return conv;
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void forwardMatchesDirectConvolutionInBothPrecisions(Case c) {
        ConvGeometry g = c.g();
        SplittableRandom rng = new SplittableRandom(11);
        Conv2d<DMatrixRMaj> c64 = conv64(c, 3);
        assertEquals(new Shape(c.filters(), g.outHeight(), g.outWidth()), c64.outputShape());
        DMatrixRMaj x = Oracles.uniform(3, g.inputSize(), rng);
        DMatrixRMaj want = Oracles.naiveConv(g, x, c64.weight().value(), c64.bias().value());
        Oracles.assertClose(want, c64.forward(x, true), 1e-13, "float64 " + c);

        // float32: the same weights rounded; the oracle runs in double on the rounded values
        Conv2d<FMatrixRMaj> c32 = new Conv2d<>(F32, "conv", g, c.filters(), true, 1.0, new SplittableRandom(3));
        c32.bias().value().setTo(Oracles.toFloat(c64.bias().value()));
        FMatrixRMaj x32 = Oracles.toFloat(x);
        DMatrixRMaj want32 = Oracles.naiveConv(g, Oracles.toDouble(x32), Oracles.toDouble(c32.weight().value()),
                Oracles.toDouble(c32.bias().value()));
        Oracles.assertClose(want32, Oracles.toDouble(c32.forward(x32, true)), 1e-5, "float32 " + c);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void vjpMatchesFiniteDifferences(Case c) {
        SplittableRandom rng = new SplittableRandom(12);
        Conv2d<DMatrixRMaj> conv = conv64(c, 5);
        Oracles.assertVjp(conv, Oracles.uniform(2, c.g().inputSize(), rng), true, rng);
        // without bias, and with a batch of 3
        Conv2d<DMatrixRMaj> nb = new Conv2d<>(F64, "conv-nb", c.g(), c.filters(), false, 1.0, new SplittableRandom(6));
        assertNull(nb.bias());
        assertEquals(1, nb.params().size());
        Oracles.assertVjp(nb, Oracles.uniform(3, c.g().inputSize(), rng), true, rng);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void transposedConvolutionIsTheAdjoint(Case c) {
        ConvGeometry g = c.g();
        SplittableRandom rng = new SplittableRandom(13);
        DMatrixRMaj x = Oracles.uniform(3, g.inputSize(), rng);
        DMatrixRMaj y = Oracles.uniform(3, c.outSize(), rng);
        DMatrixRMaj w = Oracles.uniform(c.filters(), g.patchSize(), rng);
        DMatrixRMaj cx = ConvKernel.conv(F64, g, x, w, null);
        DMatrixRMaj ty = ConvKernel.convTranspose(F64, g, y, w);
        double lhs = Oracles.dot(cx, y), rhs = Oracles.dot(x, ty);
        assertEquals(lhs, rhs, 1e-14 * Oracles.absDot(cx, y), c.toString());
        Oracles.assertClose(Oracles.naiveConv(g, x, w, null), cx, 1e-13, "static conv " + c);
    }

    @Test
    void kernelInstanceReusesItsWorkspacesAcrossBatchSizesAndRecomputesPatches() {
        ConvGeometry g = new ConvGeometry(2, 5, 4, 3, 1, 1);
        SplittableRandom rng = new SplittableRandom(14);
        ConvKernel<DMatrixRMaj> k = new ConvKernel<>(F64, "k", g, 3);
        DMatrixRMaj w = Oracles.uniform(3, g.patchSize(), rng);
        DMatrixRMaj out = new DMatrixRMaj(1, 1);
        for (int batch : new int[] {4, 1, 3}) {
            DMatrixRMaj x = Oracles.uniform(batch, g.inputSize(), rng);
            assertSame(out, k.forward(x, w, null, out));
            Oracles.assertClose(Oracles.naiveConv(g, x, w, null), out, 1e-13, "batch " + batch);
            // the weight gradient from fresh patches equals Σ_b G₂ᵀ·P computed through conv's linearity:
            // ⟨∇W, V⟩ = ⟨G, conv_V(x)⟩ for any V
            DMatrixRMaj gy = Oracles.uniform(batch, 3 * g.outPixels(), rng);
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
        Case g = new Case(new ConvGeometry(2, 4, 4, 3, 1, 1), 3);
        SplittableRandom rng = new SplittableRandom(15);
        Conv2d<DMatrixRMaj> c = conv64(g, 8);
        DMatrixRMaj x = Oracles.uniform(2, g.g().inputSize(), rng);
        DMatrixRMaj gy = Oracles.uniform(2, g.outSize(), rng);
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
        Conv2d<FMatrixRMaj> c = new Conv2d<>(F32, "c1", new Shape(3, 8, 6), 5, 3, 2, 1, 1.0, new SplittableRandom(1));
        // h' = ⌊(8 + 2 − 3)/2⌋ + 1 = 4, w' = ⌊(6 + 2 − 3)/2⌋ + 1 = 3
        assertEquals(new Shape(5, 4, 3), c.outputShape());
        assertEquals(ConvGeometry.floor(3, 8, 6, 3, 2, 1), c.geometry());
        assertEquals(5, c.outChannels());
        assertEquals(5L * 12 * 3 * 3 * 3, c.macsPerSample());
        assertEquals(4L * (3 * 8 * 6 + 5 * 12), c.bytesPerSample());
        assertEquals(List.of("c1.W", "c1.b"), c.params().stream().map(p -> p.name()).toList());
        assertEquals(5, c.weight().value().numRows);
        assertEquals(27, c.weight().value().numCols);
    }

    @Test
    void initialisationIsUniformWithinTheFanInBound() {
        ConvGeometry g = new ConvGeometry(4, 6, 6, 3, 1, 1);
        Conv2d<DMatrixRMaj> a = new Conv2d<>(F64, "a", g, 16, true, 2.0, new SplittableRandom(9));
        Conv2d<DMatrixRMaj> b = new Conv2d<>(F64, "b", g, 16, true, 2.0, new SplittableRandom(9));
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
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 2, 4, 1, 0, 1.0, r), "cv", "kernel 4", "height 3");
        assertMessage(() -> new Conv2d<>(F64, "cv", new Shape(2, 8, 4), 2, 7, 1, 1, 1.0, r), "cv", "kernel 7",
                "width 4 padded by 1");
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 2, 3, 0, 0, 1.0, r), "cv", "stride", "was 0");
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 2, 3, 1, -1, 1.0, r), "cv", "padding", "was -1");
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 2, 3, 1, 3, 1.0, r), "cv", "padding", "[0, 3)", "was 3");
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 0, 3, 1, 0, 1.0, r), "cv", "outChannels", "was 0");
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 2, 0, 1, 0, 1.0, r), "cv", "kernel", "was 0");
        assertMessage(() -> new Conv2d<>(F64, "cv", in, 2, 3, 1, 0, Double.NaN, r), "cv", "initGain", "NaN");
        assertMessage(() -> new Conv2d<>(F64, "cv", new ConvGeometry(2, 3, 4, 3, 1, 0), 0, true, 1.0, r), "cv",
                "outChannels", "was 0");
        // padding 1 makes a kernel of 5 fit a height of 3; a stride that does not tile the input rounds down
        assertEquals(new Shape(2, 1, 2), new Conv2d<>(F64, "cv", in, 2, 5, 1, 1, 1.0, r).outputShape());
        assertEquals(new Shape(2, 1, 2), new Conv2d<>(F64, "cv", in, 2, 2, 2, 0, 1.0, r).outputShape());
    }

    @Test
    void wrongBatchShapesAreRejectedNamingBlockAndBothShapes() {
        Conv2d<DMatrixRMaj> c = new Conv2d<>(F64, "conv7", new Shape(2, 3, 3), 4, 2, 1, 0, 1.0,
                new SplittableRandom(1));
        assertThrows(IllegalStateException.class, () -> c.backward(new DMatrixRMaj(2, 16), 1.0, true));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> c.forward(new DMatrixRMaj(2, 17), true));
        assertContains(e.getMessage(), "conv7", "2x17", "[2x3x3]", "18");
        c.forward(new DMatrixRMaj(2, 18), true);
        e = assertThrows(ShapeMismatchException.class, () -> c.backward(new DMatrixRMaj(3, 16), 1.0, true));
        assertContains(e.getMessage(), "conv7", "3x16", "[4x2x2]", "2x16");
        ConvKernel<DMatrixRMaj> k = new ConvKernel<>(F64, "kern", c.geometry(), c.outChannels());
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
