package org.ffebm.core.tensor;

import static org.ffebm.core.tensor.ConvOpsTest.assertMessage;
import static org.ffebm.core.tensor.ConvOpsTest.matrix;
import static org.ffebm.core.tensor.ConvOpsTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.data.ReshapeMatrix;
import org.junit.jupiter.api.Test;

/**
 * The element-wise ReLU and the per-channel primitives of {@link TensorOps} (the statistics and the affine maps of
 * batch normalisation) in both precisions against direct loops in double, with their row and channel ranges.
 */
class ChannelOpsTest {

    private static final F32Ops F32 = F32Ops.reference();
    private static final F64Ops F64 = F64Ops.reference();
    /** Both compute in double; float32 rounds the result once. */
    private static final double TOL_F64 = 1e-13;
    private static final double TOL_F32 = 1e-6;
    private static final int ROWS = 4, CHANNELS = 3, SPATIAL = 5, COLS = CHANNELS * SPATIAL;

    /** Two random batches of feature maps u, v (ROWS × CHANNELS·SPATIAL) and their values as stored. */
    private record Maps<M extends ReshapeMatrix>(M u, M v, double[] ud, double[] vd) {

        static <M extends ReshapeMatrix> Maps<M> of(TensorOps<M> ops, SplittableRandom rng) {
            M u = matrix(ops, ROWS, COLS, random(ROWS * COLS, rng));
            M v = matrix(ops, ROWS, COLS, random(ROWS * COLS, rng));
            return new Maps<>(u, v, ops.toDoubleArray(u), ops.toDoubleArray(v));
        }
    }

    @FunctionalInterface
    private interface Check {
        <M extends ReshapeMatrix> void run(TensorOps<M> ops, Maps<M> maps, SplittableRandom rng);
    }

    /** Runs c in float32 and in float64, each on random maps from a generator seeded with {@code seed}. */
    private static void inBothPrecisions(long seed, Check c) {
        inPrecision(F32, seed, c);
        inPrecision(F64, seed, c);
    }

    private static <M extends ReshapeMatrix> void inPrecision(TensorOps<M> ops, long seed, Check c) {
        SplittableRandom rng = new SplittableRandom(seed);
        c.run(ops, Maps.of(ops, rng), rng);
    }

    private static double tol(TensorOps<?> ops) {
        return ops.precision().equals("float32") ? TOL_F32 : TOL_F64;
    }

    private static void assertClose(double expected, double actual, double tol, String what) {
        assertTrue(Math.abs(expected - actual) <= tol * Math.max(1, Math.abs(expected)),
                () -> what + ": expected " + expected + " but was " + actual);
    }

    // ------------------------------------------------------------------------------------------ relu

    @Test
    void reluAndItsBackwardFollowTheirDefinitionOnRowsOfTheRange() {
        relu(F32);
        relu(F64);
    }

    private static <M extends ReshapeMatrix> void relu(TensorOps<M> ops) {
        double[] v = {-1.5, -0.0, 0.0, 2.5, Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1e-30,
                      -1e-30, 3};
        M in = matrix(ops, 5, 2, v);
        M gradOut = matrix(ops, 5, 2, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        M out = matrix(ops, 5, 2, new double[10]);
        ops.fill(out, 7);
        ops.relu(in, out, 1, 4);
        double[] x = ops.toDoubleArray(in), y = ops.toDoubleArray(out);
        for (int i = 0; i < 10; i++) {
            int row = i / 2;
            double want = row < 1 || row >= 4 ? 7 : (Double.isNaN(x[i]) ? Double.NaN : (x[i] <= 0 ? 0 : x[i]));
            assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(y[i]), ops.precision() + " relu " + i);
        }
        M gradIn = ops.zeros(5, 2);
        ops.fill(gradIn, 7);
        ops.reluBackward(in, gradOut, gradIn, 0, 5);
        double[] g = ops.toDoubleArray(gradOut), gi = ops.toDoubleArray(gradIn);
        for (int i = 0; i < 10; i++) {
            assertEquals(x[i] > 0 ? g[i] : 0, gi[i], 0, ops.precision() + " reluBackward " + i);
        }
        // in place
        ops.relu(in, in, 0, 5);
        assertEquals(0, ops.get(in, 0, 0));
        assertEquals(2.5, ops.get(in, 1, 1));
        assertThrows(ShapeMismatchException.class, () -> ops.relu(in, ops.zeros(5, 3), 0, 5));
        assertThrows(IllegalArgumentException.class, () -> ops.relu(in, out, 0, 6));
    }

    // ------------------------------------------------------------------------------------------ channel sums

    @Test
    void channelSumsMatchDirectSumsAndEveryChannelSplitGivesTheSameBits() {
        inBothPrecisions(41, ChannelOpsTest::channelSums);
    }

