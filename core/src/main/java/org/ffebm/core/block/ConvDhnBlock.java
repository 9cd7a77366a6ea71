package org.ffebm.core.block;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.tensor.ConvGeometry;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.ShapeMismatchException;
import org.ffebm.core.tensor.TensorOps;

/**
 * A layered Deep Hopfield Network with convolutional couplings and pooling, the energy of the seed paper's
 * {@code ConvPool} blocks (PAPER-NOTES §1.2, DESIGN §1). Layers s₁..s_L are feature maps (Cₗ, Hₗ, Wₗ), stored
 * channel-major in a row per sample like the input s₀ = u:
 *
 * <pre>
 *   E(s; θ, u) = Σₗ Gₗ(sₗ) − Σₗ ⟨Pₗ(Wₗ ⋆ sₗ₋₁ + bₗ), sₗ⟩,   Gₗ(s) = ‖s‖²/(2a) (bounded) or ½‖s‖² (linear last layer)
 * </pre>
 *
 * with Wₗ a Cₗ × Cₗ₋₁ × k × k kernel (stride 1, zero padding (k − 1)/2, so the convolution keeps the size of sₗ₋₁),
 * bₗ one bias per channel, and Pₗ the identity, 2×2 max pooling or 2×2 average pooling with stride 2
 * ({@link ConvLayer.Pooling}). It relaxes by the projected fixed-point iteration of {@link DhnRelaxation}:
 *
 * <pre>
 *   sₗ ← clip(a·[Pₗ(Wₗ ⋆ sₗ₋₁ + bₗ) + Wₗ₊₁ᵀ ⋆ Unpoolₗ₊₁(sₗ₊₁)], 0, 1)       (sₗ ← drive for a linear last layer)
 * </pre>
 *
 * the top layer receiving −β·δ when nudged. Wᵀ⋆ is the transposed convolution (the adjoint of W⋆) and Unpool the
 * adjoint of P: for max pooling, the scatter to the argmax positions of Pₗ₊₁(Wₗ₊₁ ⋆ sₗ + bₗ₊₁) at the current
 * state (the derivative of the max-pooled coupling, piecewise); for average pooling the spread of each value over its
 * window divided by 4; nothing for the identity. With bounded layers (sₗ ≥ 0) the max-pooled coupling is convex in
 * sₗ₋₁, so its linearisation is a majoriser of E and an alternating half step still never increases E.
 *
 * <p><b>EP estimate</b> (centred; DESIGN §2). With Uₗ^± = Unpoolₗ^±(sₗ^±) (each phase's own argmax indices; Uₗ = sₗ
 * without pooling), dUₗ = −(Uₗ⁺ − Uₗ⁻)/2β, mUₗ = (Uₗ⁺ + Uₗ⁻)/2, and dSₗ, mSₗ likewise for the states:
 *
 * <pre>
 *   ∇Wₗ = corr(dUₗ, mSₗ₋₁) + corr(mUₗ, dSₗ₋₁)     (= −(corr(Uₗ⁺, sₗ₋₁⁺) − corr(Uₗ⁻, sₗ₋₁⁻))/2β, differences first)
 *   ∇bₗ = Σ_{samples, pixels} dUₗ,     ∇u = W₁ᵀ ⋆ dU₁ per sample
 * </pre>
 *
 * where corr(G, X)[co, c, i, j] = Σ_{b, oh, ow} G[b, co, oh, ow]·X[b, c, oh + i − p, ow + j − p] is the kernel
 * gradient of ⟨W ⋆ X, G⟩, and the first layer's term is corr(dU₁, u) alone. One-sided: the free state replaces s⁻
 * and β replaces 2β. The parameters' gradients receive +paramScale·∂ℓ/∂θ (descend them), exactly as in
 * {@link DenseDhnBlock}.
 *
 * <p><b>Identity-coupled input</b> (the seed paper's placement, PAPER-NOTES §1.2: a block's first convolution runs
 * in the digital part before it, conv → pool → batch-norm, and its output is coupled to s₁ by identity). With
 * {@code identityInput}, the first coupling is ⟨u, s₁⟩: u has the shape of s₁, there is no W₁ or b₁, s₁'s drive
 * is u plus the feedback from s₂, and ∇u = dS₁ = −(s₁⁺ − s₁⁻)/2β, read with no weight product. The first layer's
 * spec then only names s₁'s channels (equal to u's) and must not pool; the products see W₂..W_L as their layers
 * 1..L − 1.
 *
 * <p><b>Computation.</b> Convolutions are matrix products through the back end's kernel: {@code im2col} unfolds a
 * layer's windows into (batch·pixels) × Cₗ₋₁k² rows, {@code multTransB} with Wₗ (Cₗ × Cₗ₋₁k²) gives one row per
 * output pixel, and the transposed convolution is {@code mult} followed by {@code col2im}. Weight gradients are
 * {@code multTransA} over the batch's pixels, reduced in a fixed order. During relaxation the unfold and its product
 * run a few samples at a time ({@link #CHUNK_FLOATS}), so the column rows are still in cache when the kernel reads
 * them (the README's 640-image epoch of the 1-block split: 20.8 s unfolding the whole batch first, 18.5 s chunked);
 * every row is computed exactly as before, so the chunking changes no bits.
 *
 * <p><b>Memory and threads.</b> The block owns all its buffers, sized on the first batch and grown only when a larger
 * batch comes; the largest are the column matrices, Σₗ batch·Hₗ₋₁Wₗ₋₁·Cₗ₋₁k² entries. A relaxation step allocates
 * nothing. Rows of the batch are split over {@code ops.parallel()} once per phase; every primitive computes a sample
 * independently of the others, so results are the same bits for any thread count.
 *
 * <p><b>Substrate.</b> The two weight products (the convolution's {@code multTransB} and the transposed convolution's
 * {@code mult}) go through a {@link WeightProducts} strategy, by default the back end's kernel on the digital weights.
 * analog-sim's strategy reads crossbars instead (an im2col patch as voltages on the columns, one read per output
 * pixel) and adds its converters on u, β·δ, the output and ∇u, and its device updates after each training step; the
 * block forwards {@link #stepAppliedInPlace}, {@link #pulsesApplied} and the substrate state to it. Weight gradients
 * stay digital ({@code multTransA}), and so do the biases.
 */
