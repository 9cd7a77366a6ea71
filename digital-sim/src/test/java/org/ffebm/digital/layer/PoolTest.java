package org.ffebm.digital.layer;

import static org.ffebm.digital.layer.Conv2dTest.assertContains;
import static org.ffebm.digital.layer.Conv2dTest.assertMessage;
import static org.ffebm.digital.layer.Oracles.F32;
import static org.ffebm.digital.layer.Oracles.F64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Max and average pooling against direct loops and finite differences. */
class PoolTest {

    /**
     * {c, h, w, kernel, stride}: non-overlapping, overlapping (stride 1), non-square inputs, windows not tiling the
     * input (the output size rounded down) with stride equal to and below the kernel.
     */
    static Stream<int[]> geometries() {
        return Stream.of(
                new int[] {1, 4, 4, 2, 2},
                new int[] {2, 5, 6, 3, 1},
                new int[] {3, 7, 5, 3, 2},
                new int[] {2, 3, 5, 2, 2},
                new int[] {2, 5, 7, 3, 3},
                new int[] {1, 4, 3, 3, 1});
    }

    private static Pool2d<DMatrixRMaj> pool(boolean max, int[] p) {
        Shape in = new Shape(p[0], p[1], p[2]);
        return max ? new MaxPool2d<>(F64, "mp", in, p[3], p[4]) : new AvgPool2d<>(F64, "ap", in, p[3], p[4]);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void forwardMatchesDirectLoops(int[] p) {
        SplittableRandom rng = new SplittableRandom(21);
        for (boolean max : new boolean[] {true, false}) {
            Pool2d<DMatrixRMaj> f = pool(max, p);
            DMatrixRMaj x = Oracles.distinct(3, f.inputShape().size(), rng);
            DMatrixRMaj want = Oracles.naivePool(f.geometry(), x, max);
            Oracles.assertClose(want, f.forward(x, true), 1e-15, f.name());
            Pool2d<FMatrixRMaj> f32 = max ? new MaxPool2d<>(F32, "mp", f.inputShape(), p[3], p[4])
                    : new AvgPool2d<>(F32, "ap", f.inputShape(), p[3], p[4]);
            FMatrixRMaj x32 = Oracles.toFloat(x);
            Oracles.assertClose(Oracles.naivePool(f.geometry(), Oracles.toDouble(x32), max),
                    Oracles.toDouble(f32.forward(x32, false)), 1e-6, "float32 " + f.name());
        }
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void vjpMatchesFiniteDifferences(int[] p) {
        SplittableRandom rng = new SplittableRandom(22);
        for (boolean max : new boolean[] {true, false}) {
            Pool2d<DMatrixRMaj> f = pool(max, p);
            Oracles.assertVjp(f, Oracles.distinct(2, f.inputShape().size(), rng), true, rng);
            assertNull(f.backward(new DMatrixRMaj(2, f.outputShape().size()), 1.0, false));
        }
    }

    @Test
    void maxPoolRoutesTheGradientToTheFirstMaximumOnTies() {
        MaxPool2d<DMatrixRMaj> f = new MaxPool2d<>(F64, "mp", new Shape(1, 2, 4), 2);
        // windows {1, 3 | 3, 0} and {2, 2 | 2, 2}: first max in row-major window order
        DMatrixRMaj x = new DMatrixRMaj(1, 8, true, 1, 3, 2, 2, 3, 0, 2, 2);
        assertArrayEquals(new double[] {3, 2}, f.forward(x, true).data, 0);
        DMatrixRMaj g = f.backward(new DMatrixRMaj(1, 2, true, 10, 20), 1.0, true);
        assertArrayEquals(new double[] {0, 10, 20, 0, 0, 0, 0, 0}, g.data, 0);
    }

    @Test
    void overlappingAverageWindowsAddUp() {
        AvgPool2d<DMatrixRMaj> f = new AvgPool2d<>(F64, "ap", new Shape(1, 2, 3), 2, 1);
        assertArrayEquals(new double[] {3, 4}, f.forward(new DMatrixRMaj(1, 6, true, 1, 2, 3, 4, 5, 6), true).data, 0);
        DMatrixRMaj g = f.backward(new DMatrixRMaj(1, 2, true, 4, 8), 1.0, true);
        assertArrayEquals(new double[] {1, 3, 2, 1, 3, 2}, g.data, 0);
    }

    @Test
    void countsAndShapes() {
        MaxPool2d<FMatrixRMaj> m = new MaxPool2d<>(F32, "m", new Shape(3, 7, 6), 3, 2);
        // h' = (7 − 3)/2 + 1 = 3, w' = ⌊(6 − 3)/2⌋ + 1 = 2
        assertEquals(new Shape(3, 3, 2), m.outputShape());
        assertEquals(ConvGeometry.floor(3, 7, 6, 3, 2, 0), m.geometry());
        assertEquals(0, m.macsPerSample());
        assertEquals(4L * (3 * 42 + 18), m.bytesPerSample());
        AvgPool2d<FMatrixRMaj> a = new AvgPool2d<>(F32, "a", new Shape(3, 7, 6), 3, 2);
        assertEquals(18L * 9, a.macsPerSample());
        assertTrue(a.params().isEmpty() && m.params().isEmpty());
    }

    @Test
    void impossibleGeometriesAndWrongShapesAreRejected() {
        Shape in = new Shape(2, 3, 4);
        assertMessage(() -> new MaxPool2d<>(F64, "pool1", in, 4, 1), "pool1", "kernel 4", "height 3");
        assertMessage(() -> new AvgPool2d<>(F64, "pool2", new Shape(2, 5, 4), 5, 1), "pool2", "kernel 5", "width 4");
        assertMessage(() -> new AvgPool2d<>(F64, "pool3", in, 2, 0), "pool3", "stride", "was 0");
        assertMessage(() -> new MaxPool2d<>(F64, "pool4", in, 0), "pool4", "kernel", "was 0");
        MaxPool2d<DMatrixRMaj> p = new MaxPool2d<>(F64, "pool5", in, 2);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> p.forward(new DMatrixRMaj(3, 25), true));
        assertContains(e.getMessage(), "pool5", "3x25", "[2x3x4]", "24");
    }
}
