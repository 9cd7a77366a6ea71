package org.ffebm.core.oracle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.SettleResult;
import org.ffebm.core.model.FfEbm;
import org.ffebm.core.schedule.Scheduler;

/**
 * The gradient of the batch-mean loss of any float64 ff-EBM by central finite differences of the loss, with a full
 * re-relaxation after each perturbation (DESIGN §2, "Correctness oracle"; STYLE 12). It runs nothing but the model's
 * own forward pass ({@link Scheduler#forward} in training mode, then {@link org.ffebm.core.loss.Loss#evaluate}), so it is
 * independent of every backward path: EP's nudged phases, the digital blocks' vector-Jacobian products, the chaining
 * of {@link org.ffebm.core.eqprop.HybridGradient}. It therefore covers what {@link GradientOracle} cannot copy:
 * convolutional energy blocks, pooling, batch normalisation with batch statistics. Its accuracy is that of the
 * relaxation: build the model with a tight tolerance and enough steps (e.g. {@link GradCheck#tightEp()}); every
 * forward pass relaxes each energy block from zero.
 *
 * <p><b>Step.</b> For a parameter entry x the step is h = relStep·max(|x|, 1), taken as the exactly representable
 * h₊ = (x + h) − x and h₋ = x − (x − h); the estimate is (ℓ(x + h₊) − ℓ(x − h₋)) / (h₊ + h₋), ℓ the mean loss over
 * the batch. An entry whose steps are within {@value #MIN_STEP_ULPS} ulps of x is skipped (NaN; counted in
 * {@link Result#skipped()}); with relStep ≥ 1e-12 this cannot happen in double. The one-sided slopes
 * (ℓ(x + h₊) − ℓ(x))/h₊ and (ℓ(x) − ℓ(x − h₋))/h₋ come for free; where they differ by more than the smooth-curvature
 * allowance of {@link #isKink} the entry straddles a kink of the piecewise-smooth loss (a hard-sigmoid clip boundary
 * or a max-pooling argmax within ±h) and is counted in {@link Tensor#kinks()}: its central difference is a secant.
 *
 * <p><b>Entries.</b> With {@code maxEntries} 0 every entry of every parameter tensor is differenced. Otherwise a tensor
 * of n &gt; maxEntries entries is sampled at the m = maxEntries row-major indices ⌊j·n/m⌋, j = 0..m − 1: a
 * deterministic, evenly strided subset that touches every part of the tensor (for a conv kernel Cₒ × Cᵢk², every
 * output channel's filter when m ≥ Cₒ).
 *
 * <p><b>Side effects.</b> A training-mode forward pass may write state it does not read: batch normalisation updates
 * its running statistics. Before differencing, the oracle runs the unperturbed forward pass twice and requires the
 * same loss to the bit (the second pass sees the statistics the first one moved); it throws otherwise, since the
 * differences would then depend on the order of the evaluations. Afterwards it restores every parameter entry
 * (exactly: the original value is written back) and every {@link FfEbm#buffers()} array to the values they had on
 * entry. The energy blocks' states are those of the last perturbed pass; run a forward pass before reading them. An
 * energy block whose parameter was perturbed is told so by {@link EnergyBlock#paramsChangedInPlace()} (a crossbar
 * block re-programs its devices: the differences are then those of the substrate, noise included).
 *
 * <p>Cost: 2 forward passes per differenced entry, plus 2. For small models.
 */
public final class FiniteDifferenceOracle {

    /** The default relative step. */
    public static final double DEFAULT_REL_STEP = 1e-5;
    /** Steps closer to x than this many ulps of x are skipped. */
    public static final double MIN_STEP_ULPS = 64;
    /**
     * The kink test (see {@link #isKink}): the one-sided slopes of an entry may differ by KINK_REL·(|slope| +
     * scale) before it counts as straddling a kink.
     */
    public static final double KINK_REL = 1e-3;

    private FiniteDifferenceOracle() {
    }

    /**
     * The differences of one parameter tensor.
     *
     * @param name the parameter's name
     * @param size its number of entries
     * @param indices the row-major indices differenced, increasing
     * @param gradient the central differences at {@code indices} (NaN where skipped)
     * @param forward the forward slopes (ℓ(x + h₊) − ℓ(x))/h₊ at {@code indices}
     * @param backward the backward slopes (ℓ(x) − ℓ(x − h₋))/h₋ at {@code indices}
     * @param kinks entries whose one-sided slopes disagree beyond smooth curvature ({@link #isKink})
     */
    public record Tensor(String name, int size, int[] indices, double[] gradient, double[] forward, double[] backward,
                         int kinks) {

        /** The central differences as a full-length array, NaN at the entries not differenced. */
        public double[] full() {
            double[] g = new double[size];
            Arrays.fill(g, Double.NaN);
            for (int j = 0; j < indices.length; j++) {
                g[indices[j]] = gradient[j];
            }
            return g;
        }

        /** Whether every entry was differenced. */
        public boolean complete() {
            return indices.length == size;
        }
    }

