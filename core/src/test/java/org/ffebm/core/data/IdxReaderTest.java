package org.ffebm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Round trips and every failure mode of {@link IdxReader}, on small files written into a temporary folder. */
class IdxReaderTest {

    private static final long SEED = 20240601L;

    @TempDir
    Path dir;

    /** Writes bytes, gzipped when asked, and returns the path. */
    private Path file(String name, byte[] raw, boolean gzip) {
        return IdxTestFiles.write(dir.resolve(name), gzip ? IdxTestFiles.gzip(raw) : raw);
    }

    /** Asserts a DataFormatException whose single-line message names the file and contains the problem. */
    private static void assertFails(Path file, String problem, Runnable read) {
        DataFormatException e = assertThrows(DataFormatException.class, read::run);
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString() + ": "), () -> "message should name the file: " + m);
        assertTrue(m.contains(problem), () -> "message should contain '" + problem + "': " + m);
        assertTrue(!m.contains("\n"), () -> "message should be one line: " + m);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void imagesRoundTrip(boolean gzip) {
        byte[] pixels = IdxTestFiles.randomBytes(5 * 3 * 4, 256, new SplittableRandom(SEED));
        Path f = file("img", IdxTestFiles.images(5, 3, 4, pixels), gzip);
        IdxImages im = IdxReader.readImages(f);
        assertEquals(5, im.count());
        assertEquals(3, im.rows());
        assertEquals(4, im.cols());
        assertEquals(12, im.pixelsPerImage());
        assertEquals(f.toString(), im.source());
        assertArrayEquals(pixels, im.data());
        assertEquals(pixels[2 * 12 + 7] & 0xFF, im.pixel(2, 7));
        assertThrows(IllegalArgumentException.class, () -> im.pixel(5, 0));
        assertThrows(IllegalArgumentException.class, () -> im.pixel(0, 12));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void labelsRoundTrip(boolean gzip) {
        byte[] labels = IdxTestFiles.randomBytes(37, 10, new SplittableRandom(SEED));
        Path f = file("lab", IdxTestFiles.labels(labels), gzip);
        int[] read = IdxReader.readLabels(f, 10);
        assertEquals(37, read.length);
        for (int i = 0; i < labels.length; i++) {
            assertEquals(labels[i], read[i], "label " + i);
        }
    }

    /** Gzip is detected from the content: a gzipped file without .gz and a raw file named .gz both read. */
    @Test
    void gzipDetectedByContentNotName() {
        byte[] pixels = IdxTestFiles.randomBytes(2 * 2 * 2, 256, new SplittableRandom(SEED));
        byte[] raw = IdxTestFiles.images(2, 2, 2, pixels);
        assertArrayEquals(pixels, IdxReader.readImages(file("compressed.idx", raw, true)).data());
        assertArrayEquals(pixels, IdxReader.readImages(file("plain.gz", raw, false)).data());
    }

    @Test
    void pixelValuesAreUnsigned() {
        byte[] pixels = {0, 1, (byte) 127, (byte) 128, (byte) 254, (byte) 255};
        IdxImages im = IdxReader.readImages(file("u", IdxTestFiles.images(1, 2, 3, pixels), false));
        int[] got = new int[6];
        for (int i = 0; i < 6; i++) {
            got[i] = im.pixel(0, i);
        }
        assertArrayEquals(new int[] {0, 1, 127, 128, 254, 255}, got);
    }

    @Test
    void streamVariantNamesTheSource() {
        byte[] raw = IdxTestFiles.labels(new byte[] {1, 2, 3});
        assertArrayEquals(new int[] {1, 2, 3},
                IdxReader.readLabels(new ByteArrayInputStream(IdxTestFiles.gzip(raw)), "mem", 4));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.readLabels(new ByteArrayInputStream(raw), "mem", 3));
        assertEquals("mem: label out of range: label 3 at index 2 is not in [0, 3)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void wrongMagic(boolean gzip) {
        Path f = file("m", IdxTestFiles.idx(0x01000803, new int[] {1, 1, 1}, new byte[1]), gzip);
        assertFails(f, "bad magic 0x01000803", () -> IdxReader.readImages(f));
        Path g = file("m2", IdxTestFiles.idx(0x00010801, new int[] {1}, new byte[1]), gzip);
        assertFails(g, "bad magic", () -> IdxReader.readLabels(g, 10));
    }

    @Test
    void wrongTypeCode() {
        // 0x0D is IDX float32
        Path f = file("t", IdxTestFiles.idx(0x00000D03, new int[] {1, 1, 1}, new byte[4]), false);
        assertFails(f, "unsupported type code 0x0d", () -> IdxReader.readImages(f));
    }

    @Test
    void wrongRank() {
        Path labelsAsImages = file("r1", IdxTestFiles.labels(new byte[] {1, 2}), false);
        assertFails(labelsAsImages, "wrong rank 1, expected 3", () -> IdxReader.readImages(labelsAsImages));
        Path imagesAsLabels = file("r3", IdxTestFiles.images(1, 1, 1, new byte[1]), true);
        assertFails(imagesAsLabels, "wrong rank 3, expected 1", () -> IdxReader.readLabels(imagesAsLabels, 10));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedData(boolean gzip) {
        Path f = file("tr", IdxTestFiles.images(10, 28, 28, new byte[1000]), gzip);
        assertFails(f, "truncated: expected 7840 data bytes, found 1000", () -> IdxReader.readImages(f));
        Path g = file("trl", IdxTestFiles.idx(IdxTestFiles.LABELS_MAGIC, new int[] {5}, new byte[4]), gzip);
        assertFails(g, "truncated: expected 5 data bytes, found 4", () -> IdxReader.readLabels(g, 10));
    }

    @Test
    void truncatedHeader() {
        Path empty = file("empty", new byte[0], false);
        assertFails(empty, "empty", () -> IdxReader.readImages(empty));
        Path magicOnly = file("h1", new byte[] {0, 0, 8}, false);
        assertFails(magicOnly, "truncated header: expected 4 magic bytes, found 3", () -> IdxReader.readImages(magicOnly));
        byte[] full = IdxTestFiles.images(1, 2, 2, new byte[4]);
        Path shortDims = file("h2", Arrays.copyOf(full, 10), true);
        assertFails(shortDims, "truncated header: expected 12 dimension bytes, found 6",
                () -> IdxReader.readImages(shortDims));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void trailingBytes(boolean gzip) {
        Path f = file("tb", IdxTestFiles.idx(IdxTestFiles.IMAGES_MAGIC, new int[] {2, 2, 2}, new byte[11]), gzip);
        assertFails(f, "trailing bytes: expected 8 data bytes, found 11", () -> IdxReader.readImages(f));
    }

    @Test
    void zeroOrNegativeDimension() {
        Path zeroRows = file("z", IdxTestFiles.images(3, 0, 28, new byte[0]), false);
        assertFails(zeroRows, "dimension 1 (rows) is 0, must be positive", () -> IdxReader.readImages(zeroRows));
        Path zeroLabels = file("zl", IdxTestFiles.labels(new byte[0]), false);
        assertFails(zeroLabels, "dimension 0 (count) is 0", () -> IdxReader.readLabels(zeroLabels, 10));
        Path huge = file("neg", IdxTestFiles.idx(IdxTestFiles.IMAGES_MAGIC, new int[] {1, -1, 1}, new byte[0]), false);
        assertFails(huge, "dimension 1 (rows) is 4294967295", () -> IdxReader.readImages(huge));
    }

    /** A product beyond the largest array fails before anything is allocated. */
    @Test
    void tooLarge() {
        Path f = file("big", IdxTestFiles.images(60_000, 1000, 1000, new byte[0]), false);
        assertFails(f, "too large: 60000x1000x1000", () -> IdxReader.readImages(f));
    }

    /** A header announcing far more data than present must not make the reader allocate all of it. */
    @Test
    void bigClaimSmallFileIsTruncatedNotOutOfMemory() {
        Path f = file("claim", IdxTestFiles.images(1_000_000, 2000, 1, new byte[10]), false);
        assertFails(f, "truncated: expected 2000000000 data bytes, found 10", () -> IdxReader.readImages(f));
    }

    @Test
    void labelOutOfRange() {
        Path f = file("lo", IdxTestFiles.labels(new byte[] {0, 9, 10, 3}), false);
        assertFails(f, "label out of range: label 10 at index 2 is not in [0, 10)", () -> IdxReader.readLabels(f, 10));
        Path g = file("lo2", IdxTestFiles.labels(new byte[] {(byte) 200}), true);
        assertFails(g, "label 200 at index 0", () -> IdxReader.readLabels(g, 10));
        assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(g, 0));
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope-idx3-ubyte.gz");
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(f));
        assertEquals(f + ": no such file", e.getMessage());
        assertFails(f, "no such file", () -> IdxReader.readLabels(f, 10));
    }

    @Test
    void directoryInsteadOfFile() {
        assertFails(dir, "is a directory", () -> IdxReader.readImages(dir));
    }

    @Test
    void corruptGzip() {
        byte[] raw = IdxTestFiles.images(20, 28, 28, IdxTestFiles.randomBytes(20 * 784, 256, new SplittableRandom(SEED)));
        byte[] gz = IdxTestFiles.gzip(raw);
        // damage the deflate data in the middle: either the inflater rejects it or the CRC check does
        byte[] damaged = gz.clone();
        for (int i = gz.length / 2; i < gz.length / 2 + 16; i++) {
            damaged[i] ^= (byte) 0x5A;
        }
        Path f = file("corrupt.gz", damaged, false);
        assertFails(f, "corrupt or truncated gzip stream", () -> IdxReader.readImages(f));
        // a gzip magic followed by garbage fails in the header
        Path h = file("badheader.gz", new byte[] {0x1f, (byte) 0x8b, 0x42, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3}, false);
        assertFails(h, "corrupt or truncated gzip stream", () -> IdxReader.readImages(h));
        // a cut-off gzip file
        Path t = file("cut.gz", Arrays.copyOf(gz, gz.length / 3), false);
        assertFails(t, "corrupt or truncated gzip stream", () -> IdxReader.readImages(t));
    }

    /** The CRC is checked: flipping a bit of the stored CRC-32 fails although the data inflate fine. */
    @Test
    void gzipCrcChecked() {
        byte[] gz = IdxTestFiles.gzip(IdxTestFiles.labels(new byte[] {1, 2, 3, 4}));
        gz[gz.length - 8] ^= 1; // first byte of the CRC-32 in the trailer
        Path f = file("crc.gz", gz, false);
        assertFails(f, "corrupt or truncated gzip stream", () -> IdxReader.readLabels(f, 10));
    }
}
