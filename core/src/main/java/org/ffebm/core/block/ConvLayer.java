package org.ffebm.core.block;

import java.util.ArrayList;
import java.util.List;

/**
 * One layer of a {@link ConvDhnBlock}: its coupling to the layer below is a {@code kernel × kernel} stride-1
 * convolution with "same" zero padding, followed by the pooling P (PAPER-NOTES §1.2).
 *
 * @param channels the layer's feature maps C ≥ 1
 * @param kernel the odd side k ≥ 1 of the convolution from the layer below
 * @param pooling P, applied after the convolution and the bias
 */
public record ConvLayer(int channels, int kernel, Pooling pooling) {

    /** The pooling P of a layer, by the seed paper's configuration letter. */
    public enum Pooling {
        /** '-': P is the identity; the layer has the spatial size of the one below. */
        NONE('-'),
        /** 'm': 2×2 max pooling with stride 2; its adjoint scatters to the argmax positions. */
        MAX('m'),
        /** 'a': 2×2 average pooling with stride 2; its adjoint spreads each value over the window, divided by 4. */
        AVERAGE('a');

        private final char letter;

        Pooling(char letter) {
            this.letter = letter;
        }

        /** The configuration letter: '-', 'm' or 'a'. */
        public char letter() {
            return letter;
        }

        /**
         * @throws IllegalArgumentException if the letter is not '-', 'm' or 'a'
         */
        public static Pooling of(char letter) {
            for (Pooling p : values()) {
                if (p.letter == letter) {
                    return p;
                }
            }
            throw new IllegalArgumentException("pooling letter must be '-', 'm' or 'a', was '" + letter + "'");
        }
    }

    /**
     * @throws IllegalArgumentException if channels &lt; 1, the kernel is not odd and ≥ 1, or pooling is null
     */
    public ConvLayer {
        if (channels < 1) {
            throw new IllegalArgumentException("conv layer channels must be >= 1, was " + channels);
        }
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("conv layer kernel must be odd and >= 1 ('same' padding), was " + kernel);
        }
        if (pooling == null) {
            throw new IllegalArgumentException("conv layer pooling must not be null");
        }
    }

    /**
     * Layers from channel counts and a pooling string in the seed paper's notation, e.g. {@code of(3, new int[] {128,
     * 256}, "m-")}.
     *
     * @param kernel the kernel of every layer
     * @param channels C of each layer
     * @param pools one letter per layer: '-', 'm' or 'a'
     * @throws IllegalArgumentException if the counts differ or a layer is invalid
     */
    public static List<ConvLayer> of(int kernel, int[] channels, String pools) {
        if (channels.length != pools.length()) {
            throw new IllegalArgumentException(channels.length + " channel counts but " + pools.length()
                    + " pooling letters in '" + pools + "'");
        }
        List<ConvLayer> out = new ArrayList<>(channels.length);
        for (int l = 0; l < channels.length; l++) {
            out.add(new ConvLayer(channels[l], kernel, Pooling.of(pools.charAt(l))));
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return channels + "c k" + kernel + " " + pooling.letter();
    }
}
