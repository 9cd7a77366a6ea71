/**
 * Labelled image data sets: an IDX reader (the MNIST / Fashion-MNIST file format), an immutable in-memory
 * {@link org.ffebm.core.data.Dataset} with allocation-free batch copying, and the Fashion-MNIST entry point with an
 * embedded default subset.
 *
 * <ul>
 *   <li>{@link org.ffebm.core.data.IdxReader} reads raw or gzipped IDX files (gzip detected by its magic bytes, not by
 *       the file name) and validates every field; every problem is a {@link org.ffebm.core.data.DataFormatException}
 *       whose one-line message names the file.</li>
 *   <li>{@link org.ffebm.core.data.Dataset} holds pixels scaled to [0, 1] as {@code float}, labels and the class count;
 *       {@link org.ffebm.core.data.Dataset#copyBatch} fills an EJML {@code FMatrixRMaj} (grow-only reshape) and
 *       {@link org.ffebm.core.data.Dataset#shuffledOrder} gives a seeded Fisher–Yates order.</li>
 *   <li>{@link org.ffebm.core.data.IdxDataset} loads the four standard files ({@code train-images-idx3-ubyte[.gz]},
 *       ...) of any MNIST-format set from a directory or from class-path resources;
 *       {@link org.ffebm.core.data.FashionMnist} is the entry point, with
 *       {@link org.ffebm.core.data.FashionMnist#embedded()} returning the first 10,000 training and first 2,000 test
 *       images of Fashion-MNIST (Zalando Research, MIT licence) shipped as resources in
 *       {@code org/ffebm/core/data/fashion-mnist-subset/}.</li>
 * </ul>
 *
 * <p>Nothing in this package holds a random generator: shuffling takes the caller's {@link java.util.SplittableRandom}.
 */
package org.ffebm.core.data;
