package org.ffebm.core.block;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.ShapeMismatchException;
import org.ffebm.core.tensor.TensorOps;

/**
 * A layered Deep Hopfield Network with dense couplings, states bounded in [0, 1] (DESIGN §1):
 *
 * <pre>
 *   E(s; θ, u) = Σₗ Gₗ(sₗ) − Σₗ sₗ·(Wₗ sₗ₋₁ + bₗ),   s₀ = u,   Gₗ(s) = ‖s‖²/(2a) (bounded) or ½‖s‖² (linear last layer)
 * </pre>
 *
 * relaxed by the projected fixed-point iteration sₗ ← clip(a·(Wₗ sₗ₋₁ + Wₗ₊₁ᵀ sₗ₊₁ + bₗ), 0, 1), the top layer
 * receiving −β·δ when nudged. With {@link RelaxSettings.Order#ALTERNATING} each half step minimises E exactly over the
 * odd (then even) layers, so E never increases.
 *
 * <p>EP estimate (centred): with dSₗ = −(sₗ⁺ − sₗ⁻)/2β and mSₗ = (sₗ⁺ + sₗ⁻)/2,
 * ∇Wₗ = dSₗᵀ mSₗ₋₁ + mSₗᵀ dSₗ₋₁ (= −(sₗ⁺sₗ₋₁⁺ᵀ − sₗ⁻sₗ₋₁⁻ᵀ)/2β, written with differences first for float accuracy),
 * ∇bₗ = Σ dSₗ, ∇u = dS₁ W₁. One-sided: the free state replaces s⁻ and β replaces 2β.
 *
 * <p>Memory: the block owns all its buffers, sized on the first batch and grown only when a larger batch comes.
 * A relaxation step allocates nothing. Rows of the batch are split over {@code ops.parallel()} once per phase; each
 * sample relaxes independently (with a tolerance, a sample stops on its own residual), so results do not depend on
 * the thread count.
 *
 * <p>Products: W₁u, Wₗ sₗ₋₁, the feedback Wₗ₊₁ᵀ sₗ₊₁ and ∇u = dS₁W₁ go through a {@link WeightProducts} strategy
 * (forward, transposeAdd, transpose), as do its substrate hooks, its {@link Boundary} (the converters the scheduler
 * applies to what enters and leaves the block), and the per-sample EP factors after each backward pass. The default,
 * {@link WeightProducts#gemm()}, is the back end's kernel on the digital weights; analog-sim puts the weights on
 * crossbars.
 */
public final class DenseDhnBlock<M extends ReshapeMatrix> extends DhnBlockBase<M> {

    private final int[] sizes;           // sizes[0] = input, sizes[1..L] = layers
    private final Param<M>[] weights;    // [1..L]
    private final Param<M>[] biases;     // [1..L]

    // buffers, batch rows
    private final M[] drive, diff, mean;
    private final List<M> diffList, meanList; // views of diff and mean for the products
    private final List<M> plusList, minusList; // layers 1..L of plus and minus, for the state read-out
    private final M inputDrive;
    private final DhnRelaxation.Drive<M> driveFn = this::computeDrive;
    private final Parallel.RangeTask[] weightGradTasks;

    /**
     * @param ops the numerical back end
     * @param name unique block name, prefix of its parameters' names
     * @param inputSize the size of u
     * @param layerSizes the sizes of s₁..s_L (at least one layer)
     * @param relax relaxation settings
     * @param init generator for the initial weights, U(−g/√fan_in, g/√fan_in) with g = {@code initGain}; biases 0
     */
    public DenseDhnBlock(TensorOps<M> ops, String name, int inputSize, int[] layerSizes, RelaxSettings relax,
                         double initGain, SplittableRandom init) {
        this(ops, name, inputSize, layerSizes, relax, initGain, init, WeightProducts.gemm());
    }