public final class ConvDhnBlock<M extends ReshapeMatrix> extends DhnBlockBase<M> {

    /** Column-matrix floats per im2col chunk during relaxation (192 KB: within a core's L2 cache). */
    static final int CHUNK_FLOATS = 48 * 1024;

    private final boolean alternating;         // the engine's test: ALTERNATING and more than one layer
    private final boolean identityInput;       // ⟨u, s₁⟩: no W₁, b₁ (conv[1], pool[1], col[1], pix[1] are null)
    private final int first;                   // the first weighted layer: 1, or 2 with identityInput
    private final Shape[] shapes;              // [0..L], 0 = input
    private final ConvLayer[] specs;           // [1..L]
    private final ConvGeometry[] conv;         // [1..L] the convolution over s_{l-1}
    private final ConvGeometry[] pool;         // [1..L] the pooling over the convolution's output; null for NONE
    private final int[] convPixels;            // [1..L] H_{l-1}·W_{l-1}
    private final int[] chunk;                 // [1..L] samples per im2col chunk (see CHUNK_FLOATS)
    private final Param<M>[] weights;          // [1..L], C_l × C_{l-1}k²
    private final Param<M>[] biases;           // [1..L], 1 × C_l

    // states and drives [1..L], batch × |s_l|
    private final M[] drive, dS, mS;
    // unpooled states [1..L], batch × C_l·H_{l-1}W_{l-1}; the state buffers themselves without pooling
    private final M[] upFree, upPlus, upMinus, dU, mU;
    // workspaces [1..L]
    private final M[] col;                     // (batch·P_{l-1}) × C_{l-1}k²: im2col of s_{l-1}, or Wᵀ-product columns
    private final M[] pix;                     // (batch·P_{l-1}) × C_l: the convolution, one row per pixel
    private final M[] pre;                     // batch × C_l·P_{l-1}: before pooling / after unpooling (pooled only)
    private final int[][] argmax;              // [1..L] max-pooled only: batch·|s_l| input columns of the maxima
    private final M inputDrive;                // P_1(W_1 ⋆ u + b_1), fixed while u is
    private final DhnRelaxation.Drive<M> driveFn = this::computeDrive;

    // the phase being run by the shared tasks (set before each dispatch; tasks are created once)
    private M[] phaseUp;
    private boolean phaseUnpoolFree;
    private EpSettings.Estimator lastEstimator;     // of the last backward, null before the first
    private int gradLayer;
    private M gradG, gradX;
    private final Parallel.RangeTask gradPrepTask = this::gradPrepRange;
    private final Parallel.RangeTask unpoolTask = this::unpoolRange;
    private final List<M> plusList, minusList;      // layers 1..L of plus and minus, for the state read-out
    private final Parallel.RangeTask gradMultTask = this::gradMultRange;

