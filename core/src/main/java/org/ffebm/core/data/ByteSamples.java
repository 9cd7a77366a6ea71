package org.ffebm.core.data;

import java.io.IOException;
import java.io.InputStream;

/**
 * Fixed-length samples of unsigned bytes (8-bit pixels), stored in chunks of whole samples so that a set larger than
 * one Java array fits: the 1,281,167 ImageNet32 training images take 3.9 GB, two chunks. Sample {@code i} lies in
 * chunk {@code i / chunkSamples} at byte offset {@code (i % chunkSamples)·sampleBytes}.
 *
 * <p>Readers allocate the exact size up front with {@link #ByteSamples(int, int)}, fill it with {@link #readInto},
 * and hand it to {@link Dataset#fromBytes}; from then on nothing writes to it, so {@link #prefix} can share the
 * chunks. Package-private: the public face of these bytes is {@link Dataset}.
 */
final class ByteSamples {

    /** The largest chunk: the largest array length every JVM allows. */
    static final int MAX_CHUNK_BYTES = IdxReader.MAX_DATA_BYTES;

    private final int count;
    private final int sampleBytes;
    private final int chunkSamples;
    private final byte[][] chunks;

    /**
     * Allocates zeroed storage for {@code count} samples in chunks of at most {@link #MAX_CHUNK_BYTES}.
     *
     * @param count the number of samples, ≥ 0
     * @param sampleBytes bytes per sample, in [1, {@link #MAX_CHUNK_BYTES}]
     * @throws IllegalArgumentException if an argument is out of range
     */
    ByteSamples(int count, int sampleBytes) {
        this(count, sampleBytes, MAX_CHUNK_BYTES);
    }

    /**
     * Allocates zeroed storage with a chosen chunk limit (tests use small limits to cross chunk boundaries).
     *
     * @param count the number of samples, ≥ 0
     * @param sampleBytes bytes per sample, in [1, maxChunkBytes]
     * @param maxChunkBytes the largest chunk in bytes, in [1, {@link #MAX_CHUNK_BYTES}]
     * @throws IllegalArgumentException if an argument is out of range
     */
    ByteSamples(int count, int sampleBytes, int maxChunkBytes) {
        if (maxChunkBytes < 1 || maxChunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("maxChunkBytes = " + maxChunkBytes + " is not in [1, " + MAX_CHUNK_BYTES
                    + "]");
        }
        if (count < 0) {
            throw new IllegalArgumentException("count = " + count + " must be non-negative");
        }
        if (sampleBytes < 1 || sampleBytes > maxChunkBytes) {
            throw new IllegalArgumentException("sampleBytes = " + sampleBytes + " is not in [1, " + maxChunkBytes + "]");
        }
        this.count = count;
        this.sampleBytes = sampleBytes;
        this.chunkSamples = maxChunkBytes / sampleBytes;
        int n = (int) ((count + (long) chunkSamples - 1) / chunkSamples);
        this.chunks = new byte[n][];
        for (int k = 0; k < n; k++) {
            int samples = (int) Math.min(chunkSamples, count - (long) k * chunkSamples);
            chunks[k] = new byte[samples * sampleBytes];
        }
    }

    private ByteSamples(int count, int sampleBytes, int chunkSamples, byte[][] chunks) {
        this.count = count;
        this.sampleBytes = sampleBytes;
        this.chunkSamples = chunkSamples;
        this.chunks = chunks;
    }

    /** The number of samples. */
    int count() {
        return count;
    }

    /** Bytes per sample. */
    int sampleBytes() {
        return sampleBytes;
    }

    /** count·sampleBytes, the bytes held (a {@link #prefix} shares, and so still references, its parent's chunks). */
    long totalBytes() {
        return (long) count * sampleBytes;
    }

    /** The number of chunks. */
    int chunkCount() {
        return chunks.length;
    }

    /** The chunk holding sample i (no bounds check: callers have checked i). */
    byte[] chunkOf(int i) {
        return chunks[i / chunkSamples];
    }

    /** The offset of sample i within {@link #chunkOf}(i) (no bounds check). */
    int offsetOf(int i) {
        return (i % chunkSamples) * sampleBytes;
    }

    /**
     * @param i sample index in [0, count)
     * @param b byte index in [0, sampleBytes)
     * @return the byte as an unsigned value in [0, 255]
     * @throws IllegalArgumentException if an index is out of range
     */
    int get(int i, int b) {
        if (i < 0 || i >= count) {
            throw new IllegalArgumentException("i = " + i + " is not in [0, " + count + ")");
        }
        if (b < 0 || b >= sampleBytes) {
            throw new IllegalArgumentException("b = " + b + " is not in [0, " + sampleBytes + ")");
        }
        return chunkOf(i)[offsetOf(i) + b] & 0xFF;
    }

    /**
     * Reads samples {@code first .. first + n − 1} from a stream, straight into the chunks, stopping early only at the
     * end of the stream.
     *
     * @param in (Input) the stream, advanced by the bytes returned
     * @param first the first sample to fill, in [0, count]
     * @param n the number of samples, ≥ 0, with first + n ≤ count
     * @return the number of bytes read: n·sampleBytes unless the stream ended early
     * @throws IllegalArgumentException if the range is invalid
     * @throws IOException if the stream fails
     */
    long readInto(InputStream in, int first, int n) throws IOException {
        if (first < 0 || n < 0 || first > count - n) {
            throw new IllegalArgumentException("samples [" + first + ", " + first + " + " + n + ") are not within [0, "
                    + count + ")");
        }
        long read = 0;
        int i = first;
        int end = first + n;
        while (i < end) {
            int inChunk = Math.min(end - i, chunkSamples - i % chunkSamples);
            int len = inChunk * sampleBytes;
            int got = in.readNBytes(chunkOf(i), offsetOf(i), len);
            read += got;
            if (got < len) {
                break;
            }
            i += inChunk;
        }
        return read;
    }

    /**
     * The first n samples, sharing this storage's chunks (nothing is copied).
     *
     * @param n the number of samples, in [0, count]
     * @return this when n = count, else a view of the first n samples
     * @throws IllegalArgumentException if n is out of range
     */
    ByteSamples prefix(int n) {
        if (n < 0 || n > count) {
            throw new IllegalArgumentException("n = " + n + " is not in [0, " + count + "]");
        }
        if (n == count) {
            return this;
        }
        int used = (int) ((n + (long) chunkSamples - 1) / chunkSamples);
        byte[][] shared = new byte[used][];
        System.arraycopy(chunks, 0, shared, 0, used);
        return new ByteSamples(n, sampleBytes, chunkSamples, shared);
    }
}
