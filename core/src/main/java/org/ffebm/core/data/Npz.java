package org.ffebm.core.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * An {@code .npz} archive: a zip file (entries stored or deflated, zip64 for large ones) whose entry {@code key.npy}
 * holds the array {@code key} in {@code .npy} format (see {@link Npy}), as written by {@code numpy.savez} and
 * {@code numpy.savez_compressed}. Opened with {@link ZipFile}, so arrays can be read in any order and read again.
 *
 * <p>Every array read to its end is checked against the entry's CRC-32 from the zip directory, which catches damage
 * in stored entries as well as deflated ones. Problems are {@link DataFormatException}s whose message starts with the
 * file, and for an array with the entry name: {@code <file>: data.npy: <problem>}. Package-private.
 */
final class Npz implements AutoCloseable {

    private static final int BUFFER_BYTES = 1 << 16;

    private final Path file;
    private final ZipFile zip;

    private Npz(Path file, ZipFile zip) {
        this.file = file;
        this.zip = zip;
    }

    /**
     * Opens an archive and reads its zip directory.
     *
     * @param file (Input) the {@code .npz} file
     * @return the open archive; close it
     * @throws DataFormatException naming the file if it is missing, unreadable, not a zip archive or damaged
     */
    static Npz open(Path file) {
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw IdxReader.fail(source, "is a directory, not a file");
        }
        if (!Files.exists(file)) {
            throw IdxReader.fail(source, "no such file");
        }
        try {
            return new Npz(file, new ZipFile(file.toFile()));
        } catch (ZipException e) {
            throw new DataFormatException(source + ": not a zip (npz) archive or a damaged one (" + DataFiles.detail(e)
                    + ")", e);
        } catch (IOException e) {
            throw DataFiles.readError(source, e);
        }
    }

    /**
     * Opens the array {@code key} and reads its {@code .npy} header.
     *
     * @param key the array's name, e.g. {@code data}: the entry {@code data.npy}, or {@code data} if that is absent
     * @return the array, its stream at the first element; close it
     * @throws DataFormatException if the archive has no such entry, or the entry or its header is damaged
     */
    Array array(String key) {
        ZipEntry entry = zip.getEntry(key + ".npy");
        if (entry == null) {
            entry = zip.getEntry(key);
        }
        if (entry == null || entry.isDirectory()) {
            List<String> names = new ArrayList<>();
            for (ZipEntry e : Collections.list(zip.entries())) {
                names.add(e.getName());
            }
            throw IdxReader.fail(file.toString(), "missing array '" + key + "': no entry " + key
                    + ".npy (the archive holds " + (names.isEmpty() ? "nothing" : String.join(", ", names)) + ")");
        }
        String source = file + ": " + entry.getName();
        CheckedInputStream in = null;
        try {
            in = new CheckedInputStream(new BufferedInputStream(zip.getInputStream(entry), BUFFER_BYTES), new CRC32());
            Npy.Header header = Npy.readHeader(in, source);
            return new Array(source, entry, header, in);
        } catch (IOException e) {
            closeQuietly(in);
            throw entryFailure(source, e);
        } catch (RuntimeException e) {
            closeQuietly(in);
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            throw DataFiles.readError(file.toString(), e);
        }
    }

    /** One array of the archive, positioned after its header. */
    static final class Array implements AutoCloseable {
        private final String source;
        private final ZipEntry entry;
        private final Npy.Header header;
        private final CheckedInputStream in;

        private Array(String source, ZipEntry entry, Npy.Header header, CheckedInputStream in) {
            this.source = source;
            this.entry = entry;
            this.header = header;
            this.in = in;
        }

        /** {@code <file>: <entry>}, the start of every message about this array. */
        String source() {
            return source;
        }

        Npy.Header header() {
            return header;
        }

        /**
         * Checks that the entry's size (from the zip directory) is the header plus the data the shape announces, so
         * that a short or long array fails before anything large is allocated.
         *
         * @throws DataFormatException ("truncated" or "trailing bytes") if the sizes differ
         */
        void checkSize() {
            long size = entry.getSize();
            if (size < 0) {
                return; // unknown: the reads check it
            }
            long data = size - header.headerBytes();
            if (data != header.dataBytes()) {
                throw IdxReader.fail(source, (data < header.dataBytes() ? "truncated" : "trailing bytes") + ": shape "
                        + header.shapeText() + " of '" + header.descr() + "' needs " + header.dataBytes()
                        + " data bytes after the " + header.headerBytes() + "-byte header, the entry holds " + data);
            }
        }

        /** All elements as {@code long} (see {@link Npy#readIntegers}), then {@link #finish}. */
        long[] readIntegers() {
            try {
                long[] values = Npy.readIntegers(in, header, source);
                finish();
                return values;
            } catch (IOException e) {
                throw entryFailure(source, e);
            }
        }

        /**
         * Reads {@code n} samples of bytes into {@code samples} from index {@code first} on, then {@link #finish}.
         *
         * @throws DataFormatException if the entry ends early, is damaged or fails its CRC
         */
        void readInto(ByteSamples samples, int first, int n) {
            try {
                long want = (long) n * samples.sampleBytes();
                long got = samples.readInto(in, first, n);
                if (got < want) {
                    // the entry's size was checked against the shape, so the data ending early means damage
                    throw IdxReader.fail(source, "damaged npz entry: the data of shape " + header.shapeText()
                            + " end after " + got + " of " + want + " bytes");
                }
                finish();
            } catch (IOException e) {
                throw entryFailure(source, e);
            }
        }

        /** Checks that nothing follows the data and that the entry's CRC-32 matches. */
        private void finish() throws IOException {
            long extra = in.transferTo(OutputStream.nullOutputStream());
            if (extra > 0) {
                throw IdxReader.fail(source, "damaged npz entry: " + extra + " bytes more than the data of shape "
                        + header.shapeText());
            }
            long crc = entry.getCrc();
            long actual = in.getChecksum().getValue();
            if (crc >= 0 && crc != actual) {
                throw IdxReader.fail(source, String.format("damaged npz entry: CRC-32 0x%08x, the zip directory says"
                        + " 0x%08x", actual, crc));
            }
        }

        @Override
        public void close() {
            closeQuietly(in);
        }
    }

    private static DataFormatException entryFailure(String source, IOException e) {
        if (e instanceof ZipException || e instanceof EOFException) {
            return new DataFormatException(source + ": damaged or truncated npz entry (" + DataFiles.detail(e) + ")", e);
        }
        return DataFiles.readError(source, e);
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // nothing was read that a close failure could spoil; the archive close reports file-level errors
            }
        }
    }
}
