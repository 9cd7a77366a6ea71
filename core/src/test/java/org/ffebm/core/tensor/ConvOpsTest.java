package org.ffebm.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.data.ReshapeMatrix;
import org.junit.jupiter.api.Test;

/**
 * The convolution and pooling primitives of {@link TensorOps} in both precisions against direct loops written from
 * their definitions, on awkward sizes (odd, non-square, stride 2, kernels 1 and 5, overlapping pools, floor geometries
 * whose windows do not tile the map), with adjointness checks and row ranges.
 */
class ConvOpsTest {

    private static final double TOL_F64 = 1e-12;
    private static final double TOL_F32 = 2e-5;
    private static final F32Ops F32 = F32Ops.reference();
    private static final F64Ops F64 = F64Ops.reference();
    private static final int BATCH = 4;

    /** Convolution geometries: odd and non-square maps, stride 2 with and without padding, kernels 1, 3 and 5. */
    private static final List<ConvGeometry> CONVS = List.of(
            new ConvGeometry(3, 5, 7, 3, 1, 1),
            new ConvGeometry(2, 6, 4, 5, 1, 2),
            new ConvGeometry(2, 9, 8, 5, 1, 2),
            new ConvGeometry(1, 7, 5, 3, 2, 0),
            new ConvGeometry(4, 3, 3, 1, 1, 0),
            new ConvGeometry(2, 5, 5, 3, 2, 1));

    /** Pooling geometries: 2×2/2, overlapping 3×3/2 and 2×2/1, a 1×1 map. */
    private static final List<ConvGeometry> POOLS = List.of(
            ConvGeometry.pool(3, 6, 4, 2),
            new ConvGeometry(2, 7, 5, 3, 2, 0),
            new ConvGeometry(1, 4, 6, 2, 1, 0),
            ConvGeometry.pool(2, 1, 1, 1));

    /**
     * Floor geometries, whose windows do not tile the padded map: stride 2 with padding and without, stride 3 above
     * the kernel, a 1×1 output. The naive loops below hold for them as they are.
     */
    private static final List<ConvGeometry> FLOOR_CONVS = List.of(
            ConvGeometry.floor(2, 6, 5, 3, 2, 1),
            ConvGeometry.floor(1, 7, 6, 3, 2, 0),
            ConvGeometry.floor(2, 5, 5, 2, 3, 1),
            ConvGeometry.floor(3, 5, 4, 4, 2, 0));

    /** Floor pooling geometries: 2×2/2 over odd sizes, overlapping 3×3/2, 3×3/3 leaving an edge. */
    private static final List<ConvGeometry> FLOOR_POOLS = List.of(
            ConvGeometry.floor(2, 5, 7, 2, 2, 0),
            ConvGeometry.floor(1, 7, 6, 3, 2, 0),
            ConvGeometry.floor(2, 5, 7, 3, 3, 0));

