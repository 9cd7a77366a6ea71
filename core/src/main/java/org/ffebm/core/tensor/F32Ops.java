package org.ffebm.core.tensor;

import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;

/**
 * The float32 back end: the training path. Products go through a {@link GemmF32} kernel; everything else is a plain
 * loop over EJML's row-major {@code data} array. Reductions run in a fixed order so that results do not depend on the
 * thread count. Transcendental functions use {@link StrictMath}, so that a run's figures are the same bits on every
 * JVM and processor (they run once per batch, never in the relaxation loop).
 */
public final class F32Ops implements TensorOps<FMatrixRMaj> {

    private final GemmF32 gemm;
    private final Parallel parallel;

    /**
     * @param gemm the matrix-product kernel
     * @param parallel how rows are split over threads
     */
    public F32Ops(GemmF32 gemm, Parallel parallel) {
        this.gemm = Objects.requireNonNull(gemm, "gemm");
        this.parallel = Objects.requireNonNull(parallel, "parallel");
    }

    /** Reference kernel, one thread: the configuration tests compare against. */
    public static F32Ops reference() {
        return new F32Ops(new ReferenceGemmF32(), Parallel.serial());
    }

    public GemmF32 gemm() {
        return gemm;
    }

    @Override
    public String precision() {
        return "float32";
    }

    @Override
    public String kernelName() {
        return gemm.name();
    }

    @Override
    public Parallel parallel() {
        return parallel;
    }

    @Override
    public FMatrixRMaj zeros(int rows, int cols) {
        return new FMatrixRMaj(rows, cols);
    }

    @Override
    public double get(FMatrixRMaj m, int row, int col) {
        return m.get(row, col);
    }

    @Override
    public void set(FMatrixRMaj m, int row, int col, double value) {
        m.set(row, col, (float) value);
    }

    @Override
    public void mult(FMatrixRMaj a, FMatrixRMaj b, double beta, FMatrixRMaj c, int r0, int r1) {
        gemm.mult(a, b, (float) beta, c, r0, r1);
    }

    @Override
    public void multTransB(FMatrixRMaj a, FMatrixRMaj b, double beta, FMatrixRMaj c, int r0, int r1) {
        gemm.multTransB(a, b, (float) beta, c, r0, r1);
    }

    @Override
    public void multTransA(double alpha, FMatrixRMaj a, FMatrixRMaj b, double beta, FMatrixRMaj c, int r0, int r1) {
        gemm.multTransA((float) alpha, a, b, (float) beta, c, r0, r1);
    }

    @Override
    public void copyRows(FMatrixRMaj src, FMatrixRMaj dst, int r0, int r1) {
        checkSame(src, dst);
        int n = src.numCols;
        System.arraycopy(src.data, r0 * n, dst.data, r0 * n, (r1 - r0) * n);
    }

    @Override
    public void copy(FMatrixRMaj src, FMatrixRMaj dst) {
        dst.reshape(src.numRows, src.numCols);
        System.arraycopy(src.data, 0, dst.data, 0, src.getNumElements());
    }

    @Override
    public void addRowInPlace(FMatrixRMaj c, double alpha, FMatrixRMaj row, int r0, int r1) {
        if (row.getNumElements() != c.numCols) {
            throw new ShapeMismatchException("row vector of " + row.getNumElements() + " for " + c.numCols + " columns");
        }
        final int n = c.numCols;
        final float a = (float) alpha;
        final float[] cd = c.data, rd = row.data;
        for (int r = r0; r < r1; r++) {
            int off = r * n;
            for (int j = 0; j < n; j++) {
                cd[off + j] += a * rd[j];
            }
        }
    }

    @Override
    public void axpyRows(double alpha, FMatrixRMaj x, FMatrixRMaj y, int r0, int r1) {
        checkSame(x, y);
        final int n = x.numCols;
        final float a = (float) alpha;
        final float[] xd = x.data, yd = y.data;
        for (int i = r0 * n, end = r1 * n; i < end; i++) {
            yd[i] += a * xd[i];
        }
    }

