package org.ffebm.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes the embedded Fashion-MNIST subset (not a test): the first {@value FashionMnist#EMBEDDED_TRAIN_SIZE} training
 * and first {@value FashionMnist#EMBEDDED_TEST_SIZE} test images and labels, as gzipped IDX files with the standard
 * names, at maximum compression and with a zero gzip time stamp, so that a rerun with the same JDK (same zlib) is
 * byte-identical. The source files are read, and so validated, with {@link IdxReader}.
 *
 * <p>Regenerate, from the repository root, after compiling the core module's main and test classes:
 *
 * <pre>
 * java -cp core/target/classes:core/target/test-classes org.ffebm.core.data.EmbeddedSubsetGenerator \
 *     /usr/share/datasets/fashion-mnist core/src/main/resources/org/ffebm/core/data/fashion-mnist-subset
 * </pre>
 *
 * <p>Both arguments are optional and default to the values shown. It prints the per-class counts for the README.
 */
final class EmbeddedSubsetGenerator {

    private EmbeddedSubsetGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path source = Path.of(args.length > 0 ? args[0] : FashionMnist.SYSTEM_DIR.toString());
        Path target = Path.of(args.length > 1 ? args[1] : "core/src/main/resources/" + FashionMnist.EMBEDDED_RESOURCE_DIR);
        Files.createDirectories(target);
        long total = 0;
        total += writeSplit(source, target, IdxDataset.TRAIN_IMAGES, IdxDataset.TRAIN_LABELS,
                FashionMnist.EMBEDDED_TRAIN_SIZE);
        total += writeSplit(source, target, IdxDataset.TEST_IMAGES, IdxDataset.TEST_LABELS,
                FashionMnist.EMBEDDED_TEST_SIZE);
        System.out.println("total " + total + " bytes in " + target.toAbsolutePath());
    }

    /** Writes the first n images and labels of one split; returns the bytes written. */
    static long writeSplit(Path sourceDir, Path targetDir, String imagesBase, String labelsBase, int n)
            throws Exception {
        IdxImages images = IdxReader.readImages(IdxDataset.resolve(sourceDir, imagesBase));
        int[] labels = IdxReader.readLabels(IdxDataset.resolve(sourceDir, labelsBase), FashionMnist.NUM_CLASSES);
        if (images.count() < n || labels.length < n) {
            throw new IllegalArgumentException(sourceDir + ": fewer than " + n + " samples in " + imagesBase);
        }
        byte[] pixels = Arrays.copyOf(images.data(), n * images.pixelsPerImage());
        byte[] labelBytes = new byte[n];
        int[] counts = new int[FashionMnist.NUM_CLASSES];
        for (int i = 0; i < n; i++) {
            labelBytes[i] = (byte) labels[i];
            counts[labels[i]]++;
        }
        byte[] img = IdxTestFiles.gzip(IdxTestFiles.images(n, images.rows(), images.cols(), pixels));
        byte[] lab = IdxTestFiles.gzip(IdxTestFiles.labels(labelBytes));
        Files.write(targetDir.resolve(imagesBase + IdxDataset.GZ_SUFFIX), img);
        Files.write(targetDir.resolve(labelsBase + IdxDataset.GZ_SUFFIX), lab);
        System.out.println(imagesBase + ": " + n + " samples, " + img.length + " + " + lab.length
                + " bytes, class counts " + Arrays.toString(counts));
        return (long) img.length + lab.length;
    }
}