    /**
     * @param ops the numerical back end
     * @param name unique block name, prefix of its parameters' names ({@code name.W1}, {@code name.b1}, …) and their
     *             group
     * @param inputShape (C₀, H₀, W₀) of u
     * @param layerSpecs s₁..s_L (at least one layer); a pooled layer halves the height and width of the layer below,
     *                   which must be even
     * @param relax relaxation settings (slope, linear last layer, order, steps, tolerance)
     * @param initGain g &gt; 0: weights drawn U(−g/√fan_in, g/√fan_in) with fan_in = Cₗ₋₁·k·k, layer by layer in
     *                 row-major order; biases 0
     * @param init (Input) the generator of the initial weights, advanced
     * @throws IllegalArgumentException if there is no layer, the gain is not a finite positive number, or a pooled
     *                                  layer's input has an odd height or width (naming the block, the layer and
     *                                  both shapes)
     * @throws NullPointerException if an argument is null
     */
    public ConvDhnBlock(TensorOps<M> ops, String name, Shape inputShape, List<ConvLayer> layerSpecs,
                        RelaxSettings relax, double initGain, SplittableRandom init) {
        this(ops, name, inputShape, layerSpecs, relax, initGain, init, WeightProducts.gemm(), false);
    }

    /**
     * A block whose weight products go through {@code products} (e.g. crossbar reads); the weights are drawn as by
     * the other constructor, then handed to the factory, which may replace them by what its substrate represents.
     *
     * @param products makes the block's {@link WeightProducts} from its weights
     * @param identityInput couple u to s₁ by identity (no W₁, b₁; see the class doc): u must have s₁'s shape
     * @throws IllegalArgumentException as the other constructor, or with {@code identityInput} if the first layer
     *                                  pools or has other channels than u
     * @throws NullPointerException if an argument is null
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public ConvDhnBlock(TensorOps<M> ops, String name, Shape inputShape, List<ConvLayer> layerSpecs,
                        RelaxSettings relax, double initGain, SplittableRandom init,
                        WeightProducts.Factory<M> products, boolean identityInput) {
        super(ops, name, relax, layerCount(name, layerSpecs));
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(init, "init");
        if (!(initGain > 0) || !Double.isFinite(initGain)) {
            throw new IllegalArgumentException(name + ": init gain must be a finite number > 0, was " + initGain);
        }
        this.identityInput = identityInput;
        this.first = identityInput ? 2 : 1;
        if (identityInput) {
            ConvLayer s1 = Objects.requireNonNull(layerSpecs.get(0), "layer spec");
            if (s1.pooling() != ConvLayer.Pooling.NONE || s1.channels() != inputShape.channels()) {
                throw new IllegalArgumentException(name + ": an identity-coupled first layer must have the input's "
                        + "shape " + inputShape + ", but layer 1 is " + s1 + " (its pooling belongs to the digital "
                        + "block before)");
            }
        }
        this.alternating = relax.order() == RelaxSettings.Order.ALTERNATING && layers > 1;
        shapes = new Shape[layers + 1];
        specs = new ConvLayer[layers + 1];
        conv = new ConvGeometry[layers + 1];
        pool = new ConvGeometry[layers + 1];
        convPixels = new int[layers + 1];
        chunk = new int[layers + 1];
        shapes[0] = inputShape;
        specs[1] = layerSpecs.get(0);
        shapes[1] = inputShape;
        for (int l = first; l <= layers; l++) {
            ConvLayer spec = Objects.requireNonNull(layerSpecs.get(l - 1), "layer spec");
            specs[l] = spec;
            Shape below = shapes[l - 1];
            conv[l] = ConvGeometry.same(below.channels(), below.height(), below.width(), spec.kernel());
            convPixels[l] = below.height() * below.width();
            chunk[l] = Math.max(1, CHUNK_FLOATS / (convPixels[l] * conv[l].patchSize()));
            if (spec.pooling() == ConvLayer.Pooling.NONE) {
                shapes[l] = new Shape(spec.channels(), below.height(), below.width());
            } else {
                if (below.height() % 2 != 0 || below.width() % 2 != 0) {
                    throw new IllegalArgumentException(name + ": layer " + l + " (" + spec + ") pools 2x2 with stride 2,"
                            + " but its input " + below + " has an odd height or width; it would be "
                            + new Shape(spec.channels(), below.height(), below.width()) + " before pooling");
                }
                pool[l] = ConvGeometry.pool(spec.channels(), below.height(), below.width(), 2);
                shapes[l] = new Shape(spec.channels(), below.height() / 2, below.width() / 2);
            }
        }
        weights = new Param[layers + 1];
        biases = new Param[layers + 1];
        for (int l = first; l <= layers; l++) {
            int fanIn = conv[l].patchSize();
            M w = ops.zeros(shapes[l].channels(), fanIn);
            double bound = initGain / Math.sqrt(fanIn);
            ops.uniform(w, -bound, bound, init);
            weights[l] = new Param<>(name + ".W" + l, name, Param.Kind.WEIGHT, w, ops.zeros(shapes[l].channels(), fanIn));
            biases[l] = new Param<>(name + ".b" + l, name, Param.Kind.BIAS, ops.zeros(1, shapes[l].channels()),
                    ops.zeros(1, shapes[l].channels()));
            params.add(weights[l]);
            params.add(biases[l]);
        }
        attach(products, weights, first, l -> convPixels[l], this::stateBuffers);
        plusList = java.util.Arrays.asList(plus).subList(1, layers + 1);
        minusList = java.util.Arrays.asList(minus).subList(1, layers + 1);
        drive = stateBuffers();
        dS = stateBuffers();
        mS = stateBuffers();
        upFree = unpooledBuffers(free);
        upPlus = unpooledBuffers(plus);
        upMinus = unpooledBuffers(minus);
        dU = unpooledBuffers(dS);
        mU = unpooledBuffers(mS);
        col = (M[]) new ReshapeMatrix[layers + 1];
        pix = (M[]) new ReshapeMatrix[layers + 1];
        pre = (M[]) new ReshapeMatrix[layers + 1];
        argmax = new int[layers + 1][];
        for (int l = first; l <= layers; l++) {
            col[l] = ops.zeros(0, conv[l].patchSize());
            pix[l] = ops.zeros(0, shapes[l].channels());
            if (pool[l] != null) {
                pre[l] = ops.zeros(0, pool[l].inputSize());
            }
            if (specs[l].pooling() == ConvLayer.Pooling.MAX) {
                argmax[l] = new int[0];
            }
        }
        inputDrive = ops.zeros(0, shapes[1].size());
        gradU = ops.zeros(0, shapes[0].size());
    }

    private static int layerCount(String name, List<ConvLayer> layerSpecs) {
        if (layerSpecs == null || layerSpecs.isEmpty()) {
            throw new IllegalArgumentException(name + ": a conv DHN block needs at least one layer");
        }
        return layerSpecs.size();
    }

    @SuppressWarnings("unchecked")
    private M[] stateBuffers() {
        M[] b = (M[]) new ReshapeMatrix[layers + 1];
        for (int l = 1; l <= layers; l++) {
            b[l] = ops.zeros(0, shapes[l].size());
        }
        return b;
    }

    /** Buffers for Unpoolₗ(sₗ); without pooling, the state buffer itself. */
    @SuppressWarnings("unchecked")
    private M[] unpooledBuffers(M[] states) {
        M[] b = (M[]) new ReshapeMatrix[layers + 1];
        for (int l = 1; l <= layers; l++) {
            b[l] = pool[l] == null ? states[l] : ops.zeros(0, pool[l].inputSize());
        }
        return b;
    }