    static double[] random(int n, SplittableRandom rng) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextDouble(-1, 1);
        }
        return x;
    }

    static <M extends ReshapeMatrix> M matrix(TensorOps<M> ops, int rows, int cols, double[] values) {
        M m = ops.zeros(rows, cols);
        ops.setFrom(m, values);
        return m;
    }

    /** The values as the back end stores them (rounded to float for F32). */
    private static <M extends ReshapeMatrix> double[] values(TensorOps<M> ops, M m) {
        return ops.toDoubleArray(m);
    }

    private static double tol(TensorOps<?> ops) {
        return ops.precision().equals("float32") ? TOL_F32 : TOL_F64;
    }

    private static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= tol * scale)) {
                throw new AssertionError(what + ": entry " + i + " expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    // ------------------------------------------------------------------------------------------ naive references

    /** x at (b, c, ih, iw), 0 in the padding. */
    private static double pixel(double[] x, ConvGeometry g, int b, int c, int ih, int iw) {
        if (ih < 0 || ih >= g.height() || iw < 0 || iw >= g.width()) {
            return 0;
        }
        return x[b * g.inputSize() + (c * g.height() + ih) * g.width() + iw];
    }

    private static double[] naiveIm2col(double[] x, ConvGeometry g, int batch) {
        int k = g.kernel(), ho = g.outHeight(), wo = g.outWidth();
        double[] col = new double[batch * g.outPixels() * g.patchSize()];
        for (int b = 0; b < batch; b++) {
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    for (int c = 0; c < g.channels(); c++) {
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j < k; j++) {
                                int row = (b * ho + oh) * wo + ow;
                                col[row * g.patchSize() + (c * k + i) * k + j] = pixel(x, g, b, c,
                                        oh * g.stride() - g.padding() + i, ow * g.stride() - g.padding() + j);
                            }
                        }
                    }
                }
            }
        }
        return col;
    }

    /** y[b, co, oh, ow] = Σ K[co, c, i, j]·x[b, c, oh·s − p + i, ow·s − p + j]. */
    private static double[] naiveConv(double[] x, double[] kernel, int cOut, ConvGeometry g, int batch) {
        int k = g.kernel(), ho = g.outHeight(), wo = g.outWidth();
        double[] y = new double[batch * cOut * ho * wo];
        for (int b = 0; b < batch; b++) {
            for (int co = 0; co < cOut; co++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++) {
                        double s = 0;
                        for (int c = 0; c < g.channels(); c++) {
                            for (int i = 0; i < k; i++) {
                                for (int j = 0; j < k; j++) {
                                    s += kernel[co * g.patchSize() + (c * k + i) * k + j] * pixel(x, g, b, c,
                                            oh * g.stride() - g.padding() + i, ow * g.stride() - g.padding() + j);
                                }
                            }
                        }
                        y[b * cOut * ho * wo + (co * ho + oh) * wo + ow] = s;
                    }
                }
            }
        }
        return y;
    }

    // ------------------------------------------------------------------------------------------ convolution

    @Test
    void im2colMatchesItsDefinition() {
        check(F32, this::im2col);
        check(F64, this::im2col);
    }

    private <M extends ReshapeMatrix> void im2col(TensorOps<M> ops, ConvGeometry g, SplittableRandom rng) {
        M x = matrix(ops, BATCH, g.inputSize(), random(BATCH * g.inputSize(), rng));
        M col = ops.zeros(BATCH * g.outPixels(), g.patchSize());
        ops.im2col(x, g, col, 0, BATCH);
        // pure data movement: exact in both precisions
        assertArrayEquals(naiveIm2col(values(ops, x), g, BATCH), values(ops, col), 0.0, ops.precision() + " " + g);
    }

    @Test
    void col2imMatchesItsDefinitionAndIsTheAdjointOfIm2col() {
        check(F32, this::col2im);
        check(F64, this::col2im);
    }

    private <M extends ReshapeMatrix> void col2im(TensorOps<M> ops, ConvGeometry g, SplittableRandom rng) {
        int k = g.kernel(), ho = g.outHeight(), wo = g.outWidth();
        M y = matrix(ops, BATCH * g.outPixels(), g.patchSize(), random(BATCH * g.outPixels() * g.patchSize(), rng));
        double[] old = random(BATCH * g.inputSize(), rng);
        double[] yv = values(ops, y);
        for (double beta : new double[] {0, 1, 0.5}) {
            M x = matrix(ops, BATCH, g.inputSize(), old);
            double[] expected = values(ops, x);
            for (int i = 0; i < expected.length; i++) {
                expected[i] *= beta;
            }
            for (int b = 0; b < BATCH; b++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++) {
                        for (int c = 0; c < g.channels(); c++) {
                            for (int i = 0; i < k; i++) {
                                for (int j = 0; j < k; j++) {
                                    int ih = oh * g.stride() - g.padding() + i, iw = ow * g.stride() - g.padding() + j;
                                    if (ih >= 0 && ih < g.height() && iw >= 0 && iw < g.width()) {
                                        expected[b * g.inputSize() + (c * g.height() + ih) * g.width() + iw] +=
                                                yv[((b * ho + oh) * wo + ow) * g.patchSize() + (c * k + i) * k + j];
                                    }
                                }
                            }
                        }
                    }
                }
            }
            ops.col2im(y, g, beta, x, 0, BATCH);
            assertClose(expected, values(ops, x), tol(ops), ops.precision() + " " + g + " beta " + beta);
        }
        // ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩
        M x = matrix(ops, BATCH, g.inputSize(), random(BATCH * g.inputSize(), rng));
        M col = ops.zeros(BATCH * g.outPixels(), g.patchSize());
        M back = ops.zeros(BATCH, g.inputSize());
        ops.im2col(x, g, col, 0, BATCH);
        ops.col2im(y, g, 0, back, 0, BATCH);
        double lhs = dot(values(ops, col), yv), rhs = dot(values(ops, x), values(ops, back));
        assertEquals(lhs, rhs, tol(ops) * (1 + Math.abs(lhs)) * 10, ops.precision() + " " + g);
    }

    @Test
    void convolutionAsAProductMatchesTheDirectLoopAndTheTransposeIsItsAdjoint() {
        check(F32, this::convolution);
        check(F64, this::convolution);
    }

    private <M extends ReshapeMatrix> void convolution(TensorOps<M> ops, ConvGeometry g, SplittableRandom rng) {
        int cOut = 3, p = g.outPixels();
        M x = matrix(ops, BATCH, g.inputSize(), random(BATCH * g.inputSize(), rng));
        M kernel = matrix(ops, cOut, g.patchSize(), random(cOut * g.patchSize(), rng));
        M col = ops.zeros(BATCH * p, g.patchSize());
        M pix = ops.zeros(BATCH * p, cOut);
        M y = ops.zeros(BATCH, cOut * p);
        // conv(x) = pixelsToChannels(im2col(x)·Kᵀ)
        ops.im2col(x, g, col, 0, BATCH);
        ops.multTransB(col, kernel, 0, pix, 0, BATCH * p);
        ops.pixelsToChannels(pix, p, y, 0, BATCH);
        double[] expected = naiveConv(values(ops, x), values(ops, kernel), cOut, g, BATCH);
        assertClose(expected, values(ops, y), tol(ops) * g.patchSize(), ops.precision() + " conv " + g);
        // convT(z) = col2im(channelsToPixels(z)·K);  ⟨conv(x), z⟩ = ⟨x, convT(z)⟩
        M z = matrix(ops, BATCH, cOut * p, random(BATCH * cOut * p, rng));
        M zt = ops.zeros(BATCH, g.inputSize());
        ops.channelsToPixels(z, p, pix, 0, BATCH);
        ops.mult(pix, kernel, 0, col, 0, BATCH * p);
        ops.col2im(col, g, 0, zt, 0, BATCH);
        double lhs = dot(values(ops, y), values(ops, z)), rhs = dot(values(ops, x), values(ops, zt));
        assertEquals(lhs, rhs, tol(ops) * (1 + Math.abs(lhs)) * g.patchSize(), ops.precision() + " adjoint " + g);
    }

    @Test
    void pixelAndChannelLayoutsAreMutualInverses() {
        check(F32, this::layouts);
        check(F64, this::layouts);
    }

    private <M extends ReshapeMatrix> void layouts(TensorOps<M> ops, ConvGeometry g, SplittableRandom rng) {
        int p = g.inPixels(), c = g.channels();
        double[] v = random(BATCH * p * c, rng);
        M pixels = matrix(ops, BATCH * p, c, v);
        M channels = ops.zeros(BATCH, c * p);
        ops.pixelsToChannels(pixels, p, channels, 0, BATCH);
        double[] pv = values(ops, pixels), cv = values(ops, channels);
        for (int b = 0; b < BATCH; b++) {
            for (int q = 0; q < p; q++) {
                for (int ch = 0; ch < c; ch++) {
                    assertEquals(pv[(b * p + q) * c + ch], cv[b * c * p + ch * p + q], 0.0);
                }
            }
        }
        M again = ops.zeros(BATCH * p, c);
        ops.channelsToPixels(channels, p, again, 0, BATCH);
        assertArrayEquals(pv, values(ops, again), 0.0);
    }

    // ------------------------------------------------------------------------------------------ pooling

    @Test
    void maxPoolAndUnpoolMatchTheirDefinitionsAndAreAdjoint() {
        checkPools(F32, this::maxPool);
        checkPools(F64, this::maxPool);
    }

    private <M extends ReshapeMatrix> void maxPool(TensorOps<M> ops, ConvGeometry g, SplittableRandom rng) {
        int n = g.poolOutputSize(), k = g.kernel(), s = g.stride();
        M x = matrix(ops, BATCH, g.inputSize(), random(BATCH * g.inputSize(), rng));
        M out = ops.zeros(BATCH, n);
        int[] argmax = new int[BATCH * n + 3];
        ops.maxPool(x, g, out, argmax, 0, BATCH);
        double[] xv = values(ops, x), ov = values(ops, out);
        for (int b = 0; b < BATCH; b++) {
            for (int c = 0; c < g.channels(); c++) {
                for (int oh = 0; oh < g.outHeight(); oh++) {
                    for (int ow = 0; ow < g.outWidth(); ow++) {
                        double max = Double.NEGATIVE_INFINITY;
                        int best = -1;
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j < k; j++) {
                                int a = (c * g.height() + oh * s + i) * g.width() + ow * s + j;
                                if (xv[b * g.inputSize() + a] > max) {
                                    max = xv[b * g.inputSize() + a];
                                    best = a;
                                }
                            }
                        }
                        int o = (c * g.outHeight() + oh) * g.outWidth() + ow;
                        assertEquals(max, ov[b * n + o], 0.0, g + " max at " + o);
                        assertEquals(best, argmax[b * n + o], g + " argmax at " + o);
                    }
                }
            }
        }
        M y = matrix(ops, BATCH, n, random(BATCH * n, rng));
        M up = matrix(ops, BATCH, g.inputSize(), random(BATCH * g.inputSize(), rng));   // overwritten
        ops.maxUnpool(y, argmax, g, up, 0, BATCH);
        double[] yv = values(ops, y), expected = new double[BATCH * g.inputSize()];
        for (int b = 0; b < BATCH; b++) {
            for (int o = 0; o < n; o++) {
                expected[b * g.inputSize() + argmax[b * n + o]] += yv[b * n + o];
            }
        }
        assertClose(expected, values(ops, up), tol(ops), g + " unpool");
        double lhs = dot(ov, yv), rhs = dot(xv, values(ops, up));
        assertEquals(lhs, rhs, tol(ops) * (1 + Math.abs(lhs)) * 10, g + " adjoint");
    }

    @Test
    void avgPoolAndUnpoolMatchTheirDefinitionsAndAreAdjoint() {
        checkPools(F32, this::avgPool);
        checkPools(F64, this::avgPool);
    }

    private <M extends ReshapeMatrix> void avgPool(TensorOps<M> ops, ConvGeometry g, SplittableRandom rng) {
        int n = g.poolOutputSize(), k = g.kernel(), s = g.stride();
        M x = matrix(ops, BATCH, g.inputSize(), random(BATCH * g.inputSize(), rng));
        M out = ops.zeros(BATCH, n);
        ops.avgPool(x, g, out, 0, BATCH);
        M y = matrix(ops, BATCH, n, random(BATCH * n, rng));
        M up = ops.zeros(BATCH, g.inputSize());
        ops.avgUnpool(y, g, up, 0, BATCH);
        double[] xv = values(ops, x), yv = values(ops, y);
        double[] pooled = new double[BATCH * n], spread = new double[BATCH * g.inputSize()];
        for (int b = 0; b < BATCH; b++) {
            for (int c = 0; c < g.channels(); c++) {
                for (int oh = 0; oh < g.outHeight(); oh++) {
                    for (int ow = 0; ow < g.outWidth(); ow++) {
                        int o = b * n + (c * g.outHeight() + oh) * g.outWidth() + ow;
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j < k; j++) {
                                int a = b * g.inputSize() + (c * g.height() + oh * s + i) * g.width() + ow * s + j;
                                pooled[o] += xv[a] / (k * k);
                                spread[a] += yv[o] / (k * k);
                            }
                        }
                    }
                }
            }
        }
        assertClose(pooled, values(ops, out), tol(ops), g + " avgPool");
        assertClose(spread, values(ops, up), tol(ops), g + " avgUnpool");
        double lhs = dot(values(ops, out), yv), rhs = dot(xv, values(ops, up));
        assertEquals(lhs, rhs, tol(ops) * (1 + Math.abs(lhs)) * 10, g + " adjoint");
    }

    @Test
    void maxPoolTakesTheFirstOfTiesAndPropagatesNaN() {
        ConvGeometry g = ConvGeometry.pool(1, 2, 4, 2);
        DMatrixRMaj x = new DMatrixRMaj(1, 8, true, 0.5, 0.5, 1, Double.NaN, 0.5, 0.5, 2, 0);
        DMatrixRMaj out = new DMatrixRMaj(1, 2);
        int[] argmax = new int[2];
        F64.maxPool(x, g, out, argmax, 0, 1);
        assertEquals(0.5, out.data[0]);
        assertEquals(0, argmax[0]);
        assertTrue(Double.isNaN(out.data[1]));
        assertEquals(3, argmax[1]);
    }

    // ------------------------------------------------------------------------------------------ floor geometries

    /**
     * With a floor geometry every primitive follows the same definition; the rows and columns that no window reaches
     * are skipped by im2col and pooling and receive 0 from col2im and the unpoolings (the naive loops add nothing
     * there), and row ranges still give the bits of a whole batch.
     */
    @Test
    void floorGeometriesFollowTheSameDefinitionsAndLeaveTheUncoveredEdgeAlone() {
        checkAll(F32, FLOOR_CONVS, this::im2col);
        checkAll(F64, FLOOR_CONVS, this::im2col);
        checkAll(F32, FLOOR_CONVS, this::col2im);
        checkAll(F64, FLOOR_CONVS, this::col2im);
        checkAll(F32, FLOOR_CONVS, this::convolution);
        checkAll(F64, FLOOR_CONVS, this::convolution);
        checkAll(F32, FLOOR_POOLS, this::maxPool);
        checkAll(F64, FLOOR_POOLS, this::maxPool);
        checkAll(F32, FLOOR_POOLS, this::avgPool);
        checkAll(F64, FLOOR_POOLS, this::avgPool);

        assertRowRanges(FLOOR_CONVS.get(0), FLOOR_POOLS.get(0));
        ConvGeometry pg = FLOOR_POOLS.get(0);
        FMatrixRMaj pp = matrix(F32, BATCH, pg.poolOutputSize(),
                random(BATCH * pg.poolOutputSize(), new SplittableRandom(7)));
        // the last row and column of the 5×7 map (2×2 windows at stride 2) are in no window: 0, not left as they were
        FMatrixRMaj up = new FMatrixRMaj(BATCH, pg.inputSize());
        F32.fill(up, 7);
        F32.avgUnpool(pp, pg, up, 0, BATCH);
        for (int b = 0; b < BATCH; b++) {
            for (int a = 0; a < pg.inputSize(); a++) {
                int ih = a / pg.width() % pg.height(), iw = a % pg.width();
                assertEquals(ih == pg.height() - 1 || iw == pg.width() - 1, up.get(b, a) == 0f, "entry " + a);
            }
        }
    }

    @Test
    void floorGeometryRoundsTheOutputSizeDownWhereAnExactOneIsRejected() {
        ConvGeometry g = ConvGeometry.floor(2, 5, 4, 2, 2, 0);
        assertEquals(2, g.outHeight());
        assertEquals(2, g.outWidth());
        assertEquals(8, g.poolOutputSize());
        assertFalse(g.exact());
        assertEquals("2x5x4 k2 s2 p0 floor", g.toString());
        assertMessage(() -> new ConvGeometry(2, 5, 4, 2, 2, 0), "stride 2 does not tile the height 5");
        assertEquals(new ConvGeometry(3, 5, 7, 3, 1, 1, true), new ConvGeometry(3, 5, 7, 3, 1, 1));
        assertTrue(ConvGeometry.same(3, 5, 7, 3).exact() && ConvGeometry.pool(3, 4, 6, 2).exact());
        // PyTorch's sizes: 7×7/2 with padding 3 on 224 → 112, 3×3/2 with padding 1 on 32 → 16
        assertEquals(112, ConvGeometry.floor(3, 224, 224, 7, 2, 3).outHeight());
        assertEquals(16, ConvGeometry.floor(3, 32, 32, 3, 2, 1).outWidth());
        // the other rules stay: the kernel fits the padded map, the padding is below the kernel
        assertMessage(() -> ConvGeometry.floor(1, 2, 5, 5, 1, 1), "kernel 5 does not fit in the height 2");
        assertMessage(() -> ConvGeometry.floor(1, 5, 5, 3, 2, 3), "padding must be in [0, kernel)");
        assertMessage(() -> ConvGeometry.floor(1, 5, 5, 3, 0, 1), "stride must be >= 1, was 0");
        assertMessage(() -> new ConvGeometry(1, 40_000, 40_000, 9_000, 1, 8_999), "output map");
    }

    // ------------------------------------------------------------------------------------------ row ranges

    /**
     * Every primitive writes only the rows of its range, and those rows are the bits of a whole-batch call (what makes
     * a batch split over threads give the same bits).
     */
    @Test
    void rowRangesTouchOnlyTheirRowsWithTheBitsOfAWholeBatch() {
        assertRowRanges(new ConvGeometry(3, 5, 7, 3, 1, 1), new ConvGeometry(2, 7, 5, 3, 2, 0));
    }

    /** Every primitive over convolution geometry g and pooling geometry pg, run whole and split (see above). */
    private static void assertRowRanges(ConvGeometry g, ConvGeometry pg) {
        SplittableRandom rng = new SplittableRandom(5);
        FMatrixRMaj x = matrix(F32, BATCH, g.inputSize(), random(BATCH * g.inputSize(), rng));
        FMatrixRMaj y = matrix(F32, BATCH * g.outPixels(), g.patchSize(),
                random(BATCH * g.outPixels() * g.patchSize(), rng));
        FMatrixRMaj px = matrix(F32, BATCH, pg.inputSize(), random(BATCH * pg.inputSize(), rng));
        FMatrixRMaj pp = matrix(F32, BATCH, pg.poolOutputSize(), random(BATCH * pg.poolOutputSize(), rng));
        int pix = g.outPixels();
        // each op, run whole and as [0,1) + [1,3) + [3,4) into outputs pre-filled with 7
        assertSplit(BATCH * pix, g.patchSize(), (out, r0, r1) -> F32.im2col(x, g, out, r0, r1));
        assertSplit(BATCH, g.inputSize(), (out, r0, r1) -> F32.col2im(y, g, 0.5, out, r0, r1));
        assertSplit(BATCH, g.inputSize(), (out, r0, r1) -> F32.col2im(y, g, 0, out, r0, r1));
        FMatrixRMaj pixels = matrix(F32, BATCH * pix, 3, random(BATCH * pix * 3, rng));
        FMatrixRMaj maps = matrix(F32, BATCH, 3 * pix, random(BATCH * 3 * pix, rng));
        assertSplit(BATCH, 3 * pix, (out, r0, r1) -> F32.pixelsToChannels(pixels, pix, out, r0, r1));
        assertSplit(BATCH * pix, 3, (out, r0, r1) -> F32.channelsToPixels(maps, pix, out, r0, r1));
        assertSplit(BATCH, pg.poolOutputSize(),
                (out, r0, r1) -> F32.maxPool(px, pg, out, new int[BATCH * pg.poolOutputSize()], r0, r1));
        int[] argmax = new int[BATCH * pg.poolOutputSize()];
        F32.maxPool(px, pg, new FMatrixRMaj(BATCH, pg.poolOutputSize()), argmax, 0, BATCH);
        assertSplit(BATCH, pg.inputSize(), (out, r0, r1) -> F32.maxUnpool(pp, argmax, pg, out, r0, r1));
        assertSplit(BATCH, pg.poolOutputSize(), (out, r0, r1) -> F32.avgPool(px, pg, out, r0, r1));
        assertSplit(BATCH, pg.inputSize(), (out, r0, r1) -> F32.avgUnpool(pp, pg, out, r0, r1));
        assertSplit(BATCH, 5, (out, r0, r1) -> F32.fillRows(out, -2, r0, r1));
    }

    @FunctionalInterface
    private interface RangeOp {
        void run(FMatrixRMaj out, int r0, int r1);
    }

    private static void assertSplit(int rows, int cols, RangeOp op) {
        int per = rows / BATCH;
        FMatrixRMaj whole = new FMatrixRMaj(rows, cols);
        F32.fill(whole, 7);
        op.run(whole, 0, BATCH);
        FMatrixRMaj split = new FMatrixRMaj(rows, cols);
        F32.fill(split, 7);
        op.run(split, 1, 3);
        for (int i = 0; i < rows * cols; i++) {
            int sample = i / cols / per;
            float expected = sample >= 1 && sample < 3 ? whole.data[i] : 7f;
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(split.data[i]), "entry " + i);
        }
        op.run(split, 0, 1);
        op.run(split, 3, 4);
        assertArrayEquals(whole.data, split.data);
    }

    // ------------------------------------------------------------------------------------------ checks

    @Test
    void geometryRejectsImpossibleValuesNamingThem() {
        ConvGeometry g = new ConvGeometry(3, 5, 7, 3, 1, 1);
        assertEquals(5, g.outHeight());
        assertEquals(7, g.outWidth());
        assertEquals(27, g.patchSize());
        assertEquals(3, new ConvGeometry(1, 7, 5, 3, 2, 0).outHeight());
        assertEquals(2, ConvGeometry.pool(3, 4, 6, 2).outHeight());
        assertMessage(() -> new ConvGeometry(0, 5, 5, 3, 1, 1), "channels must be >= 1, was 0");
        assertMessage(() -> new ConvGeometry(1, 0, 5, 3, 1, 1), "height must be >= 1, was 0");
        assertMessage(() -> new ConvGeometry(1, 5, -1, 3, 1, 1), "width must be >= 1, was -1");
        assertMessage(() -> new ConvGeometry(1, 5, 5, 0, 1, 0), "kernel must be >= 1, was 0");
        assertMessage(() -> new ConvGeometry(1, 5, 5, 3, 0, 1), "stride must be >= 1, was 0");
        assertMessage(() -> new ConvGeometry(1, 5, 5, 3, 1, 3), "padding must be in [0, kernel)");
        assertMessage(() -> new ConvGeometry(1, 5, 5, 3, 1, -1), "was -1");
        assertMessage(() -> new ConvGeometry(1, 2, 5, 5, 1, 1), "kernel 5 does not fit in the height 2");
        assertMessage(() -> ConvGeometry.pool(2, 5, 4, 2), "stride 2 does not tile the height 5");
        assertMessage(() -> ConvGeometry.pool(2, 4, 7, 2), "stride 2 does not tile the width 7");
        assertMessage(() -> ConvGeometry.same(2, 4, 4, 2), "odd kernel");
        assertMessage(() -> new ConvGeometry(50_000, 50_000, 50_000, 1, 1, 0), "exceeds");
    }

    @Test
    void primitivesRejectMismatchedShapes() {
        ConvGeometry g = new ConvGeometry(3, 5, 7, 3, 1, 1);
        FMatrixRMaj x = new FMatrixRMaj(2, g.inputSize());
        FMatrixRMaj col = new FMatrixRMaj(2 * g.outPixels(), g.patchSize());
        assertThrows(ShapeMismatchException.class, () -> F32.im2col(new FMatrixRMaj(2, 10), g, col, 0, 2));
        assertThrows(ShapeMismatchException.class,
                () -> F32.im2col(x, g, new FMatrixRMaj(2 * g.outPixels(), 26), 0, 2));
        assertThrows(ShapeMismatchException.class, () -> F32.col2im(new FMatrixRMaj(3, g.patchSize()), g, 0, x, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> F32.im2col(x, g, col, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> F32.im2col(col, g, col, 0, 1));
        assertThrows(ShapeMismatchException.class, () -> F32.pixelsToChannels(col, 4, x, 0, 2));
        ConvGeometry pg = ConvGeometry.pool(3, 4, 4, 2);
        FMatrixRMaj px = new FMatrixRMaj(2, pg.inputSize());
        FMatrixRMaj po = new FMatrixRMaj(2, pg.poolOutputSize());
        assertMessage(() -> F32.maxPool(px, pg, po, new int[5], 0, 2), "argmax needs at least 24 entries, has 5");
        assertThrows(ShapeMismatchException.class, () -> F32.avgPool(px, pg, new FMatrixRMaj(2, 11), 0, 2));
        assertMessage(() -> F32.avgPool(px, new ConvGeometry(3, 4, 4, 3, 1, 1), po, 0, 2), "no padding");
        int[] bad = new int[24];
        bad[3] = 48;
        assertMessage(() -> F32.maxUnpool(po, bad, pg, px, 0, 2), "argmax 48 of row 0 outside 0..47");
    }

    static void assertMessage(Runnable r, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @FunctionalInterface
    private interface GeometryCheck<M extends ReshapeMatrix> {
        void run(TensorOps<M> ops, ConvGeometry g, SplittableRandom rng);
    }

    private static <M extends ReshapeMatrix> void check(TensorOps<M> ops, GeometryCheck<M> c) {
        SplittableRandom rng = new SplittableRandom(17);
        for (ConvGeometry g : CONVS) {
            c.run(ops, g, rng);
        }
    }

    private static <M extends ReshapeMatrix> void checkAll(TensorOps<M> ops, List<ConvGeometry> geometries,
                                                           GeometryCheck<M> c) {
        SplittableRandom rng = new SplittableRandom(23);
        for (ConvGeometry g : geometries) {
            c.run(ops, g, rng);
        }
    }

    private static <M extends ReshapeMatrix> void checkPools(TensorOps<M> ops, GeometryCheck<M> c) {
        SplittableRandom rng = new SplittableRandom(19);
        for (ConvGeometry g : POOLS) {
            c.run(ops, g, rng);
        }
    }
}