    @Override
    public void combine(double alpha, FMatrixRMaj a, double beta, FMatrixRMaj b, FMatrixRMaj c, int r0, int r1) {
        checkSame(a, b);
        checkSame(a, c);
        final int n = a.numCols;
        final float x = (float) alpha, y = (float) beta;
        final float[] ad = a.data, bd = b.data, cd = c.data;
        for (int i = r0 * n, end = r1 * n; i < end; i++) {
            cd[i] = x * ad[i] + y * bd[i];
        }
    }

    @Override
    public void sumRowsDiff(double alpha, FMatrixRMaj a, FMatrixRMaj b, double beta, FMatrixRMaj out) {
        if (b != null) {
            checkSame(a, b);
        }
        if (out.getNumElements() != a.numCols) {
            throw new ShapeMismatchException("sumRowsDiff: out has " + out.getNumElements() + " entries for " + a.numCols
                    + " columns");
        }
        final int rows = a.numRows, n = a.numCols;
        final float[] ad = a.data, od = out.data;
        final float[] bd = b == null ? null : b.data;
        for (int j = 0; j < n; j++) {
            float sum = 0f;
            for (int r = 0; r < rows; r++) {
                sum += bd == null ? ad[r * n + j] : ad[r * n + j] - bd[r * n + j];
            }
            od[j] = (float) (alpha * sum + (beta == 0 ? 0f : beta * od[j]));
        }
    }

    @Override
    public void fill(FMatrixRMaj m, double value) {
        java.util.Arrays.fill(m.data, 0, m.getNumElements(), (float) value);
    }

