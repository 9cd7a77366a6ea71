/**
 * Numerical back ends on EJML row-major matrices: the {@link org.ffebm.core.tensor.TensorOps} interface and its
 * float32/float64 implementations, the row-ranged matrix-product kernels ({@link org.ffebm.core.tensor.GemmF32} and
 * {@link org.ffebm.core.tensor.GemmF64}), the thread splitter {@link org.ffebm.core.tensor.Parallel}, the window
 * geometry of convolutions and pooling {@link org.ffebm.core.tensor.ConvGeometry}, and
 * {@link org.ffebm.core.tensor.ShapeMismatchException}. Convolutions are products through the same kernels: the
 * back ends unfold windows ({@code im2col}), fold them back ({@code col2im}), and pool and unpool, sample by sample.
 *
 * <p>Float32 kernels, chosen by name through {@link org.ffebm.core.tensor.Kernels}:
 * {@link org.ffebm.core.tensor.ReferenceGemmF32} (the plain triple loop, the oracle),
 * {@link org.ffebm.core.tensor.EjmlGemmF32} (EJML's kernels), {@link org.ffebm.core.tensor.BlockedGemmF32} (4×4
 * register blocks, the scalar default) and, when built and run with {@code jdk.incubator.vector}, the Vector API
 * kernel {@code VectorGemmF32}. Every kernel computes an output element in an order fixed by the shapes alone, so that
 * a batch split over any number of threads gives the same bits; the blocked and vector kernels also give the
 * reference's bits. Benchmarks and the choice of the default are recorded in {@code docs/design-notes.md}.
 */
package org.ffebm.core.tensor;
