package org.ffebm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The embedded subset, and the full set when the Debian package {@code dataset-fashion-mnist} is installed. */
class FashionMnistTest {

    /** Per-class counts of the embedded subset, measured when it was generated (also in its README). */
    private static final int[] EMBEDDED_TRAIN_COUNTS = {942, 1027, 1016, 1019, 974, 989, 1021, 1022, 990, 1000};
    private static final int[] EMBEDDED_TEST_COUNTS = {200, 203, 214, 190, 219, 195, 197, 200, 194, 188};

    @Test
    void embeddedSubsetLoads() {
        TrainTest tt = FashionMnist.embedded();
        Dataset train = tt.train();
        Dataset test = tt.test();
        assertEquals(FashionMnist.EMBEDDED_TRAIN_SIZE, train.size());
        assertEquals(FashionMnist.EMBEDDED_TEST_SIZE, test.size());
        assertEquals("fashion-mnist-subset-train", train.name());
        assertEquals("fashion-mnist-subset-test", test.name());
        for (Dataset d : new Dataset[] {train, test}) {
            assertEquals(1, d.channels());
            assertEquals(28, d.rows());
            assertEquals(28, d.cols());
            assertEquals(784, d.features());
            assertEquals(10, d.numClasses());
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < d.size(); i++) {
                for (int f = 0; f < d.features(); f++) {
                    float p = d.pixel(i, f);
                    assertTrue(p >= 0f && p <= 1f, "pixel " + i + "," + f + " = " + p);
                    min = Math.min(min, p);
                    max = Math.max(max, p);
                }
            }
            assertEquals(0f, min);
            assertEquals(1f, max);
            for (int c : d.classCounts()) {
                assertTrue(c > 0, "every class present");
            }
        }
        assertArrayEquals(EMBEDDED_TRAIN_COUNTS, train.classCounts());
        assertArrayEquals(EMBEDDED_TEST_COUNTS, test.classCounts());
        // the well-known first training label of Fashion-MNIST is 9 (ankle boot), the first test label too
        assertEquals(9, train.label(0));
        assertEquals(9, test.label(0));
    }

    @Test
    void classNames() {
        assertEquals(10, FashionMnist.CLASS_NAMES.size());
        assertEquals("T-shirt/top", FashionMnist.className(0));
        assertEquals("Ankle boot", FashionMnist.className(9));
        assertThrows(IllegalArgumentException.class, () -> FashionMnist.className(10));
        assertThrows(UnsupportedOperationException.class, () -> FashionMnist.CLASS_NAMES.set(0, "x"));
    }

    /** The full set loads as 60,000 / 10,000, and the embedded subset is exactly its leading samples. */
    @Test
    void fullSetLoadsAndContainsTheSubset() {
        assumeTrue(Files.isDirectory(FashionMnist.SYSTEM_DIR), "Fashion-MNIST not installed in "
                + FashionMnist.SYSTEM_DIR);
        TrainTest full = FashionMnist.load(FashionMnist.SYSTEM_DIR);
        assertEquals(60_000, full.train().size());
        assertEquals(10_000, full.test().size());
        assertEquals(28, full.train().rows());
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000},
                full.train().classCounts());
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000},
                full.test().classCounts());

        TrainTest sub = FashionMnist.embedded();
        assertSameSamples(full.train(), sub.train());
        assertSameSamples(full.test(), sub.test());
    }

    private static void assertSameSamples(Dataset full, Dataset prefix) {
        for (int i = 0; i < prefix.size(); i++) {
            assertEquals(full.label(i), prefix.label(i), "label " + i);
            for (int f = 0; f < prefix.features(); f++) {
                if (full.pixel(i, f) != prefix.pixel(i, f)) {
                    assertEquals(full.pixel(i, f), prefix.pixel(i, f), "sample " + i + " feature " + f);
                }
            }
        }
    }
}