    @Override
    public void uniform(FMatrixRMaj m, double lo, double hi, SplittableRandom rng) {
        final float[] d = m.data;
        for (int i = 0, end = m.getNumElements(); i < end; i++) {
            d[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
    }

    @Override
    public void relaxUpdate(FMatrixRMaj drive, FMatrixRMaj s, double slope, boolean clamp, boolean[] frozen,
                            double[] rowResidual, int r0, int r1) {
        checkSame(drive, s);
        final int n = s.numCols;
        final float a = (float) slope;
        final float[] vd = drive.data, sd = s.data;
        for (int r = r0; r < r1; r++) {
            if (frozen != null && frozen[r]) {
                continue;
            }
            float maxDelta = 0f;
            for (int i = r * n, end = i + n; i < end; i++) {
                float next;
                if (clamp) {
                    next = a * vd[i];
                    next = next < 0f ? 0f : (next > 1f ? 1f : next);
                } else {
                    next = vd[i];
                }
                float d = Math.abs(next - sd[i]);
                if (d > maxDelta || d != d) {
                    maxDelta = d;
                }
                sd[i] = next;
            }
            if (rowResidual != null && !(maxDelta <= rowResidual[r])) {
                rowResidual[r] = maxDelta;
            }
        }
    }

    @Override
    public void hardSigmoid(FMatrixRMaj in, double slope, FMatrixRMaj out, int r0, int r1) {
        checkSame(in, out);
        final int n = in.numCols;
        final float a = (float) slope;
        final float[] id = in.data, od = out.data;
        for (int i = r0 * n, end = r1 * n; i < end; i++) {
            float v = a * id[i];
            od[i] = v < 0f ? 0f : (v > 1f ? 1f : v);
        }
    }

    @Override
    public void hardSigmoidBackward(FMatrixRMaj in, double slope, FMatrixRMaj gradOut, FMatrixRMaj gradIn, int r0, int r1) {
        checkSame(in, gradOut);
        checkSame(in, gradIn);
        final int n = in.numCols;
        final float a = (float) slope;
        final float[] id = in.data, go = gradOut.data, gi = gradIn.data;
        for (int i = r0 * n, end = r1 * n; i < end; i++) {
            float v = a * id[i];
            gi[i] = v > 0f && v < 1f ? a * go[i] : 0f;
        }
    }

    @Override
    public void relu(FMatrixRMaj in, FMatrixRMaj out, int r0, int r1) {
        checkSame(in, out);
        ConvChecks.rows("relu", in, r0, r1);
        final int n = in.numCols;
        final float[] id = in.data, od = out.data;
        for (int i = r0 * n, end = r1 * n; i < end; i++) {
            final float v = id[i];
            od[i] = v <= 0f ? 0f : v;
        }
    }

    @Override
    public void reluBackward(FMatrixRMaj in, FMatrixRMaj gradOut, FMatrixRMaj gradIn, int r0, int r1) {
        checkSame(in, gradOut);
        checkSame(in, gradIn);
        ConvChecks.rows("reluBackward", in, r0, r1);
        final int n = in.numCols;
        final float[] id = in.data, go = gradOut.data, gi = gradIn.data;
        for (int i = r0 * n, end = r1 * n; i < end; i++) {
            gi[i] = id[i] > 0f ? go[i] : 0f;
        }
    }

    @Override
    public void fillRows(FMatrixRMaj m, double value, int r0, int r1) {
        ConvChecks.rows("fillRows", m, r0, r1);
        java.util.Arrays.fill(m.data, r0 * m.numCols, r1 * m.numCols, (float) value);
    }

    @Override
    public void im2col(FMatrixRMaj x, ConvGeometry g, FMatrixRMaj col, int r0, int r1) {
        ConvChecks.im2col("im2col", x, g, col, r0, r1);
        final int channels = g.channels(), h = g.height(), w = g.width(), k = g.kernel(), s = g.stride();
        final int p = g.padding(), ho = g.outHeight(), wo = g.outWidth(), in = g.inputSize(), patch = g.patchSize();
        final float[] xd = x.data, cd = col.data;
        for (int b = r0; b < r1; b++) {
            final int xb = b * in;
            int q = b * ho * wo * patch;
            for (int oh = 0; oh < ho; oh++) {
                final int ih0 = oh * s - p;
                final boolean rowsInside = ih0 >= 0 && ih0 + k <= h;
                for (int ow = 0; ow < wo; ow++) {
                    final int iw0 = ow * s - p;
                    if (k == 3 && rowsInside && iw0 >= 0 && iw0 + 3 <= w) {
                        q = im2col3x3(xd, xb + ih0 * w + iw0, h * w, w, channels, cd, q);
                        continue;
                    }
                    // any other patch: zeros, then the rows [ilo, ihi) and columns [jlo, jhi) inside the image
                    final int ilo = Math.max(0, -ih0), ihi = Math.min(k, h - ih0);
                    final int jlo = Math.max(0, -iw0), jhi = Math.min(k, w - iw0);
                    java.util.Arrays.fill(cd, q, q + patch, 0f);
                    for (int c = 0; c < channels; c++) {
                        for (int i = ilo; i < ihi; i++) {
                            final int xr = xb + (c * h + ih0 + i) * w + iw0, cr = q + (c * k + i) * k;
                            for (int j = jlo; j < jhi; j++) {
                                cd[cr + j] = xd[xr + j];
                            }
                        }
                    }
                    q += patch;
                }
            }
        }
    }

    @Override
    public void col2im(FMatrixRMaj col, ConvGeometry g, double beta, FMatrixRMaj x, int r0, int r1) {
        ConvChecks.im2col("col2im", x, g, col, r0, r1);
        final int channels = g.channels(), h = g.height(), w = g.width(), k = g.kernel(), s = g.stride();
        final int p = g.padding(), ho = g.outHeight(), wo = g.outWidth(), in = g.inputSize(), patch = g.patchSize();
        final float[] xd = x.data, cd = col.data;
        final float bt = (float) beta;
        for (int b = r0; b < r1; b++) {
            final int xb = b * in;
            if (beta == 0) {
                java.util.Arrays.fill(xd, xb, xb + in, 0f);
            } else if (beta != 1) {
                for (int e = xb; e < xb + in; e++) {
                    xd[e] *= bt;
                }
            }
            int q = b * ho * wo * patch;
            for (int oh = 0; oh < ho; oh++) {
                final int ih0 = oh * s - p;
                final boolean rowsInside = ih0 >= 0 && ih0 + k <= h;
                for (int ow = 0; ow < wo; ow++) {
                    final int iw0 = ow * s - p;
                    if (k == 3 && rowsInside && iw0 >= 0 && iw0 + 3 <= w) {
                        q = col2im3x3(cd, q, xd, xb + ih0 * w + iw0, h * w, w, channels);
                        continue;
                    }
                    // any other patch: only its rows [ilo, ihi) and columns [jlo, jhi) land in x
                    final int ilo = Math.max(0, -ih0), ihi = Math.min(k, h - ih0);
                    final int jlo = Math.max(0, -iw0), jhi = Math.min(k, w - iw0);
                    for (int c = 0; c < channels; c++) {
                        for (int i = ilo; i < ihi; i++) {
                            final int xr = xb + (c * h + ih0 + i) * w + iw0, cr = q + (c * k + i) * k;
                            for (int j = jlo; j < jhi; j++) {
                                xd[xr + j] += cd[cr + j];
                            }
                        }
                    }
                    q += patch;
                }
            }
        }
    }

    /**
     * One im2col row of a 3×3 patch wholly inside the image, starting at x offset {@code x0}, unrolled: the same values
     * in the same order as the general loop. Returns the next write position.
     */
    private static int im2col3x3(float[] xd, int x0, int plane, int w, int channels, float[] cd, int q) {
        for (int c = 0, r = x0; c < channels; c++, r += plane) {
            final int r1 = r + w, r2 = r1 + w;
            cd[q] = xd[r];
            cd[q + 1] = xd[r + 1];
            cd[q + 2] = xd[r + 2];
            cd[q + 3] = xd[r1];
            cd[q + 4] = xd[r1 + 1];
            cd[q + 5] = xd[r1 + 2];
            cd[q + 6] = xd[r2];
            cd[q + 7] = xd[r2 + 1];
            cd[q + 8] = xd[r2 + 2];
            q += 9;
        }
        return q;
    }

    /**
     * col2im of one row whose 3×3 patch lies wholly inside the image, unrolled: the same additions in the same order as
     * the general loop (so the same bits). Returns the next read position.
     */
    private static int col2im3x3(float[] cd, int q, float[] xd, int x0, int plane, int w, int channels) {
        for (int c = 0, r = x0; c < channels; c++, r += plane) {
            final int r1 = r + w, r2 = r1 + w;
            xd[r] += cd[q];
            xd[r + 1] += cd[q + 1];
            xd[r + 2] += cd[q + 2];
            xd[r1] += cd[q + 3];
            xd[r1 + 1] += cd[q + 4];
            xd[r1 + 2] += cd[q + 5];
            xd[r2] += cd[q + 6];
            xd[r2 + 1] += cd[q + 7];
            xd[r2 + 2] += cd[q + 8];
            q += 9;
        }
        return q;
    }

    @Override
    public void pixelsToChannels(FMatrixRMaj src, int pixels, FMatrixRMaj dst, int r0, int r1) {
        ConvChecks.pixels("pixelsToChannels", src, pixels, dst, r0, r1);
        final int channels = src.numCols, n = dst.numCols;
        final float[] sd = src.data, dd = dst.data;
        for (int b = r0; b < r1; b++) {
            final int db = b * n;
            for (int q = 0; q < pixels; q++) {
                final int sr = (b * pixels + q) * channels;
                for (int c = 0; c < channels; c++) {
                    dd[db + c * pixels + q] = sd[sr + c];
                }
            }
        }
    }

    @Override
    public void channelsToPixels(FMatrixRMaj src, int pixels, FMatrixRMaj dst, int r0, int r1) {
        ConvChecks.pixels("channelsToPixels", dst, pixels, src, r0, r1);
        final int channels = dst.numCols, n = src.numCols;
        final float[] sd = src.data, dd = dst.data;
        for (int b = r0; b < r1; b++) {
            final int sb = b * n;
            for (int q = 0; q < pixels; q++) {
                final int dr = (b * pixels + q) * channels;
                for (int c = 0; c < channels; c++) {
                    dd[dr + c] = sd[sb + c * pixels + q];
                }
            }
        }
    }

    @Override
    public void maxPool(FMatrixRMaj x, ConvGeometry g, FMatrixRMaj out, int[] argmax, int r0, int r1) {
        ConvChecks.pool("maxPool", x, g, out, r0, r1);
        ConvChecks.argmax("maxPool", argmax, g, r1);
        final int channels = g.channels(), h = g.height(), w = g.width(), k = g.kernel(), s = g.stride();
        final int ho = g.outHeight(), wo = g.outWidth(), in = g.inputSize(), n = g.poolOutputSize();
        final float[] xd = x.data, od = out.data;
        for (int b = r0; b < r1; b++) {
            final int xb = b * in;
            int o = b * n;
            for (int c = 0; c < channels; c++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++, o++) {
                        final int first = (c * h + oh * s) * w + ow * s;
                        int best = first;
                        float max = xd[xb + first];
                        for (int i = 0; i < k; i++) {
                            for (int j = 0, a = first + i * w; j < k; j++, a++) {
                                float v = xd[xb + a];
                                if (v > max || (v != v && max == max)) {
                                    max = v;
                                    best = a;
                                }
                            }
                        }
                        od[o] = max;
                        argmax[o] = best;
                    }
                }
            }
        }
    }

