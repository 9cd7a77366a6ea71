package org.ffebm.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds {@code .npy} arrays and {@code .npz} archives, well-formed or deliberately broken, for the ImageNet32 and
 * npy tests. The header follows {@code numpy.lib.format}: magic, version, little-endian length, a dict padded with
 * spaces and a final newline so that the data start at a multiple of 64 bytes.
 */
final class NpyTestFiles {

    private NpyTestFiles() {
    }

    /** The header dict NumPy writes for a C-order array. */
    static String dict(String descr, boolean fortranOrder, long[] shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + (fortranOrder ? "True" : "False") + ", 'shape': "
                + Npy.shapeText(shape) + ", }";
    }

    /** A well-formed array in format version {@code major}.0. */
    static byte[] npy(int major, String descr, long[] shape, byte[] data) {
        return npyWithHeader(major, dict(descr, false, shape), data);
    }

    /** A version 1.0 array. */
    static byte[] npy(String descr, long[] shape, byte[] data) {
        return npy(1, descr, shape, data);
    }

    /** An array with the given header text, padded like NumPy; any text, so that malformed headers can be tested. */
    static byte[] npyWithHeader(int major, String dictText, byte[] data) {
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] text = dictText.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int prefix = Npy.MAGIC.length + 2 + lengthBytes;
        int padded = text.length + 1;
        padded += (64 - (prefix + padded) % 64) % 64;
        ByteBuffer b = ByteBuffer.allocate(prefix + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Npy.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) padded);
        } else {
            b.putInt(padded);
        }
        b.put(text);
        for (int i = text.length; i < padded - 1; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        b.put(data);
        return b.array();
    }

    /** The values as little-endian integers of {@code itemSize} bytes (truncated to that size). */
    static byte[] le(int itemSize, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * itemSize).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (itemSize) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                case 8 -> b.putLong(v);
                default -> throw new IllegalArgumentException("itemSize = " + itemSize);
            }
        }
        return b.array();
    }

    /**
     * A zip archive of the given entries (name → bytes, in map order), each deflated or stored. Stored entries get
     * their size and CRC-32 up front, as the zip format requires.
     */
    static byte[] zip(Map<String, byte[]> entries, boolean deflate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                byte[] content = e.getValue();
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(content);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(content.length);
                    entry.setCompressedSize(content.length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(content);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