    @Override
    public boolean identityInput() {
        return identityInput;
    }

    @Override
    public Shape inputShape() {
        return shapes[0];
    }

    @Override
    public Shape outputShape() {
        return shapes[layers];
    }

    /**
     * The shape of layer l (0 = the input u).
     *
     * @throws ArrayIndexOutOfBoundsException unless 0 ≤ l ≤ L
     */
    public Shape shape(int l) {
        return shapes[l];
    }

    /**
     * The specification of layer l, 1 ≤ l ≤ L.
     *
     * @throws ArrayIndexOutOfBoundsException unless 1 ≤ l ≤ L
     */
    public ConvLayer layer(int l) {
        if (l < 1) {
            throw new ArrayIndexOutOfBoundsException(l);
        }
        return specs[l];
    }

    /**
     * The convolution geometry of layer l over sₗ₋₁ (stride 1, "same" padding), 1 ≤ l ≤ L; null for an
     * identity-coupled first layer.
     */
    public ConvGeometry convGeometry(int l) {
        if (l < 1) {
            throw new ArrayIndexOutOfBoundsException(l);
        }
        return conv[l];
    }

    /** Wₗ, 1 ≤ l ≤ L: Cₗ × Cₗ₋₁·k·k, row-major as [co][c][i][j]; null for an identity-coupled first layer. */
    public Param<M> weight(int l) {
        return weights[l];
    }

