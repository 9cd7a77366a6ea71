package org.ffebm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Dataset}: construction checks, scaling, batches, limits, class counts and shuffling. */
class DatasetTest {

    private static final long SEED = 7L;

    /** n samples of 2×3 pixels; pixel f of sample i is (10·i + f) / 255, label i mod 3. */
    private static Dataset small(int n) {
        float[] pixels = new float[n * 6];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < 6; f++) {
                pixels[i * 6 + f] = (10 * i + f) / 255f;
            }
            labels[i] = i % 3;
        }
        return Dataset.of("small", 1, 2, 3, pixels, labels, 3);
    }

    @Test
    void accessors() {
        Dataset d = small(5);
        assertEquals("small", d.name());
        assertEquals(5, d.size());
        assertEquals(1, d.channels());
        assertEquals(2, d.rows());
        assertEquals(3, d.cols());
        assertEquals(6, d.features());
        assertEquals(3, d.numClasses());
        assertEquals(2, d.label(2));
        assertEquals(42 / 255f, d.pixel(4, 2));
        assertThrows(IllegalArgumentException.class, () -> d.label(5));
        assertThrows(IllegalArgumentException.class, () -> d.label(-1));
        assertThrows(IllegalArgumentException.class, () -> d.pixel(0, 6));
        assertEquals("small: 5 samples of 1x2x3, 3 classes", d.toString());
    }

    @Test
    void ofCopiesItsArrays() {
        float[] pixels = {0.5f, 0.25f};
        int[] labels = {1, 0};
        Dataset d = Dataset.of("c", 1, 1, 1, pixels, labels, 2);
        pixels[0] = 0f;
        labels[0] = 0;
        assertEquals(0.5f, d.pixel(0, 0));
        assertEquals(1, d.label(0));
    }

    @Test
    void ofValidates() {
        float[] p = {0f, 1f};
        int[] l = {0, 1};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of("x", 1, 1, 1, new float[] {0f, Float.NaN}, l, 2));
        assertEquals("pixels[1] = NaN is not in [0, 1]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of("x", 1, 1, 1, new float[] {0f, 1.5f}, l, 2));
        assertTrue(e.getMessage().startsWith("pixels[1] = 1.5"));
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of("x", 1, 1, 1, p, new int[] {0, 2}, 2));
        assertEquals("labels[1] = 2 is not in [0, 2)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of("x", 1, 1, 2, p, l, 2));
        assertTrue(e.getMessage().startsWith("pixels.length = 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of("x", 0, 1, 1, p, l, 2));
        assertEquals("channels = 0 must be at least 1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(" ", 1, 1, 1, p, l, 2));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of("x", 1, 1, 1, p, l, 0));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of("x", 1, 1, 1, new float[0], new int[0], 2));
    }

    @Test
    void fromIdxScalesBytesToUnitInterval(@TempDir Path dir) {
        byte[] px = {0, 51, (byte) 128, (byte) 255};
        Path f = IdxTestFiles.write(dir.resolve("i"), IdxTestFiles.images(2, 1, 2, px));
        Dataset d = Dataset.fromIdx("s", IdxReader.readImages(f), new int[] {1, 0}, 2);
        assertEquals(0f, d.pixel(0, 0));
        assertEquals(0.2f, d.pixel(0, 1));
        assertEquals(128 / 255f, d.pixel(1, 0));
        assertEquals(1f, d.pixel(1, 1));
        assertEquals(1, d.channels());
        assertEquals(2, d.features());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.fromIdx("s", IdxReader.readImages(f), new int[] {1}, 2));
        assertTrue(e.getMessage().contains("labels.length = 1 differs from the image count 2"), e.getMessage());
    }

    @Test
    void copyBatchCopiesTheOrderedSamples() {
        Dataset d = small(6);
        int[] order = {5, 0, 3, 3, 1};
        int[] y = new int[4];
        Arrays.fill(y, -1);
        FMatrixRMaj x = d.copyBatch(order, 1, 3, null, y);
        assertEquals(3, x.numRows);
        assertEquals(6, x.numCols);
        int[] expectSamples = {0, 3, 3};
        for (int k = 0; k < 3; k++) {
            for (int f = 0; f < 6; f++) {
                assertEquals(d.pixel(expectSamples[k], f), x.get(k, f), "row " + k + " col " + f);
            }
        }
        assertArrayEquals(new int[] {0, 0, 0, -1}, y); // labels of samples 0, 3, 3; y[3] untouched
    }

    /** The output reshapes grow-only: a large enough buffer is reused, never reallocated. */
    @Test
    void copyBatchReusesTheBuffer() {
        Dataset d = small(8);
        int[] order = Dataset.shuffledOrder(8, new SplittableRandom(SEED));
        int[] y = new int[8];
        FMatrixRMaj x = new FMatrixRMaj(8, 6);
        float[] data = x.data;
        assertSame(x, d.copyBatch(order, 0, 8, x, y));
        assertSame(data, x.data);
        d.copyBatch(order, 6, 2, x, y);
        assertSame(data, x.data);
        assertEquals(2, x.numRows);
        assertEquals(d.pixel(order[7], 5), x.get(1, 5));
        assertEquals(d.label(order[6]), y[0]);
        // count 0 is allowed and gives a 0 × features matrix
        d.copyBatch(order, 8, 0, x, y);
        assertEquals(0, x.numRows);
        // a small matrix grows
        FMatrixRMaj tiny = new FMatrixRMaj(1, 1);
        d.copyBatch(order, 0, 4, tiny, y);
        assertEquals(4, tiny.numRows);
        assertEquals(6, tiny.numCols);
    }

    @Test
    void copyBatchValidatesBeforeWriting() {
        Dataset d = small(4);
        int[] y = new int[4];
        FMatrixRMaj x = new FMatrixRMaj(2, 6);
        x.fill(9f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.copyBatch(new int[] {0, 4}, 0, 2, x, y));
        assertEquals("order[1] = 4 is not in [0, 4)", e.getMessage());
        assertEquals(9f, x.get(0, 0)); // untouched
        assertThrows(IllegalArgumentException.class, () -> d.copyBatch(new int[] {0, 1}, 1, 2, x, y));
        assertThrows(IllegalArgumentException.class, () -> d.copyBatch(new int[] {0, 1}, -1, 1, x, y));
        assertThrows(IllegalArgumentException.class, () -> d.copyBatch(new int[] {0, 1}, 0, 2, x, new int[1]));
        int[] order = {0, 1};
        e = assertThrows(IllegalArgumentException.class, () -> d.copyBatch(order, 0, 2, x, order));
        assertEquals("y must not be the same array as order", e.getMessage());
    }

    @Test
    void limit() {
        Dataset d = small(5);
        Dataset l = d.limit(2);
        assertEquals(2, l.size());
        assertEquals("small[:2]", l.name());
        assertEquals(d.pixel(1, 5), l.pixel(1, 5));
        assertEquals(d.label(1), l.label(1));
        assertSame(d, d.limit(5));
        assertSame(d, d.limit(1000));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.limit(0));
        assertEquals("n = 0 must be at least 1", e.getMessage());
    }

    @Test
    void classCounts() {
        assertArrayEquals(new int[] {3, 2, 2}, small(7).classCounts());
        Dataset one = Dataset.of("one", 1, 1, 1, new float[] {0f}, new int[] {2}, 4);
        assertArrayEquals(new int[] {0, 0, 1, 0}, one.classCounts());
    }

    @Test
    void shuffledOrderIsAReproduciblePermutation() {
        for (int n : new int[] {0, 1, 2, 3, 17, 1000}) {
            int[] a = Dataset.shuffledOrder(n, new SplittableRandom(SEED));
            int[] b = Dataset.shuffledOrder(n, new SplittableRandom(SEED));
            assertArrayEquals(a, b, "same seed, n = " + n);
            int[] sorted = a.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < n; i++) {
                assertEquals(i, sorted[i], "permutation of 0.." + (n - 1));
            }
        }
        int[] a = Dataset.shuffledOrder(1000, new SplittableRandom(SEED));
        int[] c = Dataset.shuffledOrder(1000, new SplittableRandom(SEED + 1));
        assertNotEquals(Arrays.toString(a), Arrays.toString(c), "different seeds");
        int fixed = 0;
        for (int i = 0; i < a.length; i++) {
            fixed += a[i] == i ? 1 : 0;
        }
        // fixed points of a uniform permutation are ~Poisson(1); P(more than 10) < 1e-7
        assertTrue(fixed <= 10, "fixed points: " + fixed);
        assertThrows(IllegalArgumentException.class, () -> Dataset.shuffledOrder(-1, new SplittableRandom(SEED)));
    }

    /** Fisher–Yates is uniform: each of the 6 orders of 3 elements appears equally often. */
    @Test
    void shuffledOrderIsUniform() {
        SplittableRandom rng = new SplittableRandom(SEED);
        int trials = 60_000;
        int[] counts = new int[6];
        for (int t = 0; t < trials; t++) {
            int[] o = Dataset.shuffledOrder(3, rng);
            counts[o[0] * 2 + (o[1] > o[2] ? 1 : 0)]++;
        }
        double expected = trials / 6.0;
        double chi2 = 0;
        for (int c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        // chi-square with 5 degrees of freedom: P(chi2 > 25.7) ≈ 1e-4, the false-alarm rate of this fixed-seed test
        assertTrue(chi2 < 25.7, "chi2 = " + chi2 + ", counts " + Arrays.toString(counts));
    }

    @Test
    void trainTestChecksShapes() {
        Dataset a = small(3);
        Dataset b = Dataset.of("b", 1, 3, 2, new float[6], new int[] {0}, 3);
        assertThrows(IllegalArgumentException.class, () -> new TrainTest(a, b));
        Dataset c = Dataset.of("c", 1, 2, 3, new float[6], new int[] {0}, 4);
        assertThrows(IllegalArgumentException.class, () -> new TrainTest(a, c));
        TrainTest tt = new TrainTest(a, small(2));
        assertSame(tt, tt.limit(10, 10));
        assertEquals(1, tt.limit(1, 5).train().size());
    }
}
