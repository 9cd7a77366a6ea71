package org.ffebm.core.oracle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ejml.data.DMatrix;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrix;
import org.ejml.data.FMatrixRMaj;
import org.ejml.data.Matrix;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.ffebm.core.block.DenseDhnBlock;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Identity;
import org.ffebm.core.block.Linear;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.Sequential;
import org.ffebm.core.loss.Loss;
import org.ffebm.core.model.FfEbm;

/**
 * The exact gradient of the mean loss of an ff-EBM at its equilibrium, computed in double precision on a code path of
 * its own (DESIGN §2, "Correctness oracle").
 *
 * <p>The oracle copies the model's structure and parameter values when it is made ({@link #of}); later changes to the
 * model are not seen. It supports the digital blocks {@link Identity} (and flatten), {@link Linear} and
 * {@link Sequential} chains of these, and the energy block {@link DenseDhnBlock}; any other type is rejected with an
 * IAE naming it. Parameters are read from float32 and float64 matrices alike (float32 values are widened exactly).
 *
 * <p><b>Forward.</b> Each sample is run on its own. A DHN block with input u relaxes by Gauss–Seidel sweeps in layer
 * order 1..L (each layer set to its exact minimiser given its neighbours, so E never increases; an order the
 * production code does not use) of the fixed-point map
 *
 * <pre>  Φₗ(s) = clip(a·vₗ, 0, 1),  vₗ = Wₗ sₗ₋₁ + Wₗ₊₁ᵀ sₗ₊₁ + bₗ,  s₀ = u   (Φ_L = v_L for a linear last layer)</pre>
 *
 * from zero states, until the residual max|Δs| of a sweep is below {@code tol} or {@code maxSweeps} sweeps have run.
 * Non-convergence is reported in the result ({@link Relaxation}), never thrown.
 *
 * <p><b>Implicit differentiation.</b> At the fixed point s* = Φ(s*), with J = ∂Φ/∂s = D·A (A the symmetric coupling
 * matrix, D the diagonal clip derivative: a strictly inside (0, 1), 0 when saturated, 1 on a linear last layer), the
 * adjoint λ solves (I − J)ᵀλ = ∂ℓ/∂s (non-zero on the last layer only) with EJML's LU solver; with μ = Dλ,
 *
 * <pre>  ∂ℓ/∂Wₗ = μₗ sₗ₋₁ᵀ + sₗ μₗ₋₁ᵀ (no second term for l = 1),  ∂ℓ/∂bₗ = μₗ,  ∂ℓ/∂u = W₁ᵀ μ₁,</pre>
 *
 * and ∂ℓ/∂u is carried through the digital blocks by the oracle's own backprop. Gradients are batch means.
 *
 * <p><b>Finite differences.</b> {@link #finiteDifferences} perturbs each parameter x by a step made exactly
 * representable (h₊ = (x + h) − x, h₋ = x − (x − h), h = relStep·max(|x|, 1)), re-relaxes every block (warm-started
 * from the unperturbed fixed point) and returns (ℓ(x + h₊) − ℓ(x − h₋)) / (h₊ + h₋). Slow: for tiny models.
 *
 * <p>Instances are immutable and may be shared between threads.
 */
public final class GradientOracle {

    /** Default relaxation tolerance on the residual max|Δs| of one sweep. */
    public static final double DEFAULT_TOL = 1e-14;
    /** Default most sweeps per relaxation. */
    public static final int DEFAULT_MAX_SWEEPS = 100_000;
    /** Default relative finite-difference step. */
    public static final double DEFAULT_FD_STEP = 1e-5;

    /** How a gradient was computed. */
    public enum Method {
        /** Implicit differentiation at the fixed points. */
        IMPLICIT,
        /** Central finite differences of the loss with re-relaxation. */
        FINITE_DIFFERENCES
    }

    /**
     * What the oracle's relaxations did.
     *
     * @param converged true if every relaxation reached the tolerance
     * @param maxSweeps the most sweeps one relaxation took
     * @param maxResidual the largest residual of the last sweep of any relaxation (NaN if any diverged)
     * @param relaxations how many (sample, block) relaxations ran
     */
    public record Relaxation(boolean converged, int maxSweeps, double maxResidual, long relaxations) {
    }