    /**
     * A block whose weight products go through {@code products} (e.g. crossbar reads); the weights are drawn as by
     * the other constructor, then handed to the factory, which may replace them by what its substrate represents.
     *
     * @param products makes the block's {@link WeightProducts} from its weights (one product row per sample)
     */
    @SuppressWarnings("unchecked")
    public DenseDhnBlock(TensorOps<M> ops, String name, int inputSize, int[] layerSizes, RelaxSettings relax,
                         double initGain, SplittableRandom init, WeightProducts.Factory<M> products) {
        super(ops, name, relax, layerCount(name, layerSizes));
        if (inputSize < 1) {
            throw new IllegalArgumentException(name + ": input size must be >= 1, was " + inputSize);
        }
        this.sizes = new int[layers + 1];
        sizes[0] = inputSize;
        for (int l = 1; l <= layers; l++) {
            if (layerSizes[l - 1] < 1) {
                throw new IllegalArgumentException(name + ": layer " + l + " size must be >= 1, was " + layerSizes[l - 1]);
            }
            sizes[l] = layerSizes[l - 1];
        }
        if (!(initGain > 0) || !Double.isFinite(initGain)) {
            throw new IllegalArgumentException(name + ": init gain must be > 0, was " + initGain);
        }
        weights = new Param[layers + 1];
        biases = new Param[layers + 1];
        for (int l = 1; l <= layers; l++) {
            M w = ops.zeros(sizes[l], sizes[l - 1]);
            double bound = initGain / Math.sqrt(sizes[l - 1]);
            ops.uniform(w, -bound, bound, init);
            weights[l] = new Param<>(name + ".W" + l, name, Param.Kind.WEIGHT, w, ops.zeros(sizes[l], sizes[l - 1]));
            biases[l] = new Param<>(name + ".b" + l, name, Param.Kind.BIAS, ops.zeros(1, sizes[l]), ops.zeros(1, sizes[l]));
            params.add(weights[l]);
            params.add(biases[l]);
        }
        attach(products, weights, 1, l -> 1, this::newBuffers);
        drive = newBuffers();
        diff = newBuffers();
        mean = newBuffers();
        diffList = Arrays.asList(diff);
        meanList = Arrays.asList(mean);
        plusList = Arrays.asList(plus).subList(1, layers + 1);
        minusList = Arrays.asList(minus).subList(1, layers + 1);
        inputDrive = ops.zeros(0, sizes[1]);
        gradU = ops.zeros(0, sizes[0]);
        weightGradTasks = new Parallel.RangeTask[layers + 1];
        for (int l = 1; l <= layers; l++) {
            final int layer = l;
            weightGradTasks[l] = (r0, r1) -> weightGradRange(layer, r0, r1);
        }
    }

    private static int layerCount(String name, int[] layerSizes) {
        if (layerSizes.length < 1) {
            throw new IllegalArgumentException(name + ": a DHN block needs at least one layer");
        }
        return layerSizes.length;
    }

    @SuppressWarnings("unchecked")
    private M[] newBuffers() {
        M[] b = (M[]) new ReshapeMatrix[layers + 1];
        for (int l = 1; l <= layers; l++) {
            b[l] = ops.zeros(0, sizes[l]);
        }
        return b;
    }

    @Override
    public Shape inputShape() {
        return Shape.flat(sizes[0]);
    }

    @Override
    public Shape outputShape() {
        return Shape.flat(sizes[layers]);
    }

    /** Size of layer l (0 = input). */
    public int size(int l) {
        return sizes[l];
    }

    /** Wₗ, 1 ≤ l ≤ L. */
    public Param<M> weight(int l) {
        return weights[l];
    }

    /** bₗ, 1 ≤ l ≤ L. */
    public Param<M> bias(int l) {
        return biases[l];
    }

    /** Layer l of the last positively nudged equilibrium (1 ≤ l ≤ L). */
    public M plusState(int l) {
        return plus[l];
    }

    /** Layer l of the last negatively nudged equilibrium (1 ≤ l ≤ L; centred estimator only). */
    public M minusState(int l) {
        return minus[l];
    }


    @Override
    void ensureBatch(int rows) {
        batch = rows;
        for (int l = 1; l <= layers; l++) {
            ops.reshape(free[l], rows, sizes[l]);
            ops.reshape(plus[l], rows, sizes[l]);
            ops.reshape(minus[l], rows, sizes[l]);
            ops.reshape(drive[l], rows, sizes[l]);
            ops.reshape(diff[l], rows, sizes[l]);
            ops.reshape(mean[l], rows, sizes[l]);
        }
        ops.reshape(inputDrive, rows, sizes[1]);
        ops.reshape(gradU, rows, sizes[0]);
        engine.ensureRows(rows);
        products.ensureBatch(rows);
    }