    @Override
    public void maxUnpool(FMatrixRMaj src, int[] argmax, ConvGeometry g, FMatrixRMaj dst, int r0, int r1) {
        ConvChecks.pool("maxUnpool", dst, g, src, r0, r1);
        ConvChecks.argmax("maxUnpool", argmax, g, r1);
        final int in = g.inputSize(), n = g.poolOutputSize();
        final float[] sd = src.data, dd = dst.data;
        for (int b = r0; b < r1; b++) {
            final int db = b * in;
            java.util.Arrays.fill(dd, db, db + in, 0f);
            for (int o = b * n, end = o + n; o < end; o++) {
                final int a = argmax[o];
                if (a < 0 || a >= in) {
                    throw ConvChecks.badIndex(a, b, g);
                }
                dd[db + a] += sd[o];
            }
        }
    }

    @Override
    public void avgPool(FMatrixRMaj x, ConvGeometry g, FMatrixRMaj out, int r0, int r1) {
        ConvChecks.pool("avgPool", x, g, out, r0, r1);
        final int channels = g.channels(), h = g.height(), w = g.width(), k = g.kernel(), s = g.stride();
        final int ho = g.outHeight(), wo = g.outWidth(), in = g.inputSize(), n = g.poolOutputSize();
        final float inv = (float) (1.0 / (k * k));
        final float[] xd = x.data, od = out.data;
        for (int b = r0; b < r1; b++) {
            final int xb = b * in;
            int o = b * n;
            for (int c = 0; c < channels; c++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++, o++) {
                        final int first = xb + (c * h + oh * s) * w + ow * s;
                        float sum = 0f;
                        for (int i = 0; i < k; i++) {
                            for (int j = 0, a = first + i * w; j < k; j++, a++) {
                                sum += xd[a];
                            }
                        }
                        od[o] = sum * inv;
                    }
                }
            }
        }
    }

    @Override
    public void avgUnpool(FMatrixRMaj src, ConvGeometry g, FMatrixRMaj dst, int r0, int r1) {
        ConvChecks.pool("avgUnpool", dst, g, src, r0, r1);
        final int channels = g.channels(), h = g.height(), w = g.width(), k = g.kernel(), s = g.stride();
        final int ho = g.outHeight(), wo = g.outWidth(), in = g.inputSize(), n = g.poolOutputSize();
        final float inv = (float) (1.0 / (k * k));
        final float[] sd = src.data, dd = dst.data;
        for (int b = r0; b < r1; b++) {
            final int db = b * in;
            java.util.Arrays.fill(dd, db, db + in, 0f);
            int o = b * n;
            for (int c = 0; c < channels; c++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++, o++) {
                        final int first = db + (c * h + oh * s) * w + ow * s;
                        final float v = sd[o] * inv;
                        for (int i = 0; i < k; i++) {
                            for (int j = 0, a = first + i * w; j < k; j++, a++) {
                                dd[a] += v;
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void channelSums(FMatrixRMaj u, double[] uShift, FMatrixRMaj v, double[] vShift, int spatial,
                            double[] sumU, double[] sumUV, int c0, int c1) {
        final int channels = ConvChecks.channels("channelSums", u, v, spatial);
        ConvChecks.channelRange("channelSums", channels, c0, c1);
        ConvChecks.perChannel("channelSums", "uShift", uShift, channels, false);
        ConvChecks.perChannel("channelSums", "vShift", vShift, channels, false);
        ConvChecks.perChannel("channelSums", "sumU", sumU, channels, true);
        ConvChecks.perChannel("channelSums", "sumUV", sumUV, channels, v != null);
        final float[] ud = u.data, vd = v == null ? null : v.data;
        final int rows = u.numRows, cols = u.numCols;
        for (int c = c0; c < c1; c++) {
            final double us = uShift == null ? 0 : uShift[c], vs = vShift == null ? 0 : vShift[c];
            double su = 0, suv = 0;
            for (int r = 0; r < rows; r++) {
                for (int i = r * cols + c * spatial, end = i + spatial; i < end; i++) {
                    final double du = ud[i] - us;
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
    public void channelAffine(double[] a, FMatrixRMaj u, double[] b, FMatrixRMaj v, double[] vShift, double[] d,
                              int spatial, FMatrixRMaj out, int r0, int r1) {
        final int channels = ConvChecks.channels("channelAffine", out, u, spatial);
        ConvChecks.channels("channelAffine", out, v, spatial);
        ConvChecks.rows("channelAffine", out, r0, r1);
        ConvChecks.perChannel("channelAffine", "a", a, channels, u != null);
        ConvChecks.perChannel("channelAffine", "b", b, channels, v != null);
        ConvChecks.perChannel("channelAffine", "vShift", vShift, channels, false);
        ConvChecks.perChannel("channelAffine", "d", d, channels, true);
        final float[] ud = u == null ? null : u.data, vd = v == null ? null : v.data, od = out.data;
        for (int r = r0; r < r1; r++) {
            for (int c = 0; c < channels; c++) {
                final double ac = ud == null ? 0 : a[c], bc = vd == null ? 0 : b[c], dc = d[c];
                final double vs = vd == null || vShift == null ? 0 : vShift[c];
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
    public double softmaxCrossEntropy(FMatrixRMaj logits, int[] labels, FMatrixRMaj grad) {
        checkLabels(logits, labels);
        grad.reshape(logits.numRows, logits.numCols);
        final int n = logits.numCols;
        final float[] ld = logits.data, gd = grad.data;
        double total = 0;
        for (int r = 0; r < logits.numRows; r++) {
            int off = r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, ld[off + j]);
            }
            double z = 0;
            for (int j = 0; j < n; j++) {
                z += StrictMath.exp(ld[off + j] - max);
            }
            double logZ = StrictMath.log(z) + max;
            for (int j = 0; j < n; j++) {
                double p = StrictMath.exp(ld[off + j] - logZ);
                gd[off + j] = (float) (p - (j == labels[r] ? 1.0 : 0.0));
            }
            total += logZ - ld[off + labels[r]];
        }
        return total;
    }

    @Override
    public double squaredError(FMatrixRMaj out, int[] labels, FMatrixRMaj grad) {
        checkLabels(out, labels);
        grad.reshape(out.numRows, out.numCols);
        final int n = out.numCols;
        final float[] od = out.data, gd = grad.data;
        double total = 0;
        for (int r = 0; r < out.numRows; r++) {
            for (int j = 0; j < n; j++) {
                float e = od[r * n + j] - (j == labels[r] ? 1f : 0f);
                gd[r * n + j] = e;
                total += 0.5 * e * e;
            }
        }
        return total;
    }

    @Override
    public int countCorrect(FMatrixRMaj out, int[] labels) {
        checkLabels(out, labels);
        final int n = out.numCols;
        final float[] od = out.data;
        int correct = 0;
        for (int r = 0; r < out.numRows; r++) {
            int best = 0;
            for (int j = 1; j < n; j++) {
                if (od[r * n + j] > od[r * n + best]) {
                    best = j;
                }
            }
            if (best == labels[r]) {
                correct++;
            }
        }
        return correct;
    }

    @Override
    public void sgdStepInPlace(FMatrixRMaj w, FMatrixRMaj g, FMatrixRMaj v, double lr, double momentum,
                               double weightDecay) {
        checkSame(w, g);
        checkSame(w, v);
        final float[] wd = w.data, gd = g.data, vd = v.data;
        final float mu = (float) momentum, lam = (float) weightDecay, eta = (float) lr;
        for (int i = 0, end = w.getNumElements(); i < end; i++) {
            float vel = mu * vd[i] + gd[i] + lam * wd[i];
            vd[i] = vel;
            wd[i] -= eta * vel;
        }
    }

    @Override
    public void adamStepInPlace(FMatrixRMaj w, FMatrixRMaj g, FMatrixRMaj m, FMatrixRMaj v, double lr, double beta1,
                                double beta2, double eps, double weightDecay, long t) {
        checkSame(w, g);
        checkSame(w, m);
        checkSame(w, v);
        final float[] wd = w.data, gd = g.data, md = m.data, vd = v.data;
        final float b1 = (float) beta1, b2 = (float) beta2, lam = (float) weightDecay;
        final double c1 = 1 - StrictMath.pow(beta1, t), c2 = 1 - StrictMath.pow(beta2, t);
        final float step = (float) (lr * Math.sqrt(c2) / c1);
        final float e = (float) (eps * Math.sqrt(c2));
        for (int i = 0, end = w.getNumElements(); i < end; i++) {
            float grad = gd[i] + lam * wd[i];
            md[i] = b1 * md[i] + (1 - b1) * grad;
            vd[i] = b2 * vd[i] + (1 - b2) * grad * grad;
            wd[i] -= step * md[i] / ((float) Math.sqrt(vd[i]) + e);
        }
    }

    @Override
    public double[] toDoubleArray(FMatrixRMaj m) {
        double[] out = new double[m.getNumElements()];
        for (int i = 0; i < out.length; i++) {
            out[i] = m.data[i];
        }
        return out;
    }

    @Override
    public void setFrom(FMatrixRMaj m, double[] values) {
        if (values.length != m.getNumElements()) {
            throw new ShapeMismatchException("setFrom: " + values.length + " values for a " + m.numRows + "x" + m.numCols
                    + " matrix");
        }
        for (int i = 0; i < values.length; i++) {
            m.data[i] = (float) values[i];
        }
    }

    @Override
    public boolean allFinite(FMatrixRMaj m) {
        for (int i = 0, end = m.getNumElements(); i < end; i++) {
            if (!Float.isFinite(m.data[i])) {
                return false;
            }
        }
        return true;
    }

    private static void checkSame(FMatrixRMaj a, FMatrixRMaj b) {
        if (a.numRows != b.numRows || a.numCols != b.numCols) {
            throw new ShapeMismatchException("shapes differ: " + a.numRows + "x" + a.numCols + " vs " + b.numRows + "x"
                    + b.numCols);
        }
    }

    private static void checkLabels(FMatrixRMaj out, int[] labels) {
        if (labels.length < out.numRows) {
            throw new ShapeMismatchException(labels.length + " labels for " + out.numRows + " rows");
        }
        for (int r = 0; r < out.numRows; r++) {
            if (labels[r] < 0 || labels[r] >= out.numCols) {
                throw new IllegalArgumentException("label " + labels[r] + " at row " + r + " outside 0.." + (out.numCols - 1));
            }
        }
    }
}