    /**
     * An oracle gradient.
     *
     * @param method how it was computed
     * @param loss the mean loss over the batch at the (unperturbed) equilibrium
     * @param gradients per parameter name, in the model's parameter order: the batch-mean gradient, row-major in the
     *                  parameter's shape; unmodifiable map, arrays owned by the record
     * @param relaxation what the relaxations did
     * @param interior bounded neurons strictly inside (0, 1) at the unperturbed equilibrium, summed over the batch
     * @param bounded bounded neurons (all layers but a linear last layer), summed over the batch
     * @param criticalPlus ({@link Method#IMPLICIT} only, else empty) per bounded neuron of every sample: the nudge
     *                     β &gt; 0 at which the neuron would first change its clip status (enter or leave (0, 1)) in the
     *                     nudged phase +β, predicted from the linear response ds/dβ = −(I − J)⁻¹ D δ at the free
     *                     equilibrium with the exact δ; +∞ if never. The fixed point is piecewise affine in β, so the
     *                     smallest of these is exact for each block given its δ
     * @param criticalMinus the same for the nudge −β
     */
    public record OracleGradient(Method method, double loss, Map<String, double[]> gradients, Relaxation relaxation,
                                 long interior, long bounded, double[] criticalPlus, double[] criticalMinus) {

        /** The gradient of one parameter; IAE if none has this name. */
        public double[] gradient(String name) {
            double[] g = gradients.get(name);
            if (g == null) {
                throw new IllegalArgumentException("no parameter named " + name + "; the oracle knows "
                        + gradients.keySet());
            }
            return g;
        }

        /** interior / bounded: the fraction of bounded neurons not clipped (1 when there are none). */
        public double interiorFraction() {
            return bounded == 0 ? 1.0 : (double) interior / bounded;
        }

        /**
         * How many neurons are predicted to change their clip status in the nudged phases of an EP estimate with
         * this β: those whose critical β on the +β side (and, if {@code centred}, on the −β side) is below β. While
         * this is 0, the EP estimate is a difference quotient of affine (state) and quadratic (s sᵀ) functions of β:
         * the centred one is then exact, the one-sided one off by O(β) in the weights of layers l ≥ 2.
         */
        public int predictedCrossings(double beta, boolean centred) {
            int n = 0;
            for (int i = 0; i < criticalPlus.length; i++) {
                if (criticalPlus[i] < beta || (centred && criticalMinus[i] < beta)) {
                    n++;
                }
            }
            return n;
        }

        /** The largest β with no predicted crossing: the smallest critical β (+∞ if none). */
        public double linearRange(boolean centred) {
            double m = Double.POSITIVE_INFINITY;
            for (int i = 0; i < criticalPlus.length; i++) {
                m = Math.min(m, criticalPlus[i]);
                if (centred) {
                    m = Math.min(m, criticalMinus[i]);
                }
            }
            return m;
        }
    }

    // ---- the model, copied ----

    private sealed interface Stage permits LinearStage, DhnStage {
    }

    /** y = W x + b, W at values[w] (out × in), b at values[b]. */
    private record LinearStage(String block, int w, int b, int in, int out) implements Stage {
    }

    /** sizes[0] = input, sizes[1..L] = layers; w[l], b[l] index values (l ≥ 1). */
    private record DhnStage(String block, int[] sizes, int[] w, int[] b, double slope, boolean clampLast)
            implements Stage {

        int layers() {
            return sizes.length - 1;
        }

        boolean clamped(int l) {
            return l < layers() || clampLast;
        }
    }

    private final List<String> names;
    private final double[][] values;
    private final int[] rows, cols;
    private final List<Stage> stages;
    private final Loss loss;
    private final int inputSize, outputSize;
    private final double tol;
    private final int maxSweeps;

    private GradientOracle(List<String> names, double[][] values, int[] rows, int[] cols, List<Stage> stages, Loss loss,
                           int inputSize, int outputSize, double tol, int maxSweeps) {
        this.names = names;
        this.values = values;
        this.rows = rows;
        this.cols = cols;
        this.stages = stages;
        this.loss = loss;
        this.inputSize = inputSize;
        this.outputSize = outputSize;
        this.tol = tol;
        this.maxSweeps = maxSweeps;
    }

    /** The oracle of the model's current parameters, with {@link #DEFAULT_TOL} and {@link #DEFAULT_MAX_SWEEPS}. */
    public static GradientOracle of(FfEbm<?> model) {
        return of(model, DEFAULT_TOL, DEFAULT_MAX_SWEEPS);
    }

