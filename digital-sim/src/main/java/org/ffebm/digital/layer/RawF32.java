package org.ffebm.digital.layer;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.digital.format.NumberFormat;

/** {@link Raw} over {@code FMatrixRMaj}; {@link RawF64} is the same code in double. */
final class RawF32 implements Raw<FMatrixRMaj> {

    static final RawF32 INSTANCE = new RawF32();

    private RawF32() {
    }

    @Override
    public void gather(FMatrixRMaj src, int srcOff, int[] idx, int n, FMatrixRMaj dst, int dstOff) {
        final float[] s = src.data, d = dst.data;
        for (int j = 0; j < n; j++) {
            int i = idx[j];
            d[dstOff + j] = i < 0 ? 0 : s[srcOff + i];
        }
    }

    @Override
    public void windowSum(FMatrixRMaj src, int srcOff, int[] idx, int n, int fan, double scale, FMatrixRMaj dst,
                          int dstOff) {
        final float[] s = src.data, d = dst.data;
        final float k = (float) scale;
        for (int o = 0, t = 0; o < n; o++) {
            float sum = 0;
            for (int end = t + fan; t < end; t++) {
                int i = idx[t];
                if (i >= 0) {
                    sum += s[srcOff + i];
                }
            }
            d[dstOff + o] = k * sum;
        }
    }

    @Override
    public void windowMax(FMatrixRMaj src, int srcOff, int[] idx, int n, int fan, FMatrixRMaj dst, int dstOff,
                          int[] arg, int argOff) {
        final float[] s = src.data, d = dst.data;
        for (int o = 0, t = 0; o < n; o++) {
            float best = Float.NEGATIVE_INFINITY;
            int at = -1;
            for (int end = t + fan; t < end; t++) {
                int i = idx[t];
                if (i >= 0) {
                    float v = s[srcOff + i];
                    if (at < 0 || v > best || (v != v && best == best)) {
                        best = v;
                        at = i;
                    }
                }
            }
            d[dstOff + o] = best;
            arg[argOff + o] = at;
        }
    }

    @Override
    public void scatterAdd(FMatrixRMaj src, int srcOff, int n, int[] idx, int idxOff, int fan, double scale,
                           FMatrixRMaj dst, int dstOff) {
        final float[] s = src.data, d = dst.data;
        final float k = (float) scale;
        for (int o = 0, t = idxOff; o < n; o++) {
            float v = k * s[srcOff + o];
            for (int end = t + fan; t < end; t++) {
                int i = idx[t];
                if (i >= 0) {
                    d[dstOff + i] += v;
                }
            }
        }
    }

    @Override
    public void zero(FMatrixRMaj m, int from, int to) {
        Arrays.fill(m.data, from, to, 0);
    }

    @Override
    public void relu(FMatrixRMaj in, FMatrixRMaj out, int from, int to) {
        final float[] x = in.data, y = out.data;
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v <= 0 ? 0 : v;
        }
    }

    @Override
    public void reluBackward(FMatrixRMaj in, FMatrixRMaj gradOut, FMatrixRMaj gradIn, int from, int to) {
        final float[] x = in.data, g = gradOut.data, gi = gradIn.data;
        for (int i = from; i < to; i++) {
            gi[i] = x[i] > 0 ? g[i] : 0;
        }
    }

    @Override
    public void channelSums(FMatrixRMaj u, double[] uShift, FMatrixRMaj v, double[] vShift, int spatial, int c0,
                            int c1, double[] sumU, double[] sumUV) {
        final float[] ud = u.data, vd = v == null ? null : v.data;
        final int rows = u.numRows, cols = u.numCols;
        for (int c = c0; c < c1; c++) {
            double us = uShift == null ? 0 : uShift[c], vs = vShift == null ? 0 : vShift[c];
            double su = 0, suv = 0;
            for (int r = 0; r < rows; r++) {
                for (int i = r * cols + c * spatial, end = i + spatial; i < end; i++) {
                    double du = ud[i] - us;
                    su += du;
                    if (vd != null) {
                        suv += du * (vd[i] - vs);
                    }
                }
            }
            sumU[c] = su;
            if (vd != null) {
                sumUV[c] = suv;
            }
        }
    }

    @Override
    public void channelAffine(FMatrixRMaj u, double[] a, FMatrixRMaj v, double[] vShift, double[] b, double[] d,
                              int spatial, FMatrixRMaj out, int r0, int r1) {
        final float[] ud = u == null ? null : u.data, vd = v == null ? null : v.data, od = out.data;
        final int channels = out.numCols / spatial;
        for (int r = r0; r < r1; r++) {
            for (int c = 0; c < channels; c++) {
                double ac = ud == null ? 0 : a[c], bc = vd == null ? 0 : b[c], dc = d[c];
                double vs = vShift == null ? 0 : vShift[c];
                for (int i = (r * channels + c) * spatial, end = i + spatial; i < end; i++) {
                    double y = dc;
                    if (ud != null) {
                        y += ac * ud[i];
                    }
                    if (vd != null) {
                        y += bc * (vd[i] - vs);
                    }
                    od[i] = (float) y;
                }
            }
        }
    }

    @Override
    public double roundInPlace(NumberFormat format, FMatrixRMaj m) {
        return format.roundInPlace(m.data, 0, m.getNumElements());
    }
}