    /** bₗ, 1 ≤ l ≤ L: 1 × Cₗ, one bias per channel; null for an identity-coupled first layer. */
    public Param<M> bias(int l) {
        return biases[l];
    }

    /** Layer l of the last nudged phase, + or − (1 ≤ l ≤ L; the − phase of the centred estimator only); tests. */
    public M nudgedState(boolean positive, int l) {
        return positive ? plus[l] : minus[l];
    }

    @Override
    void ensureBatch(int rows) {
        batch = rows;
        for (int l = 1; l <= layers; l++) {
            int size = shapes[l].size();
            for (M[] b : List.of(free, plus, minus, drive, dS, mS)) {
                ops.reshape(b[l], rows, size);
            }
            if (pool[l] != null) {
                for (M[] b : List.of(upFree, upPlus, upMinus, dU, mU)) {
                    ops.reshape(b[l], rows, pool[l].inputSize());
                }
                ops.reshape(pre[l], rows, pool[l].inputSize());
            }
            if (conv[l] != null) {
                ops.reshape(col[l], rows * convPixels[l], conv[l].patchSize());
                ops.reshape(pix[l], rows * convPixels[l], shapes[l].channels());
            }
            if (argmax[l] != null && argmax[l].length < rows * size) {
                argmax[l] = new int[rows * size];
            }
        }
        ops.reshape(inputDrive, rows, shapes[1].size());
        ops.reshape(gradU, rows, shapes[0].size());
        engine.ensureRows(rows);
        products.ensureBatch(rows);
    }

    /**
     * @throws ShapeMismatchException if {@code input} does not have inputShape().size() columns (naming the block and
     *                                both shapes)
     */
    @Override
    public SettleResult relaxFree(M input) {
        if (input.getNumCols() != shapes[0].size()) {
            throw new ShapeMismatchException(name + ": input has " + input.getNumCols() + " features per sample, block"
                    + " expects " + shapes[0] + " = " + shapes[0].size());
        }
        return freePhase(input);
    }

    /** Relaxes rows [r0, r1) of the current phase. */
    @Override
    void relaxRange(int r0, int r1) {
        final M[] s = phaseState;
        if (phaseFromZero) {
            if (identityInput) {
                ops.copyRows(u, inputDrive, r0, r1);
            } else {
                bottomUp(1, u, inputDrive, r0, r1);
            }
            for (int l = 1; l <= layers; l++) {
                ops.fillRows(s[l], 0.0, r0, r1);
            }
        }
        prime(s, r0, r1);
        engine.run(s, drive, driveFn, phaseSteps, r0, r1);
    }

    /**
     * Records the argmax indices of every max-pooled layer above the first at state {@code s} (the first layer's
     * come from u with the input drive). The drive buffers serve as scratch.
     */
    private void prime(M[] s, int r0, int r1) {
        for (int l = 2; l <= layers; l++) {
            if (argmax[l] != null) {
                bottomUp(l, s[l - 1], drive[l], r0, r1);
            }
        }
    }

    /**
     * The drive of layer l on rows [r0, r1). Alternating order: the bottom-up term is computed from the current
     * sₗ₋₁ (recording layer l's argmax), and the argmax of layer l + 1 read by the top-down term was recorded in the
     * previous half step, after sₗ last changed. Synchronous order: {@link DhnRelaxation} computes every drive, in
     * increasing l, before updating any layer; the first layer's call computes all bottom-up terms from the current
     * state, so that every top-down term reads indices of the current state too.
     */
    private void computeDrive(int l, M[] s, int r0, int r1) {
        final M v = drive[l];
        if (l == 1) {
            ops.copyRows(inputDrive, v, r0, r1);
            if (!alternating) {
                for (int k = 2; k <= layers; k++) {
                    bottomUp(k, s[k - 1], drive[k], r0, r1);
                }
            }
        } else if (alternating) {
            bottomUp(l, s[l - 1], v, r0, r1);
        }
        if (l < layers) {
            topDown(l, s[l + 1], v, r0, r1);
        } else {
            subtractNudge(v, r0, r1);
        }
    }

