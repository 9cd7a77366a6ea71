/**
 * Number formats of the digital co-processor (DESIGN §4), emulated by rounding float32 values: {@link
 * org.ffebm.digital.format.NumberFormat} (fp32, bf16, fp16, int8 with a per-tensor scale) and the bit conversions
 * behind it, {@link org.ffebm.digital.format.FloatBits} (IEEE binary16 and bfloat16, round to nearest even; Java 17
 * has no {@code Float.floatToFloat16}).
 *
 * <p>A block's format is applied to what it stores (its activations and its input gradients) by {@link
 * org.ffebm.digital.layer.Quantized}; arithmetic inside a block stays in the back end's precision.
 */
package org.ffebm.digital.format;
