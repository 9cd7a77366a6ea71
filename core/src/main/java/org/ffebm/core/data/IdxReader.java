package org.ffebm.core.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST (LeCun et al., "The MNIST database of handwritten digits").
 *
 * <p>Format: a big-endian magic number {@code 0x00 0x00 type rank}, then {@code rank} big-endian int32 dimensions,
 * then the data, row-major with the last dimension fastest. Only type {@code 0x08} (unsigned byte) is read. Images
 * have rank 3 ({@code count, rows, cols}), labels rank 1 ({@code count}).
 *
 * <p>A file may be gzipped or raw: gzip is recognised by its magic bytes {@code 0x1f 0x8b}, not by the file name.
 * Everything is checked: magic, type code, rank, positive dimensions whose product fits a Java array, a data length
 * exactly equal to the product of the dimensions (short → "truncated", long → "trailing bytes"), label values in
 * {@code [0, numClasses)}, and the gzip stream itself (including its CRC, because the stream is always read to its
 * end). Every problem, a missing file included, is a {@link DataFormatException} whose message is one line
 * {@code <source>: <problem>}.
 *
 * <p>The data are read in large blocks straight into one byte array (a header claiming a huge size cannot make the
 * reader allocate much more than the bytes actually present); the 60,000 gzipped Fashion-MNIST training images take
 * a few hundred milliseconds.
 */
public final class IdxReader {

    /** The IDX type code of unsigned bytes, the only type read. */
    public static final int TYPE_UNSIGNED_BYTE = 0x08;
    /** Rank of an image file: count, rows, cols. */
    public static final int IMAGE_RANK = 3;
    /** Rank of a label file: count. */
    public static final int LABEL_RANK = 1;
    /** The largest data length accepted: the largest array length every JVM allows. */
    public static final int MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

    private static final int BUFFER_BYTES = 1 << 16;
    /** First block of the data array; it doubles up to the length the header announces. */
    private static final int FIRST_BLOCK_BYTES = 1 << 22;

    private IdxReader() {
    }

    /**
     * Reads an image file (rank 3).
     *
     * @param file (Input) raw or gzipped IDX file, not modified
     * @return the images
     * @throws DataFormatException if the file is missing, unreadable or malformed; the message names the file
     */
    public static IdxImages readImages(Path file) {
        Objects.requireNonNull(file, "file");
        String source = file.toString();
        try (InputStream in = open(file, source)) {
            return readImages(in, source);
        } catch (IOException e) {
            throw ioFailure(source, e, false);
        }
    }