    /** target = Pₗ(Wₗ ⋆ x + bₗ) on rows [r0, r1), recording the argmax of a max-pooled layer. */
    private void bottomUp(int l, M x, M target, int r0, int r1) {
        final int p = convPixels[l];
        for (int a = r0, b; a < r1; a = b) {
            b = Math.min(r1, a + chunk[l]);
            ops.im2col(x, conv[l], col[l], a, b);
            products.forward(l - first + 1, col[l], pix[l], a * p, b * p);
        }
        ops.addRowInPlace(pix[l], 1.0, biases[l].value(), r0 * p, r1 * p);
        switch (specs[l].pooling()) {
            case NONE -> ops.pixelsToChannels(pix[l], p, target, r0, r1);
            case MAX -> {
                ops.pixelsToChannels(pix[l], p, pre[l], r0, r1);
                ops.maxPool(pre[l], pool[l], target, argmax[l], r0, r1);
            }
            case AVERAGE -> {
                ops.pixelsToChannels(pix[l], p, pre[l], r0, r1);
                ops.avgPool(pre[l], pool[l], target, r0, r1);
            }
            default -> throw new IllegalStateException(specs[l].pooling().toString());
        }
    }

    /** v += Wₗ₊₁ᵀ ⋆ Unpoolₗ₊₁(above) on rows [r0, r1), with the recorded argmax of layer l + 1. */
    private void topDown(int l, M above, M v, int r0, int r1) {
        final int k = l + 1;
        final int p = convPixels[k];
        M up = unpool(k, above, pre[k], r0, r1);
        ops.channelsToPixels(up, p, pix[k], r0, r1);
        for (int a = r0, b; a < r1; a = b) {
            b = Math.min(r1, a + chunk[k]);
            products.transpose(k - first + 1, pix[k], col[k], a * p, b * p);
            ops.col2im(col[k], conv[k], 1.0, v, a, b);
        }
    }

    /** Unpoolₗ(s) into {@code out} (returned), or {@code s} itself without pooling. */
    private M unpool(int l, M s, M out, int r0, int r1) {
        switch (specs[l].pooling()) {
            case NONE:
                return s;
            case MAX:
                ops.maxUnpool(s, argmax[l], pool[l], out, r0, r1);
                return out;
            case AVERAGE:
                ops.avgUnpool(s, pool[l], out, r0, r1);
                return out;
            default:
                throw new IllegalStateException(specs[l].pooling().toString());
        }
    }

    /** up[l] = Unpoolₗ(s[l]) for every pooled layer, with the argmax indices recorded now. */
    private void unpoolAll(M[] s, M[] up, int r0, int r1) {
        for (int l = 1; l <= layers; l++) {
            if (pool[l] != null) {
                unpool(l, s[l], up[l], r0, r1);
            }
        }
    }

    /**
     * @throws IllegalStateException before the first {@link #relaxFree}
     * @throws ShapeMismatchException if delta is not batch × outputShape().size()
     */
    /** Layers 1..L of the last nudged phase of this sign. */
    @Override
    public List<M> nudgedStates(boolean positive) {
        return positive ? plusList : minusList;
    }

    /** Recomputes the phase's argmax indices and unpooled states from its converted states. */
    @Override
    public void nudgedStatesConverted(boolean positive) {
        phaseState = positive ? plus : minus;
        phaseUp = positive ? upPlus : upMinus;
        ops.parallel().forRange(batch, unpoolTask);
    }

    private void unpoolRange(int r0, int r1) {
        prime(phaseState, r0, r1);
        unpoolAll(phaseState, phaseUp, r0, r1);
    }

    /** Sets which unpooled buffers the phase fills (and, one-sided, the free state's too, for the differences). */
    @Override
    void beforeNudgedPhase(boolean positive) {
        lastEstimator = phaseEp.estimator();
        boolean centred = lastEstimator == EpSettings.Estimator.CENTERED;
        phaseUp = positive ? upPlus : upMinus;
        phaseUnpoolFree = positive && !centred;
    }

    /** ∇θ from the differences: per layer the pixel-summed outer products, and the biases. */
    @Override
    void accumulateGradients() {
        for (int l = first; l <= layers; l++) {
            gradLayer = l;
            gradG = dU[l];
            gradX = l == 1 ? u : mS[l - 1];
            ops.parallel().forRange(batch, gradPrepTask);
            ops.parallel().forRange(shapes[l].channels(), gradMultTask);
            ops.sumRowsDiff(phaseScale, pix[l], null, 1.0, biases[l].grad());
            if (l > 1) {
                gradG = mU[l];
                gradX = dS[l - 1];
                ops.parallel().forRange(batch, gradPrepTask);
                ops.parallel().forRange(shapes[l].channels(), gradMultTask);
            }
        }
    }

    /** A nudged phase on rows [r0, r1), then the phase's unpooled states with its own argmax indices. */
    @Override
    void nudgeRange(int r0, int r1) {
        for (int l = 1; l <= layers; l++) {
            ops.copyRows(free[l], phaseState[l], r0, r1);
        }
        prime(phaseState, r0, r1);
        if (phaseUnpoolFree) {
            unpoolAll(free, upFree, r0, r1);
        }
        engine.run(phaseState, drive, driveFn, phaseSteps, r0, r1);
        prime(phaseState, r0, r1);
        unpoolAll(phaseState, phaseUp, r0, r1);
    }

