package org.ffebm.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * File look-up and error wording shared by the {@link Cifar10} and {@link ImageNet32} readers: every problem becomes a
 * one-line {@link DataFormatException} {@code <file or directory>: <problem>}.
 */
final class DataFiles {

    private static final long MIB = 1L << 20;

    private DataFiles() {
    }

    /**
     * @param dir (Input) the directory a data set should be in
     * @throws DataFormatException if it does not exist or is not a directory
     */
    static void requireDirectory(Path dir) {
        if (!Files.exists(dir)) {
            throw new DataFormatException(dir + ": no such directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir + ": not a directory");
        }
    }

    /**
     * Finds {@code dir/name}, else {@code dir/subdir/name} (the folder the official archive unpacks to).
     *
     * @param dir (Input) the directory given by the user
     * @param name the file name, e.g. {@code data_batch_1.bin}
     * @param subdir the archive's folder name, e.g. {@code cifar-10-batches-bin}
     * @return the path of the regular file found
     * @throws DataFormatException naming the directory and the file if neither exists
     */
    static Path find(Path dir, String name, String subdir) {
        Path direct = dir.resolve(name);
        if (Files.isRegularFile(direct)) {
            return direct;
        }
        Path nested = dir.resolve(subdir).resolve(name);
        if (Files.isRegularFile(nested)) {
            return nested;
        }
        throw new DataFormatException(dir + ": missing " + name + " (also looked in " + subdir + "/)");
    }

    /**
     * Opens a file for reading.
     *
     * @throws DataFormatException naming the file if it is missing, a directory or unreadable
     */
    static InputStream open(Path file) {
        if (Files.isDirectory(file)) {
            throw IdxReader.fail(file.toString(), "is a directory, not a file");
        }
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new DataFormatException(file + ": permission denied", e);
        } catch (IOException e) {
            throw readError(file.toString(), e);
        }
    }

    /**
     * The size of a file in bytes.
     *
     * @throws DataFormatException naming the file if it is missing or unreadable
     */
    static long size(Path file) {
        if (Files.isDirectory(file)) {
            throw IdxReader.fail(file.toString(), "is a directory, not a file");
        }
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file + ": no such file", e);
        } catch (IOException e) {
            throw readError(file.toString(), e);
        }
    }

    /** {@code <source>: read error (<detail>)}, or {@code no such file} for a file that vanished. */
    static DataFormatException readError(String source, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DataFormatException(source + ": no such file", e);
        }
        return new DataFormatException(source + ": read error (" + detail(e) + ")", e);
    }

    /** The exception's message, or its class name when it has none. */
    static String detail(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Fails before a large allocation that cannot succeed, instead of an {@link OutOfMemoryError} later.
     *
     * @param where the directory or file, for the message
     * @param what what needs the memory, e.g. {@code 1281167 training images}
     * @param neededBytes the bytes about to be allocated
     * @param maxHeapBytes the JVM's maximum heap, {@link Runtime#maxMemory()}
     * @throws DataFormatException if neededBytes exceeds maxHeapBytes
     */
    static void checkHeap(String where, String what, long neededBytes, long maxHeapBytes) {
        if (neededBytes > maxHeapBytes) {
            throw new DataFormatException(where + ": " + what + " need " + ceilMib(neededBytes)
                    + " MiB of heap but the JVM's maximum heap is " + maxHeapBytes / MIB
                    + " MiB: raise -Xmx or load less data");
        }
    }

    private static long ceilMib(long bytes) {
        return (bytes + MIB - 1) / MIB;
    }
}