    @Override
    public SettleResult relaxFree(M input) {
        if (input.getNumCols() != sizes[0]) {
            throw new ShapeMismatchException(name + ": input has " + input.getNumCols() + " features, block expects "
                    + sizes[0]);
        }
        return freePhase(input);
    }

    /** Relaxes rows [r0, r1) of the current phase. */
    @Override
    void relaxRange(int r0, int r1) {
        final M[] s = phaseState;
        if (phaseFromZero) {
            products.forward(1, u, inputDrive, r0, r1);
            ops.addRowInPlace(inputDrive, 1.0, biases[1].value(), r0, r1);
            for (int l = 1; l <= layers; l++) {
                for (int r = r0; r < r1; r++) {
                    zeroRow(s[l], r);
                }
            }
        }
        engine.run(s, drive, driveFn, phaseSteps, r0, r1);
    }

    private void zeroRow(M m, int r) {
        // rows are contiguous in row-major storage: combine with zero factors writes exact zeros
        ops.combine(0.0, m, 0.0, m, m, r, r + 1);
    }

    private void computeDrive(int l, M[] s, int r0, int r1) {
        M v = drive[l];
        if (l == 1) {
            ops.copyRows(inputDrive, v, r0, r1);
        } else {
            products.forward(l, s[l - 1], v, r0, r1);
            ops.addRowInPlace(v, 1.0, biases[l].value(), r0, r1);
        }
        if (l < layers) {
            products.transposeAdd(l + 1, s[l + 1], v, r0, r1);
        } else {
            subtractNudge(v, r0, r1);
        }
    }

    /** Layers 1..L of the last nudged phase of this sign (the EP estimate reads nothing else of the block). */
    @Override
    public List<M> nudgedStates(boolean positive) {
        return positive ? plusList : minusList;
    }

    /** ∇θ from the differences, then the per-sample EP factors for the products (stochastic pulse trains). */
    @Override
    void accumulateGradients() {
        for (int l = 1; l <= layers; l++) {
            ops.parallel().forRange(sizes[l], weightGradTasks[l]);
            ops.sumRowsDiff(phaseScale, diff[l], null, 1.0, biases[l].grad());
        }
        products.gradientFactors(u, diffList, meanList, batch, phaseScale);
    }

    @Override
    void nudgeRange(int r0, int r1) {
        for (int l = 1; l <= layers; l++) {
            ops.copyRows(free[l], phaseState[l], r0, r1);
        }
        engine.run(phaseState, drive, driveFn, phaseSteps, r0, r1);
    }

    /** diff = −(s⁺ − s⁻)/2β and mean = (s⁺ + s⁻)/2 (one-sided: s⁻ := free, 2β := β). */
    @Override
    void differencesRange(int r0, int r1) {
        M[] other = phaseEp.estimator() == EpSettings.Estimator.CENTERED ? minus : free;
        engine.differences(phaseEp, plus, other, diff, mean, r0, r1);
    }

    /** Rows [r0, r1) of ∇Wₗ. */
    private void weightGradRange(int l, int r0, int r1) {
        engine.weightGradient(l, phaseScale, diff, mean, u, weights[l].grad(), r0, r1);
    }

    @Override
    void inputGradientRange(int r0, int r1) {
        products.transpose(1, diff[1], gradU, r0, r1);
    }

    @Override
    public double freeEnergy(int row) {
        return energy(free, row);
    }

    /** E(s; θ, u) of one sample for the given state buffers, with the converted input, in double (tests, diagnostics). */
    public double energy(M[] s, int row) {
        double e = 0;
        double a = relax.slope();
        for (int l = 1; l <= layers; l++) {
            boolean clamp = l < layers || relax.clampLast();
            double g = clamp ? 1.0 / (2 * a) : 0.5;
            M prev = l == 1 ? u : s[l - 1];
            M w = weights[l].value();
            for (int i = 0; i < sizes[l]; i++) {
                double si = ops.get(s[l], row, i);
                double v = ops.get(biases[l].value(), 0, i);
                for (int j = 0; j < sizes[l - 1]; j++) {
                    v += ops.get(w, i, j) * ops.get(prev, row, j);
                }
                e += g * si * si - si * v;
            }
        }
        return e;
    }

    @Override
    public String toString() {
        return name + " DHN " + Arrays.toString(sizes);
    }
}
