package org.ffebm.digital.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.tensor.ConvGeometry;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.F64Ops;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.ReferenceGemmF64;

/** Shared test oracles: back ends, random inputs, naive loops and the finite-difference check of a block's VJP. */
final class Oracles {

    /** The float64 reference back end, one thread. */
    static final F64Ops F64 = new F64Ops(new ReferenceGemmF64(), Parallel.serial());
    /** The float32 reference back end, one thread. */
    static final F32Ops F32 = F32Ops.reference();
    /** Max relative error of a VJP against central differences in float64. */
    static final double TOL_VJP = 1e-6;

    private Oracles() {
    }

    static DMatrixRMaj uniform(int rows, int cols, SplittableRandom rng) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = 2 * rng.nextDouble() - 1;
        }
        return m;
    }

    /**
     * Values in (−1, 1) that are pairwise at least 1/n apart and at least 0.2/n away from 0 (n = rows·cols), in
     * random order: no ties or kinks within a finite-difference step of max, ReLU or the like.
     */
    static DMatrixRMaj distinct(int rows, int cols, SplittableRandom rng) {
        int n = rows * cols;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < n; i++) {
            m.data[i] = 2 * (perm[i] + 0.1 + 0.3 * rng.nextDouble()) / n - 1;
        }
        return m;
    }

    static FMatrixRMaj toFloat(DMatrixRMaj d) {
        FMatrixRMaj f = new FMatrixRMaj(d.numRows, d.numCols);
        for (int i = 0; i < f.data.length; i++) {
            f.data[i] = (float) d.data[i];
        }
        return f;
    }

    static DMatrixRMaj toDouble(FMatrixRMaj f) {
        DMatrixRMaj d = new DMatrixRMaj(f.numRows, f.numCols);
        for (int i = 0; i < d.data.length; i++) {
            d.data[i] = f.data[i];
        }
        return d;
    }

    static double dot(DMatrixRMaj a, DMatrixRMaj b) {
        double s = 0;
        for (int i = 0; i < a.getNumElements(); i++) {
            s += a.data[i] * b.data[i];
        }
        return s;
    }

    /** Σ|a_i·b_i|, the scale of the rounding error of {@link #dot}. */
    static double absDot(DMatrixRMaj a, DMatrixRMaj b) {
        double s = 0;
        for (int i = 0; i < a.getNumElements(); i++) {
            s += Math.abs(a.data[i] * b.data[i]);
        }
        return s;
    }

    /**
     * Direct 2-D cross-correlation, one sample per row (the definition in {@link ConvKernel}), in double.
     *
     * @param w k × c·kₛ·kₛ, rows ordered (c, ky, kx); bias 1 × k or null
     */
    static DMatrixRMaj naiveConv(ConvGeometry g, DMatrixRMaj x, DMatrixRMaj w, DMatrixRMaj bias) {
        int c = g.channels(), h = g.height(), wd = g.width(), filters = w.numRows;
        int oh = g.outHeight(), ow = g.outWidth(), k = g.kernel();
        DMatrixRMaj y = new DMatrixRMaj(x.numRows, filters * oh * ow);
        for (int b = 0; b < x.numRows; b++) {
            for (int o = 0; o < filters; o++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double s = bias == null ? 0 : bias.get(0, o);
                        for (int ci = 0; ci < c; ci++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = oy * g.stride() - g.padding() + ky, ix = ox * g.stride() - g.padding() + kx;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        s += w.get(o, (ci * k + ky) * k + kx) * x.get(b, (ci * h + iy) * wd + ix);
                                    }
                                }
                            }
                        }
                        y.set(b, (o * oh + oy) * ow + ox, s);
                    }
                }
            }
        }
        return y;
    }

    /** Direct pooling (no padding): the max (max = true) or mean of each window, one sample per row, in double. */
    static DMatrixRMaj naivePool(ConvGeometry g, DMatrixRMaj x, boolean max) {
        int c = g.channels(), h = g.height(), wd = g.width();
        int oh = g.outHeight(), ow = g.outWidth(), k = g.kernel();
        DMatrixRMaj y = new DMatrixRMaj(x.numRows, c * oh * ow);
        for (int b = 0; b < x.numRows; b++) {
            for (int ci = 0; ci < c; ci++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                double v = x.get(b, (ci * h + oy * g.stride() + ky) * wd + ox * g.stride() + kx);
                                acc = max ? Math.max(acc, v) : acc + v;
                            }
                        }
                        y.set(b, (ci * oh + oy) * ow + ox, max ? acc : acc / (k * k));
                    }
                }
            }
        }
        return y;
    }

    /**
     * Checks the VJP of {@code f} at x against central finite differences of ℓ(x, ω) = ⟨f(x), R⟩ for a random R, in
     * every input entry and every param entry. The backward pass runs with paramScale 0.5 on param gradients that
     * hold random values, so that the check also covers the scaling and the accumulation. Errors are measured per
     * tensor as max|analytic − fd| / max(max|fd|, max|analytic|).
     *
     * @return the largest relative error seen
     */
    static double assertVjp(FeedforwardBlock<DMatrixRMaj> f, DMatrixRMaj x, boolean training, SplittableRandom rng) {
        DMatrixRMaj y = f.forward(x, training);
        DMatrixRMaj r = uniform(y.numRows, y.numCols, rng);
        double scale = 0.5;
        DMatrixRMaj[] before = new DMatrixRMaj[f.params().size()];
        for (int k = 0; k < before.length; k++) {
            Param<DMatrixRMaj> p = f.params().get(k);
            DMatrixRMaj g0 = uniform(p.grad().numRows, p.grad().numCols, rng);
            p.grad().setTo(g0);
            before[k] = g0;
        }
        DMatrixRMaj gin = f.backward(r, scale, true).copy();
        double worst = compare(f.name() + " input", gin, finiteDifferences(f, x, x, training, r));
        for (int k = 0; k < before.length; k++) {
            Param<DMatrixRMaj> p = f.params().get(k);
            DMatrixRMaj analytic = p.grad().copy();
            for (int i = 0; i < analytic.data.length; i++) {
                analytic.data[i] = (analytic.data[i] - before[k].data[i]) / scale;
            }
            worst = Math.max(worst, compare(p.name(), analytic, finiteDifferences(f, x, p.value(), training, r)));
        }
        return worst;
    }

    /** ∂⟨f(x), r⟩/∂v for every entry of v (x itself or a param value), by central differences. */
    private static DMatrixRMaj finiteDifferences(FeedforwardBlock<DMatrixRMaj> f, DMatrixRMaj x, DMatrixRMaj v,
                                                 boolean training, DMatrixRMaj r) {
        DMatrixRMaj fd = new DMatrixRMaj(v.numRows, v.numCols);
        for (int i = 0; i < v.getNumElements(); i++) {
            double old = v.data[i];
            double h = (old + 1e-5 * Math.max(1, Math.abs(old))) - old;     // exactly representable step
            v.data[i] = old + h;
            double lp = dot(f.forward(x, training), r);
            v.data[i] = old - h;
            double lm = dot(f.forward(x, training), r);
            v.data[i] = old;
            fd.data[i] = (lp - lm) / (2 * h);
        }
        return fd;
    }

    private static double compare(String what, DMatrixRMaj analytic, DMatrixRMaj fd) {
        double maxDiff = 0, maxAbs = 0;
        int at = -1;
        for (int i = 0; i < fd.getNumElements(); i++) {
            double d = Math.abs(analytic.data[i] - fd.data[i]);
            if (!(d <= maxDiff)) {
                maxDiff = d;
                at = i;
            }
            maxAbs = Math.max(maxAbs, Math.max(Math.abs(fd.data[i]), Math.abs(analytic.data[i])));
        }
        double rel = maxAbs == 0 ? maxDiff : maxDiff / maxAbs;
        int a = at;
        assertTrue(rel <= TOL_VJP, () -> what + ": relative error " + rel + " at entry " + a + " (analytic "
                + analytic.data[a] + ", finite difference " + fd.data[a] + ")");
        return rel;
    }

    /** Asserts |a − b| ≤ tol·max(1, |b|) entry-wise, NaN-aware, with the index in the message. */
    static void assertClose(DMatrixRMaj expected, DMatrixRMaj actual, double tol, String what) {
        assertTrue(expected.numRows == actual.numRows && expected.numCols == actual.numCols,
                () -> what + ": shape " + actual.numRows + "x" + actual.numCols + ", expected " + expected.numRows
                        + "x" + expected.numCols);
        for (int i = 0; i < expected.getNumElements(); i++) {
            double e = expected.data[i], a = actual.data[i];
            int k = i;
            assertTrue(Math.abs(e - a) <= tol * Math.max(1, Math.abs(e)),
                    () -> what + ": entry " + k + " is " + a + ", expected " + e);
        }
    }
}