    /** dU, mU from the unpooled states and dS, mS from the states (one-sided: the free phase is the other one). */
    @Override
    void differencesRange(int r0, int r1) {
        boolean centred = phaseEp.estimator() == EpSettings.Estimator.CENTERED;
        engine.differences(phaseEp, upPlus, centred ? upMinus : upFree, dU, mU, r0, r1);
        engine.differences(phaseEp, plus, centred ? minus : free, dS, mS, r0, r1);
    }

    /** Samples [r0, r1): pix = gradG one row per pixel, col = im2col(gradX). */
    private void gradPrepRange(int r0, int r1) {
        int l = gradLayer;
        ops.channelsToPixels(gradG, convPixels[l], pix[l], r0, r1);
        ops.im2col(gradX, conv[l], col[l], r0, r1);
    }

    /** Output channels [c0, c1) of ∇Wₗ += scale·pixᵀ·col, reduced over the batch's pixels in increasing order. */
    private void gradMultRange(int c0, int c1) {
        ops.multTransA(phaseScale, pix[gradLayer], col[gradLayer], 1.0, weights[gradLayer].grad(), c0, c1);
    }

    /** ∇u = W₁ᵀ ⋆ dU₁ (identity-coupled: dS₁) on samples [r0, r1). */
    @Override
    void inputGradientRange(int r0, int r1) {
        if (identityInput) {
            ops.copyRows(dS[1], gradU, r0, r1);
            return;
        }
        int p = convPixels[1];
        ops.channelsToPixels(dU[1], p, pix[1], r0, r1);
        products.transpose(1, pix[1], col[1], r0 * p, r1 * p);
        ops.col2im(col[1], conv[1], 0.0, gradU, r0, r1);
    }

    /**
     * E(s; θ, u) of sample {@code row} at the free state, computed in double by direct loops (convolution, bias,
     * pooling with its own maximum): independent of the relaxation's kernels, for tests and diagnostics.
     *
     * @throws IllegalStateException before the first {@link #relaxFree}
     */
    @Override
    public double freeEnergy(int row) {
        if (u == null) {
            throw new IllegalStateException(name + ": freeEnergy before relaxFree");
        }
        double e = 0;
        double a = relax.slope();
        for (int l = 1; l <= layers; l++) {
            boolean clamp = l < layers || relax.clampLast();
            double g = clamp ? 1.0 / (2 * a) : 0.5;
            double[] coupled = l < first ? rowOf(u, row) : pooledDrive(l, l == 1 ? u : free[l - 1], row);
            for (int i = 0; i < coupled.length; i++) {
                double si = ops.get(free[l], row, i);
                e += g * si * si - si * coupled[i];
            }
        }
        return e;
    }

    /**
     * For diagnostics (the gradient check): how many neurons of the batch sit on another piece of the piecewise-affine
     * relaxation map in the last nudged phases than at the free equilibrium. A bounded neuron's piece is its clip
     * status (sₗ ≤ 0, inside (0, 1), sₗ ≥ 1; at a fixed point this is the status of its drive a·v); a max-pooled
     * neuron's piece also includes the argmax position of its 2×2 window, recomputed here by direct loops from each
     * phase's state of the layer below, which counts only where the neuron is not at 0 in both phases compared (a
     * window whose neuron stays at 0 contributes nothing to the relaxation or the estimate). A neuron counts once,
     * however many of its pieces change, in either phase.
     *
     * <p>While this is 0 the nudged equilibria lie on the free equilibrium's affine piece, so the centred estimate is
     * exact up to the relaxation tolerance; each change makes it a secant across a kink.
     *
     * @param centred compare both nudged phases with the free one (else the + phase only)
     * @return the number of (sample, neuron) pairs that changed piece
     * @throws IllegalStateException before the first {@link #backward}, or for {@code centred} after a one-sided one
     */
    public int pieceChanges(boolean centred) {
        if (lastEstimator == null) {
            throw new IllegalStateException(name + ": pieceChanges before backward");
        }
        if (centred && lastEstimator != EpSettings.Estimator.CENTERED) {
            throw new IllegalStateException(name + ": the last backward was one-sided; it ran no -beta phase");
        }
        int changed = 0;
        for (int row = 0; row < batch; row++) {
            for (int l = 1; l <= layers; l++) {
                boolean bounded = l < layers || relax.clampLast();
                int n = shapes[l].size();
                // the first layer's argmax depends on u alone, the same in all phases
                boolean pooledMax = specs[l].pooling() == ConvLayer.Pooling.MAX && l > 1;
                int[] aFree = pooledMax ? argmaxOf(l, free[l - 1], row) : null;
                int[] aPlus = pooledMax ? argmaxOf(l, plus[l - 1], row) : null;
                int[] aMinus = pooledMax && centred ? argmaxOf(l, minus[l - 1], row) : null;
                for (int i = 0; i < n; i++) {
                    double f = ops.get(free[l], row, i), p = ops.get(plus[l], row, i);
                    double m = centred ? ops.get(minus[l], row, i) : f;
                    boolean c = bounded && (status(p) != status(f) || status(m) != status(f));
                    if (pooledMax && !c) {
                        c = (aPlus[i] != aFree[i] && !(p == 0 && f == 0))
                                || (centred && aMinus[i] != aFree[i] && !(m == 0 && f == 0));
                    }
                    if (c) {
                        changed++;
                    }
                }
            }
        }
        return changed;
    }

