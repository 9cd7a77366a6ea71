package org.ffebm.digital.layer;

import java.util.Objects;
import org.ffebm.core.block.Shape;

/**
 * The geometry of a 2-D sliding window over a c×h×w input: kernel kh×kw, the same stride in both directions, and
 * {@code padding} zeros on each side. The output is k×h'×w' with
 * <pre>
 *   h' = ⌊(h + 2·padding − kh) / stride⌋ + 1,   w' = ⌊(w + 2·padding − kw) / stride⌋ + 1.
 * </pre>
 * For a convolution k is the number of filters; for a pooling layer k = c and padding = 0.
 *
 * @param input the input shape c×h×w
 * @param outChannels k ≥ 1
 * @param kernelH kh, 1 ≤ kh ≤ h + 2·padding
 * @param kernelW kw, 1 ≤ kw ≤ w + 2·padding
 * @param stride ≥ 1
 * @param padding ≥ 0
 */
public record ConvGeometry(Shape input, int outChannels, int kernelH, int kernelW, int stride, int padding) {

    /** Validates, naming this record in messages; prefer {@link #of} to name the block. */
    public ConvGeometry {
        validate("ConvGeometry", input, outChannels, kernelH, kernelW, stride, padding);
    }

    /**
     * A validated geometry whose error messages name {@code owner}.
     *
     * @param owner the block's name, for messages
     * @throws IllegalArgumentException if a parameter is out of range (message: owner, parameter, value), the kernel
     *                                  is larger than the padded input, or the workspaces would exceed 2³¹ − 1 entries
     *                                  per sample
     * @throws NullPointerException if owner or input is null
     */
    public static ConvGeometry of(String owner, Shape input, int outChannels, int kernelH, int kernelW, int stride,
                                  int padding) {
        validate(Objects.requireNonNull(owner, "owner"), input, outChannels, kernelH, kernelW, stride, padding);
        return new ConvGeometry(input, outChannels, kernelH, kernelW, stride, padding);
    }

    private static void validate(String owner, Shape in, int k, int kh, int kw, int stride, int padding) {
        Objects.requireNonNull(in, "input");
        requireAtLeast(owner, "outChannels", k, 1);
        requireAtLeast(owner, "kernelH", kh, 1);
        requireAtLeast(owner, "kernelW", kw, 1);
        requireAtLeast(owner, "stride", stride, 1);
        requireAtLeast(owner, "padding", padding, 0);
        long paddedH = in.height() + 2L * padding, paddedW = in.width() + 2L * padding;
        if (paddedH > Integer.MAX_VALUE || paddedW > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(owner + ": padding " + padding + " is too large");
        }
        if (kh > paddedH) {
            throw new IllegalArgumentException(owner + ": kernelH " + kh + " is larger than the padded input height "
                    + paddedH + " (height " + in.height() + " + 2*padding " + padding + ")");
        }
        if (kw > paddedW) {
            throw new IllegalArgumentException(owner + ": kernelW " + kw + " is larger than the padded input width "
                    + paddedW + " (width " + in.width() + " + 2*padding " + padding + ")");
        }
        long positions = ((paddedH - kh) / stride + 1) * ((paddedW - kw) / stride + 1);
        long patch = (long) in.channels() * kh * kw;
        if (positions > Integer.MAX_VALUE || positions * patch > Integer.MAX_VALUE || positions * k > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(owner + ": geometry too large: " + positions + " positions x " + patch
                    + " patch entries, " + k + " channels out");
        }
    }

    private static void requireAtLeast(String owner, String param, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(owner + ": " + param + " must be >= " + min + ", was " + value);
        }
    }

    /** h'. */
    public int outHeight() {
        return (input.height() + 2 * padding - kernelH) / stride + 1;
    }

    /** w'. */
    public int outWidth() {
        return (input.width() + 2 * padding - kernelW) / stride + 1;
    }

    /** k×h'×w'. */
    public Shape outputShape() {
        return new Shape(outChannels, outHeight(), outWidth());
    }

    /** Output positions per channel, h'·w'. */
    public int positions() {
        return outHeight() * outWidth();
    }

    /** Entries of one convolution patch (the fan-in), c·kh·kw. */
    public int patchSize() {
        return input.channels() * kernelH * kernelW;
    }

    /** Entries of one window of one channel, kh·kw. */
    public int windowSize() {
        return kernelH * kernelW;
    }
}
