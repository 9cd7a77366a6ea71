/**
 * Labelled image data sets: an IDX reader (the MNIST / Fashion-MNIST file format), an immutable in-memory
 * {@link org.ffebm.core.data.Dataset} with allocation-free batch copying, the Fashion-MNIST entry point with an
 * embedded default subset, and readers for the colour sets CIFAR-10 and ImageNet32 that users download themselves.
 *
 * <ul>
 *   <li>{@link org.ffebm.core.data.IdxReader} reads raw or gzipped IDX files (gzip detected by its magic bytes, not by
 *       the file name) and validates every field; every problem is a {@link org.ffebm.core.data.DataFormatException}
 *       whose one-line message names the file.</li>
 *   <li>{@link org.ffebm.core.data.Dataset} holds pixels scaled to [0, 1] as {@code float}, or as the raw 8-bit bytes
 *       scaled when read (a quarter of the memory, same values; used by the colour readers), labels and the class
 *       count;
 *       {@link org.ffebm.core.data.Dataset#copyBatch} fills an EJML {@code FMatrixRMaj} (grow-only reshape) and
 *       {@link org.ffebm.core.data.Dataset#shuffledOrder} gives a seeded Fisher–Yates order.</li>
 *   <li>{@link org.ffebm.core.data.IdxDataset} loads the four standard files ({@code train-images-idx3-ubyte[.gz]},
 *       ...) of any MNIST-format set from a directory or from class-path resources;
 *       {@link org.ffebm.core.data.FashionMnist} is the entry point, with
 *       {@link org.ffebm.core.data.FashionMnist#embedded()} returning the first 10,000 training and first 2,000 test
 *       images of Fashion-MNIST (Zalando Research, MIT licence) shipped as resources in
 *       {@code org/ffebm/core/data/fashion-mnist-subset/}.</li>
 *   <li>{@link org.ffebm.core.data.Cifar10} reads the CIFAR-10 binary batches ({@code data_batch_1.bin} …
 *       {@code data_batch_5.bin}, {@code test_batch.bin}: 3073-byte records, label then R, G, B planes of 32×32).</li>
 *   <li>{@link org.ffebm.core.data.ImageNet32} reads downsampled ImageNet 32×32 ({@code train_data_batch_1.npz} …
 *       {@code train_data_batch_10.npz}, {@code val_data.npz}), optionally only the first training archives, through
 *       a small {@code .npy}/{@code .npz} reader (versions 1.0–3.0, little-endian integer dtypes, CRC-checked).</li>
 * </ul>
 *
 * <p>Every reader reports a missing, damaged or malformed file as a {@link org.ffebm.core.data.DataFormatException}
 * whose one-line message starts with the file (or the directory and the missing file's name).
 *
 * <p>Nothing in this package holds a random generator: shuffling takes the caller's {@link java.util.SplittableRandom}.
 */
package org.ffebm.core.data;
