package org.ffebm.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link IdxDataset#load}: file names, mixed raw and gzipped files, and the errors that name dir and file. */
class IdxDatasetTest {

    @TempDir
    Path dir;

    private final SplittableRandom rng = new SplittableRandom(11L);

    /** Writes one split of n 4×3 images; gz decides the name and the compression. */
    private void writeSplit(String imagesBase, String labelsBase, int nImages, int nLabels, boolean gz) {
        byte[] img = IdxTestFiles.images(nImages, 4, 3, IdxTestFiles.randomBytes(nImages * 12, 256, rng));
        byte[] lab = IdxTestFiles.labels(IdxTestFiles.randomBytes(nLabels, 10, rng));
        String suffix = gz ? IdxDataset.GZ_SUFFIX : "";
        IdxTestFiles.write(dir.resolve(imagesBase + suffix), gz ? IdxTestFiles.gzip(img) : img);
        IdxTestFiles.write(dir.resolve(labelsBase + suffix), gz ? IdxTestFiles.gzip(lab) : lab);
    }

    @Test
    void loadsMixedRawAndGzipped() {
        writeSplit(IdxDataset.TRAIN_IMAGES, IdxDataset.TRAIN_LABELS, 7, 7, true);
        writeSplit(IdxDataset.TEST_IMAGES, IdxDataset.TEST_LABELS, 3, 3, false);
        TrainTest tt = IdxDataset.load(dir, "toy", 10);
        assertEquals(7, tt.train().size());
        assertEquals(3, tt.test().size());
        assertEquals("toy-train", tt.train().name());
        assertEquals("toy-test", tt.test().name());
        assertEquals(4, tt.test().rows());
        assertEquals(3, tt.test().cols());
        assertEquals(12, tt.train().features());
        assertEquals(10, tt.train().numClasses());
    }

    @Test
    void missingFileNamesDirectoryAndFile() {
        writeSplit(IdxDataset.TRAIN_IMAGES, IdxDataset.TRAIN_LABELS, 2, 2, true);
        writeSplit(IdxDataset.TEST_IMAGES, IdxDataset.TEST_LABELS, 2, 2, true);
        assertEquals(2, FashionMnist.load(dir).test().size());
        dir.resolve(IdxDataset.TEST_LABELS + ".gz").toFile().delete();
        DataFormatException e = assertThrows(DataFormatException.class, () -> FashionMnist.load(dir));
        assertEquals(dir + ": missing t10k-labels-idx1-ubyte.gz (or t10k-labels-idx1-ubyte)", e.getMessage());
    }

    @Test
    void missingDirectory() {
        Path none = dir.resolve("absent");
        DataFormatException e = assertThrows(DataFormatException.class, () -> FashionMnist.load(none));
        assertEquals(none + ": no such directory", e.getMessage());
        Path file = IdxTestFiles.write(dir.resolve("plain"), new byte[1]);
        e = assertThrows(DataFormatException.class, () -> FashionMnist.load(file));
        assertEquals(file + ": not a directory", e.getMessage());
    }

    @Test
    void countMismatch() {
        writeSplit(IdxDataset.TRAIN_IMAGES, IdxDataset.TRAIN_LABELS, 5, 4, false);
        writeSplit(IdxDataset.TEST_IMAGES, IdxDataset.TEST_LABELS, 2, 2, false);
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxDataset.load(dir, "toy", 10));
        assertEquals(dir + ": train-images-idx3-ubyte has 5 images but train-labels-idx1-ubyte has 4 labels",
                e.getMessage());
    }

    @Test
    void malformedFileErrorNamesTheFile() {
        writeSplit(IdxDataset.TRAIN_IMAGES, IdxDataset.TRAIN_LABELS, 2, 2, false);
        writeSplit(IdxDataset.TEST_IMAGES, IdxDataset.TEST_LABELS, 2, 2, false);
        IdxTestFiles.write(dir.resolve(IdxDataset.TEST_LABELS), IdxTestFiles.labels(new byte[] {1, 12}));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxDataset.load(dir, "toy", 10));
        assertTrue(e.getMessage().startsWith(dir.resolve(IdxDataset.TEST_LABELS) + ": label out of range"),
                e.getMessage());
    }

    @Test
    void missingResource() {
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxDataset.loadResource("org/ffebm/core/data/absent", "x", 10));
        assertEquals("classpath:org/ffebm/core/data/absent: missing train-images-idx3-ubyte.gz (or "
                + "train-images-idx3-ubyte)", e.getMessage());
    }
}
