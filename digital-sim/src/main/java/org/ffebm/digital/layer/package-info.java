/**
 * Digital feedforward layers with forward pass and vector-Jacobian product, generic over core's {@link
 * org.ffebm.core.tensor.TensorOps} back ends (float32 {@code FMatrixRMaj} for training, float64 {@code DMatrixRMaj}
 * for checks).
 *
 * <p>Layout: one sample is one row of the batch matrix, its features in channel-major (c, h, w) order, as in NCHW.
 * Every layer owns its output and input-gradient buffers and its workspaces, which grow and are reused, so that a
 * forward/backward pass allocates nothing once the batch size has been seen (with one thread; see {@link
 * org.ffebm.core.tensor.Parallel} for the few objects a multi-threaded dispatch makes). Work is split over rows
 * (samples) or over channels, never inside a reduction, so results have the same bits for every thread count.
 *
 * <table>
 *   <caption>Layers</caption>
 *   <tr><th>class</th><th>map</th><th>params</th></tr>
 *   <tr><td>{@link org.ffebm.digital.layer.Conv2d}</td><td>2-D cross-correlation, zero padding, stride</td><td>W, b</td></tr>
 *   <tr><td>{@link org.ffebm.digital.layer.MaxPool2d}</td><td>window maximum</td><td>none</td></tr>
 *   <tr><td>{@link org.ffebm.digital.layer.AvgPool2d}</td><td>window mean</td><td>none</td></tr>
 *   <tr><td>{@link org.ffebm.digital.layer.BatchNorm2d}</td><td>per-channel normalisation</td><td>γ, β if affine</td></tr>
 *   <tr><td>{@link org.ffebm.digital.layer.ReLU}</td><td>max(x, 0)</td><td>none</td></tr>
 *   <tr><td>{@link org.ffebm.digital.layer.Quantized}</td><td>any block, its output and input gradient rounded to a
 *       {@link org.ffebm.digital.format.NumberFormat}</td><td>the wrapped block's</td></tr>
 * </table>
 * Flatten is core's {@code Identity.flatten}; the hard sigmoid and the linear layer are core's.
 *
 * <p>The element loops are core's {@link org.ffebm.core.tensor.TensorOps} primitives ({@code im2col}/{@code col2im},
 * the pooling primitives and their adjoints, {@code relu}, the per-channel sums of batch-norm), and window geometries
 * are core's {@link org.ffebm.core.tensor.ConvGeometry}: square kernels, padding below the kernel size, and output
 * sizes rounded down as in PyTorch ({@link org.ffebm.core.tensor.ConvGeometry#floor}). This package adds the layers'
 * state, checks and workspaces; products go through the back end's kernels.
 *
 * <p>{@link org.ffebm.digital.layer.ConvKernel} exposes the convolution and its adjoint (transposed convolution) on
 * their own, for convolutional energy blocks. Every layer gives its MACs per sample for the cost model (and keeps
 * {@link org.ffebm.core.block.FeedforwardBlock#bytesPerSample()}'s fp32 activation traffic, except {@code Quantized}).
 *
 * <p>Errors: constructors throw {@link java.lang.IllegalArgumentException} naming the block, the parameter and the
 * value; {@code forward} and {@code backward} throw {@link org.ffebm.core.tensor.ShapeMismatchException} (an IAE)
 * naming the block and both shapes when the batch does not fit.
 */
package org.ffebm.digital.layer;