    /**
     * The outcome.
     *
     * @param loss the mean loss at the unperturbed parameters
     * @param tensors per parameter, in the model's order
     * @param relaxation what the forward passes' relaxations did, all of them together (relaxations counts sample ×
     *                   energy block per pass)
     * @param relStep the relative step
     * @param evaluations forward passes run
     * @param skipped entries skipped for a step too close to the ulp of the value
     */
    public record Result(double loss, List<Tensor> tensors, GradientOracle.Relaxation relaxation, double relStep,
                         long evaluations, int skipped) {

        public Result {
            tensors = List.copyOf(tensors);
        }

        /** The tensor of one parameter; IAE if none has this name. */
        public Tensor tensor(String name) {
            for (Tensor t : tensors) {
                if (t.name.equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("no parameter named " + name);
        }

        /** Entries differenced, over all tensors. */
        public int entries() {
            int n = 0;
            for (Tensor t : tensors) {
                n += t.indices.length;
            }
            return n;
        }

        /** Entries of all tensors. */
        public long parameters() {
            long n = 0;
            for (Tensor t : tensors) {
                n += t.size;
            }
            return n;
        }

        /** Entries straddling a kink, over all tensors. */
        public int kinks() {
            int n = 0;
            for (Tensor t : tensors) {
                n += t.kinks;
            }
            return n;
        }

        /** The central differences by parameter name, full-length (NaN where not differenced); unmodifiable. */
        public Map<String, double[]> gradients() {
            Map<String, double[]> m = new LinkedHashMap<>();
            for (Tensor t : tensors) {
                m.put(t.name, t.full());
            }
            return Collections.unmodifiableMap(m);
        }
    }

    /**
     * The central differences of the batch-mean loss with respect to the model's parameters.
     *
     * @param model (Input/Output) perturbed entry by entry and restored; see the class comment for what changes
     * @param x (Input) batch × input features
     * @param labels (Input) one class per row
     * @param relStep relative step in [1e-12, 0.1]
     * @param maxEntries entries per tensor, 0 for all (see the class comment)
     * @throws IllegalArgumentException for a bad step, entry count, input or labels
     * @throws IllegalStateException if two unperturbed forward passes give different losses (state the forward pass
     *                               reads and writes, or a non-deterministic back end)
     */
    public static Result gradient(FfEbm<DMatrixRMaj> model, DMatrixRMaj x, int[] labels, double relStep,
                                  int maxEntries) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        if (!(relStep >= 1e-12 && relStep <= 0.1)) {
            throw new IllegalArgumentException("relStep must be in [1e-12, 0.1], was " + relStep);
        }
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must be >= 0 (0 = all), was " + maxEntries);
        }
        if (x.numRows < 1 || x.numCols != model.inputShape().size()) {
            throw new IllegalArgumentException("x is " + x.numRows + "x" + x.numCols + ", the model expects rows of "
                    + model.inputShape().size() + " features");
        }
        if (labels.length != x.numRows) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries for " + x.numRows + " rows");
        }
        int classes = model.outputShape().size();
        for (int r = 0; r < labels.length; r++) {
            if (labels[r] < 0 || labels[r] >= classes) {
                throw new IllegalArgumentException("labels[" + r + "] must be in [0, " + classes + "), was "
                        + labels[r]);
            }
        }
        Evaluator ev = new Evaluator(model, x, labels);
        Map<String, double[]> saved = copy(model.buffers());
        try {
            double base = ev.loss();
            double again = ev.loss();
            if (Double.doubleToLongBits(base) != Double.doubleToLongBits(again)) {
                throw new IllegalStateException("two unperturbed training-mode forward passes gave the losses " + base
                        + " and " + again + ": the forward pass reads state it writes (buffers " + saved.keySet()
                        + ") or the back end is not deterministic; finite differences would depend on their order");
            }
            Map<Param<DMatrixRMaj>, EnergyBlock<DMatrixRMaj>> owner = owners(model);
            List<Tensor> tensors = new ArrayList<>();
            int skipped = 0;
            for (Param<DMatrixRMaj> p : model.params()) {
                double[] v = p.value().data;
                int n = p.size();
                int[] idx = indices(n, maxEntries);
                double[] g = new double[idx.length], fw = new double[idx.length], bw = new double[idx.length];
                int kinks = 0;
                EnergyBlock<DMatrixRMaj> eb = owner.get(p);
                for (int j = 0; j < idx.length; j++) {
                    int i = idx[j];
                    double x0 = v[i];
                    double h = relStep * Math.max(Math.abs(x0), 1.0);
                    double up = x0 + h, down = x0 - h;
                    double hUp = up - x0, hDown = x0 - down;          // the steps actually taken, exact
                    if (Math.min(hUp, hDown) < MIN_STEP_ULPS * Math.ulp(x0)) {
                        g[j] = fw[j] = bw[j] = Double.NaN;
                        skipped++;
                        continue;
                    }
                    v[i] = up;
                    changed(eb);
                    double lUp = ev.loss();
                    v[i] = down;
                    changed(eb);
                    double lDown = ev.loss();
                    v[i] = x0;
                    changed(eb);
                    g[j] = (lUp - lDown) / (hUp + hDown);
                    fw[j] = (lUp - base) / hUp;
                    bw[j] = (base - lDown) / hDown;
                }
                double scale = rms(g);
                for (int j = 0; j < idx.length; j++) {
                    if (isKink(fw[j], bw[j], scale)) {
                        kinks++;
                    }
                }
                tensors.add(new Tensor(p.name(), n, idx, g, fw, bw, kinks));
            }
            return new Result(base, tensors, ev.relaxation(), relStep, ev.evaluations, skipped);
        } finally {
            restore(model.buffers(), saved);
        }
    }

    /**
     * Whether the one-sided slopes f and b of an entry disagree by more than smooth curvature explains:
     * |f − b| &gt; {@value #KINK_REL}·(|f| + |b| + scale), with scale the tensor's RMS central difference. A smooth
     * loss gives |f − b| ≈ h·|ℓ''|, about 1e-5 of the slope at the default step; crossing a kink changes the slope by
     * a sample's share of it (order 1/batch of the tensor's scale). NaN slopes are not kinks.
     */
    public static boolean isKink(double f, double b, double scale) {
        return Math.abs(f - b) > KINK_REL * (Math.abs(f) + Math.abs(b) + scale);
    }

    /** The row-major indices differenced in a tensor of n entries: all, or ⌊j·n/m⌋ for j &lt; m = maxEntries. */
    public static int[] indices(int n, int maxEntries) {
        if (maxEntries == 0 || n <= maxEntries) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] idx = new int[maxEntries];
        for (int j = 0; j < maxEntries; j++) {
            idx[j] = (int) ((long) j * n / maxEntries);
        }
        return idx;
    }

    private static double rms(double[] g) {
        double s = 0;
        int n = 0;
        for (double v : g) {
            if (v == v) {
                s += v * v;
                n++;
            }
        }
        return n == 0 ? 0 : Math.sqrt(s / n);
    }

    private static void changed(EnergyBlock<DMatrixRMaj> eb) {
        if (eb != null) {
            eb.paramsChangedInPlace();
        }
    }

    private static Map<Param<DMatrixRMaj>, EnergyBlock<DMatrixRMaj>> owners(FfEbm<DMatrixRMaj> model) {
        Map<Param<DMatrixRMaj>, EnergyBlock<DMatrixRMaj>> m = new IdentityHashMap<>();
        for (EnergyBlock<DMatrixRMaj> b : model.energy()) {
            for (Param<DMatrixRMaj> p : b.params()) {
                m.put(p, b);
            }
        }
        return m;
    }

    private static Map<String, double[]> copy(Map<String, double[]> live) {
        Map<String, double[]> c = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : live.entrySet()) {
            c.put(e.getKey(), e.getValue().clone());
        }
        return c;
    }

    private static void restore(Map<String, double[]> live, Map<String, double[]> saved) {
        for (Map.Entry<String, double[]> e : saved.entrySet()) {
            double[] target = live.get(e.getKey());
            System.arraycopy(e.getValue(), 0, target, 0, target.length);
        }
    }

    /** One training-mode forward pass and the mean loss, with the relaxations' outcomes gathered. */
    private static final class Evaluator {
        private final FfEbm<DMatrixRMaj> model;
        private final DMatrixRMaj x;
        private final int[] labels;
        private final DMatrixRMaj grad = new DMatrixRMaj(1, 1);
        private final SettleResult[] settle = new SettleResult[1];
        private boolean converged = true;
        private int maxSteps;
        private double maxResidual;
        private long evaluations;

        Evaluator(FfEbm<DMatrixRMaj> model, DMatrixRMaj x, int[] labels) {
            this.model = model;
            this.x = x;
            this.labels = labels;
        }

        double loss() {
            DMatrixRMaj out = Scheduler.untraced(model).forward(x, true, settle);
            evaluations++;
            SettleResult s = settle[0];
            if (s != null) {
                converged &= s.converged();
                maxSteps = Math.max(maxSteps, s.iterations());
                if (maxResidual == maxResidual && !(s.residual() <= maxResidual)) {
                    maxResidual = s.residual();                  // NaN sticks
                }
            }
            return model.loss().evaluate(model.ops(), out, labels, grad) / x.numRows;
        }

        GradientOracle.Relaxation relaxation() {
            return new GradientOracle.Relaxation(converged, maxSteps, maxResidual,
                    evaluations * x.numRows * model.energy().size());
        }
    }
}
