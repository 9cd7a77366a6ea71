package org.ffebm.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy {@code .npy} arrays of little-endian integers, the members of an {@code .npz} archive (format:
 * {@code numpy.lib.format}, NumPy Enhancement Proposal 1).
 *
 * <p>Layout: the 6 magic bytes {@code \x93NUMPY}, a major and a minor version byte, the header length (unsigned
 * little-endian: 2 bytes in version 1.0, 4 bytes in 2.0 and 3.0), then the header: a Python dict literal such as
 * {@code {'descr': '<i8', 'fortran_order': False, 'shape': (128116,), }} padded with spaces and ending in a newline
 * (Latin-1 text in 1.0 and 2.0, UTF-8 in 3.0), then the elements in C (row-major) order. The dtype string
 * {@code descr} is a byte-order character ({@code <} little-endian, {@code |} not applicable) followed by a kind
 * ({@code u} unsigned, {@code i} signed integer) and the item size in bytes.
 *
 * <p>Read: versions 1.0, 2.0 and 3.0; integer dtypes of 1, 2, 4 and 8 bytes, little-endian (any byte-order mark for
 * 1-byte types); C order. Rejected with a {@link DataFormatException} naming the source: a bad magic, another
 * version, a malformed or over-long header, a missing key, {@code fortran_order: True}, multi-byte dtypes that are not
 * little-endian, structured dtypes, and shapes whose size overflows; other simple dtypes (float, bool, ...) parse,
 * so that the caller can say which one it expected, but {@link #readIntegers} refuses them. Python 2 headers ({@code (10L, 3072L)})
 * are accepted. Package-private: the public entry point is {@link ImageNet32}.
 */
final class Npy {

    /** The magic string that starts every {@code .npy} file. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** The longest header accepted (NumPy itself writes a few hundred bytes at most). */
    static final int MAX_HEADER_BYTES = 1 << 16;

    /** The end of the message for a dtype that is not an integer. */
    static final String INTEGER_DTYPES = "expected a little-endian integer dtype (u1, u2, u4, u8, i1, i2, i4, i8)";

    private static final Pattern DESCR = Pattern.compile("([<>|=])([a-zA-Z])(\\d+)");

    private Npy() {
    }

    /**
     * A parsed {@code .npy} header.
     *
     * @param major format major version, 1, 2 or 3
     * @param descr the dtype string as written, e.g. {@code <i8}
     * @param kind the dtype kind: {@code 'u'} (unsigned) or {@code 'i'} (signed integer) for the arrays read here;
     *        others (e.g. {@code 'f'}) are parsed so that callers can name them, but not read
     * @param itemSize bytes per element, ≥ 1
     * @param shape the dimensions, each ≥ 0 (empty for a scalar); cloned on the way in and out
     * @param headerBytes bytes before the first element: magic, version, length field and header text
     * @param elements the product of the dimensions (1 for a scalar)
     */
    record Header(int major, String descr, char kind, int itemSize, long[] shape, long headerBytes, long elements) {

        Header {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Whether the elements are integers that {@link Npy#readIntegers} reads. */
        boolean isInteger() {
            return (kind == 'u' || kind == 'i') && (itemSize == 1 || itemSize == 2 || itemSize == 4 || itemSize == 8);
        }

        /** The number of dimensions. */
        int rank() {
            return shape.length;
        }

        /** Dimension k. */
        long dim(int k) {
            return shape[k];
        }

        /** elements·itemSize, the bytes after the header. */
        long dataBytes() {
            return elements * itemSize;
        }

        /** The shape as Python writes it: {@code (3, 3072)}, {@code (5,)} or {@code ()}. */
        String shapeText() {
            return Npy.shapeText(shape);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && major == h.major && descr.equals(h.descr) && kind == h.kind
                    && itemSize == h.itemSize && Arrays.equals(shape, h.shape) && headerBytes == h.headerBytes
                    && elements == h.elements;
        }

        @Override
        public int hashCode() {
            return 31 * descr.hashCode() + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return "npy " + major + ".0 " + descr + " " + shapeText();
        }
    }

    /**
     * Reads and checks a header, leaving the stream at the first element.
     *
     * @param in (Input) the stream at the start of the {@code .npy} data; advanced past the header
     * @param source the name used in messages, e.g. {@code file.npz: data.npy}
     * @return the header
     * @throws DataFormatException if the header is malformed or describes an unsupported array
     * @throws IOException if the stream fails
     */
    static Header readHeader(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (magic.length == 0) {
            throw IdxReader.fail(source, "empty: no npy header");
        }
        if (!Arrays.equals(magic, MAGIC)) {
            throw IdxReader.fail(source, "bad npy magic " + hex(magic) + ": an .npy array starts with \\x93NUMPY");
        }
        int major = in.read();
        int minor = in.read();
        if (minor < 0) {
            throw IdxReader.fail(source, "truncated npy header: no version bytes");
        }
        if (major < 1 || major > 3 || minor != 0) {
            throw IdxReader.fail(source, "unsupported npy format version " + major + "." + minor
                    + ": versions 1.0, 2.0 and 3.0 are read");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] lb = in.readNBytes(lengthBytes);
        if (lb.length < lengthBytes) {
            throw IdxReader.fail(source, "truncated npy header: expected a " + lengthBytes + "-byte header length, found "
                    + lb.length + " bytes");
        }
        long length = 0;
        for (int k = lengthBytes - 1; k >= 0; k--) {
            length = (length << 8) | (lb[k] & 0xFF);
        }
        if (length > MAX_HEADER_BYTES) {
            throw IdxReader.fail(source, "npy header length " + length + " exceeds " + MAX_HEADER_BYTES + " bytes");
        }
        byte[] text = in.readNBytes((int) length);
        if (text.length < length) {
            throw IdxReader.fail(source, "truncated npy header: expected " + length + " header bytes, found "
                    + text.length);
        }
        String header = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        long headerBytes = MAGIC.length + 2L + lengthBytes + length;
        return parseHeader(header, major, headerBytes, source);
    }

    /**
     * Interprets the header text (the dict literal).
     *
     * @param text the header text as stored, e.g. {@code {'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }}
     * @param major the format version, kept in the result
     * @param headerBytes the bytes before the data, kept in the result
     * @param source the name used in messages
     * @return the header
     * @throws DataFormatException if the text is malformed or describes an unsupported array
     */
    static Header parseHeader(String text, int major, long headerBytes, String source) {
        Map<String, Object> dict = new DictParser(text, source).parse();
        Object descr = require(dict, "descr", source, text);
        Object fortran = require(dict, "fortran_order", source, text);
        Object shapeValue = require(dict, "shape", source, text);
        if (!(descr instanceof String d)) {
            throw IdxReader.fail(source, "npy header: 'descr' is not a string: " + printable(text));
        }
        if (!(fortran instanceof Boolean f)) {
            throw IdxReader.fail(source, "npy header: 'fortran_order' is not True or False: " + printable(text));
        }
        if (!(shapeValue instanceof long[] shape)) {
            throw IdxReader.fail(source, "npy header: 'shape' is not a tuple of integers: " + printable(text));
        }
        Matcher m = DESCR.matcher(d);
        if (!m.matches()) {
            throw unsupportedDtype(source, d);
        }
        char order = m.group(1).charAt(0);
        char kind = m.group(2).charAt(0);
        int itemSize;
        try {
            itemSize = Integer.parseInt(m.group(3));
        } catch (NumberFormatException e) {
            throw unsupportedDtype(source, d);
        }
        if (itemSize < 1) {
            throw unsupportedDtype(source, d);
        }
        if (itemSize > 1 && order != '<') {
            throw IdxReader.fail(source, "unsupported byte order in dtype '" + d
                    + "': only little-endian ('<') arrays are read");
        }
        if (f) {
            throw IdxReader.fail(source, "fortran_order True (column-major) is not supported: save the array in C order");
        }
        long elements = 1;
        for (long dim : shape) {
            try {
                elements = Math.multiplyExact(elements, dim);
                Math.multiplyExact(elements, (long) itemSize);
            } catch (ArithmeticException e) {
                throw IdxReader.fail(source, "npy shape " + shapeText(shape) + " is too large");
            }
        }
        return new Header(major, d, kind, itemSize, shape, headerBytes, elements);
    }

    /**
     * Reads all elements of an integer array as {@code long}; unsigned 8-byte values above {@link Long#MAX_VALUE}
     * come back negative (see {@link #toText}).
     *
     * @param in (Input) the stream at the first element; advanced past the last
     * @param h the array's header
     * @param source the name used in messages
     * @return a new array of {@code h.elements()} values
     * @throws DataFormatException if the dtype is not an integer one, the array has more than
     *         {@link IdxReader#MAX_DATA_BYTES} elements, or the stream ends early
     * @throws IOException if the stream fails
     */
    static long[] readIntegers(InputStream in, Header h, String source) throws IOException {
        if (!h.isInteger()) {
            throw unsupportedDtype(source, h.descr());
        }
        if (h.elements() > IdxReader.MAX_DATA_BYTES) {
            throw IdxReader.fail(source, "too large: shape " + h.shapeText() + " has more than "
                    + IdxReader.MAX_DATA_BYTES + " elements");
        }
        int n = (int) h.elements();
        long[] values = new long[n];
        int perBlock = (1 << 16) / h.itemSize();
        byte[] block = new byte[Math.min(n, perBlock) * h.itemSize()];
        ByteBuffer buf = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        boolean unsigned = h.kind() == 'u';
        for (int i = 0; i < n; i += perBlock) {
            int count = Math.min(perBlock, n - i);
            int len = count * h.itemSize();
            int got = in.readNBytes(block, 0, len);
            if (got < len) {
                throw IdxReader.fail(source, "truncated: shape " + h.shapeText() + " of '" + h.descr() + "' needs "
                        + h.dataBytes() + " data bytes, found " + ((long) i * h.itemSize() + got));
            }
            buf.clear();
            for (int k = 0; k < count; k++) {
                long v;
                switch (h.itemSize()) {
                    case 1 -> v = unsigned ? buf.get() & 0xFFL : buf.get();
                    case 2 -> v = unsigned ? buf.getShort() & 0xFFFFL : buf.getShort();
                    case 4 -> v = unsigned ? buf.getInt() & 0xFFFF_FFFFL : buf.getInt();
                    default -> v = buf.getLong();
                }
                values[i + k] = v;
            }
        }
        return values;
    }

    /** A value read by {@link #readIntegers} as text: unsigned 8-byte values print as unsigned. */
    static String toText(long value, Header h) {
        return h.kind() == 'u' ? Long.toUnsignedString(value) : Long.toString(value);
    }

    /** The shape as Python writes a tuple. */
    static String shapeText(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int k = 0; k < shape.length; k++) {
            b.append(k > 0 ? ", " : "").append(shape[k]);
        }
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }

    // ------------------------------------------------------------------------------------------------------------

    private static DataFormatException unsupportedDtype(String source, String descr) {
        return IdxReader.fail(source, "unsupported dtype '" + descr + "': " + INTEGER_DTYPES);
    }

    private static Object require(Map<String, Object> dict, String key, String source, String text) {
        Object v = dict.get(key);
        if (v == null) {
            throw IdxReader.fail(source, "npy header has no '" + key + "' key: " + printable(text));
        }
        return v;
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder("0x");
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xFF));
        }
        return s.toString();
    }

    /** The header text on one line, control characters shown as {@code \n}-style escapes, at most 200 characters. */
    static String printable(String text) {
        String t = text.strip();
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < t.length() && i < 200; i++) {
            char c = t.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (t.length() > 200) {
            b.append("...");
        }
        return b.append('"').toString();
    }

    /**
     * The subset of Python literal syntax that {@code .npy} headers use: a dict with string keys whose values are
     * strings, {@code True}/{@code False} or tuples of non-negative integers (an optional {@code L} suffix allowed).
     * Strings are kept as {@link String}, booleans as {@link Boolean}, tuples as {@code long[]}.
     */
    private static final class DictParser {
        private final String text;
        private final String source;
        private int pos;

        DictParser(String text, String source) {
            this.text = text;
            this.source = source;
        }

        Map<String, Object> parse() {
            Map<String, Object> dict = new LinkedHashMap<>();
            expect('{');
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                String key = string();
                expect(':');
                Object value = value(key);
                if (dict.put(key, value) != null) {
                    throw malformed("duplicate key '" + key + "'");
                }
                skipSpace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c != '}') {
                    throw malformed("expected ',' or '}'");
                }
            }
            skipSpace();
            if (pos < text.length()) {
                throw malformed("unexpected text after the dict");
            }
            return dict;
        }

        private Object value(String key) {
            skipSpace();
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (c == '[') {
                throw IdxReader.fail(source, "unsupported dtype: '" + key
                        + "' is a list (a structured array); only plain integer arrays are read");
            }
            if (text.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            throw malformed("expected a string, True, False or a tuple as the value of '" + key + "'");
        }

        private String string() {
            skipSpace();
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw malformed("expected a quoted string");
            }
            int end = text.indexOf(quote, pos + 1);
            if (end < 0) {
                throw malformed("unterminated string");
            }
            String s = text.substring(pos + 1, end);
            pos = end + 1;
            return s;
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                int start = pos;
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
                if (pos == start) {
                    throw malformed("expected a non-negative integer in the shape tuple");
                }
                try {
                    dims.add(Long.parseLong(text.substring(start, pos)));
                } catch (NumberFormatException e) {
                    throw malformed("shape dimension " + text.substring(start, pos) + " is too large");
                }
                if (pos < text.length() && (text.charAt(pos) == 'L' || text.charAt(pos) == 'l')) {
                    pos++; // Python 2 long literal
                }
                skipSpace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c != ')') {
                    throw malformed("expected ',' or ')' in the shape tuple");
                }
            }
            long[] shape = new long[dims.size()];
            for (int k = 0; k < shape.length; k++) {
                shape[k] = dims.get(k);
            }
            return shape;
        }

        private void expect(char c) {
            skipSpace();
            if (peek() != c) {
                throw malformed("expected '" + c + "'");
            }
            pos++;
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private DataFormatException malformed(String what) {
            return IdxReader.fail(source, "malformed npy header at character " + pos + ": " + what + " in "
                    + printable(text));
        }
    }
}
