package org.ffebm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * {@link ByteSamples} across chunk boundaries (small chunk limits stand in for the 2 GiB arrays of ImageNet32), and
 * byte-backed {@link Dataset}s, whose every value must equal the float-backed set made from the same bytes.
 */
class ByteSamplesTest {

    private final SplittableRandom rng = new SplittableRandom(8L);

    /** n samples of s bytes from a stream, in chunks of at most maxChunk bytes. */
    private static ByteSamples filled(byte[] raw, int n, int s, int maxChunk) throws IOException {
        ByteSamples b = new ByteSamples(n, s, maxChunk);
        assertEquals((long) n * s, b.readInto(new ByteArrayInputStream(raw), 0, n));
        return b;
    }

    @Test
    void chunksHoldWholeSamples() throws IOException {
        int n = 10;
        int s = 3;
        byte[] raw = IdxTestFiles.randomBytes(n * s, 256, rng);
        for (int maxChunk : new int[] {3, 4, 7, 9, 29, 30, 1000}) {
            ByteSamples b = filled(raw, n, s, maxChunk);
            int perChunk = maxChunk / s;
            assertEquals((n + perChunk - 1) / perChunk, b.chunkCount(), "maxChunk " + maxChunk);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < s; k++) {
                    assertEquals(raw[i * s + k] & 0xFF, b.get(i, k), "maxChunk " + maxChunk + " sample " + i);
                }
            }
        }
        assertEquals(0, new ByteSamples(0, 5).chunkCount());
        assertEquals(30, new ByteSamples(10, 3).totalBytes());
    }

    /** readInto fills any range, across chunks, piece by piece, and reports a short stream. */
    @Test
    void readIntoRanges() throws IOException {
        byte[] raw = IdxTestFiles.randomBytes(7 * 2, 256, rng);
        ByteSamples b = new ByteSamples(7, 2, 6); // 3 samples per chunk
        ByteArrayInputStream in = new ByteArrayInputStream(raw);
        assertEquals(4, b.readInto(in, 0, 2));
        assertEquals(0, b.readInto(in, 2, 0));
        assertEquals(10, b.readInto(in, 2, 5)); // crosses two chunk boundaries
        for (int i = 0; i < 7; i++) {
            assertEquals(raw[2 * i] & 0xFF, b.get(i, 0));
            assertEquals(raw[2 * i + 1] & 0xFF, b.get(i, 1));
        }
        ByteSamples c = new ByteSamples(7, 2, 6);
        assertEquals(9, c.readInto(new ByteArrayInputStream(raw, 0, 9), 0, 7), "short stream");
        assertThrows(IllegalArgumentException.class, () -> c.readInto(in, 5, 3));
        assertThrows(IllegalArgumentException.class, () -> c.readInto(in, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> c.get(7, 0));
        assertThrows(IllegalArgumentException.class, () -> c.get(0, 2));
    }

    @Test
    void prefixSharesChunks() throws IOException {
        byte[] raw = IdxTestFiles.randomBytes(9 * 2, 256, rng);
        ByteSamples b = filled(raw, 9, 2, 8); // 4 samples per chunk: 3 chunks
        assertSame(b, b.prefix(9));
        ByteSamples p = b.prefix(5);
        assertEquals(5, p.count());
        assertEquals(2, p.chunkCount());
        assertSame(b.chunkOf(4), p.chunkOf(4));
        assertEquals(raw[9] & 0xFF, p.get(4, 1));
        assertThrows(IllegalArgumentException.class, () -> p.get(5, 0));
        assertEquals(0, b.prefix(0).chunkCount());
        assertThrows(IllegalArgumentException.class, () -> b.prefix(10));
    }

    @Test
    void constructorValidates() {
        assertThrows(IllegalArgumentException.class, () -> new ByteSamples(-1, 3));
        assertThrows(IllegalArgumentException.class, () -> new ByteSamples(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ByteSamples(1, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> new ByteSamples(1, 1, 0));
    }

    /** A byte-backed set reads exactly like the float set of the same pixels: pixel, copyBatch, limit. */
    @Test
    void byteDatasetEqualsFloatDataset() throws IOException {
        int n = 11;
        int c = 2;
        int rows = 2;
        int cols = 3;
        int f = c * rows * cols;
        byte[] raw = IdxTestFiles.randomBytes(n * f, 256, rng);
        raw[0] = 0;
        raw[1] = (byte) 255;
        int[] labels = new int[n];
        float[] pixels = new float[n * f];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(4);
        }
        for (int k = 0; k < raw.length; k++) {
            pixels[k] = (raw[k] & 0xFF) / 255f;
        }
        Dataset floats = Dataset.of("s", c, rows, cols, pixels, labels, 4);
        Dataset bytes = Dataset.fromBytes("s", c, rows, cols, filled(raw, n, f, 3 * f), labels, 4);
        assertEquals(4L * n * f, floats.storageBytes());
        assertEquals((long) n * f, bytes.storageBytes());
        assertEquals(floats.toString(), bytes.toString());
        for (int i = 0; i < n; i++) {
            assertEquals(floats.label(i), bytes.label(i));
            for (int k = 0; k < f; k++) {
                assertEquals(floats.pixel(i, k), bytes.pixel(i, k), "sample " + i + " feature " + k);
            }
        }
        assertEquals(0f, bytes.pixel(0, 0));
        assertEquals(1f, bytes.pixel(0, 1));
        assertThrows(IllegalArgumentException.class, () -> bytes.pixel(n, 0));
        assertThrows(IllegalArgumentException.class, () -> bytes.pixel(0, f));

        int[] order = Dataset.shuffledOrder(n, new SplittableRandom(1L));
        int[] ya = new int[n];
        int[] yb = new int[n];
        FMatrixRMaj xa = floats.copyBatch(order, 2, 7, null, ya);
        FMatrixRMaj xb = bytes.copyBatch(order, 2, 7, new FMatrixRMaj(1, 1), yb);
        assertArrayEquals(xa.data, Arrays.copyOf(xb.data, 7 * f));
        assertArrayEquals(ya, yb);

        Dataset la = floats.limit(5);
        Dataset lb = bytes.limit(5);
        assertEquals(la.name(), lb.name());
        assertEquals(5L * f, lb.storageBytes());
        assertArrayEquals(la.classCounts(), lb.classCounts());
        for (int k = 0; k < f; k++) {
            assertEquals(la.pixel(4, k), lb.pixel(4, k));
        }
    }

    @Test
    void fromBytesValidates() {
        ByteSamples two = new ByteSamples(2, 6);
        assertEquals("samples.count = 2 differs from labels.length = 1", assertThrows(IllegalArgumentException.class,
                () -> Dataset.fromBytes("x", 1, 2, 3, two, new int[] {0}, 2)).getMessage());
        assertEquals("samples.sampleBytes = 6 differs from channels·rows·cols = 12",
                assertThrows(IllegalArgumentException.class,
                        () -> Dataset.fromBytes("x", 2, 2, 3, two, new int[] {0, 1}, 2)).getMessage());
        assertEquals("labels[1] = 2 is not in [0, 2)", assertThrows(IllegalArgumentException.class,
                () -> Dataset.fromBytes("x", 1, 2, 3, two, new int[] {0, 2}, 2)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.fromBytes("x", 1, 2, 3, new ByteSamples(0, 6), new int[0], 2));
        assertThrows(IllegalArgumentException.class, () -> Dataset.fromBytes(" ", 1, 2, 3, two, new int[2], 2));
    }
}