    /**
     * Reads an image file (rank 3) from a stream, e.g. a class-path resource.
     *
     * @param in (Input) raw or gzipped IDX bytes; read to its end and closed
     * @param source the name used in messages, e.g. the file name or {@code classpath:...}
     * @return the images
     * @throws DataFormatException if the data are malformed or cannot be read; the message names {@code source}
     */
    public static IdxImages readImages(InputStream in, String source) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(source, "source");
        boolean gzip = false;
        try (Decoded d = decode(in, source)) {
            gzip = d.gzip;
            int[] dims = readHeader(d.in, source, IMAGE_RANK, "images: count, rows, cols",
                    new String[] {"count", "rows", "cols"});
            long total = (long) dims[0] * dims[1] * dims[2];
            if (total > MAX_DATA_BYTES) {
                throw fail(source, "too large: " + dims[0] + "x" + dims[1] + "x" + dims[2] + " = " + total
                        + " bytes exceeds the largest array (" + MAX_DATA_BYTES + ")");
            }
            byte[] data = readData(d.in, source, (int) total);
            return new IdxImages(source, dims[0], dims[1], dims[2], data);
        } catch (IOException e) {
            throw ioFailure(source, e, gzip);
        }
    }

    /**
     * Reads a label file (rank 1) and checks every label.
     *
     * @param file (Input) raw or gzipped IDX file, not modified
     * @param numClasses the number of classes; every label must lie in [0, numClasses); at least 1
     * @return a new array of labels
     * @throws DataFormatException if the file is missing, unreadable or malformed, or a label is out of range
     * @throws IllegalArgumentException if numClasses &lt; 1 or &gt; 256
     */
    public static int[] readLabels(Path file, int numClasses) {
        Objects.requireNonNull(file, "file");
        checkNumClasses(numClasses);
        String source = file.toString();
        try (InputStream in = open(file, source)) {
            return readLabels(in, source, numClasses);
        } catch (IOException e) {
            throw ioFailure(source, e, false);
        }
    }

    /**
     * Reads a label file (rank 1) from a stream and checks every label.
     *
     * @param in (Input) raw or gzipped IDX bytes; read to its end and closed
     * @param source the name used in messages
     * @param numClasses the number of classes; every label must lie in [0, numClasses)
     * @return a new array of labels
     * @throws DataFormatException if the data are malformed or a label is out of range
     * @throws IllegalArgumentException if numClasses &lt; 1 or &gt; 256
     */
    public static int[] readLabels(InputStream in, String source, int numClasses) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(source, "source");
        checkNumClasses(numClasses);
        boolean gzip = false;
        try (Decoded d = decode(in, source)) {
            gzip = d.gzip;
            int[] dims = readHeader(d.in, source, LABEL_RANK, "labels: count", new String[] {"count"});
            byte[] data = readData(d.in, source, dims[0]);
            int[] labels = new int[data.length];
            for (int i = 0; i < data.length; i++) {
                int label = data[i] & 0xFF;
                if (label >= numClasses) {
                    throw fail(source, "label out of range: label " + label + " at index " + i + " is not in [0, "
                            + numClasses + ")");
                }
                labels[i] = label;
            }
            return labels;
        } catch (IOException e) {
            throw ioFailure(source, e, gzip);
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    private static void checkNumClasses(int numClasses) {
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException("numClasses = " + numClasses + " is not in [1, 256]");
        }
    }

    private static InputStream open(Path file, String source) {
        if (Files.isDirectory(file)) {
            throw fail(source, "is a directory, not a file");
        }
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(source + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new DataFormatException(source + ": permission denied", e);
        } catch (IOException e) {
            throw ioFailure(source, e, false);
        }
    }

    /** A buffered stream, decompressed when it starts with the gzip magic bytes. */
    private static final class Decoded implements AutoCloseable {
        final InputStream in;
        final boolean gzip;

        Decoded(InputStream in, boolean gzip) {
            this.in = in;
            this.gzip = gzip;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static Decoded decode(InputStream raw, String source) throws IOException {
        BufferedInputStream b = new BufferedInputStream(raw, BUFFER_BYTES);
        b.mark(2);
        int b0 = b.read();
        int b1 = b.read();
        b.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new Decoded(new GZIPInputStream(b, BUFFER_BYTES), true);
            } catch (IOException e) {
                b.close();
                throw ioFailure(source, e, true);
            }
        }
        return new Decoded(b, false);
    }

    /** Reads and checks the magic number and the dimensions; returns the dimensions. */
    private static int[] readHeader(InputStream in, String source, int rank, String rankMeaning, String[] dimNames)
            throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length == 0) {
            throw fail(source, "empty: no IDX header");
        }
        if (magic.length < 4) {
            throw fail(source, "truncated header: expected 4 magic bytes, found " + magic.length);
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw fail(source, String.format("bad magic 0x%02x%02x%02x%02x: an IDX file starts with two zero bytes",
                    magic[0], magic[1], magic[2], magic[3]));
        }
        int type = magic[2] & 0xFF;
        if (type != TYPE_UNSIGNED_BYTE) {
            throw fail(source, String.format("unsupported type code 0x%02x: only 0x%02x (unsigned byte) is read", type,
                    TYPE_UNSIGNED_BYTE));
        }
        int fileRank = magic[3] & 0xFF;
        if (fileRank != rank) {
            throw fail(source, "wrong rank " + fileRank + ", expected " + rank + " (" + rankMeaning + ")");
        }
        byte[] d = in.readNBytes(4 * rank);
        if (d.length < 4 * rank) {
            throw fail(source, "truncated header: expected " + 4 * rank + " dimension bytes, found " + d.length);
        }
        int[] dims = new int[rank];
        for (int k = 0; k < rank; k++) {
            int v = ((d[4 * k] & 0xFF) << 24) | ((d[4 * k + 1] & 0xFF) << 16) | ((d[4 * k + 2] & 0xFF) << 8)
                    | (d[4 * k + 3] & 0xFF);
            if (v <= 0) {
                // values of 2^31 and above read as negative: far too large for any array anyway
                throw fail(source, "dimension " + k + " (" + dimNames[k] + ") is " + Integer.toUnsignedString(v)
                        + ", must be positive and below 2^31");
            }
            dims[k] = v;
        }
        return dims;
    }

    /** Reads exactly {@code n} bytes and checks that nothing follows. */
    private static byte[] readData(InputStream in, String source, int n) throws IOException {
        byte[] buf = new byte[Math.min(n, FIRST_BLOCK_BYTES)];
        int filled = 0;
        while (true) {
            filled += in.readNBytes(buf, filled, buf.length - filled);
            if (filled < buf.length) {
                throw fail(source, "truncated: expected " + n + " data bytes, found " + filled);
            }
            if (filled == n) {
                break;
            }
            buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
        }
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0) {
            throw fail(source, "trailing bytes: expected " + n + " data bytes, found " + (n + extra));
        }
        return buf;
    }

    static DataFormatException fail(String source, String problem) {
        return new DataFormatException(source + ": " + problem);
    }

    private static DataFormatException ioFailure(String source, IOException e, boolean gzip) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof NoSuchFileException) {
            return new DataFormatException(source + ": no such file", e);
        }
        if (gzip && (e instanceof ZipException || e instanceof EOFException)) {
            return new DataFormatException(source + ": corrupt or truncated gzip stream (" + detail + ")", e);
        }
        return new DataFormatException(source + ": read error (" + detail + ")", e);
    }
}
