package org.ffebm.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** Builds IDX files, well-formed or deliberately broken, for tests and for {@link EmbeddedSubsetGenerator}. */
final class IdxTestFiles {

    /** Magic of an unsigned-byte image file (rank 3). */
    static final int IMAGES_MAGIC = 0x00000803;
    /** Magic of an unsigned-byte label file (rank 1). */
    static final int LABELS_MAGIC = 0x00000801;

    private IdxTestFiles() {
    }

    /** IDX bytes: magic (as written, even if inconsistent with dims), big-endian dims, data. */
    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length); // big-endian by default
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] images(int n, int rows, int cols, byte[] pixels) {
        return idx(IMAGES_MAGIC, new int[] {n, rows, cols}, pixels);
    }

    static byte[] labels(byte[] labels) {
        return idx(LABELS_MAGIC, new int[] {labels.length}, labels);
    }

    /** n random bytes, each uniform in [0, bound). */
    static byte[] randomBytes(int n, int bound, SplittableRandom rng) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rng.nextInt(bound);
        }
        return b;
    }

    /**
     * Deterministic gzip at maximum compression: the JDK writes a fixed header (mtime 0, no file name), so the same
     * input and the same zlib give the same bytes.
     */
    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
