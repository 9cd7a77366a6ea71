package org.ffebm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Cifar10}: round trips through small generated binary batches (a few records per file instead of 10,000),
 * the concatenation order, the archive's folder, and every failure mode, each a one-line {@link DataFormatException}
 * naming the file.
 */
class Cifar10Test {

    private static final int F = Cifar10.FEATURES;
    private static final int R = Cifar10.RECORD_BYTES;
    /** Records per training file: all different, so that the concatenation order shows. */
    private static final int[] TRAIN_RECORDS = {3, 1, 2, 3, 2};
    private static final int TEST_RECORDS = 3;

    @TempDir
    Path dir;

    private final SplittableRandom rng = new SplittableRandom(10L);

    /** n records with random labels in [0, 10) and random pixels: label byte, then 3072 pixel bytes. */
    private byte[] records(int n) {
        byte[] b = IdxTestFiles.randomBytes(n * R, 256, rng);
        for (int r = 0; r < n; r++) {
            b[r * R] = (byte) rng.nextInt(10);
        }
        return b;
    }

    /** Writes the five training files and the test file into folder; returns their contents in that order. */
    private List<byte[]> writeSet(Path folder) {
        List<byte[]> files = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            byte[] b = records(TRAIN_RECORDS[k]);
            IdxTestFiles.write(folder.resolve(Cifar10.TRAIN_FILES.get(k)), b);
            files.add(b);
        }
        byte[] test = records(TEST_RECORDS);
        IdxTestFiles.write(folder.resolve(Cifar10.TEST_FILE), test);
        files.add(test);
        return files;
    }

    /** Sample by sample, the label is the record's first byte and feature f is byte 1 + f scaled by 1/255. */
    private static void assertContent(Dataset d, List<byte[]> files) {
        int i = 0;
        for (byte[] file : files) {
            for (int r = 0; r < file.length / R; r++, i++) {
                assertEquals(file[r * R], d.label(i), "label " + i);
                for (int f = 0; f < F; f++) {
                    float expected = (file[r * R + 1 + f] & 0xFF) / 255f;
                    if (d.pixel(i, f) != expected) {
                        assertEquals(expected, d.pixel(i, f), "sample " + i + " feature " + f);
                    }
                }
            }
        }
        assertEquals(i, d.size());
    }

    private static DataFormatException assertFails(Path file, String problem, Runnable read) {
        DataFormatException e = assertThrows(DataFormatException.class, read::run);
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString() + ": "), () -> "message should name the file " + file + ": " + m);
        assertTrue(m.contains(problem), () -> "message should contain '" + problem + "': " + m);
        assertFalse(m.contains("\n"), () -> "message should be one line: " + m);
        return e;
    }

    @Test
    void roundTrip() {
        List<byte[]> files = writeSet(dir);
        TrainTest tt = Cifar10.load(dir);
        Dataset train = tt.train();
        Dataset test = tt.test();
        assertEquals("cifar-10-train", train.name());
        assertEquals("cifar-10-test", test.name());
        assertEquals(Arrays.stream(TRAIN_RECORDS).sum(), train.size());
        assertEquals(TEST_RECORDS, test.size());
        for (Dataset d : new Dataset[] {train, test}) {
            assertEquals(3, d.channels());
            assertEquals(32, d.rows());
            assertEquals(32, d.cols());
            assertEquals(3072, d.features());
            assertEquals(10, d.numClasses());
            assertEquals((long) d.size() * 3072, d.storageBytes(), "held as bytes");
        }
        assertContent(train, files.subList(0, 5));
        assertContent(test, files.subList(5, 6));
    }

    /** The record is label, R plane, G plane, B plane, each 32×32 row-major: feature (c·32 + h)·32 + w. */
    @Test
    void channelOrderAndScaling() {
        byte[] rec = new byte[2 * R];
        rec[0] = 7;
        int h = 30;
        int w = 2;
        rec[1 + 0 * 1024 + h * 32 + w] = (byte) 255; // red
        rec[1 + 1 * 1024 + h * 32 + w] = 51; // green
        rec[1 + 2 * 1024 + h * 32 + w] = (byte) 128; // blue
        rec[R] = 9;
        rec[R + 1] = 1; // first red pixel of record 1
        Path f = IdxTestFiles.write(dir.resolve("b.bin"), rec);
        Dataset d = Cifar10.read("b", List.of(f));
        assertEquals(1f, d.pixel(0, (0 * 32 + h) * 32 + w));
        assertEquals(0.2f, d.pixel(0, (1 * 32 + h) * 32 + w));
        assertEquals(128 / 255f, d.pixel(0, (2 * 32 + h) * 32 + w));
        assertEquals(0f, d.pixel(0, (2 * 32 + h) * 32 + w + 1));
        assertEquals(1 / 255f, d.pixel(1, 0));
        assertEquals(7, d.label(0));
        assertEquals(9, d.label(1));
        int[] y = new int[2];
        FMatrixRMaj x = d.copyBatch(new int[] {1, 0}, 0, 2, null, y);
        assertArrayEquals(new int[] {9, 7}, y);
        assertEquals(1 / 255f, x.get(0, 0));
        assertEquals(0.2f, x.get(1, (1 * 32 + h) * 32 + w));
        // limit keeps the bytes (shared, not copied) and the values
        Dataset one = d.limit(1);
        assertEquals("b[:1]", one.name());
        assertEquals(3072, one.storageBytes());
        assertEquals(1f, one.pixel(0, (0 * 32 + h) * 32 + w));
    }

    /** The archive unpacks to cifar-10-batches-bin/: its parent works too. */
    @Test
    void archiveFolder() throws IOException {
        List<byte[]> files = writeSet(Files.createDirectory(dir.resolve(Cifar10.SUBDIR)));
        TrainTest tt = Cifar10.load(dir);
        assertContent(tt.train(), files.subList(0, 5));
        assertContent(Cifar10.load(dir.resolve(Cifar10.SUBDIR)).test(), files.subList(5, 6));
    }

    @Test
    void readConcatenatesInOrder() {
        byte[] a = records(2);
        byte[] b = records(1);
        Path fa = IdxTestFiles.write(dir.resolve("a.bin"), a);
        Path fb = IdxTestFiles.write(dir.resolve("b.bin"), b);
        assertContent(Cifar10.read("ba", List.of(fb, fa)), List.of(b, a));
        assertThrows(IllegalArgumentException.class, () -> Cifar10.read("none", List.of()));
    }

    @Test
    void missingDirectoryOrFile() {
        Path none = dir.resolve("absent");
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.load(none));
        assertEquals(none + ": no such directory", e.getMessage());
        Path plain = IdxTestFiles.write(dir.resolve("plain"), new byte[1]);
        e = assertThrows(DataFormatException.class, () -> Cifar10.load(plain));
        assertEquals(plain + ": not a directory", e.getMessage());
        writeSet(dir);
        assertTrue(dir.resolve("data_batch_3.bin").toFile().delete());
        e = assertThrows(DataFormatException.class, () -> Cifar10.load(dir));
        assertEquals(dir + ": missing data_batch_3.bin (also looked in cifar-10-batches-bin/)", e.getMessage());
        Path f = dir.resolve("nope.bin");
        e = assertFails(f, "no such file", () -> Cifar10.read("x", List.of(f)));
        assertEquals(f + ": no such file", e.getMessage());
        assertFails(dir, "is a directory, not a file", () -> Cifar10.read("x", List.of(dir)));
    }

    @Test
    void truncatedRecord() {
        writeSet(dir);
        byte[] b = Arrays.copyOf(records(3), 2 * R + 100);
        Path f = IdxTestFiles.write(dir.resolve(Cifar10.TEST_FILE), b);
        DataFormatException e = assertFails(f, "truncated record", () -> Cifar10.load(dir));
        assertEquals(f + ": truncated record: the length 6246 bytes is not a multiple of the record size 3073 (1 label"
                + " byte + 3072 pixel bytes): 2 whole records and 100 bytes more", e.getMessage());
        Path small = IdxTestFiles.write(dir.resolve("small.bin"), new byte[R - 1]);
        assertFails(small, "truncated record: the length 3072 bytes", () -> Cifar10.read("s", List.of(small)));
        Path empty = IdxTestFiles.write(dir.resolve("empty.bin"), new byte[0]);
        assertFails(empty, "empty: no records", () -> Cifar10.read("e", List.of(empty)));
    }

    @Test
    void labelOutOfRange() {
        writeSet(dir);
        byte[] b = records(3);
        b[2 * R] = 10;
        Path f = IdxTestFiles.write(dir.resolve("data_batch_2.bin"), b);
        DataFormatException e = assertFails(f, "label out of range", () -> Cifar10.load(dir));
        assertEquals(f + ": label out of range: label 10 in record 2 (byte offset 6146) is not in [0, 10)",
                e.getMessage());
        b[2 * R] = (byte) 255;
        IdxTestFiles.write(f, b);
        assertFails(f, "label 255 in record 2", () -> Cifar10.load(dir));
    }

    @Test
    void classNames() {
        assertEquals(10, Cifar10.CLASS_NAMES.size());
        assertEquals("airplane", Cifar10.className(0));
        assertEquals("truck", Cifar10.className(9));
        assertThrows(IllegalArgumentException.class, () -> Cifar10.className(10));
        assertThrows(IllegalArgumentException.class, () -> Cifar10.className(-1));
    }
}
