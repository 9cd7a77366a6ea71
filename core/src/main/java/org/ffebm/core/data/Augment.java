package org.ffebm.core.data;

import java.util.Locale;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.Shape;

/**
 * Data augmentation of training images ({@code ffebm.train.augment}): a random translation by up to {@code shift}
 * pixels in each direction (zero fill, the usual random crop of a zero-padded image) and a horizontal flip with
 * probability ½. Each training sample draws its own flip and offsets, in batch order, from the epoch's augmentation
 * generator, so the result depends on the seed only (not on the thread count) and a run resumed at an epoch boundary
 * draws the same. Evaluation data is never augmented.
 *
 * <p>Configuration text: empty or {@code none}, or a comma-separated list of {@code flip} and {@code shift=N}, e.g.
 * {@code shift=2,flip}.
 *
 * @param shift the largest translation in pixels, 0 for none
 * @param flip whether images are flipped left-right with probability ½
 */
public record Augment(int shift, boolean flip) {

    /** No augmentation. */
    public static final Augment NONE = new Augment(0, false);

    /** The largest accepted shift. */
    public static final int MAX_SHIFT = 16;

    /**
     * @throws IllegalArgumentException if shift is outside 0..{@value #MAX_SHIFT}
     */
    public Augment {
        if (shift < 0 || shift > MAX_SHIFT) {
            throw new IllegalArgumentException("ffebm.train.augment shift must be in [0, " + MAX_SHIFT + "], was "
                    + shift);
        }
    }

    /** Whether this changes anything. */
    public boolean isOn() {
        return shift > 0 || flip;
    }

    /**
     * Parses the configuration text.
     *
     * @throws IllegalArgumentException naming the key for an unknown item, a malformed or out-of-range shift, or an
     *                                  item given twice
     */
    public static Augment parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.equals("none")) {
            return NONE;
        }
        int shift = -1;
        boolean flip = false;
        for (String raw : t.split(",", -1)) {
            String item = raw.trim();
            if (item.equals("flip")) {
                if (flip) {
                    throw new IllegalArgumentException("ffebm.train.augment names flip twice: '" + text + "'");
                }
                flip = true;
            } else if (item.startsWith("shift=")) {
                if (shift >= 0) {
                    throw new IllegalArgumentException("ffebm.train.augment names shift twice: '" + text + "'");
                }
                try {
                    shift = Integer.parseInt(item.substring("shift=".length()).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("ffebm.train.augment: shift must be a whole number of pixels, "
                            + "was '" + item + "'");
                }
                if (shift < 0 || shift > MAX_SHIFT) {
                    throw new IllegalArgumentException("ffebm.train.augment shift must be in [0, " + MAX_SHIFT
                            + "], was " + shift);
                }
            } else {
                throw new IllegalArgumentException("ffebm.train.augment: unknown item '" + item + "' in '" + text
                        + "'; valid: none, flip, shift=N (comma-separated)");
            }
        }
        return new Augment(Math.max(shift, 0), flip);
    }

    /** The configuration text that {@link #parse} reads back to this. */
    public String text() {
        if (!isOn()) {
            return "none";
        }
        if (shift > 0 && flip) {
            return "shift=" + shift + ",flip";
        }
        return shift > 0 ? "shift=" + shift : "flip";
    }

    /**
     * Augments rows [0, count) of a batch in place: per sample, in row order, a flip draw (if {@link #flip}) then the
     * vertical and horizontal offsets (if {@link #shift} &gt; 0), each uniform in [−shift, shift].
     *
     * @param x (Input/Output) batch × C·H·W, channel-major images
     * @param count the samples to augment
     * @param shape (C, H, W) of one sample
     * @param rng (Input) the epoch's augmentation generator, advanced
     * @param scratch (Workspace) at least C·H·W floats
     */
    public void applyInPlace(FMatrixRMaj x, int count, Shape shape, SplittableRandom rng, float[] scratch) {
        int c = shape.channels(), h = shape.height(), w = shape.width();
        int n = c * h * w;
        if (x.numCols != n) {
            throw new IllegalArgumentException("samples have " + x.numCols + " values, the shape " + shape + " has "
                    + n);
        }
        for (int r = 0; r < count; r++) {
            boolean f = flip && rng.nextBoolean();
            int dy = shift > 0 ? rng.nextInt(-shift, shift + 1) : 0;
            int dx = shift > 0 ? rng.nextInt(-shift, shift + 1) : 0;
            if (!f && dy == 0 && dx == 0) {
                continue;
            }
            int base = r * n;
            System.arraycopy(x.data, base, scratch, 0, n);
            // out(i, j) = in(i − dy, j' − dx) with j' = j or w − 1 − j (flipped), 0 outside the image
            for (int ch = 0; ch < c; ch++) {
                int plane = ch * h * w;
                for (int i = 0; i < h; i++) {
                    int si = i - dy;
                    int row = base + plane + i * w;
                    if (si < 0 || si >= h) {
                        java.util.Arrays.fill(x.data, row, row + w, 0f);
                        continue;
                    }
                    for (int j = 0; j < w; j++) {
                        int sj = (f ? w - 1 - j : j) - dx;
                        x.data[row + j] = sj < 0 || sj >= w ? 0f : scratch[plane + si * w + sj];
                    }
                }
            }
        }
    }
}
