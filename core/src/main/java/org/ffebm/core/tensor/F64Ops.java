package org.ffebm.core.tensor;

import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * The float64 back end, for gradient checks and double-precision studies. Products go through a {@link GemmF64}; the rest is a plain
 * loop over EJML's row-major {@code data} array. Reductions run in a fixed order so that results do not depend on the
 * thread count. Transcendental functions use {@link StrictMath}, so that a run's figures are the same bits on every
 * JVM and processor (they run once per batch, never in the relaxation loop).
 */
public final class F64Ops implements TensorOps<DMatrixRMaj> {

    private final GemmF64 gemm;
    private final Parallel parallel;

    /**
     * @param gemm the matrix-product kernel
     * @param parallel how rows are split over threads
     */
    public F64Ops(GemmF64 gemm, Parallel parallel) {
        this.gemm = Objects.requireNonNull(gemm, "gemm");
        this.parallel = Objects.requireNonNull(parallel, "parallel");
    }

    /** Reference kernel, one thread: the configuration tests compare against. */
    public static F64Ops reference() {
        return new F64Ops(new ReferenceGemmF64(), Parallel.serial());
    }

    public GemmF64 gemm() {
        return gemm;
    }

    @Override
    public String precision() {
        return "float64";
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
    public DMatrixRMaj zeros(int rows, int cols) {
        return new DMatrixRMaj(rows, cols);
    }

    @Override
    public double get(DMatrixRMaj m, int row, int col) {
        return m.get(row, col);
    }

    @Override
    public void set(DMatrixRMaj m, int row, int col, double value) {
        m.set(row, col, value);
    }

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, double beta, DMatrixRMaj c, int r0, int r1) {
        gemm.mult(a, b, beta, c, r0, r1);
    }

    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, double beta, DMatrixRMaj c, int r0, int r1) {
        gemm.multTransB(a, b, beta, c, r0, r1);
    }

    @Override
    public void multTransA(double alpha, DMatrixRMaj a, DMatrixRMaj b, double beta, DMatrixRMaj c, int r0, int r1) {
        gemm.multTransA(alpha, a, b, beta, c, r0, r1);
    }

    @Override
    public void copyRows(DMatrixRMaj src, DMatrixRMaj dst, int r0, int r1) {
        checkSame(src, dst);
        int n = src.numCols;
        System.arraycopy(src.data, r0 * n, dst.data, r0 * n, (r1 - r0) * n);
    }

    @Override
    public void copy(DMatrixRMaj src, DMatrixRMaj dst) {
        dst.reshape(src.numRows, src.numCols);
        System.arraycopy(src.data, 0, dst.data, 0, src.getNumElements());
    }

    @Override
    public void addRowInPlace(DMatrixRMaj c, double alpha, DMatrixRMaj row, int r0, int r1) {
        if (row.getNumElements() != c.numCols) {
            throw new ShapeMismatchException("row vector of " + row.getNumElements() + " for " + c.numCols + " columns");
        }
        final int n = c.numCols;
        final double a = alpha;
        final double[] cd = c.data, rd = row.data;
        for (int r = r0; r < r1; r++) {
            int off = r * n;
            for (int j = 0; j < n; j++) {
                cd[off + j] += a * rd[j];
            }
        }
    }

    @Override
    public void axpyRows(double alpha, DMatrixRMaj x, DMatrixRMaj y, int r0, int r1) {
        checkSame(x, y);
        final int n = x.numCols;
        final double a = alpha;
        final double[] xd = x.data, yd = y.data;
        for (int i = r0 * n, end = r1 * n; i < end; i++) {
            yd[i] += a * xd[i];
        }
    }

    @Override
    public void combine(double alpha, DMatrixRMaj a, double beta, DMatrixRMaj b, DMatrixRMaj c, int r0, int r1) {
        checkSame(a, b);
        checkSame(a, c);
        final int n = a.numCols;
        final double x = alpha, y = beta;
        final double[] ad = a.data, bd = b.data, cd = c.data;
        for (int i = r0 * n, end = r1 * n; i < end; i++) {
            cd[i] = x * ad[i] + y * bd[i];
        }
    }

    @Override
    public void sumRowsDiff(double alpha, DMatrixRMaj a, DMatrixRMaj b, double beta, DMatrixRMaj out) {
        if (b != null) {
            checkSame(a, b);
        }
        if (out.getNumElements() != a.numCols) {
            throw new ShapeMismatchException("sumRowsDiff: out has " + out.getNumElements() + " entries for " + a.numCols
                    + " columns");
        }
        final int rows = a.numRows, n = a.numCols;
        final double[] ad = a.data, od = out.data;
        final double[] bd = b == null ? null : b.data;
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                sum += bd == null ? ad[r * n + j] : ad[r * n + j] - bd[r * n + j];
            }
            od[j] = (alpha * sum + (beta == 0 ? 0 : beta * od[j]));
        }
    }

    @Override
    public void fill(DMatrixRMaj m, double value) {
        java.util.Arrays.fill(m.data, 0, m.getNumElements(), value);
    }

    @Override
    public void uniform(DMatrixRMaj m, double lo, double hi, SplittableRandom rng) {
        final double[] d = m.data;
        for (int i = 0, end = m.getNumElements(); i < end; i++) {
            d[i] = (lo + (hi - lo) * rng.nextDouble());
        }
    }

    @Override
    public void relaxUpdate(DMatrixRMaj drive, DMatrixRMaj s, double slope, boolean clamp, boolean[] frozen,
                            double[] rowResidual, int r0, int r1) {
        checkSame(drive, s);
        final int n = s.numCols;
        final double a = slope;
        final double[] vd = drive.data, sd = s.data;
        for (int r = r0; r < r1; r++) {
            if (frozen != null && frozen[r]) {
                continue;
            }
            double maxDelta = 0;
            for (int i = r * n, end = i + n; i < end; i++) {
                double next;
                if (clamp) {
                    next = a * vd[i];
                    next = next < 0 ? 0 : (next > 1 ? 1 : next);
                } else {
                    next = vd[i];
                }
                double d = Math.abs(next - sd[i]);
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
    public void hardSigmoid(DMatrixRMaj in, double slope, DMatrixRMaj out, int r0, int r1) {
        checkSame(in, out);
        final int n = in.numCols;
        final double a = slope;
        final double[] id = in.data, od = out.data;
        for (int i = r0 * n, end = r1 * n; i < end; i++) {
            double v = a * id[i];
            od[i] = v < 0 ? 0 : (v > 1 ? 1 : v);
        }
    }

    @Override
    public void hardSigmoidBackward(DMatrixRMaj in, double slope, DMatrixRMaj gradOut, DMatrixRMaj gradIn, int r0, int r1) {
        checkSame(in, gradOut);
        checkSame(in, gradIn);
        final int n = in.numCols;
        final double a = slope;
        final double[] id = in.data, go = gradOut.data, gi = gradIn.data;
        for (int i = r0 * n, end = r1 * n; i < end; i++) {
            double v = a * id[i];
            gi[i] = v > 0 && v < 1 ? a * go[i] : 0;
        }
    }

    @Override
    public void relu(DMatrixRMaj in, DMatrixRMaj out, int r0, int r1) {
        checkSame(in, out);
        ConvChecks.rows("relu", in, r0, r1);
        final int n = in.numCols;
        final double[] id = in.data, od = out.data;
        for (int i = r0 * n, end = r1 * n; i < end; i++) {
            final double v = id[i];
            od[i] = v <= 0 ? 0 : v;
        }
    }

    @Override
    public void reluBackward(DMatrixRMaj in, DMatrixRMaj gradOut, DMatrixRMaj gradIn, int r0, int r1) {
        checkSame(in, gradOut);
        checkSame(in, gradIn);
        ConvChecks.rows("reluBackward", in, r0, r1);
        final int n = in.numCols;
        final double[] id = in.data, go = gradOut.data, gi = gradIn.data;
        for (int i = r0 * n, end = r1 * n; i < end; i++) {
            gi[i] = id[i] > 0 ? go[i] : 0;
        }
    }

    @Override
    public void fillRows(DMatrixRMaj m, double value, int r0, int r1) {
        ConvChecks.rows("fillRows", m, r0, r1);
        java.util.Arrays.fill(m.data, r0 * m.numCols, r1 * m.numCols, value);
    }

    @Override
    public void im2col(DMatrixRMaj x, ConvGeometry g, DMatrixRMaj col, int r0, int r1) {
        ConvChecks.im2col("im2col", x, g, col, r0, r1);
        final int channels = g.channels(), h = g.height(), w = g.width(), k = g.kernel(), s = g.stride();
        final int p = g.padding(), ho = g.outHeight(), wo = g.outWidth(), in = g.inputSize(), patch = g.patchSize();
        final double[] xd = x.data, cd = col.data;
        for (int b = r0; b < r1; b++) {
            final int xb = b * in;
            int q = b * ho * wo * patch;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    final int iw0 = ow * s - p;
                    for (int c = 0; c < channels; c++) {
                        for (int i = 0; i < k; i++) {
                            final int ih = oh * s - p + i;
                            if (ih < 0 || ih >= h) {
                                for (int j = 0; j < k; j++) {
                                    cd[q++] = 0.0;
                                }
                                continue;
                            }
                            final int xr = xb + (c * h + ih) * w;
                            for (int j = 0; j < k; j++) {
                                final int iw = iw0 + j;
                                cd[q++] = iw >= 0 && iw < w ? xd[xr + iw] : 0.0;
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void col2im(DMatrixRMaj col, ConvGeometry g, double beta, DMatrixRMaj x, int r0, int r1) {
        ConvChecks.im2col("col2im", x, g, col, r0, r1);
        final int channels = g.channels(), h = g.height(), w = g.width(), k = g.kernel(), s = g.stride();
        final int p = g.padding(), ho = g.outHeight(), wo = g.outWidth(), in = g.inputSize(), patch = g.patchSize();
        final double[] xd = x.data, cd = col.data;
        final double bt = beta;
        for (int b = r0; b < r1; b++) {
            final int xb = b * in;
            if (beta == 0) {
                java.util.Arrays.fill(xd, xb, xb + in, 0.0);
            } else if (beta != 1) {
                for (int e = xb; e < xb + in; e++) {
                    xd[e] *= bt;
                }
            }
            int q = b * ho * wo * patch;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    final int iw0 = ow * s - p;
                    for (int c = 0; c < channels; c++) {
                        for (int i = 0; i < k; i++) {
                            final int ih = oh * s - p + i;
                            if (ih < 0 || ih >= h) {
                                q += k;
                                continue;
                            }
                            final int xr = xb + (c * h + ih) * w;
                            for (int j = 0; j < k; j++, q++) {
                                final int iw = iw0 + j;
                                if (iw >= 0 && iw < w) {
                                    xd[xr + iw] += cd[q];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void pixelsToChannels(DMatrixRMaj src, int pixels, DMatrixRMaj dst, int r0, int r1) {
        ConvChecks.pixels("pixelsToChannels", src, pixels, dst, r0, r1);
        final int channels = src.numCols, n = dst.numCols;
        final double[] sd = src.data, dd = dst.data;
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
    public void channelsToPixels(DMatrixRMaj src, int pixels, DMatrixRMaj dst, int r0, int r1) {
        ConvChecks.pixels("channelsToPixels", dst, pixels, src, r0, r1);
        final int channels = dst.numCols, n = src.numCols;
        final double[] sd = src.data, dd = dst.data;
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
    public void maxPool(DMatrixRMaj x, ConvGeometry g, DMatrixRMaj out, int[] argmax, int r0, int r1) {
        ConvChecks.pool("maxPool", x, g, out, r0, r1);
        ConvChecks.argmax("maxPool", argmax, g, r1);
        final int channels = g.channels(), h = g.height(), w = g.width(), k = g.kernel(), s = g.stride();
        final int ho = g.outHeight(), wo = g.outWidth(), in = g.inputSize(), n = g.poolOutputSize();
        final double[] xd = x.data, od = out.data;
        for (int b = r0; b < r1; b++) {
            final int xb = b * in;
            int o = b * n;
            for (int c = 0; c < channels; c++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++, o++) {
                        final int first = (c * h + oh * s) * w + ow * s;
                        int best = first;
                        double max = xd[xb + first];
                        for (int i = 0; i < k; i++) {
                            for (int j = 0, a = first + i * w; j < k; j++, a++) {
                                double v = xd[xb + a];
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
    public void maxUnpool(DMatrixRMaj src, int[] argmax, ConvGeometry g, DMatrixRMaj dst, int r0, int r1) {
        ConvChecks.pool("maxUnpool", dst, g, src, r0, r1);
        ConvChecks.argmax("maxUnpool", argmax, g, r1);
        final int in = g.inputSize(), n = g.poolOutputSize();
        final double[] sd = src.data, dd = dst.data;
        for (int b = r0; b < r1; b++) {
            final int db = b * in;
            java.util.Arrays.fill(dd, db, db + in, 0.0);
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
    public void avgPool(DMatrixRMaj x, ConvGeometry g, DMatrixRMaj out, int r0, int r1) {
        ConvChecks.pool("avgPool", x, g, out, r0, r1);
        final int channels = g.channels(), h = g.height(), w = g.width(), k = g.kernel(), s = g.stride();
        final int ho = g.outHeight(), wo = g.outWidth(), in = g.inputSize(), n = g.poolOutputSize();
        final double inv = (1.0 / (k * k));
        final double[] xd = x.data, od = out.data;
        for (int b = r0; b < r1; b++) {
            final int xb = b * in;
            int o = b * n;
            for (int c = 0; c < channels; c++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++, o++) {
                        final int first = xb + (c * h + oh * s) * w + ow * s;
                        double sum = 0.0;
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
    public void avgUnpool(DMatrixRMaj src, ConvGeometry g, DMatrixRMaj dst, int r0, int r1) {
        ConvChecks.pool("avgUnpool", dst, g, src, r0, r1);
        final int channels = g.channels(), h = g.height(), w = g.width(), k = g.kernel(), s = g.stride();
        final int ho = g.outHeight(), wo = g.outWidth(), in = g.inputSize(), n = g.poolOutputSize();
        final double inv = (1.0 / (k * k));
        final double[] sd = src.data, dd = dst.data;
        for (int b = r0; b < r1; b++) {
            final int db = b * in;
            java.util.Arrays.fill(dd, db, db + in, 0.0);
            int o = b * n;
            for (int c = 0; c < channels; c++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++, o++) {
                        final int first = db + (c * h + oh * s) * w + ow * s;
                        final double v = sd[o] * inv;
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
    public void channelSums(DMatrixRMaj u, double[] uShift, DMatrixRMaj v, double[] vShift, int spatial,
                            double[] sumU, double[] sumUV, int c0, int c1) {
        final int channels = ConvChecks.channels("channelSums", u, v, spatial);
        ConvChecks.channelRange("channelSums", channels, c0, c1);
        ConvChecks.perChannel("channelSums", "uShift", uShift, channels, false);
        ConvChecks.perChannel("channelSums", "vShift", vShift, channels, false);
        ConvChecks.perChannel("channelSums", "sumU", sumU, channels, true);
        ConvChecks.perChannel("channelSums", "sumUV", sumUV, channels, v != null);
        final double[] ud = u.data, vd = v == null ? null : v.data;
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
    public void channelAffine(double[] a, DMatrixRMaj u, double[] b, DMatrixRMaj v, double[] vShift, double[] d,
                              int spatial, DMatrixRMaj out, int r0, int r1) {
        final int channels = ConvChecks.channels("channelAffine", out, u, spatial);
        ConvChecks.channels("channelAffine", out, v, spatial);
        ConvChecks.rows("channelAffine", out, r0, r1);
        ConvChecks.perChannel("channelAffine", "a", a, channels, u != null);
        ConvChecks.perChannel("channelAffine", "b", b, channels, v != null);
        ConvChecks.perChannel("channelAffine", "vShift", vShift, channels, false);
        ConvChecks.perChannel("channelAffine", "d", d, channels, true);
        final double[] ud = u == null ? null : u.data, vd = v == null ? null : v.data, od = out.data;
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
                    od[i] = y;
                }
            }
        }
    }

    @Override
    public double softmaxCrossEntropy(DMatrixRMaj logits, int[] labels, DMatrixRMaj grad) {
        checkLabels(logits, labels);
        grad.reshape(logits.numRows, logits.numCols);
        final int n = logits.numCols;
        final double[] ld = logits.data, gd = grad.data;
        double total = 0;
        for (int r = 0; r < logits.numRows; r++) {
            int off = r * n;
            double max = Double.NEGATIVE_INFINITY;
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
                gd[off + j] = (p - (j == labels[r] ? 1.0 : 0.0));
            }
            total += logZ - ld[off + labels[r]];
        }
        return total;
    }

    @Override
    public double squaredError(DMatrixRMaj out, int[] labels, DMatrixRMaj grad) {
        checkLabels(out, labels);
        grad.reshape(out.numRows, out.numCols);
        final int n = out.numCols;
        final double[] od = out.data, gd = grad.data;
        double total = 0;
        for (int r = 0; r < out.numRows; r++) {
            for (int j = 0; j < n; j++) {
                double e = od[r * n + j] - (j == labels[r] ? 1 : 0);
                gd[r * n + j] = e;
                total += 0.5 * e * e;
            }
        }
        return total;
    }

    @Override
    public int countCorrect(DMatrixRMaj out, int[] labels) {
        checkLabels(out, labels);
        final int n = out.numCols;
        final double[] od = out.data;
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
    public void sgdStepInPlace(DMatrixRMaj w, DMatrixRMaj g, DMatrixRMaj v, double lr, double momentum,
                               double weightDecay) {
        checkSame(w, g);
        checkSame(w, v);
        final double[] wd = w.data, gd = g.data, vd = v.data;
        final double mu = momentum, lam = weightDecay, eta = lr;
        for (int i = 0, end = w.getNumElements(); i < end; i++) {
            double vel = mu * vd[i] + gd[i] + lam * wd[i];
            vd[i] = vel;
            wd[i] -= eta * vel;
        }
    }

    @Override
    public void adamStepInPlace(DMatrixRMaj w, DMatrixRMaj g, DMatrixRMaj m, DMatrixRMaj v, double lr, double beta1,
                                double beta2, double eps, double weightDecay, long t) {
        checkSame(w, g);
        checkSame(w, m);
        checkSame(w, v);
        final double[] wd = w.data, gd = g.data, md = m.data, vd = v.data;
        final double b1 = beta1, b2 = beta2, lam = weightDecay;
        final double c1 = 1 - StrictMath.pow(beta1, t), c2 = 1 - StrictMath.pow(beta2, t);
        final double step = (lr * Math.sqrt(c2) / c1);
        final double e = (eps * Math.sqrt(c2));
        for (int i = 0, end = w.getNumElements(); i < end; i++) {
            double grad = gd[i] + lam * wd[i];
            md[i] = b1 * md[i] + (1 - b1) * grad;
            vd[i] = b2 * vd[i] + (1 - b2) * grad * grad;
            wd[i] -= step * md[i] / (Math.sqrt(vd[i]) + e);
        }
    }

    @Override
    public double[] toDoubleArray(DMatrixRMaj m) {
        double[] out = new double[m.getNumElements()];
        for (int i = 0; i < out.length; i++) {
            out[i] = m.data[i];
        }
        return out;
    }

    @Override
    public void setFrom(DMatrixRMaj m, double[] values) {
        if (values.length != m.getNumElements()) {
            throw new ShapeMismatchException("setFrom: " + values.length + " values for a " + m.numRows + "x" + m.numCols
                    + " matrix");
        }
        for (int i = 0; i < values.length; i++) {
            m.data[i] = values[i];
        }
    }

    @Override
    public boolean allFinite(DMatrixRMaj m) {
        for (int i = 0, end = m.getNumElements(); i < end; i++) {
            if (!Double.isFinite(m.data[i])) {
                return false;
            }
        }
        return true;
    }

    private static void checkSame(DMatrixRMaj a, DMatrixRMaj b) {
        if (a.numRows != b.numRows || a.numCols != b.numCols) {
            throw new ShapeMismatchException("shapes differ: " + a.numRows + "x" + a.numCols + " vs " + b.numRows + "x"
                    + b.numCols);
        }
    }

    private static void checkLabels(DMatrixRMaj out, int[] labels) {
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
