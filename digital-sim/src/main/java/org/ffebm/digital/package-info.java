/**
 * The digital co-processor (DESIGN §4). Depends only on {@code core}.
 *
 * <ul>
 *   <li>{@link org.ffebm.digital.layer}: 2-D convolution (as matrix products through core's kernels), max and average
 *       pooling, batch-norm, ReLU, and {@link org.ffebm.digital.layer.Quantized}, which stores a block's activations and
 *       gradients in a number format; each with its operation count for the cost model.</li>
 *   <li>{@link org.ffebm.digital.format}: the number formats (fp32, bf16, fp16, int8 with scale), emulated by
 *       rounding.</li>
 * </ul>
 * The dense digital blocks (linear, identity/flatten, hard sigmoid) live in {@code org.ffebm.core.block}.
 */
package org.ffebm.digital;