    /**
     * The oracle of the model's current parameters (copied now).
     *
     * @param model (Input) not modified
     * @param tol relaxation tolerance on max|Δs| per sweep, &gt; 0
     * @param maxSweeps most sweeps per relaxation, ≥ 1
     * @throws IllegalArgumentException for an unsupported block type (named in the message), a parameter matrix type
     *                                  that is neither float32 nor float64, or a bad tol or maxSweeps
     */
    public static GradientOracle of(FfEbm<?> model, double tol, int maxSweeps) {
        Objects.requireNonNull(model, "model");
        if (!(tol > 0) || !Double.isFinite(tol)) {
            throw new IllegalArgumentException("tol must be a finite number > 0, was " + tol);
        }
        if (maxSweeps < 1) {
            throw new IllegalArgumentException("maxSweeps must be >= 1, was " + maxSweeps);
        }
        List<? extends Param<?>> params = model.params();
        int n = params.size();
        List<String> names = new ArrayList<>(n);
        double[][] values = new double[n][];
        int[] rows = new int[n], cols = new int[n];
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Param<?> p = params.get(i);
            names.add(p.name());
            values[i] = read(p.value(), p.name());
            rows[i] = p.value().getNumRows();
            cols[i] = p.value().getNumCols();
            index.put(p.name(), i);
        }
        List<Stage> stages = new ArrayList<>();
        int k = model.energy().size();
        for (int b = 0; b <= k; b++) {
            addDigital(model.digital().get(b), index, rows, cols, stages);
            if (b < k) {
                addEnergy(model.energy().get(b), index, rows, cols, stages);
            }
        }
        return new GradientOracle(Collections.unmodifiableList(names), values, rows, cols, List.copyOf(stages),
                model.loss(), model.inputShape().size(), model.outputShape().size(), tol, maxSweeps);
    }

    private static double[] read(Matrix m, String name) {
        int r = m.getNumRows(), c = m.getNumCols();
        double[] out = new double[r * c];
        if (m instanceof DMatrixRMaj d) {
            System.arraycopy(d.data, 0, out, 0, r * c);
        } else if (m instanceof FMatrixRMaj f) {
            for (int i = 0; i < r * c; i++) {
                out[i] = f.data[i];
            }
        } else if (m instanceof DMatrix d) {
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) {
                    out[i * c + j] = d.get(i, j);
                }
            }
        } else if (m instanceof FMatrix f) {
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) {
                    out[i * c + j] = f.get(i, j);
                }
            }
        } else {
            throw new IllegalArgumentException("parameter " + name + ": the oracle reads float32 or float64 matrices, not "
                    + m.getClass().getName());
        }
        return out;
    }

    private static int param(Param<?> p, Map<String, Integer> index, int[] rows, int[] cols, int r, int c) {
        Integer i = index.get(p.name());
        if (i == null) {
            throw new IllegalArgumentException("parameter " + p.name() + " is not among the model's parameters");
        }
        if (rows[i] != r || cols[i] != c) {
            throw new IllegalArgumentException("parameter " + p.name() + " is " + rows[i] + "x" + cols[i] + ", expected "
                    + r + "x" + c);
        }
        return i;
    }

    private static void addDigital(FeedforwardBlock<?> block, Map<String, Integer> index, int[] rows, int[] cols,
                                   List<Stage> stages) {
        if (block instanceof Identity<?> id) {
            if (id.inputShape().size() != id.outputShape().size()) {
                throw new IllegalArgumentException("identity block " + id.name() + " changes the size "
                        + id.inputShape() + " -> " + id.outputShape());
            }
        } else if (block instanceof Linear<?> lin) {
            int in = lin.inputShape().size(), out = lin.outputShape().size();
            stages.add(new LinearStage(lin.name(), param(lin.weight(), index, rows, cols, out, in),
                    param(lin.bias(), index, rows, cols, 1, out), in, out));
        } else if (block instanceof Sequential<?> seq) {
            for (FeedforwardBlock<?> b : seq.blocks()) {
                addDigital(b, index, rows, cols, stages);
            }
        } else {
            throw new IllegalArgumentException("the gradient oracle does not support the digital block " + block.name()
                    + " of type " + block.getClass().getName() + " (supported: Identity, Linear, Sequential)");
        }
    }

    private static void addEnergy(EnergyBlock<?> block, Map<String, Integer> index, int[] rows, int[] cols,
                                  List<Stage> stages) {
        if (!(block instanceof DenseDhnBlock<?> dhn)) {
            throw new IllegalArgumentException("the gradient oracle does not support the energy block " + block.name()
                    + " of type " + block.getClass().getName() + " (supported: DenseDhnBlock)");
        }
        int layers = dhn.layers();
        int[] sizes = new int[layers + 1];
        int[] w = new int[layers + 1], b = new int[layers + 1];
        for (int l = 0; l <= layers; l++) {
            sizes[l] = dhn.size(l);
        }
        for (int l = 1; l <= layers; l++) {
            w[l] = param(dhn.weight(l), index, rows, cols, sizes[l], sizes[l - 1]);
            b[l] = param(dhn.bias(l), index, rows, cols, 1, sizes[l]);
        }
        stages.add(new DhnStage(dhn.name(), sizes, w, b, dhn.relaxSettings().slope(), dhn.relaxSettings().clampLast()));
    }

    /** The parameter names, in the model's order. */
    public List<String> paramNames() {
        return names;
    }

    /** The relaxation tolerance. */
    public double tol() {
        return tol;
    }

    /** The most sweeps per relaxation. */
    public int maxSweeps() {
        return maxSweeps;
    }

    // ---- public computations ----

    /**
     * The read-out o of every sample at equilibrium.
     *
     * @param x (Input) batch × input features
     * @return batch × outputs, new
     */
    public DMatrixRMaj output(DMatrixRMaj x) {
        checkInput(x, null);
        DMatrixRMaj out = new DMatrixRMaj(x.numRows, outputSize);
        Stats stats = new Stats();
        for (int r = 0; r < x.numRows; r++) {
            Tape t = forward(values, row(x, r), null, stats);
            System.arraycopy(t.out, 0, out.data, r * outputSize, outputSize);
        }
        return out;
    }

    /** The mean loss over the batch at equilibrium. */
    public double loss(DMatrixRMaj x, int[] labels) {
        checkInput(x, labels);
        return meanLoss(values, x, labels, null, new Stats());
    }

    /**
     * The exact gradient of the mean loss by implicit differentiation at each block's fixed point.
     *
     * @param x (Input) batch × input features
     * @param labels (Input) one class per row
     * @throws IllegalStateException if (I − ∂Φ/∂s) is singular at some fixed point
     */
    public OracleGradient gradient(DMatrixRMaj x, int[] labels) {
        checkInput(x, labels);
        int batch = x.numRows;
        double[][] grads = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            grads[i] = new double[values[i].length];
        }
        Stats stats = new Stats();
        double lossSum = 0;
        double[] dOut = new double[outputSize];
        for (int r = 0; r < batch; r++) {
            Tape t = forward(values, row(x, r), null, stats);
            lossSum += sampleLoss(t.out, labels[r], dOut);
            for (int j = 0; j < outputSize; j++) {
                dOut[j] /= batch;
            }
            backward(t, dOut, grads, batch, stats);
            countInterior(t, stats);
        }
        return new OracleGradient(Method.IMPLICIT, lossSum / batch, toMap(grads), stats.relaxation(), stats.interior,
                stats.bounded, stats.criticalPlus(), stats.criticalMinus());
    }

    /**
     * The gradient by central finite differences of the mean loss, re-relaxing after each perturbation. Costs two
     * forward passes per parameter scalar: for tiny models.
     *
     * @param relStep relative step, &gt; 0 (see the class comment), e.g. {@link #DEFAULT_FD_STEP}
     */
    public OracleGradient finiteDifferences(DMatrixRMaj x, int[] labels, double relStep) {
        checkInput(x, labels);
        checkStep(relStep);
        Stats stats = new Stats();
        Tape[] base = baseTapes(x, stats);
        double baseLoss = 0;
        for (int r = 0; r < x.numRows; r++) {
            baseLoss += sampleLoss(base[r].out, labels[r], null);
            countInterior(base[r], stats);
        }
        double[][] work = copy(values);
        double[][] grads = new double[values.length][];
        for (int p = 0; p < values.length; p++) {
            grads[p] = new double[values[p].length];
            for (int i = 0; i < values[p].length; i++) {
                grads[p][i] = difference(work, p, i, relStep, x, labels, base, stats);
            }
        }
        return new OracleGradient(Method.FINITE_DIFFERENCES, baseLoss / x.numRows, toMap(grads), stats.relaxation(),
                stats.interior, stats.bounded, new double[0], new double[0]);
    }

    /**
     * The central finite difference of the mean loss with respect to one parameter scalar (for spot checks of
     * models too large for {@link #finiteDifferences}).
     *
     * @param name the parameter
     * @param index the row-major index inside it
     */
    public double finiteDifference(DMatrixRMaj x, int[] labels, String name, int index, double relStep) {
        checkInput(x, labels);
        checkStep(relStep);
        int p = names.indexOf(name);
        if (p < 0) {
            throw new IllegalArgumentException("no parameter named " + name + "; the oracle knows " + names);
        }
        if (index < 0 || index >= values[p].length) {
            throw new IllegalArgumentException("index " + index + " is outside parameter " + name + " of size "
                    + values[p].length);
        }
        Stats stats = new Stats();
        return difference(copy(values), p, index, relStep, x, labels, baseTapes(x, stats), stats);
    }

    // ---- checks and small helpers ----

    private void checkInput(DMatrixRMaj x, int[] labels) {
        Objects.requireNonNull(x, "x");
        if (x.numRows < 1) {
            throw new IllegalArgumentException("x must have at least one row, had " + x.numRows);
        }
        if (x.numCols != inputSize) {
            throw new IllegalArgumentException("x has " + x.numCols + " features, the model expects " + inputSize);
        }
        if (labels == null) {
            return;
        }
        if (labels.length != x.numRows) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries for " + x.numRows + " rows");
        }
        for (int r = 0; r < labels.length; r++) {
            if (labels[r] < 0 || labels[r] >= outputSize) {
                throw new IllegalArgumentException("labels[" + r + "] must be in [0, " + outputSize + "), was "
                        + labels[r]);
            }
        }
    }

    private static void checkStep(double relStep) {
        if (!(relStep > 0) || !(relStep < 1)) {
            throw new IllegalArgumentException("relStep must be in (0, 1), was " + relStep);
        }
    }

    private static double[] row(DMatrixRMaj x, int r) {
        double[] v = new double[x.numCols];
        System.arraycopy(x.data, r * x.numCols, v, 0, x.numCols);
        return v;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    private Map<String, double[]> toMap(double[][] grads) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int i = 0; i < grads.length; i++) {
            m.put(names.get(i), grads[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    // ---- forward ----

    /** What a sample's forward pass keeps: each stage's input, and each DHN stage's states [1..L]. */
    private static final class Tape {
        final double[][] in;
        final double[][][] states;
        double[] out;

        Tape(int stages) {
            in = new double[stages][];
            states = new double[stages][][];
        }
    }

    /** Relaxation and interior counts across calls. */
    private static final class Stats {
        boolean converged = true;
        int maxSweeps;
        double maxResidual;
        long relaxations;
        long interior, bounded;
        double[] plus = new double[16], minus = new double[16];
        int critical;

        void critical(double p, double m) {
            if (critical == plus.length) {
                plus = Arrays.copyOf(plus, 2 * critical);
                minus = Arrays.copyOf(minus, 2 * critical);
            }
            plus[critical] = p;
            minus[critical] = m;
            critical++;
        }

        double[] criticalPlus() {
            return Arrays.copyOf(plus, critical);
        }

        double[] criticalMinus() {
            return Arrays.copyOf(minus, critical);
        }

        void record(boolean ok, int sweeps, double residual) {
            converged &= ok;
            maxSweeps = Math.max(maxSweeps, sweeps);
            if (!(residual <= maxResidual)) {
                maxResidual = residual;     // NaN propagates
            }
            relaxations++;
        }

        Relaxation relaxation() {
            return new Relaxation(converged, maxSweeps, maxResidual, relaxations);
        }
    }

    private Tape[] baseTapes(DMatrixRMaj x, Stats stats) {
        Tape[] base = new Tape[x.numRows];
        for (int r = 0; r < x.numRows; r++) {
            base[r] = forward(values, row(x, r), null, stats);
        }
        return base;
    }

    /**
     * One sample through the chain.
     *
     * @param theta the parameter values to use
     * @param warm a tape whose DHN states start the relaxations, or null to start from zero
     */
    private Tape forward(double[][] theta, double[] x, Tape warm, Stats stats) {
        Tape t = new Tape(stages.size());
        double[] h = x;
        for (int k = 0; k < stages.size(); k++) {
            Stage st = stages.get(k);
            t.in[k] = h;
            if (st instanceof LinearStage lin) {
                h = linear(theta, lin, h);
            } else {
                DhnStage dhn = (DhnStage) st;
                double[][] s = new double[dhn.layers() + 1][];
                for (int l = 1; l <= dhn.layers(); l++) {
                    s[l] = warm == null ? new double[dhn.sizes[l]] : warm.states[k][l].clone();
                }
                relax(theta, dhn, h, s, stats);
                t.states[k] = s;
                h = s[dhn.layers()];
            }
        }
        t.out = h;
        return t;
    }

    private static double[] linear(double[][] theta, LinearStage st, double[] x) {
        double[] w = theta[st.w], b = theta[st.b];
        double[] y = new double[st.out];
        for (int i = 0; i < st.out; i++) {
            double v = b[i];
            for (int j = 0; j < st.in; j++) {
                v += w[i * st.in + j] * x[j];
            }
            y[i] = v;
        }
        return y;
    }

    /** Gauss–Seidel sweeps in layer order, in place on s[1..L]. */
    private void relax(double[][] theta, DhnStage st, double[] u, double[][] s, Stats stats) {
        int layers = st.layers();
        double a = st.slope;
        double residual = Double.NaN;
        int sweep = 0;
        boolean ok = false;
        while (sweep < maxSweeps) {
            sweep++;
            residual = 0;
            for (int l = 1; l <= layers; l++) {
                double[] prev = l == 1 ? u : s[l - 1];
                double[] w = theta[st.w[l]], b = theta[st.b[l]];
                int n = st.sizes[l], np = st.sizes[l - 1];
                boolean clamp = st.clamped(l);
                double[] wn = l < layers ? theta[st.w[l + 1]] : null;
                double[] next = l < layers ? s[l + 1] : null;
                int nn = l < layers ? st.sizes[l + 1] : 0;
                for (int i = 0; i < n; i++) {
                    double v = b[i];
                    for (int j = 0; j < np; j++) {
                        v += w[i * np + j] * prev[j];
                    }
                    for (int j = 0; j < nn; j++) {
                        v += wn[j * n + i] * next[j];
                    }
                    double z = clamp ? clip(a * v) : v;
                    double d = Math.abs(z - s[l][i]);
                    if (!(d <= residual)) {
                        residual = d;
                    }
                    s[l][i] = z;
                }
            }
            if (residual < tol) {
                ok = true;
                break;
            }
            if (residual != residual) {
                break;
            }
        }
        stats.record(ok, sweep, residual);
    }

    private static double clip(double v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }

    /** Counts the bounded neurons of the tape's DHN states, and those strictly inside (0, 1). */
    private void countInterior(Tape t, Stats stats) {
        for (int k = 0; k < stages.size(); k++) {
            if (!(stages.get(k) instanceof DhnStage st)) {
                continue;
            }
            double[][] s = t.states[k];
            for (int l = 1; l <= st.layers(); l++) {
                if (!st.clamped(l)) {
                    continue;
                }
                for (double v : s[l]) {
                    stats.bounded++;
                    if (v > 0 && v < 1) {
                        stats.interior++;
                    }
                }
            }
        }
    }

    // ---- loss ----

    /**
     * ℓ of one sample; writes ∂ℓ/∂o into grad if non-null. Cross-entropy: log Σ exp(o) − o_y; squared error:
     * ½‖o − onehot(y)‖².
     */
    private double sampleLoss(double[] o, int y, double[] grad) {
        switch (loss) {
            case CROSS_ENTROPY: {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : o) {
                    max = Math.max(max, v);
                }
                double z = 0;
                for (double v : o) {
                    z += StrictMath.exp(v - max);
                }
                double logZ = max + StrictMath.log(z);
                if (grad != null) {
                    for (int j = 0; j < o.length; j++) {
                        grad[j] = StrictMath.exp(o[j] - logZ) - (j == y ? 1 : 0);
                    }
                }
                return logZ - o[y];
            }
            case SQUARED_ERROR: {
                double sum = 0;
                for (int j = 0; j < o.length; j++) {
                    double e = o[j] - (j == y ? 1 : 0);
                    sum += e * e;
                    if (grad != null) {
                        grad[j] = e;
                    }
                }
                return 0.5 * sum;
            }
            default:
                throw new IllegalArgumentException("the gradient oracle does not support the loss " + loss);
        }
    }

    private double meanLoss(double[][] theta, DMatrixRMaj x, int[] labels, Tape[] warm, Stats stats) {
        double sum = 0;
        for (int r = 0; r < x.numRows; r++) {
            Tape t = forward(theta, row(x, r), warm == null ? null : warm[r], stats);
            sum += sampleLoss(t.out, labels[r], null);
        }
        return sum / x.numRows;
    }

    private double difference(double[][] work, int p, int i, double relStep, DMatrixRMaj x, int[] labels, Tape[] base,
                              Stats stats) {
        double x0 = work[p][i];
        double h = relStep * Math.max(Math.abs(x0), 1.0);
        double up = x0 + h, down = x0 - h;
        double hUp = up - x0, hDown = x0 - down;     // the steps actually taken, exact
        work[p][i] = up;
        double lUp = meanLoss(work, x, labels, base, stats);
        work[p][i] = down;
        double lDown = meanLoss(work, x, labels, base, stats);
        work[p][i] = x0;
        return (lUp - lDown) / (hUp + hDown);
    }

    // ---- backward ----

    /** Adds the sample's gradient (dOut already carries the 1/batch factor) into grads. */
    private void backward(Tape t, double[] dOut, double[][] grads, int batch, Stats stats) {
        double[] g = dOut.clone();
        for (int k = stages.size() - 1; k >= 0; k--) {
            Stage st = stages.get(k);
            if (st instanceof LinearStage lin) {
                g = linearBackward(lin, t.in[k], g, grads);
            } else {
                g = implicit((DhnStage) st, t.in[k], t.states[k], g, grads, batch, stats);
            }
        }
    }

    private double[] linearBackward(LinearStage st, double[] x, double[] g, double[][] grads) {
        double[] w = values[st.w], gw = grads[st.w], gb = grads[st.b];
        double[] gx = new double[st.in];
        for (int i = 0; i < st.out; i++) {
            gb[i] += g[i];
            for (int j = 0; j < st.in; j++) {
                gw[i * st.in + j] += g[i] * x[j];
                gx[j] += w[i * st.in + j] * g[i];
            }
        }
        return gx;
    }

    /**
     * Implicit differentiation of one DHN block at its fixed point: solves (I − DA)ᵀλ = g (g on the last layer),
     * adds the parameter gradients and returns ∂ℓ/∂u = W₁ᵀ D₁λ₁. Also records each bounded neuron's critical β
     * (see {@link OracleGradient#criticalPlus}), with the per-sample δ = batch·gTop.
     */
    private double[] implicit(DhnStage st, double[] u, double[][] s, double[] gTop, double[][] grads, int batch,
                              Stats stats) {
        int layers = st.layers();
        int[] off = new int[layers + 2];
        for (int l = 1; l <= layers; l++) {
            off[l + 1] = off[l] + st.sizes[l];
        }
        int n = off[layers + 1];
        double a = st.slope;
        double[] d = new double[n];
        for (int l = 1; l <= layers; l++) {
            for (int i = 0; i < st.sizes[l]; i++) {
                double v = s[l][i];
                d[off[l] + i] = !st.clamped(l) ? 1.0 : (v > 0 && v < 1 ? a : 0.0);
            }
        }
        // J = D A, with A[(l,i),(l-1,j)] = Wₗ[i][j] and A[(l,i),(l+1,j)] = Wₗ₊₁[j][i]; system matrix (I − J)ᵀ
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int idx = 0; idx < n; idx++) {
            m.data[idx * n + idx] = 1.0;
        }
        for (int l = 1; l <= layers; l++) {
            int nl = st.sizes[l];
            if (l >= 2) {
                double[] w = values[st.w[l]];
                int np = st.sizes[l - 1];
                for (int i = 0; i < nl; i++) {
                    int r = off[l] + i;
                    for (int j = 0; j < np; j++) {
                        int c = off[l - 1] + j;
                        m.data[c * n + r] -= d[r] * w[i * np + j];      // transposed: (c, r)
                    }
                }
            }
            if (l < layers) {
                double[] w = values[st.w[l + 1]];
                int nn = st.sizes[l + 1];
                for (int i = 0; i < nl; i++) {
                    int r = off[l] + i;
                    for (int j = 0; j < nn; j++) {
                        int c = off[l + 1] + j;
                        m.data[c * n + r] -= d[r] * w[j * nl + i];
                    }
                }
            }
        }
        DMatrixRMaj rhs = new DMatrixRMaj(n, 1);
        System.arraycopy(gTop, 0, rhs.data, off[layers], st.sizes[layers]);
        DMatrixRMaj lambda = new DMatrixRMaj(n, 1);
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.lu(n);
        if (!solver.setA(m)) {
            throw new IllegalStateException(st.block + ": I - dPhi/ds is singular at the fixed point");
        }
        solver.solve(rhs, lambda);
        double[] mu = new double[n];
        for (int idx = 0; idx < n; idx++) {
            mu[idx] = d[idx] * lambda.data[idx];
            if (!Double.isFinite(mu[idx])) {
                throw new IllegalStateException(st.block + ": the adjoint system gave a non-finite solution");
            }
        }
        for (int l = 1; l <= layers; l++) {
            int nl = st.sizes[l], np = st.sizes[l - 1];
            double[] prev = l == 1 ? u : s[l - 1];
            double[] gw = grads[st.w[l]], gb = grads[st.b[l]];
            for (int i = 0; i < nl; i++) {
                double mi = mu[off[l] + i];
                gb[i] += mi;
                for (int j = 0; j < np; j++) {
                    double v = mi * prev[j];
                    if (l >= 2) {
                        v += s[l][i] * mu[off[l - 1] + j];
                    }
                    gw[i * np + j] += v;
                }
            }
        }
        criticalBetas(st, u, s, m, d, off, gTop, batch, stats);
        double[] w1 = values[st.w[1]];
        int n1 = st.sizes[1], n0 = st.sizes[0];
        double[] gu = new double[n0];
        for (int i = 0; i < n1; i++) {
            double mi = mu[off[1] + i];
            for (int j = 0; j < n0; j++) {
                gu[j] += w1[i * n0 + j] * mi;
            }
        }
        return gu;
    }
    /**
     * The linear response of the block's fixed point to the nudge +β·δ·s_L: x = ds/dβ solves (I − J) x = −D δ (on
     * the last layer), and each bounded neuron's drive a·v moves at a·dv/dβ = a·(A x − δ on the last layer). Records,
     * per bounded neuron, the β at which a·v would reach the nearest clip boundary in its direction of travel (and the
     * same for −β).
     *
     * @param mT the system matrix (I − J)ᵀ, not modified
     */
    private void criticalBetas(DhnStage st, double[] u, double[][] s, DMatrixRMaj mT, double[] d, int[] off,
                               double[] gTop, int batch, Stats stats) {
        int layers = st.layers(), n = mT.numRows;
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                m.data[r * n + c] = mT.data[c * n + r];
            }
        }
        int nL = st.sizes[layers];
        double[] delta = new double[nL];
        DMatrixRMaj rhs = new DMatrixRMaj(n, 1);
        for (int i = 0; i < nL; i++) {
            delta[i] = gTop[i] * batch;
            rhs.data[off[layers] + i] = -d[off[layers] + i] * delta[i];
        }
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.lu(n);
        if (!solver.setA(m)) {
            throw new IllegalStateException(st.block + ": I - dPhi/ds is singular at the fixed point");
        }
        DMatrixRMaj x = new DMatrixRMaj(n, 1);
        solver.solve(rhs, x);
        double a = st.slope;
        for (int l = 1; l <= layers; l++) {
            if (!st.clamped(l)) {
                continue;
            }
            int nl = st.sizes[l], np = st.sizes[l - 1];
            double[] w = values[st.w[l]], b = values[st.b[l]];
            double[] prev = l == 1 ? u : s[l - 1];
            double[] wn = l < layers ? values[st.w[l + 1]] : null;
            int nn = l < layers ? st.sizes[l + 1] : 0;
            for (int i = 0; i < nl; i++) {
                double v = b[i], dv = l == layers ? -delta[i] : 0;
                for (int j = 0; j < np; j++) {
                    v += w[i * np + j] * prev[j];
                    if (l >= 2) {
                        dv += w[i * np + j] * x.data[off[l - 1] + j];
                    }
                }
                for (int j = 0; j < nn; j++) {
                    v += wn[j * nl + i] * s[l + 1][j];
                    dv += wn[j * nl + i] * x.data[off[l + 1] + j];
                }
                stats.critical(crossing(a * v, a * dv), crossing(a * v, -a * dv));
            }
        }
    }

    /**
     * The first t ≥ 0 at which z + t·speed leaves the clip region z is in (below 0, inside, above 1); ∞ if never. A
     * neuron exactly on a boundary and moving inwards changes status at once (t = 0): there the loss has a kink and
     * the gradient is one-sided (the oracle takes the clipped side).
     */
    private static double crossing(double z, double speed) {
        if (speed > 0) {
            if (z <= 0) {
                return z == 0 ? 0.0 : -z / speed;
            }
            return z < 1 ? (1 - z) / speed : Double.POSITIVE_INFINITY;
        }
        if (speed < 0) {
            if (z >= 1) {
                return z == 1 ? 0.0 : (z - 1) / -speed;
            }
            return z > 0 ? z / -speed : Double.POSITIVE_INFINITY;
        }
        return Double.POSITIVE_INFINITY;
    }
}