    private static int status(double s) {
        return s <= 0 ? 0 : (s >= 1 ? 2 : 1);
    }

    /** Per neuron of max-pooled layer l, the position (0..3, row-major in the window) of its window's maximum. */
    private int[] argmaxOf(int l, M x, int row) {
        double[] z = convDrive(l, x, row);
        Shape in = shapes[l - 1];
        int h = in.height(), w = in.width(), ho = h / 2, wo = w / 2;
        int[] arg = new int[shapes[l].size()];
        for (int c = 0; c < shapes[l].channels(); c++) {
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int at = 0;
                    for (int k = 0; k < 4; k++) {
                        double v = z[(c * h + 2 * oh + k / 2) * w + 2 * ow + k % 2];
                        if (v > best) {
                            best = v;
                            at = k;
                        }
                    }
                    arg[(c * ho + oh) * wo + ow] = at;
                }
            }
        }
        return arg;
    }

    /** Row {@code row} of x in double. */
    private double[] rowOf(M x, int row) {
        double[] out = new double[x.getNumCols()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ops.get(x, row, i);
        }
        return out;
    }

    /** Pₗ(Wₗ ⋆ x + bₗ) of one sample by direct loops, in double. */
    private double[] pooledDrive(int l, M x, int row) {
        double[] z = convDrive(l, x, row);
        Shape in = shapes[l - 1];
        int cOut = shapes[l].channels(), h = in.height(), w = in.width();
        if (pool[l] == null) {
            return z;
        }
        int ho = h / 2, wo = w / 2;
        double[] out = new double[cOut * ho * wo];
        for (int c = 0; c < cOut; c++) {
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    double m = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int i = 0; i < 2; i++) {
                        for (int j = 0; j < 2; j++) {
                            double v = z[(c * h + 2 * oh + i) * w + 2 * ow + j];
                            m = Math.max(m, v);
                            sum += v;
                        }
                    }
                    out[(c * ho + oh) * wo + ow] = specs[l].pooling() == ConvLayer.Pooling.MAX ? m : sum / 4;
                }
            }
        }
        return out;
    }

    /** Wₗ ⋆ x + bₗ of one sample (before pooling) by direct loops, in double. */
    private double[] convDrive(int l, M x, int row) {
        Shape in = shapes[l - 1];
        int cOut = shapes[l].channels(), h = in.height(), w = in.width(), k = specs[l].kernel(), p = (k - 1) / 2;
        M wt = weights[l].value();
        double[] z = new double[cOut * h * w];
        for (int co = 0; co < cOut; co++) {
            for (int oh = 0; oh < h; oh++) {
                for (int ow = 0; ow < w; ow++) {
                    double v = ops.get(biases[l].value(), 0, co);
                    for (int c = 0; c < in.channels(); c++) {
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j < k; j++) {
                                int ih = oh + i - p, iw = ow + j - p;
                                if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                                    v += ops.get(wt, co, (c * k + i) * k + j) * ops.get(x, row, (c * h + ih) * w + iw);
                                }
                            }
                        }
                    }
                    z[(co * h + oh) * w + ow] = v;
                }
            }
        }
        return z;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(" conv DHN ").append(shapes[0]);
        for (int l = 1; l <= layers; l++) {
            sb.append(l < first ? " = " : " -> ").append(shapes[l]);
            if (specs[l].pooling() != ConvLayer.Pooling.NONE) {
                sb.append('(').append(specs[l].pooling().letter()).append(')');
            }
        }
        return sb.toString();
    }
}
