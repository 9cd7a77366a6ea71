package org.ffebm.core.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.F64Ops;
import org.ffebm.core.tensor.Kernels;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.ShapeMismatchException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The convolutional DHN block: its equilibrium against a direct-loop oracle of the fixed-point map, the energy, the EP
 * gradient against finite differences of the loss, thread-count independence, allocation, and shape checks.
 */
class ConvDhnBlockTest {

    private static final double TOL_F64 = 1e-12;
    private static final F64Ops F64 = F64Ops.reference();
    private static final Shape IN = new Shape(2, 8, 8);

    private static DMatrixRMaj uniform(int rows, int cols, double lo, double hi, SplittableRandom r) {
        DMatrixRMaj x = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = r.nextDouble(lo, hi);
        }
        return x;
    }

    /** A float64 block with small random biases (the initial biases are 0, which would leave them untested). */
    private static ConvDhnBlock<DMatrixRMaj> block(Shape in, String pools, int[] channels, RelaxSettings relax,
                                                   double gain, long seed) {
        ConvDhnBlock<DMatrixRMaj> b = new ConvDhnBlock<>(F64, "cb", in, ConvLayer.of(3, channels, pools), relax, gain,
                new SplittableRandom(seed));
        SplittableRandom r = new SplittableRandom(seed + 1000);
        for (int l = 1; l <= b.layers(); l++) {
            for (int i = 0; i < b.bias(l).value().data.length; i++) {
                b.bias(l).value().data[i] = r.nextDouble(-0.1, 0.3);
            }
        }
        return b;
    }

    private static RelaxSettings tight(RelaxSettings.Order order, double slope, boolean clampLast) {
        return new RelaxSettings(3000, 3000, 1e-13, order, slope, clampLast);
    }

    // ============================================================================ direct-loop oracle of one sample

    /** z = W ⋆ x + b with "same" padding; x is C×H×W, W is Co × C·k·k. */
    private static double[] conv(double[] x, Shape in, DMatrixRMaj w, DMatrixRMaj bias, int k) {
        int co = w.numRows, h = in.height(), wd = in.width(), p = (k - 1) / 2;
        double[] z = new double[co * h * wd];
        for (int o = 0; o < co; o++) {
            for (int oh = 0; oh < h; oh++) {
                for (int ow = 0; ow < wd; ow++) {
                    double v = bias.data[o];
                    for (int c = 0; c < in.channels(); c++) {
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j < k; j++) {
                                int ih = oh + i - p, iw = ow + j - p;
                                if (ih >= 0 && ih < h && iw >= 0 && iw < wd) {
                                    v += w.get(o, (c * k + i) * k + j) * x[(c * h + ih) * wd + iw];
                                }
                            }
                        }
                    }
                    z[(o * h + oh) * wd + ow] = v;
                }
            }
        }
        return z;
    }

    /** x = Wᵀ ⋆ y: the adjoint of {@link #conv} without bias; y is Co×H×W. */
    private static double[] convT(double[] y, Shape in, DMatrixRMaj w, int k) {
        int co = w.numRows, h = in.height(), wd = in.width(), p = (k - 1) / 2;
        double[] x = new double[in.size()];
        for (int o = 0; o < co; o++) {
            for (int oh = 0; oh < h; oh++) {
                for (int ow = 0; ow < wd; ow++) {
                    for (int c = 0; c < in.channels(); c++) {
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j < k; j++) {
                                int ih = oh + i - p, iw = ow + j - p;
                                if (ih >= 0 && ih < h && iw >= 0 && iw < wd) {
                                    x[(c * h + ih) * wd + iw] += w.get(o, (c * k + i) * k + j) * y[(o * h + oh) * wd + ow];
                                }
                            }
                        }
                    }
                }
            }
        }
        return x;
    }

    /** 2×2/2 pooling of z (C×H×W); argmax receives the max positions. */
    private static double[] pool(double[] z, int c, int h, int w, ConvLayer.Pooling kind, int[] argmax) {
        if (kind == ConvLayer.Pooling.NONE) {
            return z;
        }
        double[] out = new double[c * h * w / 4];
        for (int ch = 0; ch < c; ch++) {
            for (int oh = 0; oh < h / 2; oh++) {
                for (int ow = 0; ow < w / 2; ow++) {
                    int o = (ch * h / 2 + oh) * (w / 2) + ow;
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int i = 0; i < 2; i++) {
                        for (int j = 0; j < 2; j++) {
                            int a = (ch * h + 2 * oh + i) * w + 2 * ow + j;
                            sum += z[a];
                            if (z[a] > max) {
                                max = z[a];
                                argmax[o] = a;
                            }
                        }
                    }
                    out[o] = kind == ConvLayer.Pooling.MAX ? max : sum / 4;
                }
            }
        }
        return out;
    }

    /** The adjoint of {@link #pool} at the recorded argmax. */
    private static double[] unpool(double[] s, int c, int h, int w, ConvLayer.Pooling kind, int[] argmax) {
        if (kind == ConvLayer.Pooling.NONE) {
            return s;
        }
        double[] out = new double[c * h * w];
        for (int o = 0; o < s.length; o++) {
            if (kind == ConvLayer.Pooling.MAX) {
                out[argmax[o]] += s[o];
            } else {
                int ch = o / (h * w / 4), oh = o / (w / 2) % (h / 2), ow = o % (w / 2);
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 2; j++) {
                        out[(ch * h + 2 * oh + i) * w + 2 * ow + j] += s[o] / 4;
                    }
                }
            }
        }
        return out;
    }

    private static double[] row(DMatrixRMaj m, int r) {
        double[] x = new double[m.numCols];
        System.arraycopy(m.data, r * m.numCols, x, 0, m.numCols);
        return x;
    }

    /** Pₗ(Wₗ ⋆ sₗ₋₁ + bₗ) + Wₗ₊₁ᵀ ⋆ Unpoolₗ₊₁(sₗ₊₁) for one sample, by direct loops. */
    private static double[] oracleDrive(ConvDhnBlock<DMatrixRMaj> b, DMatrixRMaj u, int l, int r) {
        Shape below = b.shape(l - 1);
        int k = b.layer(l).kernel();
        double[] x = l == 1 ? row(u, r) : row(b.freeState(l - 1), r);
        double[] z = conv(x, below, b.weight(l).value(), b.bias(l).value(), k);
        double[] v = pool(z, b.shape(l).channels(), below.height(), below.width(), b.layer(l).pooling(),
                new int[z.length]).clone();
        if (l < b.layers()) {
            Shape here = b.shape(l);
            int[] argmax = new int[b.shape(l + 1).size()];
            double[] za = conv(row(b.freeState(l), r), here, b.weight(l + 1).value(), b.bias(l + 1).value(),
                    b.layer(l + 1).kernel());
            pool(za, b.shape(l + 1).channels(), here.height(), here.width(), b.layer(l + 1).pooling(), argmax);
            double[] up = unpool(row(b.freeState(l + 1), r), b.shape(l + 1).channels(), here.height(), here.width(),
                    b.layer(l + 1).pooling(), argmax);
            double[] td = convT(up, here, b.weight(l + 1).value(), b.layer(l + 1).kernel());
            for (int i = 0; i < v.length; i++) {
                v[i] += td[i];
            }
        }
        return v;
    }

    // ============================================================================ equilibrium and energy

    /** Both orders and every pooling reach a fixed point of the projected map, checked by the direct-loop oracle. */
    @Test
    void equilibriumIsAFixedPointOfTheProjectedMap() {
        for (RelaxSettings.Order order : RelaxSettings.Order.values()) {
            for (String pools : new String[] {"mm-", "a-m", "---"}) {
                boolean clampLast = pools.equals("a-m");
                double slope = 0.8;
                ConvDhnBlock<DMatrixRMaj> b = block(IN, pools, new int[] {3, 4, 2}, tight(order, slope, clampLast), 1.5,
                        3);
                DMatrixRMaj u = uniform(2, IN.size(), 0, 1, new SplittableRandom(2));
                SettleResult res = b.relaxFree(u);
                assertTrue(res.converged(), order + " " + pools + ": " + res);
                for (int r = 0; r < 2; r++) {
                    for (int l = 1; l <= b.layers(); l++) {
                        double[] v = oracleDrive(b, u, l, r);
                        boolean clamp = l < b.layers() || clampLast;
                        for (int i = 0; i < v.length; i++) {
                            double expected = clamp ? Math.min(1, Math.max(0, slope * v[i])) : v[i];
                            assertEquals(expected, b.freeState(l).get(r, i), 1e-11,
                                    order + " " + pools + " row " + r + " layer " + l + " unit " + i);
                        }
                    }
                }
            }
        }
    }

    /**
     * With bounded layers, every alternating half step minimises a majoriser of E (the max-pooled coupling is convex
     * in the layer below, its linearisation lies above −⟨P(·), s⟩), so E after t steps never increases with t.
     */
    @Test
    void alternatingRelaxationNeverIncreasesTheEnergy() {
        DMatrixRMaj u = uniform(3, IN.size(), 0, 1, new SplittableRandom(4));
        for (String pools : new String[] {"mm-", "a-a"}) {
            double previous = Double.POSITIVE_INFINITY;
            for (int t = 1; t <= 12; t++) {
                ConvDhnBlock<DMatrixRMaj> b = block(IN, pools, new int[] {3, 4, 2},
                        new RelaxSettings(t, 1, 0, RelaxSettings.Order.ALTERNATING, 1.0, true), 2.0, 7);
                b.relaxFree(u);
                double e = 0;
                for (int r = 0; r < 3; r++) {
                    e += b.freeEnergy(r);
                }
                assertTrue(e <= previous + TOL_F64, pools + ": energy rose at step " + t + ": " + previous + " -> " + e);
                previous = e;
            }
        }
    }

    /** The equilibrium is a local minimum of E over the box: small in-box perturbations of the states raise E. */
    @Test
    void equilibriumIsALocalMinimumOfTheEnergy() {
        ConvDhnBlock<DMatrixRMaj> b = block(IN, "m-", new int[] {3, 4},
                tight(RelaxSettings.Order.ALTERNATING, 0.7, true), 1.5, 5);
        b.relaxFree(uniform(1, IN.size(), 0, 1, new SplittableRandom(6)));
        double e0 = b.freeEnergy(0);
        SplittableRandom r = new SplittableRandom(8);
        for (int trial = 0; trial < 20; trial++) {
            for (double eps : new double[] {1e-2, 1e-4}) {
                List<double[]> saved = new ArrayList<>();
                for (int l = 1; l <= b.layers(); l++) {
                    double[] s = b.freeState(l).data;
                    saved.add(s.clone());
                    for (int i = 0; i < b.shape(l).size(); i++) {
                        s[i] = Math.min(1, Math.max(0, s[i] + eps * r.nextDouble(-1, 1)));
                    }
                }
                double e = b.freeEnergy(0);
                for (int l = 1; l <= b.layers(); l++) {
                    System.arraycopy(saved.get(l - 1), 0, b.freeState(l).data, 0, saved.get(l - 1).length);
                }
                assertTrue(e >= e0 - TOL_F64, "trial " + trial + " eps " + eps + ": E fell from " + e0 + " to " + e);
            }
        }
        assertEquals(e0, b.freeEnergy(0), 0.0);
    }

    @Test
    void nonConvergenceIsReportedNotThrown() {
        ConvDhnBlock<DMatrixRMaj> b = block(IN, "m-", new int[] {3, 4},
                new RelaxSettings(1, 1, 1e-14, RelaxSettings.Order.ALTERNATING, 1.0, true), 1.5, 5);
        SettleResult r = b.relaxFree(uniform(2, IN.size(), 0, 1, new SplittableRandom(5)));
        assertFalse(r.converged());
        assertEquals(1, r.iterations());
        assertTrue(r.residual() > 0);
    }

    // ============================================================================ EP gradient vs finite differences

    /** ℓ(s_L) summed over the batch, with its gradient δ = ∂ℓ/∂s_L per sample. */
    private interface Loss {
        double value(DMatrixRMaj out, DMatrixRMaj delta);
    }

    private static Loss squaredError(DMatrixRMaj target) {
        return (out, delta) -> {
            delta.reshape(out.numRows, out.numCols);
            double l = 0;
            for (int i = 0; i < out.data.length && i < out.numRows * out.numCols; i++) {
                double e = out.data[i] - target.data[i];
                delta.data[i] = e;
                l += 0.5 * e * e;
            }
            return l;
        };
    }

    private static Loss crossEntropy(int[] labels) {
        return (out, delta) -> F64.softmaxCrossEntropy(out, labels, delta);
    }

    private static double relaxedLoss(ConvDhnBlock<DMatrixRMaj> b, DMatrixRMaj u, Loss loss) {
        SettleResult r = b.relaxFree(u);
        assertTrue(r.converged(), r.toString());
        return loss.value(b.output(), new DMatrixRMaj(1, 1));
    }

    /** Central differences of ℓ(s*(θ)) in every entry of {@code values}, re-relaxing each time. */
    private static double[] finiteDifferences(ConvDhnBlock<DMatrixRMaj> b, DMatrixRMaj u, Loss loss, double[] values) {
        double[] g = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            double old = values[i];
            double h = 1e-5 * Math.max(1, Math.abs(old));
            values[i] = old + h;
            double hp = values[i] - old;             // the step actually taken
            double lp = relaxedLoss(b, u, loss);
            values[i] = old - h;
            double hm = old - values[i];
            double lm = relaxedLoss(b, u, loss);
            values[i] = old;
            g[i] = (lp - lm) / (hp + hm);
        }
        return g;
    }

    private static void assertAgree(double[] ep, double[] fd, String what) {
        double dot = 0, ne = 0, nf = 0, nd = 0;
        for (int i = 0; i < fd.length; i++) {
            dot += ep[i] * fd[i];
            ne += ep[i] * ep[i];
            nf += fd[i] * fd[i];
            nd += (ep[i] - fd[i]) * (ep[i] - fd[i]);
        }
        assertTrue(nf > 0, what + ": finite-difference gradient is zero");
        double cos = dot / Math.sqrt(ne * nf), rel = Math.sqrt(nd / nf);
        assertTrue(cos >= 0.999 && rel <= 0.01, what + ": cosine " + cos + ", relative error " + rel);
    }

    /**
     * The EP estimate at β = 1e-4 (centred) against central finite differences of the loss for every weight, bias and
     * input entry. Relaxations converge to 1e-13. None of these seeds puts a unit within the finite-difference step
     * of a clip boundary or a pooling window within it of a tie (which would make ℓ non-differentiable there); the
     * checks are per tensor, never loosened.
     */
    private static void checkEpAgainstFiniteDifferences(ConvDhnBlock<DMatrixRMaj> b, DMatrixRMaj u, Loss loss,
                                                        EpSettings ep) {
        DMatrixRMaj delta = new DMatrixRMaj(1, 1);
        b.relaxFree(u);
        loss.value(b.output(), delta);
        SettleResult nudged = b.backward(delta, ep, 1.0, true);
        assertTrue(nudged.converged(), nudged.toString());
        DMatrixRMaj gradU = b.inputGradient().copy();
        for (Param<DMatrixRMaj> p : b.params()) {
            double[] fd = finiteDifferences(b, u, loss, p.value().data);
            assertAgree(p.grad().data, fd, b.layer(1).pooling() + " " + p.name());
        }
        assertAgree(gradU.data, finiteDifferences(b, u, loss, u.data), b.layer(1).pooling() + " u");
    }

    @Test
    void epGradientMatchesFiniteDifferencesWithMaxPooling() {
        // the brief's block: input 2×8×8, [3 ch, max pool], [4 ch]; linear last layer, squared error
        ConvDhnBlock<DMatrixRMaj> b = block(IN, "m-", new int[] {3, 4},
                tight(RelaxSettings.Order.ALTERNATING, 0.5, false), 1.5, 11);
        DMatrixRMaj u = uniform(2, IN.size(), 0, 1, new SplittableRandom(12));
        DMatrixRMaj target = uniform(2, b.outputShape().size(), 0, 1, new SplittableRandom(13));
        checkEpAgainstFiniteDifferences(b, u, squaredError(target), new EpSettings(1e-4, EpSettings.Estimator.CENTERED));
    }

    @Test
    void epGradientMatchesFiniteDifferencesWithMaxPoolingAboveTheFirstLayer() {
        // max pooling in layers 1 and 2 (the second's argmax moves with s₁), synchronous order, clamped last layer,
        // cross-entropy on the flattened top layer; also the one-sided estimator
        Shape in = new Shape(1, 8, 8);
        ConvDhnBlock<DMatrixRMaj> b = block(in, "mm-", new int[] {2, 3, 2},
                tight(RelaxSettings.Order.SYNCHRONOUS, 0.9, true), 1.5, 21);
        DMatrixRMaj u = uniform(1, in.size(), 0, 1, new SplittableRandom(22));
        checkEpAgainstFiniteDifferences(b, u, crossEntropy(new int[] {3}),
                new EpSettings(1e-4, EpSettings.Estimator.CENTERED));
        for (Param<DMatrixRMaj> p : b.params()) {
            F64.fill(p.grad(), 0);
        }
        checkEpAgainstFiniteDifferences(b, u, crossEntropy(new int[] {3}),
                new EpSettings(1e-6, EpSettings.Estimator.ONE_SIDED));
    }

    @Test
    void epGradientMatchesFiniteDifferencesWithAveragePooling() {
        ConvDhnBlock<DMatrixRMaj> b = block(IN, "a-", new int[] {3, 4},
                tight(RelaxSettings.Order.ALTERNATING, 0.8, true), 1.5, 31);
        DMatrixRMaj u = uniform(2, IN.size(), 0, 1, new SplittableRandom(32));
        checkEpAgainstFiniteDifferences(b, u, crossEntropy(new int[] {5, 40}),
                new EpSettings(1e-4, EpSettings.Estimator.CENTERED));
    }

    @Test
    void epGradientMatchesFiniteDifferencesWithoutPooling() {
        Shape in = new Shape(2, 5, 6);
        ConvDhnBlock<DMatrixRMaj> b = block(in, "--", new int[] {3, 2},
                tight(RelaxSettings.Order.ALTERNATING, 1.0, false), 1.0, 41);
        DMatrixRMaj u = uniform(2, in.size(), 0, 1, new SplittableRandom(42));
        DMatrixRMaj target = uniform(2, b.outputShape().size(), 0, 1, new SplittableRandom(43));
        checkEpAgainstFiniteDifferences(b, u, squaredError(target), new EpSettings(1e-4, EpSettings.Estimator.CENTERED));
    }

    // ============================================================================ threads, precision, allocation

    private static FMatrixRMaj randomF(int rows, int cols, SplittableRandom r, boolean gaussian) {
        FMatrixRMaj x = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (float) (gaussian ? r.nextGaussian() : r.nextDouble());
        }
        return x;
    }

    private static void append(List<Float> all, FMatrixRMaj m) {
        for (int i = 0; i < m.getNumElements(); i++) {
            all.add(m.data[i]);
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Shape in = new Shape(3, 8, 8);
        SplittableRandom data = new SplittableRandom(11);
        FMatrixRMaj u = randomF(37, in.size(), data, false);
        FMatrixRMaj delta = randomF(37, 3 * 2 * 2, data, true);
        for (RelaxSettings.Order order : RelaxSettings.Order.values()) {
            RelaxSettings relax = new RelaxSettings(30, 10, 1e-5, order, 1.0, false);
            List<List<Float>> results = new ArrayList<>();
            for (int threads : new int[] {1, 3}) {
                try (Parallel p = Parallel.of(threads)) {
                    F32Ops ops = new F32Ops(Kernels.byName(Kernels.BLOCKED), p);
                    ConvDhnBlock<FMatrixRMaj> b = new ConvDhnBlock<>(ops, "cb", in, ConvLayer.of(3, new int[] {4, 5, 3},
                            "ma-"), relax, 2.0, new SplittableRandom(9));
                    b.relaxFree(u);
                    b.backward(delta, new EpSettings(0.1, EpSettings.Estimator.CENTERED), 1.0 / 37, true);
                    List<Float> all = new ArrayList<>();
                    for (int l = 1; l <= b.layers(); l++) {
                        append(all, b.freeState(l));
                        append(all, b.nudgedState(true, l));
                        append(all, b.nudgedState(false, l));
                    }
                    for (Param<FMatrixRMaj> param : b.params()) {
                        append(all, param.grad());
                    }
                    append(all, b.inputGradient());
                    results.add(all);
                }
            }
            assertEquals(results.get(0).size(), results.get(1).size());
            for (int i = 0; i < results.get(0).size(); i++) {
                assertEquals(Float.floatToIntBits(results.get(0).get(i)), Float.floatToIntBits(results.get(1).get(i)),
                        order + ": bits differ between 1 and 3 threads at entry " + i);
            }
        }
    }

    @Test
    void float32AndFloat64AgreeToFloatRounding() {
        RelaxSettings relax = new RelaxSettings(40, 20, 0, RelaxSettings.Order.ALTERNATING, 1.0, true);
        ConvDhnBlock<DMatrixRMaj> d = new ConvDhnBlock<>(F64, "cb", IN, ConvLayer.of(3, new int[] {3, 4}, "m-"), relax,
                1.5, new SplittableRandom(13));
        ConvDhnBlock<FMatrixRMaj> f = new ConvDhnBlock<>(F32Ops.reference(), "cb", IN,
                ConvLayer.of(3, new int[] {3, 4}, "m-"), relax, 1.5, new SplittableRandom(13));
        DMatrixRMaj u = uniform(3, IN.size(), 0, 1, new SplittableRandom(6));
        FMatrixRMaj uf = new FMatrixRMaj(3, IN.size());
        for (int i = 0; i < u.data.length; i++) {
            uf.data[i] = (float) u.data[i];
        }
        d.relaxFree(u);
        f.relaxFree(uf);
        for (int i = 0; i < 3 * d.outputShape().size(); i++) {
            assertEquals(d.output().data[i], f.output().data[i], 1e-5, "output entry " + i);
        }
    }

    /**
     * After a first relaxation (which sizes the buffers), further steps allocate nothing on one thread, in both orders
     * and with every pooling, with and without an identity-coupled input (per-thread allocation counter, as
     * GemmF32Test).
     */
    @Test
    void relaxationStepsAllocateNothing() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
        for (int variant = 0; variant < 2 * RelaxSettings.Order.values().length; variant++) {
            RelaxSettings.Order order = RelaxSettings.Order.values()[variant / 2];
            boolean identity = variant % 2 == 1;        // the identity-coupled input, s₁ of u's shape
            RelaxSettings relax = new RelaxSettings(5, 5, 0, order, 1.0, false);
            ConvDhnBlock<FMatrixRMaj> b = new ConvDhnBlock<>(F32Ops.reference(), "cb", IN,
                    ConvLayer.of(3, new int[] {identity ? IN.channels() : 3, 4, 2}, identity ? "-a-" : "ma-"), relax,
                    1.5, new SplittableRandom(3), WeightProducts.gemm(), identity);
            b.relaxFree(randomF(4, IN.size(), new SplittableRandom(2), false));
            b.continueFree(5);
            // 500 steps per round: one 16-byte object per step would show as 8000 bytes in every round. The least of
            // five rounds is taken because while the JIT compiles the loop, single rounds were seen to count 128 to
            // 2400 bytes on this thread now and then (in the full suite and standalone), never under -Xint, where 40
            // rounds of each order counted 0: the block's code allocates nothing.
            long least = Long.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                long before = bean.getCurrentThreadAllocatedBytes();
                for (int rep = 0; rep < 100; rep++) {
                    b.continueFree(5);
                }
                least = Math.min(least, bean.getCurrentThreadAllocatedBytes() - before);
            }
            assertTrue(least < 1024, order + (identity ? " identity input" : "") + ": allocated " + least
                    + " bytes in 500 relaxation steps");
        }
    }

    // ============================================================================ piece changes (gradient check)

    private static int status(double s) {
        return s <= 0 ? 0 : (s >= 1 ? 2 : 1);
    }

    /** Layer l's argmax positions (absolute in the pre-pool map) at the given state of layer l − 1, by direct loops. */
    private static int[] argmax(ConvDhnBlock<DMatrixRMaj> b, int l, DMatrixRMaj below, int r) {
        Shape in = b.shape(l - 1);
        double[] z = conv(row(below, r), in, b.weight(l).value(), b.bias(l).value(), b.layer(l).kernel());
        int[] arg = new int[b.shape(l).size()];
        pool(z, b.shape(l).channels(), in.height(), in.width(), ConvLayer.Pooling.MAX, arg);
        return arg;
    }

    /**
     * {clip-status changes, argmax-only changes} of the last nudged phases against the free phase, counted by direct
     * loops: a neuron counts once; an argmax change counts where the neuron is not at 0 in both phases compared.
     */
    private static int[] piecesByHand(ConvDhnBlock<DMatrixRMaj> b, int rows, boolean centred) {
        int clip = 0, arg = 0;
        for (int r = 0; r < rows; r++) {
            for (int l = 1; l <= b.layers(); l++) {
                boolean max = b.layer(l).pooling() == ConvLayer.Pooling.MAX && l > 1;
                int[] af = max ? argmax(b, l, b.freeState(l - 1), r) : null;
                int[] ap = max ? argmax(b, l, b.nudgedState(true, l - 1), r) : null;
                int[] am = max ? argmax(b, l, b.nudgedState(false, l - 1), r) : null;
                for (int i = 0; i < b.shape(l).size(); i++) {
                    double f = b.freeState(l).get(r, i), p = b.nudgedState(true, l).get(r, i);
                    double m = centred ? b.nudgedState(false, l).get(r, i) : f;
                    if (status(p) != status(f) || status(m) != status(f)) {
                        clip++;
                    } else if (max && ((ap[i] != af[i] && !(p == 0 && f == 0))
                            || (centred && am[i] != af[i] && !(m == 0 && f == 0)))) {
                        arg++;
                    }
                }
            }
        }
        return new int[] {clip, arg};
    }

    @Test
    void pieceChangesCountClipStatusAndArgmaxChanges() {
        // max pooling in layers 1 and 2, bounded last layer: every layer has a clip status, layer 2 an argmax that
        // moves with s₁
        Shape in = new Shape(1, 8, 8);
        ConvDhnBlock<DMatrixRMaj> b = block(in, "mm-", new int[] {2, 3, 2},
                tight(RelaxSettings.Order.SYNCHRONOUS, 0.9, true), 1.5, 21);
        int rows = 8;
        DMatrixRMaj u = uniform(rows, in.size(), 0, 1, new SplittableRandom(22));
        DMatrixRMaj delta = uniform(rows, b.outputShape().size(), -1, 1, new SplittableRandom(23));
        assertThrows(IllegalStateException.class, () -> b.pieceChanges(false));
        b.relaxFree(u);
        b.backward(delta, new EpSettings(1e-9, EpSettings.Estimator.CENTERED), 1.0, false);
        assertEquals(0, b.pieceChanges(true));
        int clips = 0, args = 0;
        for (double beta : new double[] {0.01, 0.03, 0.1, 0.3, 1, 3}) {
            b.backward(delta, new EpSettings(beta, EpSettings.Estimator.CENTERED), 1.0, false);
            for (boolean centred : new boolean[] {true, false}) {
                int[] hand = piecesByHand(b, rows, centred);
                assertEquals(hand[0] + hand[1], b.pieceChanges(centred), "beta " + beta + " centred " + centred);
                clips += hand[0];
                args += hand[1];
            }
        }
        assertTrue(clips > 0 && args > 0, "both kinds of change occur: " + clips + " clip, " + args + " argmax");
        b.backward(delta, new EpSettings(0.5, EpSettings.Estimator.ONE_SIDED), 1.0, false);
        int[] oneSided = piecesByHand(b, rows, false);
        assertEquals(oneSided[0] + oneSided[1], b.pieceChanges(false));
        assertThrows(IllegalStateException.class, () -> b.pieceChanges(true));
    }

    // ============================================================================ shapes and names

    @Test
    void parametersAreNamedGroupedAndInitialisedFromTheGenerator() {
        ConvDhnBlock<DMatrixRMaj> b = new ConvDhnBlock<>(F64, "eb2", IN, ConvLayer.of(3, new int[] {3, 4}, "m-"),
                RelaxSettings.defaults(), 2.0, new SplittableRandom(1));
        assertEquals(List.of("eb2.W1", "eb2.b1", "eb2.W2", "eb2.b2"), b.params().stream().map(Param::name).toList());
        assertEquals(new Shape(3, 4, 4), b.shape(1));
        assertEquals(new Shape(4, 4, 4), b.outputShape());
        assertEquals(IN, b.inputShape());
        for (Param<DMatrixRMaj> p : b.params()) {
            assertEquals("eb2", p.group());
        }
        assertEquals(Param.Kind.WEIGHT, b.weight(2).kind());
        assertEquals(Param.Kind.BIAS, b.bias(2).kind());
        assertEquals(4, b.weight(2).value().numRows);
        assertEquals(27, b.weight(2).value().numCols);
        double bound1 = 2.0 / Math.sqrt(18), bound2 = 2.0 / Math.sqrt(27);
        SplittableRandom r = new SplittableRandom(1);
        for (double w : b.weight(1).value().data) {
            assertEquals(-bound1 + 2 * bound1 * r.nextDouble(), w, 1e-15);
        }
        for (double w : b.weight(2).value().data) {
            assertEquals(-bound2 + 2 * bound2 * r.nextDouble(), w, 1e-15);
        }
        assertArrayEquals(new double[4], b.bias(2).value().data);
    }

    @Test
    void rejectsBadShapesNamingTheBlockAndTheShapes() {
        RelaxSettings relax = RelaxSettings.defaults();
        SplittableRandom r = new SplittableRandom(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConvDhnBlock<>(F64, "cb",
                new Shape(2, 6, 6), ConvLayer.of(3, new int[] {3, 4}, "mm"), relax, 1, r));
        assertTrue(e.getMessage().contains("cb") && e.getMessage().contains("layer 2")
                && e.getMessage().contains("[3x3x3]") && e.getMessage().contains("[4x3x3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ConvDhnBlock<>(F64, "cb", new Shape(2, 7, 8),
                ConvLayer.of(3, new int[] {3}, "a"), relax, 1, r));
        assertTrue(e.getMessage().contains("layer 1") && e.getMessage().contains("[2x7x8]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ConvLayer(0, 3, ConvLayer.Pooling.NONE));
        assertTrue(e.getMessage().contains("channels must be >= 1, was 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ConvLayer(2, 4, ConvLayer.Pooling.NONE));
        assertTrue(e.getMessage().contains("kernel must be odd"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvLayer.of(3, new int[] {2, 2}, "m"));
        assertTrue(e.getMessage().contains("2 channel counts but 1 pooling letters"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvLayer.Pooling.of('x'));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ConvDhnBlock<>(F64, "cb", IN, List.of(), relax, 1, r));
        assertTrue(e.getMessage().contains("cb") && e.getMessage().contains("at least one layer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ConvDhnBlock<>(F64, "cb", IN,
                ConvLayer.of(3, new int[] {2}, "-"), relax, Double.NaN, r));
        assertTrue(e.getMessage().contains("init gain"), e.getMessage());

        ConvDhnBlock<DMatrixRMaj> b = new ConvDhnBlock<>(F64, "cb", IN, ConvLayer.of(3, new int[] {3, 4}, "m-"), relax,
                1, r);
        assertThrows(IllegalStateException.class, () -> b.backward(new DMatrixRMaj(2, 64),
                new EpSettings(0.1, EpSettings.Estimator.CENTERED), 1, false));
        assertThrows(IllegalStateException.class, () -> b.continueFree(1));
        ShapeMismatchException s = assertThrows(ShapeMismatchException.class,
                () -> b.relaxFree(new DMatrixRMaj(2, 127)));
        assertTrue(s.getMessage().contains("cb") && s.getMessage().contains("127")
                && s.getMessage().contains("[2x8x8] = 128"), s.getMessage());
        b.relaxFree(new DMatrixRMaj(2, 128));
        s = assertThrows(ShapeMismatchException.class, () -> b.backward(new DMatrixRMaj(2, 63),
                new EpSettings(0.1, EpSettings.Estimator.CENTERED), 1, false));
        assertTrue(s.getMessage().contains("2x63") && s.getMessage().contains("[4x4x4]"), s.getMessage());
        b.backward(new DMatrixRMaj(2, 64), new EpSettings(0.1, EpSettings.Estimator.CENTERED), 1, false);
        assertThrows(IllegalStateException.class, b::inputGradient);
    }

    // ============================================================================ identity-coupled input

    /**
     * A float64 block whose input is coupled to s₁ by identity, with layers above of {@code channels} and
     * {@code pools} (3×3 kernels) and small random biases.
     */
    private static ConvDhnBlock<DMatrixRMaj> identityBlock(Shape in, String pools, int[] channels, RelaxSettings relax,
                                                           double gain, long seed) {
        List<ConvLayer> layers = new ArrayList<>();
        layers.add(new ConvLayer(in.channels(), 3, ConvLayer.Pooling.NONE));
        layers.addAll(ConvLayer.of(3, channels, pools));
        ConvDhnBlock<DMatrixRMaj> b = new ConvDhnBlock<>(F64, "ib", in, layers, relax, gain,
                new SplittableRandom(seed), WeightProducts.gemm(), true);
        SplittableRandom r = new SplittableRandom(seed + 1000);
        for (int l = 2; l <= b.layers(); l++) {
            for (int i = 0; i < b.bias(l).value().data.length; i++) {
                b.bias(l).value().data[i] = r.nextDouble(-0.1, 0.3);
            }
        }
        return b;
    }

    /**
     * The identity-coupled block is the ordinary block whose first coupling is a 1×1 convolution with the identity
     * kernel and no bias: the same equilibrium, the same EP gradients of W₂.., b₂.., and ∇u = W₁ᵀ ⋆ dU₁ = dS₁, in
     * both relaxation orders.
     */
    @Test
    void identityInputEqualsAnIdentityKernel() {
        Shape in = new Shape(2, 8, 8);
        for (RelaxSettings.Order order : RelaxSettings.Order.values()) {
            RelaxSettings relax = tight(order, 0.8, true);
            ConvDhnBlock<DMatrixRMaj> id = identityBlock(in, "m-", new int[] {3, 2}, relax, 1.5, 51);
            List<ConvLayer> layers = new ArrayList<>();
            layers.add(new ConvLayer(2, 1, ConvLayer.Pooling.NONE));
            layers.addAll(ConvLayer.of(3, new int[] {3, 2}, "m-"));
            ConvDhnBlock<DMatrixRMaj> ref = new ConvDhnBlock<>(F64, "ib", in, layers, relax, 1.0,
                    new SplittableRandom(9));
            F64.fill(ref.weight(1).value(), 0);
            ref.weight(1).value().set(0, 0, 1);
            ref.weight(1).value().set(1, 1, 1);
            for (int l = 2; l <= 3; l++) {
                ref.weight(l).value().setTo(id.weight(l).value());
                ref.bias(l).value().setTo(id.bias(l).value());
            }
            DMatrixRMaj u = uniform(3, in.size(), -0.5, 1.5, new SplittableRandom(52));
            assertTrue(id.relaxFree(u).converged());
            assertTrue(ref.relaxFree(u).converged());
            for (int l = 1; l <= 3; l++) {
                assertArrayEquals(ref.freeState(l).data, id.freeState(l).data, 1e-12, order + " layer " + l);
            }
            DMatrixRMaj delta = uniform(3, id.outputShape().size(), -1, 1, new SplittableRandom(53));
            EpSettings ep = new EpSettings(0.05, EpSettings.Estimator.CENTERED);
            id.backward(delta, ep, 1.0, true);
            ref.backward(delta, ep, 1.0, true);
            assertArrayEquals(ref.inputGradient().data, id.inputGradient().data, 1e-12, order + " u");
            for (int l = 2; l <= 3; l++) {
                assertArrayEquals(ref.weight(l).grad().data, id.weight(l).grad().data, 1e-12, order + " W" + l);
                assertArrayEquals(ref.bias(l).grad().data, id.bias(l).grad().data, 1e-12, order + " b" + l);
            }
        }
    }

    /** EP against finite differences of the loss, for every weight, bias and input entry of an identity block. */
    @Test
    void epGradientMatchesFiniteDifferencesWithIdentityInput() {
        ConvDhnBlock<DMatrixRMaj> b = identityBlock(IN, "m-", new int[] {3, 4},
                tight(RelaxSettings.Order.ALTERNATING, 0.7, false), 1.5, 61);
        assertTrue(b.identityInput());
        DMatrixRMaj u = uniform(2, IN.size(), -0.5, 1.5, new SplittableRandom(62));
        checkEpAgainstFiniteDifferences(b, u, crossEntropy(new int[] {7, 30}),
                new EpSettings(1e-4, EpSettings.Estimator.CENTERED));
    }

    /** The energy's first term is −⟨u, s₁⟩ (no weight), checked against the states by hand. */
    @Test
    void identityInputHasNoFirstWeightsAndCouplesUDirectly() {
        ConvDhnBlock<DMatrixRMaj> b = identityBlock(IN, "m", new int[] {3},
                tight(RelaxSettings.Order.ALTERNATING, 0.9, true), 1.5, 71);
        assertEquals(List.of("ib.W2", "ib.b2"), b.params().stream().map(Param::name).toList());
        assertEquals(1, b.weightShapes().size());
        assertEquals(IN, b.shape(1));
        assertEquals(null, b.weight(1));
        assertEquals("ib conv DHN [2x8x8] = [2x8x8] -> [3x4x4](m)", b.toString());
        DMatrixRMaj u = uniform(1, IN.size(), -0.5, 1.5, new SplittableRandom(72));
        assertTrue(b.relaxFree(u).converged());
        double[] s1 = row(b.freeState(1), 0), s2 = row(b.freeState(2), 0);
        double[] z = conv(s1, IN, b.weight(2).value(), b.bias(2).value(), 3);
        double[] p = pool(z, 3, 8, 8, ConvLayer.Pooling.MAX, new int[z.length]);
        double a = 0.9, e = 0;
        for (int i = 0; i < s1.length; i++) {
            e += s1[i] * s1[i] / (2 * a) - s1[i] * u.get(0, i);
        }
        for (int i = 0; i < s2.length; i++) {
            e += s2[i] * s2[i] / (2 * a) - s2[i] * p[i];
        }
        assertEquals(e, b.freeEnergy(0), 1e-12);
        for (int i = 0; i < s1.length; i++) {
            assertTrue(s1[i] >= 0 && s1[i] <= 1);
        }
    }

    @Test
    void identityInputRejectsAFirstLayerOfAnotherShape() {
        RelaxSettings relax = RelaxSettings.defaults();
        SplittableRandom r = new SplittableRandom(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConvDhnBlock<>(F64, "ib",
                IN, ConvLayer.of(3, new int[] {3, 4}, "--"), relax, 1, r, WeightProducts.gemm(), true));
        assertTrue(e.getMessage().contains("ib") && e.getMessage().contains("[2x8x8]")
                && e.getMessage().contains("layer 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ConvDhnBlock<>(F64, "ib", IN,
                ConvLayer.of(3, new int[] {2, 4}, "m-"), relax, 1, r, WeightProducts.gemm(), true));
        assertTrue(e.getMessage().contains("pooling"), e.getMessage());
    }
}
