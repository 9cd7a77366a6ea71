package org.ffebm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Npy}: headers of every version, integer decoding of every dtype, and the header errors. */
class NpyTest {

    private static final String SRC = "mem";

    private static Npy.Header header(byte[] npy) throws IOException {
        return Npy.readHeader(new ByteArrayInputStream(npy), SRC);
    }

    private static long[] values(byte[] npy) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(npy);
        Npy.Header h = Npy.readHeader(in, SRC);
        long[] v = Npy.readIntegers(in, h, SRC);
        assertEquals(0, in.available(), "read to the end");
        return v;
    }

    private static void assertFails(String problem, byte[] npy) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> values(npy));
        String m = e.getMessage();
        assertTrue(m.startsWith(SRC + ": "), m);
        assertTrue(m.contains(problem), () -> "message should contain '" + problem + "': " + m);
        assertFalse(m.contains("\n"), () -> "message should be one line: " + m);
    }

    /** The header length field is 2 bytes in 1.0 and 4 in 2.0/3.0; the data start at a multiple of 64. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void versions(int major) throws IOException {
        byte[] npy = NpyTestFiles.npy(major, "<i4", new long[] {2, 3}, NpyTestFiles.le(4, 1, -2, 3, 4, 5, 6));
        Npy.Header h = header(npy);
        assertEquals(major, h.major());
        assertEquals("<i4", h.descr());
        assertEquals('i', h.kind());
        assertEquals(4, h.itemSize());
        assertArrayEquals(new long[] {2, 3}, h.shape());
        assertEquals(2, h.rank());
        assertEquals(6, h.elements());
        assertEquals(24, h.dataBytes());
        assertEquals(0, h.headerBytes() % 64, "NumPy aligns the data");
        assertEquals(npy.length - 24, h.headerBytes());
        assertArrayEquals(new long[] {1, -2, 3, 4, 5, 6}, values(npy));
    }

    /** Values at the extremes of every dtype, unsigned ones without sign extension. */
    @Test
    void everyIntegerDtype() throws IOException {
        assertArrayEquals(new long[] {0, 255}, values(NpyTestFiles.npy("|u1", new long[] {2}, NpyTestFiles.le(1, 0, 255))));
        assertArrayEquals(new long[] {-128, 127}, values(NpyTestFiles.npy("|i1", new long[] {2},
                NpyTestFiles.le(1, -128, 127))));
        assertArrayEquals(new long[] {65535, 1}, values(NpyTestFiles.npy("<u2", new long[] {2},
                NpyTestFiles.le(2, 65535, 1))));
        assertArrayEquals(new long[] {-32768, 32767}, values(NpyTestFiles.npy("<i2", new long[] {2},
                NpyTestFiles.le(2, -32768, 32767))));
        assertArrayEquals(new long[] {4294967295L, 7}, values(NpyTestFiles.npy("<u4", new long[] {2},
                NpyTestFiles.le(4, 4294967295L, 7))));
        assertArrayEquals(new long[] {Integer.MIN_VALUE, 1000}, values(NpyTestFiles.npy("<i4", new long[] {2},
                NpyTestFiles.le(4, Integer.MIN_VALUE, 1000))));
        assertArrayEquals(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, values(NpyTestFiles.npy("<i8", new long[] {2},
                NpyTestFiles.le(8, Long.MIN_VALUE, Long.MAX_VALUE))));
        byte[] u8 = NpyTestFiles.npy("<u8", new long[] {1}, NpyTestFiles.le(8, -1L));
        assertArrayEquals(new long[] {-1L}, values(u8));
        assertEquals("18446744073709551615", Npy.toText(-1L, header(u8)));
        // any byte-order mark is fine for a single byte
        assertArrayEquals(new long[] {200}, values(NpyTestFiles.npy("<u1", new long[] {1}, NpyTestFiles.le(1, 200))));
        // a scalar has shape () and one element; more than one 64 KiB block decodes too
        assertArrayEquals(new long[] {42}, values(NpyTestFiles.npy("<i8", new long[] {}, NpyTestFiles.le(8, 42))));
        long[] many = new long[20_000];
        for (int i = 0; i < many.length; i++) {
            many[i] = i * 3L - 7;
        }
        assertArrayEquals(many, values(NpyTestFiles.npy("<i8", new long[] {many.length}, NpyTestFiles.le(8, many))));
    }

    @Test
    void shapeText() {
        assertEquals("()", Npy.shapeText(new long[] {}));
        assertEquals("(5,)", Npy.shapeText(new long[] {5}));
        assertEquals("(3, 3072)", Npy.shapeText(new long[] {3, 3072}));
    }

    @Test
    void badMagicOrVersion() {
        byte[] npy = NpyTestFiles.npy("<i8", new long[] {1}, new byte[8]);
        byte[] magic = npy.clone();
        magic[0] = (byte) 0x94;
        assertFails("bad npy magic 0x944e554d5059: an .npy array starts with \\x93NUMPY", magic);
        assertFails("bad npy magic 0x934e55", new byte[] {(byte) 0x93, 'N', 'U'});
        assertFails("empty: no npy header", new byte[0]);
        byte[] minor = npy.clone();
        minor[7] = 1;
        assertFails("unsupported npy format version 1.1", minor);
        byte[] zero = npy.clone();
        zero[6] = 0;
        assertFails("unsupported npy format version 0.0", zero);
        assertFails("truncated npy header: no version bytes", Arrays.copyOf(npy, 7));
        assertFails("truncated npy header: expected a 2-byte header length, found 1 bytes",
                Arrays.copyOf(npy, 9));
    }

    @Test
    void headerTooLong() {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Npy.MAGIC).put((byte) 2).put((byte) 0).putInt(-1); // 4 GiB - 1
        assertFails("npy header length 4294967295 exceeds 65536 bytes", b.array());
    }

    @Test
    void unsupportedHeaders() {
        assertFails("unsupported byte order in dtype '>i4'", NpyTestFiles.npy(">i4", new long[] {1}, new byte[4]));
        assertFails("unsupported byte order in dtype '|i4'", NpyTestFiles.npy("|i4", new long[] {1}, new byte[4]));
        assertFails("unsupported dtype '<f8': expected a little-endian integer dtype",
                NpyTestFiles.npy("<f8", new long[] {1}, new byte[8]));
        assertFails("unsupported dtype '|b1'", NpyTestFiles.npy("|b1", new long[] {1}, new byte[1]));
        assertFails("unsupported dtype '<i3'", NpyTestFiles.npy("<i3", new long[] {1}, new byte[3]));
        assertFails("unsupported dtype '|O'", NpyTestFiles.npy("|O", new long[] {1}, new byte[8]));
        assertFails("unsupported dtype '<i0'", NpyTestFiles.npy("<i0", new long[] {1}, new byte[0]));
        assertFails("fortran_order True (column-major) is not supported",
                NpyTestFiles.npyWithHeader(1, NpyTestFiles.dict("<i8", true, new long[] {1}), new byte[8]));
        assertFails("npy shape (4294967296, 4294967296) is too large",
                NpyTestFiles.npy("|u1", new long[] {1L << 32, 1L << 32}, new byte[0]));
        assertFails("too large: shape (4294967296,) has more than",
                NpyTestFiles.npy("|u1", new long[] {1L << 32}, new byte[0]));
        assertFails("truncated: shape (3,) of '<i4' needs 12 data bytes, found 8",
                NpyTestFiles.npy("<i4", new long[] {3}, new byte[8]));
    }

    /** Each syntax error names the position and shows the header on one line. */
    @Test
    void malformedHeaders() {
        String[][] cases = {
            {"'descr': '<i8'", "malformed npy header at character 0: expected '{' in \"'descr': '<i8'\""},
            {"{'descr': '<i8', 'fortran_order': False, 'shape': (3,)", "expected ',' or '}'"},
            {"{'descr': '<i8', 'fortran_order': False, 'shape': (3, x)}", "expected a non-negative integer"},
            {"{'descr': '<i8', 'fortran_order': False, 'shape': (3; 4)}", "expected ',' or ')' in the shape tuple"},
            {"{'descr': '<i8', 'fortran_order': False, 'shape': (-3,)}", "expected a non-negative integer"},
            {"{'descr': '<i8', 'fortran_order': False, 'shape': (99999999999999999999,)}",
                "shape dimension 99999999999999999999 is too large"},
            {"{'descr': '<i8, 'fortran_order': False, 'shape': (3,)}", "at character 17: expected ',' or '}'"},
            {"{'descr' '<i8'}", "at character 9: expected ':'"},
            {"{'descr': '<i8', 'fortran_order': False, 'shape': (3,), 'shape': (3,)}", "duplicate key 'shape'"},
            {"{'descr': '<i8', 'fortran_order': False, 'shape': (3,)} x", "unexpected text after the dict"},
            {"{'descr': '<i8', 'fortran_order': False, 'shape': (3,), 'x': 'unterminated}",
                "unterminated string"},
            {"{descr: '<i8'}", "expected a quoted string"},
            {"{'descr': 8, 'fortran_order': False, 'shape': (3,)}", "as the value of 'descr'"},
            {"{'descr': 'i8', 'fortran_order': False, 'shape': (3,)}", "unsupported dtype 'i8'"},
            {"{'descr': (8,), 'fortran_order': False, 'shape': (3,)}", "npy header: 'descr' is not a string"},
            {"{'descr': '<i8', 'fortran_order': 'no', 'shape': (3,)}", "'fortran_order' is not True or False"},
            {"{'descr': '<i8', 'fortran_order': False, 'shape': 'x'}", "'shape' is not a tuple of integers"},
            {"{'fortran_order': False, 'shape': (3,)}", "npy header has no 'descr' key"},
        };
        for (String[] c : cases) {
            assertFails(c[1], NpyTestFiles.npyWithHeader(1, c[0], NpyTestFiles.le(8, 1, 2, 3)));
        }
    }

    @Test
    void printableKeepsOneLine() {
        assertEquals("\"a\\nb\\x01\"", Npy.printable(" a\nb\u0001\n"));
        String longText = "x".repeat(300);
        assertEquals("\"" + "x".repeat(200) + "...\"", Npy.printable(longText));
    }
}