    private static <M extends ReshapeMatrix> void channelSums(TensorOps<M> ops, Maps<M> m, SplittableRandom rng) {
        M u = m.u();
        double[] uShift = random(CHANNELS, rng), vShift = random(CHANNELS, rng), ud = m.ud(), vd = m.vd();
        double[] sumU = new double[CHANNELS], sumUV = new double[CHANNELS];
        ops.channelSums(u, uShift, m.v(), vShift, SPATIAL, sumU, sumUV, 0, CHANNELS);
        for (int c = 0; c < CHANNELS; c++) {
            double su = 0, suv = 0;
            for (int r = 0; r < ROWS; r++) {
                for (int q = 0; q < SPATIAL; q++) {
                    int i = r * COLS + c * SPATIAL + q;
                    su += ud[i] - uShift[c];
                    suv += (ud[i] - uShift[c]) * (vd[i] - vShift[c]);
                }
            }
            // the same sums in the same order: exact
            assertEquals(su, sumU[c], 0, ops.precision() + " sumU " + c);
            assertEquals(suv, sumUV[c], 0, ops.precision() + " sumUV " + c);
        }
        // channel by channel, without shifts and without v (sumUV untouched)
        double[] parts = new double[CHANNELS], untouched = {7, 7, 7};
        for (int c = CHANNELS - 1; c >= 0; c--) {
            ops.channelSums(u, null, null, null, SPATIAL, parts, untouched, c, c + 1);
        }
        double[] whole = new double[CHANNELS];
        ops.channelSums(u, new double[CHANNELS], null, null, SPATIAL, whole, null, 0, CHANNELS);
        assertArrayEquals(whole, parts, 0);
        assertArrayEquals(new double[] {7, 7, 7}, untouched, 0);
        // dense features: one position per channel
        double[] dense = new double[COLS];
        ops.channelSums(u, null, null, null, 1, dense, null, 0, COLS);
        assertEquals(ud[1] + ud[COLS + 1] + ud[2 * COLS + 1] + ud[3 * COLS + 1], dense[1], 1e-15);
    }

    // ------------------------------------------------------------------------------------------ channel affine

    @Test
    void channelAffineMatchesItsDefinitionDropsNullTermsAndTouchesOnlyItsRows() {
        inBothPrecisions(42, ChannelOpsTest::channelAffine);
    }

    private static <M extends ReshapeMatrix> void channelAffine(TensorOps<M> ops, Maps<M> m, SplittableRandom rng) {
        M u = m.u(), v = m.v();
        double[] a = random(CHANNELS, rng), b = random(CHANNELS, rng), d = random(CHANNELS, rng);
        double[] vShift = random(CHANNELS, rng), ud = m.ud(), vd = m.vd();
        for (int terms = 0; terms < 4; terms++) {
            boolean withU = (terms & 1) != 0, withV = (terms & 2) != 0;
            M out = ops.zeros(ROWS, COLS);
            ops.fill(out, 7);
            ops.channelAffine(withU ? a : null, withU ? u : null, withV ? b : null, withV ? v : null, vShift, d,
                    SPATIAL, out, 1, 3);
            double[] od = ops.toDoubleArray(out);
            for (int i = 0; i < od.length; i++) {
                int r = i / COLS, c = (i % COLS) / SPATIAL;
                double want = r < 1 || r >= 3 ? 7 : d[c] + (withU ? a[c] * ud[i] : 0)
                        + (withV ? b[c] * (vd[i] - vShift[c]) : 0);
                assertClose(want, od[i], tol(ops), ops.precision() + " terms " + terms + " entry " + i);
            }
        }
        // in place on u, and a null shift
        M w = ops.zeros(ROWS, COLS);
        ops.copy(u, w);
        ops.channelAffine(a, w, b, v, null, d, SPATIAL, w, 0, ROWS);
        assertClose(a[2] * ud[COLS + 12] + b[2] * vd[COLS + 12] + d[2], ops.get(w, 1, 12), tol(ops),
                ops.precision() + " in place");
    }

    // ------------------------------------------------------------------------------------------ checks

    @Test
    void perChannelPrimitivesRejectMismatchedShapesAndRanges() {
        FMatrixRMaj u = new FMatrixRMaj(2, 6);
        double[] three = new double[3];
        assertThrows(ShapeMismatchException.class,
                () -> F32.channelSums(u, null, null, null, 4, new double[2], null, 0, 1));
        assertThrows(ShapeMismatchException.class,
                () -> F32.channelSums(u, null, new FMatrixRMaj(3, 6), null, 2, three, three, 0, 3));
        assertMessage(() -> F32.channelSums(u, null, null, null, 2, three, null, 1, 4), "channel range [1, 4)");
        assertMessage(() -> F32.channelSums(u, new double[2], null, null, 2, three, null, 0, 3), "uShift has 2");
        assertThrows(NullPointerException.class, () -> F32.channelSums(u, null, u, null, 2, three, null, 0, 3));
        assertMessage(() -> F32.channelSums(u, null, null, null, 0, three, null, 0, 3), "spatial must be >= 1");
        DMatrixRMaj x = new DMatrixRMaj(2, 6);
        assertThrows(ShapeMismatchException.class,
                () -> F64.channelAffine(three, new DMatrixRMaj(2, 5), null, null, null, three, 2, x, 0, 2));
        assertMessage(() -> F64.channelAffine(null, null, null, null, null, three, 2, x, 0, 3), "row range");
        assertMessage(() -> F64.channelAffine(new double[1], x, null, null, null, three, 2, x, 0, 2), "a has 1");
        assertThrows(NullPointerException.class,
                () -> F64.channelAffine(null, null, null, x, null, three, 2, x, 0, 2));
    }
}
