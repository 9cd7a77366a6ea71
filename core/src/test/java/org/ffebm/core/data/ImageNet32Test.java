package org.ffebm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ImageNet32}: round trips through small generated {@code .npz} archives (stored and deflated, npy versions 1,
 * 2 and 3, every label dtype), partial loads, and every failure mode, each a one-line {@link DataFormatException}
 * naming the file.
 */
class ImageNet32Test {

    private static final int F = ImageNet32.FEATURES;
    /** Images per training archive in the full toy set: every archive differs, so the order is visible. */
    private static final int[] TRAIN_SIZES = {2, 1, 3, 2, 1, 3, 2, 1, 3, 2};
    private static final int VAL_SIZE = 4;

    @TempDir
    Path dir;

    private final SplittableRandom rng = new SplittableRandom(32L);

    /** The arrays of one archive: n rows of 3072 pixel bytes and n 1-based labels. */
    private record Content(byte[] pixels, long[] labels) {
        int n() {
            return labels.length;
        }
    }

    private Content random(int n) {
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = 1 + rng.nextInt(ImageNet32.NUM_CLASSES);
        }
        return new Content(IdxTestFiles.randomBytes(n * F, 256, rng), labels);
    }

    /** The entries NumPy's savez would write: data, labels as int64, and a float mean that the reader ignores. */
    private static Map<String, byte[]> entries(Content c) {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("data.npy", NpyTestFiles.npy("|u1", new long[] {c.n(), F}, c.pixels()));
        e.put("labels.npy", NpyTestFiles.npy("<i8", new long[] {c.n()}, NpyTestFiles.le(8, c.labels())));
        e.put("mean.npy", NpyTestFiles.npy("<f8", new long[] {F}, new byte[8 * F]));
        return e;
    }

    private static Path write(Path file, Map<String, byte[]> entries, boolean deflate) {
        return IdxTestFiles.write(file, NpyTestFiles.zip(entries, deflate));
    }

    private Path write(Path file, Content c, boolean deflate) {
        return write(file, entries(c), deflate);
    }

    /** Writes training archives 1..batches (sizes from TRAIN_SIZES) and the validation archive into folder. */
    private List<Content> writeSet(Path folder, int batches, boolean deflate) {
        List<Content> all = new ArrayList<>();
        for (int b = 1; b <= batches; b++) {
            Content c = random(TRAIN_SIZES[b - 1]);
            write(folder.resolve(ImageNet32.trainFile(b)), c, deflate);
            all.add(c);
        }
        Content val = random(VAL_SIZE);
        write(folder.resolve(ImageNet32.VAL_FILE), val, deflate);
        all.add(val);
        return all;
    }

    /** Every pixel is byte/255 at the same feature index, every label one less than stored, in file order. */
    private static void assertContent(Dataset d, List<Content> parts) {
        int i = 0;
        for (Content c : parts) {
            for (int r = 0; r < c.n(); r++, i++) {
                assertEquals(c.labels()[r] - 1, d.label(i), "label " + i);
                for (int f = 0; f < F; f++) {
                    float expected = (c.pixels()[r * F + f] & 0xFF) / 255f;
                    if (d.pixel(i, f) != expected) {
                        assertEquals(expected, d.pixel(i, f), "sample " + i + " feature " + f);
                    }
                }
            }
        }
        assertEquals(i, d.size());
    }

    /** Asserts a DataFormatException whose single-line message starts with the file and contains the problem. */
    private static DataFormatException assertFails(Path file, String problem, Runnable read) {
        DataFormatException e = assertThrows(DataFormatException.class, read::run);
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString() + ": "), () -> "message should name the file " + file + ": " + m);
        assertTrue(m.contains(problem), () -> "message should contain '" + problem + "': " + m);
        assertFalse(m.contains("\n"), () -> "message should be one line: " + m);
        return e;
    }

    private static Dataset readOne(Path file) {
        return ImageNet32.read("one", List.of(file));
    }

    // ---- round trips -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void fullSetRoundTrip(boolean deflate) {
        List<Content> parts = writeSet(dir, ImageNet32.TRAIN_BATCHES, deflate);
        TrainTest tt = ImageNet32.load(dir);
        Dataset train = tt.train();
        Dataset val = tt.test();
        assertEquals("imagenet32-train", train.name());
        assertEquals("imagenet32-val", val.name());
        assertEquals(Arrays.stream(TRAIN_SIZES).sum(), train.size());
        assertEquals(VAL_SIZE, val.size());
        for (Dataset d : new Dataset[] {train, val}) {
            assertEquals(3, d.channels());
            assertEquals(32, d.rows());
            assertEquals(32, d.cols());
            assertEquals(3072, d.features());
            assertEquals(1000, d.numClasses());
            assertEquals((long) d.size() * 3072, d.storageBytes(), "held as bytes");
        }
        assertContent(train, parts.subList(0, ImageNet32.TRAIN_BATCHES));
        assertContent(val, parts.subList(ImageNet32.TRAIN_BATCHES, parts.size()));
    }

    /** The row is R plane, G plane, B plane, each 32×32 row-major: feature (c·32 + h)·32 + w. */
    @Test
    void channelOrderAndScaling() {
        byte[] px = new byte[2 * F];
        int h = 5;
        int w = 17;
        px[0 * 1024 + h * 32 + w] = (byte) 255; // red of image 0
        px[1 * 1024 + h * 32 + w] = (byte) 128; // green
        px[2 * 1024 + h * 32 + w] = 51; // blue
        px[F + 2 * 1024 + 31 * 32 + 31] = 1; // last blue pixel of image 1
        Path file = write(dir.resolve("one.npz"), new Content(px, new long[] {1, 1000}), true);
        Dataset d = readOne(file);
        assertEquals(1f, d.pixel(0, (0 * 32 + h) * 32 + w));
        assertEquals(128 / 255f, d.pixel(0, (1 * 32 + h) * 32 + w));
        assertEquals(0.2f, d.pixel(0, (2 * 32 + h) * 32 + w));
        assertEquals(0f, d.pixel(0, (2 * 32 + h) * 32 + w + 1));
        assertEquals(1 / 255f, d.pixel(1, F - 1));
        assertEquals(0, d.label(0));
        assertEquals(999, d.label(1));
        // copyBatch scales the same way
        int[] y = new int[2];
        FMatrixRMaj x = d.copyBatch(new int[] {1, 0}, 0, 2, null, y);
        assertArrayEquals(new int[] {999, 0}, y);
        assertEquals(1f, x.get(1, (0 * 32 + h) * 32 + w));
        assertEquals(1 / 255f, x.get(0, F - 1));
    }

    @ParameterizedTest
    @CsvSource({"<i8, 8, 1000", "<i4, 4, 1000", "<i2, 2, 1000", "|i1, 1, 127", "<u8, 8, 1000", "<u4, 4, 1000",
            "<u2, 2, 1000", "|u1, 1, 255"})
    void everyLabelDtype(String descr, int itemSize, long max) {
        long[] labels = {1, max, 2, max - 1};
        Content c = random(4);
        Map<String, byte[]> e = entries(c);
        e.put("labels.npy", NpyTestFiles.npy(descr, new long[] {4}, NpyTestFiles.le(itemSize, labels)));
        Dataset d = readOne(write(dir.resolve("l.npz"), e, false));
        for (int i = 0; i < 4; i++) {
            assertEquals(labels[i] - 1, d.label(i), descr + " label " + i);
        }
    }

    /** Versions 2.0 and 3.0 have a 4-byte header length; 3.0 headers are UTF-8. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void npyVersions(int major) {
        Content c = random(3);
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("labels.npy", NpyTestFiles.npy(major, "<i4", new long[] {3}, NpyTestFiles.le(4, c.labels())));
        e.put("data.npy", NpyTestFiles.npy(major, "|u1", new long[] {3, F}, c.pixels()));
        Dataset d = readOne(write(dir.resolve("v.npz"), e, true));
        assertContent(d, List.of(c));
    }

    /** Python 2 long literals, other key orders, double quotes and no trailing comma all parse; extra arrays and
     *  entries without the .npy suffix are fine. */
    @Test
    void headerVariantsAndEntryNames() {
        Content c = random(2);
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("data", NpyTestFiles.npyWithHeader(1, "{\"shape\": (2L, 3072L), \"fortran_order\": False, "
                + "\"descr\": \"|u1\"}", c.pixels()));
        e.put("labels.npy", NpyTestFiles.npyWithHeader(1, "{'descr':'<i8','fortran_order':False,'shape':(2L,)}",
                NpyTestFiles.le(8, c.labels())));
        e.put("extra.npy", NpyTestFiles.npy("<f4", new long[] {1}, new byte[4]));
        assertContent(readOne(write(dir.resolve("h.npz"), e, false)), List.of(c));
    }

    @Test
    void someTrainBatches() {
        List<Content> parts = writeSet(dir, 3, false);
        TrainTest two = ImageNet32.load(dir, 2);
        assertEquals("imagenet32-train[batches 1-2]", two.train().name());
        assertContent(two.train(), parts.subList(0, 2));
        assertContent(two.test(), parts.subList(3, 4));
        TrainTest one = ImageNet32.load(dir, 1);
        assertEquals("imagenet32-train[batch 1]", one.train().name());
        assertEquals(TRAIN_SIZES[0], one.train().size());
        // archives 4..10 are absent: the full load names the first missing one
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageNet32.load(dir));
        assertEquals(dir + ": missing train_data_batch_4.npz (also looked in Imagenet32_train_npz/)", e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ImageNet32.load(dir, 0));
        assertEquals("maxTrainBatches = 0 is not in [1, 10]", bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageNet32.load(dir, 11));
        assertThrows(IllegalArgumentException.class, () -> ImageNet32.read("x", List.of()));
    }

    /** The official downloads unpack to Imagenet32_train_npz/ and Imagenet32_val_npz/: the parent works too. */
    @Test
    void officialFolders() throws IOException {
        Path trainDir = Files.createDirectory(dir.resolve(ImageNet32.TRAIN_SUBDIR));
        Path valDir = Files.createDirectory(dir.resolve(ImageNet32.VAL_SUBDIR));
        Content t = random(2);
        Content v = random(1);
        write(trainDir.resolve(ImageNet32.trainFile(1)), t, true);
        write(valDir.resolve(ImageNet32.VAL_FILE), v, true);
        TrainTest tt = ImageNet32.load(dir, 1);
        assertContent(tt.train(), List.of(t));
        assertContent(tt.test(), List.of(v));
    }

    /** Stored and deflated archives mix; read() concatenates in the order given. */
    @Test
    void readConcatenatesInOrder() {
        Content a = random(3);
        Content b = random(2);
        Path fa = write(dir.resolve("a.npz"), a, true);
        Path fb = write(dir.resolve("b.npz"), b, false);
        assertContent(ImageNet32.read("ba", List.of(fb, fa)), List.of(b, a));
        assertEquals("train_data_batch_10.npz", ImageNet32.trainFile(10));
        assertThrows(IllegalArgumentException.class, () -> ImageNet32.trainFile(0));
    }

    // ---- files and archives ------------------------------------------------------------------------------------

    @Test
    void missingDirectoryOrFile() {
        Path none = dir.resolve("absent");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageNet32.load(none, 1));
        assertEquals(none + ": no such directory", e.getMessage());
        Path plain = IdxTestFiles.write(dir.resolve("plain"), new byte[1]);
        e = assertThrows(DataFormatException.class, () -> ImageNet32.load(plain, 1));
        assertEquals(plain + ": not a directory", e.getMessage());
        write(dir.resolve(ImageNet32.trainFile(1)), random(1), true);
        e = assertThrows(DataFormatException.class, () -> ImageNet32.load(dir, 1));
        assertEquals(dir + ": missing val_data.npz (also looked in Imagenet32_val_npz/)", e.getMessage());
        Path f = dir.resolve("nope.npz");
        e = assertFails(f, "no such file", () -> readOne(f));
        assertEquals(f + ": no such file", e.getMessage());
        assertFails(dir, "is a directory", () -> readOne(dir));
    }

    @Test
    void notAZipArchive() {
        Path garbage = IdxTestFiles.write(dir.resolve("garbage.npz"), IdxTestFiles.randomBytes(500, 256, rng));
        assertFails(garbage, "not a zip (npz) archive or a damaged one", () -> readOne(garbage));
        Path empty = IdxTestFiles.write(dir.resolve("empty.npz"), new byte[0]);
        assertFails(empty, "not a zip (npz) archive", () -> readOne(empty));
        // a bare .npy is not an archive either
        Path npy = IdxTestFiles.write(dir.resolve("bare.npz"), NpyTestFiles.npy("|u1", new long[] {1, F}, new byte[F]));
        assertFails(npy, "not a zip (npz) archive", () -> readOne(npy));
        // a cut-off archive has lost its zip directory
        byte[] zip = NpyTestFiles.zip(entries(random(2)), true);
        Path cut = IdxTestFiles.write(dir.resolve("cut.npz"), Arrays.copyOf(zip, zip.length / 2));
        assertFails(cut, "not a zip (npz) archive", () -> readOne(cut));
    }

    /**
     * Damage inside the pixel data is caught: by the CRC-32 check for stored entries and for random (incompressible)
     * pixels, which deflate keeps in stored blocks; for compressible pixels the damaged stream decodes to too few
     * bytes (or the inflater or the CRC-32 rejects it).
     */
    @ParameterizedTest
    @CsvSource({"false, false, damaged npz entry: CRC-32", "true, false, damaged npz entry: CRC-32",
            "true, true, damaged"})
    void damagedEntry(boolean deflate, boolean compressible, String problem) {
        Content c = random(3);
        if (compressible) {
            for (int k = 0; k < c.pixels().length; k++) {
                c.pixels()[k] = (byte) (k % 7 * 31 + k / 500);
            }
        }
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("labels.npy", NpyTestFiles.npy("<i8", new long[] {3}, NpyTestFiles.le(8, c.labels())));
        e.put("data.npy", NpyTestFiles.npy("|u1", new long[] {3, F}, c.pixels()));
        byte[] zip = NpyTestFiles.zip(e, deflate);
        // flip bytes in the middle of the data entry's payload: after its local header, before the zip directory
        String latin = new String(zip, StandardCharsets.ISO_8859_1);
        int start = latin.indexOf("data.npy") + "data.npy".length();
        int end = latin.indexOf("PK\u0001\u0002");
        int mid = (start + end) / 2;
        for (int i = mid; i < mid + 4; i++) {
            zip[i] ^= (byte) 0x5A;
        }
        Path f = IdxTestFiles.write(dir.resolve("damaged.npz"), zip);
        assertFails(f, "data.npy: " + problem, () -> readOne(f));
    }

    /** A deflate stream that starts with the invalid block type 11: the inflater's error, named with the entry. */
    @Test
    void invalidDeflateStream() {
        Map<String, byte[]> e = entries(random(2));
        byte[] zip = NpyTestFiles.zip(e, true);
        int start = new String(zip, StandardCharsets.ISO_8859_1).indexOf("labels.npy") + "labels.npy".length();
        zip[start] = 0x07; // BFINAL = 1, BTYPE = 11 (reserved)
        Path f = IdxTestFiles.write(dir.resolve("inflate.npz"), zip);
        DataFormatException ex = assertFails(f, "labels.npy: damaged or truncated npz entry (", () -> readOne(f));
        assertTrue(ex.getCause() instanceof java.util.zip.ZipException, () -> String.valueOf(ex.getCause()));
    }

    @Test
    void missingArrays() {
        Content c = random(2);
        Map<String, byte[]> noData = entries(c);
        noData.remove("data.npy");
        Path f = write(dir.resolve("nodata.npz"), noData, true);
        DataFormatException e = assertFails(f, "missing array 'data'", () -> readOne(f));
        assertEquals(f + ": missing array 'data': no entry data.npy (the archive holds labels.npy, mean.npy)",
                e.getMessage());
        Map<String, byte[]> noLabels = entries(c);
        noLabels.remove("labels.npy");
        Path g = write(dir.resolve("nolabels.npz"), noLabels, false);
        assertFails(g, "missing array 'labels'", () -> readOne(g));
        Path h = write(dir.resolve("nothing.npz"), new LinkedHashMap<>(), true);
        assertFails(h, "missing array 'labels': no entry labels.npy (the archive holds nothing)", () -> readOne(h));
    }

    // ---- shapes, dtypes and labels -----------------------------------------------------------------------------

    private Path withData(String name, String descr, long[] shape, byte[] data) {
        Map<String, byte[]> e = entries(random(3));
        e.put("data.npy", NpyTestFiles.npy(descr, shape, data));
        return write(dir.resolve(name), e, true);
    }

    private Path withLabels(String name, byte[] labelsNpy) {
        Map<String, byte[]> e = entries(random(3));
        e.put("labels.npy", labelsNpy);
        return write(dir.resolve(name), e, false);
    }

    @Test
    void shapeMismatches() {
        Path rows = withData("rows.npz", "|u1", new long[] {2, F}, new byte[2 * F]);
        DataFormatException e = assertFails(rows, "data.npy: data have 2 rows", () -> readOne(rows));
        assertEquals(rows + ": data.npy: data have 2 rows (shape (2, 3072)) but the labels array has 3 labels",
                e.getMessage());
        Path cols = withData("cols.npz", "|u1", new long[] {3, 1024}, new byte[3 * 1024]);
        assertFails(cols, "data.npy: data have shape (3, 1024): expected (N, 3072)", () -> readOne(cols));
        Path flat = withData("flat.npz", "|u1", new long[] {3 * F}, new byte[3 * F]);
        assertFails(flat, "data have shape (9216,): expected (N, 3072)", () -> readOne(flat));
        Path cube = withData("cube.npz", "|u1", new long[] {3, 3, 32, 32}, new byte[3 * F]);
        assertFails(cube, "data have shape (3, 3, 32, 32)", () -> readOne(cube));
        Path labels2d = withLabels("l2.npz", NpyTestFiles.npy("<i8", new long[] {3, 1}, NpyTestFiles.le(8, 1, 2, 3)));
        assertFails(labels2d, "labels.npy: labels have shape (3, 1): expected one dimension (N,)",
                () -> readOne(labels2d));
        Path none = withLabels("l0.npz", NpyTestFiles.npy("<i8", new long[] {0}, new byte[0]));
        assertFails(none, "labels.npy: empty: no labels (shape (0,))", () -> readOne(none));
    }

    @Test
    void unsupportedDtypes() {
        Path floats = withData("f.npz", "<f4", new long[] {3, F}, new byte[4 * 3 * F]);
        assertFails(floats, "data.npy: unsupported dtype '<f4' for the pixels: expected '|u1' (uint8)",
                () -> readOne(floats));
        Path signed = withData("i1.npz", "|i1", new long[] {3, F}, new byte[3 * F]);
        assertFails(signed, "unsupported dtype '|i1' for the pixels", () -> readOne(signed));
        Path floatLabels = withLabels("fl.npz", NpyTestFiles.npy("<f8", new long[] {3}, new byte[24]));
        assertFails(floatLabels, "labels.npy: unsupported dtype '<f8' for the labels: expected a little-endian integer",
                () -> readOne(floatLabels));
        Path bigEndian = withLabels("be.npz", NpyTestFiles.npy(">i8", new long[] {3}, new byte[24]));
        assertFails(bigEndian, "labels.npy: unsupported byte order in dtype '>i8'", () -> readOne(bigEndian));
        Path structured = withLabels("st.npz", NpyTestFiles.npyWithHeader(1,
                "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (3,), }", new byte[12]));
        assertFails(structured, "labels.npy: unsupported dtype: 'descr' is a list", () -> readOne(structured));
        Map<String, byte[]> e = entries(random(3));
        e.put("data.npy", NpyTestFiles.npyWithHeader(1, NpyTestFiles.dict("|u1", true, new long[] {3, F}),
                new byte[3 * F]));
        Path fortran = write(dir.resolve("fo.npz"), e, true);
        assertFails(fortran, "data.npy: fortran_order True (column-major) is not supported", () -> readOne(fortran));
    }

    @Test
    void labelsOutOfRange() {
        Path zero = withLabels("zero.npz", NpyTestFiles.npy("<i8", new long[] {3}, NpyTestFiles.le(8, 1, 0, 5)));
        DataFormatException e = assertFails(zero, "labels.npy: label out of range", () -> readOne(zero));
        assertEquals(zero + ": labels.npy: label out of range: label 0 at index 1 is not in [1, 1000] (ImageNet32 "
                + "labels are 1-based)", e.getMessage());
        Path high = withLabels("high.npz", NpyTestFiles.npy("<i2", new long[] {3}, NpyTestFiles.le(2, 1, 2, 1001)));
        assertFails(high, "label 1001 at index 2", () -> readOne(high));
        Path negative = withLabels("neg.npz", NpyTestFiles.npy("|i1", new long[] {3}, NpyTestFiles.le(1, -1, 2, 3)));
        assertFails(negative, "label -1 at index 0", () -> readOne(negative));
        Path huge = withLabels("u8.npz", NpyTestFiles.npy("<u8", new long[] {3}, NpyTestFiles.le(8, 1, -1L, 3)));
        assertFails(huge, "label 18446744073709551615 at index 1", () -> readOne(huge));
    }

    // ---- npy framing -------------------------------------------------------------------------------------------

    @Test
    void badNpyMagicVersionOrHeader() {
        Path magic = withLabels("magic.npz", "not an npy array at all".getBytes(StandardCharsets.US_ASCII));
        assertFails(magic, "labels.npy: bad npy magic 0x6e6f7420616e: an .npy array starts with \\x93NUMPY",
                () -> readOne(magic));
        Path empty = withLabels("emptyentry.npz", new byte[0]);
        assertFails(empty, "labels.npy: empty: no npy header", () -> readOne(empty));
        byte[] v4 = NpyTestFiles.npy(2, "<i8", new long[] {3}, NpyTestFiles.le(8, 1, 2, 3));
        v4[6] = 4;
        Path version = withLabels("v4.npz", v4);
        assertFails(version, "labels.npy: unsupported npy format version 4.0: versions 1.0, 2.0 and 3.0 are read",
                () -> readOne(version));
        Path noShape = withLabels("noshape.npz", NpyTestFiles.npyWithHeader(1,
                "{'descr': '<i8', 'fortran_order': False, }", NpyTestFiles.le(8, 1, 2, 3)));
        assertFails(noShape, "labels.npy: npy header has no 'shape' key", () -> readOne(noShape));
        Path garbled = withLabels("garbled.npz", NpyTestFiles.npyWithHeader(1,
                "{'descr': '<i8', 'fortran_order': maybe, 'shape': (3,), }", NpyTestFiles.le(8, 1, 2, 3)));
        assertFails(garbled, "labels.npy: malformed npy header at character 34: expected a string, True, False or a"
                + " tuple as the value of 'fortran_order'", () -> readOne(garbled));
        byte[] shortHeader = Arrays.copyOf(NpyTestFiles.npy("<i8", new long[] {3}, new byte[24]), 30);
        Path cut = withLabels("cutheader.npz", shortHeader);
        assertFails(cut, "labels.npy: truncated npy header: expected 118 header bytes, found 20", () -> readOne(cut));
    }

    /** The entry holds less or more than the shape announces: caught from the sizes before reading. */
    @Test
    void truncatedOrTrailingData() {
        Path shortData = withData("short.npz", "|u1", new long[] {3, F}, new byte[3 * F - 10]);
        assertFails(shortData, "data.npy: truncated: shape (3, 3072) of '|u1' needs 9216 data bytes after the"
                + " 128-byte header, the entry holds 9206", () -> readOne(shortData));
        Path longData = withData("long.npz", "|u1", new long[] {3, F}, new byte[3 * F + 1]);
        assertFails(longData, "data.npy: trailing bytes: shape (3, 3072)", () -> readOne(longData));
        Path shortLabels = withLabels("shortl.npz", NpyTestFiles.npy("<i8", new long[] {3}, new byte[20]));
        assertFails(shortLabels, "labels.npy: truncated: shape (3,) of '<i8' needs 24 data bytes", () ->
                readOne(shortLabels));
    }

    @Test
    void heapCheck() {
        DataFiles.checkHeap("d", "10 images", 1000, 1000);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DataFiles.checkHeap("/data/imagenet32", "1281167 training and 50000 validation images",
                        1331167L * 3072, 2L << 30));
        assertEquals("/data/imagenet32: 1281167 training and 50000 validation images need 3900 MiB of heap but the"
                + " JVM's maximum heap is 2048 MiB: raise -Xmx or load less data", e.getMessage());
    }
}
