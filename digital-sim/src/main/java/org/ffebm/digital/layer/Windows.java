package org.ffebm.digital.layer;

/**
 * Index tables that turn the sliding-window layers into gathers and scatters over a sample's row (built once per
 * layer; an entry is an offset into the c×h×w input row, or −1 for a padding zero).
 */
final class Windows {

    private Windows() {
    }

    /**
     * The convolution patches: entry [p·patch + j] for output position p = oy·w' + ox and patch entry
     * j = (c·kh + ky)·kw + kx (the layout of a filter row of W) is the input offset of (c, oy·stride − pad + ky,
     * ox·stride − pad + kx), or −1 if that lies in the padding. Size positions × patchSize.
     */
    static int[] patches(ConvGeometry g) {
        int positions = g.positions(), patch = g.patchSize();
        int[] idx = new int[positions * patch];
        int ow = g.outWidth(), kk = g.windowSize();
        for (int p = 0; p < positions; p++) {
            for (int c = 0; c < g.input().channels(); c++) {
                fillWindow(g, c, p / ow, p % ow, idx, p * patch + c * kk);
            }
        }
        return idx;
    }

    /**
     * The pooling windows, one per output (c, oy, ox): entry [((c·h' + oy)·w' + ox)·kk + ky·kw + kx] is the input
     * offset of (c, oy·stride − pad + ky, ox·stride − pad + kx), or −1 in the padding. Size (c·h'·w') × (kh·kw).
     */
    static int[] windows(ConvGeometry g) {
        int positions = g.positions(), kk = g.windowSize(), ow = g.outWidth();
        int[] idx = new int[g.input().channels() * positions * kk];
        for (int c = 0; c < g.input().channels(); c++) {
            for (int p = 0; p < positions; p++) {
                fillWindow(g, c, p / ow, p % ow, idx, (c * positions + p) * kk);
            }
        }
        return idx;
    }

    /** Writes the kh·kw input offsets of the window of channel c at output (oy, ox), row-major, from idx[at]. */
    private static void fillWindow(ConvGeometry g, int c, int oy, int ox, int[] idx, int at) {
        int h = g.input().height(), w = g.input().width();
        for (int ky = 0; ky < g.kernelH(); ky++) {
            int iy = oy * g.stride() - g.padding() + ky;
            for (int kx = 0; kx < g.kernelW(); kx++) {
                int ix = ox * g.stride() - g.padding() + kx;
                idx[at++] = iy < 0 || iy >= h || ix < 0 || ix >= w ? -1 : (c * h + iy) * w + ix;
            }
        }
    }

    /**
     * The gather that transposes a rows×cols row-major block: entry [j·rows + i] = i·cols + j, so that
     * {@code dst[j·rows + i] = src[i·cols + j]}.
     */
    static int[] transpose(int rows, int cols) {
        int[] idx = new int[rows * cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                idx[j * rows + i] = i * cols + j;
            }
        }
        return idx;
    }
}
