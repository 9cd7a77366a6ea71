package org.ffebm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The gzip writer used by {@link EmbeddedSubsetGenerator} is deterministic, so regeneration is byte-identical. */
class EmbeddedSubsetGeneratorTest {

    @Test
    void gzipIsDeterministicWithZeroTimestamp() {
        byte[] raw = IdxTestFiles.images(3, 28, 28, IdxTestFiles.randomBytes(3 * 784, 256, new SplittableRandom(3L)));
        byte[] a = IdxTestFiles.gzip(raw);
        byte[] b = IdxTestFiles.gzip(raw);
        assertArrayEquals(a, b);
        assertEquals(0x1f, a[0] & 0xFF);
        assertEquals(0x8b, a[1] & 0xFF);
        assertEquals(0, a[3], "no flags: no file name, no extra fields");
        for (int i = 4; i < 8; i++) {
            assertEquals(0, a[i], "MTIME byte " + i);
        }
    }
}
