package org.ffebm.core.block;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.ShapeMismatchException;
import org.ffebm.core.tensor.TensorOps;

/**
 * The phase orchestration shared by the layered DHN blocks ({@link DenseDhnBlock}, {@link ConvDhnBlock}): the free
 * phase from zero, {@link #continueFree}, the nudged phases started from the free state with the nudge the scheduler
 * hands in, the ∇u read, the EP differences computed once per backward pass, the phase bookkeeping read by the blocks'
 * row tasks, and the forwarding of the {@link Substrate} hooks and the {@link Boundary} of the block's
 * {@link WeightProducts}. The blocks keep their products, drives, gradients and energy. Nothing here converts: the
 * scheduler applies the boundary's converters between the phases.
 */
abstract class DhnBlockBase<M extends ReshapeMatrix> implements EnergyBlock<M> {

    final TensorOps<M> ops;
    final String name;
    final RelaxSettings relax;
    final int layers;                    // L
    final DhnRelaxation<M> engine;
    final List<Param<M>> params = new ArrayList<>();   // W₁, b₁, …, W_L, b_L as the block adds them
    WeightProducts<M> products;          // set by the block's constructor once its weights exist
    M[] free, plus, minus;               // states [1..L], batch rows; set by the block's constructor
    M gradU;                             // ∇u, batch rows; set by the block's constructor
    int batch;
    private List<WeightShape> weightShapes;

    // the phase being run by the blocks' row tasks (set before each dispatch; tasks are created once)
    M u;                                 // the input as it reached the block (after the scheduler's DAC)
    M phaseNudge;                        // the converted nudge of the phase, or null: subtract β·δ directly
    M[] phaseState;
    M phaseDelta;
    double phaseBeta;
    int phaseSteps;
    boolean phaseFromZero;
    EpSettings phaseEp;
    double phaseScale;
    boolean phaseNeedInputGrad;
    private boolean backwardBegun;       // beginBackward since the last free phase
    private boolean differencesReady;    // the EP differences of this backward pass are computed
    private final Parallel.RangeTask relaxTask = this::relaxRange;
    private final Parallel.RangeTask nudgeTask = this::nudgeRange;
    private final Parallel.RangeTask differencesTask = this::differencesRange;
    private final Parallel.RangeTask inputGradTask = this::inputGradientRange;

    DhnBlockBase(TensorOps<M> ops, String name, RelaxSettings relax, int layers) {
        this.ops = Objects.requireNonNull(ops, "ops");
        this.name = Objects.requireNonNull(name, "name");
        this.relax = Objects.requireNonNull(relax, "relax");
        this.layers = layers;
        this.engine = new DhnRelaxation<>(ops, relax, layers);
    }

    /**
     * Makes the block's products once its weights exist (the factory may replace their values by what its substrate
     * represents), then the state buffers free, plus and minus; the output is the free top layer until a free phase.
     *
     * @param factory makes the products
     * @param weights W₁..W_L at index l; with {@code first} = 2, index 1 is unused (an identity-coupled input)
     * @param first the first weighted layer, 1 or 2: the products' index of Wₗ is l − first + 1
     * @param rowsPerSample product rows per sample of Wₗ, by l
     * @param stateBuffers makes one set of state buffers [1..L]
     * @throws NullPointerException if the factory is null or makes null
     */
    final void attach(WeightProducts.Factory<M> factory, Param<M>[] weights, int first, IntUnaryOperator rowsPerSample,
                      Supplier<M[]> stateBuffers) {
        int n = layers - first + 1;
        List<Param<M>> ws = new ArrayList<>(n);
        List<WeightShape> shapes = new ArrayList<>(n);
        int[] rows = new int[n];
        for (int l = first; l <= layers; l++) {
            ws.add(weights[l]);
            rows[l - first] = rowsPerSample.applyAsInt(l);
            M w = weights[l].value();
            shapes.add(new WeightShape(w.getNumRows(), w.getNumCols(), rows[l - first]));
        }
        weightShapes = List.copyOf(shapes);
        products = Objects.requireNonNull(Objects.requireNonNull(factory, "products")
                .create(ops, name, List.copyOf(ws), rows), "products");
        free = stateBuffers.get();
        plus = stateBuffers.get();
        minus = stateBuffers.get();
    }

    /** Sizes every buffer, the engine's and the products' for a batch of {@code rows} samples and sets {@link #batch}. */
    abstract void ensureBatch(int rows);

    /** Relaxes rows [r0, r1) of the current phase (from zero with the input drive when {@link #phaseFromZero}). */
    abstract void relaxRange(int r0, int r1);

    /** Runs the current nudged phase on rows [r0, r1), started from the free state. */
    abstract void nudgeRange(int r0, int r1);

    /** Computes the EP differences of the backward pass on rows [r0, r1) (after the nudged phases). */
    abstract void differencesRange(int r0, int r1);

    /** Reads ∇u into {@link #gradU} on rows [r0, r1) from the differences. */
    abstract void inputGradientRange(int r0, int r1);

    /** Adds the EP estimate of ∇θ (scale {@link #phaseScale}) into the params' gradients, from the differences. */
    abstract void accumulateGradients();

    /** Called at the start of each nudged phase, before its rows are dispatched (the conv block's unpooling state). */
    void beforeNudgedPhase(boolean positive) {
    }

    /** The free phase from zero: {@code tFree} steps with the input as it reached the block. */
    final SettleResult freePhase(M input) {
        ensureBatch(input.getNumRows());
        products.startPhase();
        this.u = input;
        backwardBegun = false;
        phaseNeedInputGrad = false;
        phaseState = free;
        phaseDelta = null;
        phaseNudge = null;
        phaseBeta = 0.0;
        phaseSteps = relax.tFree();
        phaseFromZero = true;
        ops.parallel().forRange(batch, relaxTask);
        return engine.collect(batch);
    }

    /**
     * Continues the free phase from the current free state for {@code steps} more steps, with the same input (the
     * input drive is not recomputed, the products' phase goes on). For diagnostics and for benchmarking the relaxation
     * step itself: with one thread this allocates nothing.
     *
     * @return the largest per-sample residual max|Δs| of the last step
     * @throws IllegalStateException before the first {@link #relaxFree}
     * @throws IllegalArgumentException if steps &lt; 1
     */
    public double continueFree(int steps) {
        if (u == null) {
            throw new IllegalStateException(name + ": continueFree before relaxFree");
        }
        if (steps < 1) {
            throw new IllegalArgumentException(name + ": steps must be >= 1, was " + steps);
        }
        phaseState = free;
        phaseDelta = null;
        phaseNudge = null;
        phaseBeta = 0.0;
        phaseSteps = steps;
        phaseFromZero = false;
        ops.parallel().forRange(batch, relaxTask);
        return engine.maxResidual(batch);
    }

    /**
     * @throws IllegalStateException before the first free phase
     * @throws org.ffebm.core.tensor.ShapeMismatchException if delta is not batch × |s_L|
     */
    @Override
    public final void beginBackward(M delta, EpSettings ep, double paramScale, boolean needInputGrad) {
        if (u == null) {
            throw new IllegalStateException(name + ": backward before relaxFree");
        }
        Objects.requireNonNull(ep, "ep");
        if (delta.getNumRows() != batch || delta.getNumCols() != outputShape().size()) {
            throw new ShapeMismatchException(name + ": delta is " + delta.getNumRows() + "x" + delta.getNumCols()
                    + ", expected " + batch + "x" + outputShape().size() + " (output " + outputShape() + ")");
        }
        phaseDelta = delta;
        phaseEp = ep;
        phaseScale = paramScale;
        phaseNeedInputGrad = needInputGrad;
        phaseSteps = relax.tNudge();
        phaseFromZero = false;
        backwardBegun = true;
        differencesReady = false;
    }

    /**
     * @throws IllegalStateException without {@link #beginBackward} since the last free phase, or for the negative
     *                               phase of the one-sided estimator
     */
    @Override
    public final SettleResult relaxNudged(boolean positive, M nudge) {
        requireBackward("a nudged phase");
        if (!positive && phaseEp.estimator() != EpSettings.Estimator.CENTERED) {
            throw new IllegalStateException(name + ": the one-sided estimator has no negative nudged phase");
        }
        phaseState = positive ? plus : minus;
        phaseBeta = positive ? phaseEp.beta() : -phaseEp.beta();
        products.startPhase();
        phaseNudge = nudge;
        differencesReady = false;
        beforeNudgedPhase(positive);
        ops.parallel().forRange(batch, nudgeTask);
        return engine.collect(batch);
    }

    /**
     * @throws IllegalStateException without a backward pass, or when it was begun with needInputGrad false
     */
    @Override
    public final void readInputGradient() {
        requireBackward("the input-gradient read");
        if (!phaseNeedInputGrad) {
            throw new IllegalStateException(name + ": the backward pass was begun without the input gradient");
        }
        differences();
        products.startPhase();
        ops.parallel().forRange(batch, inputGradTask);
    }

    /**
     * @throws IllegalStateException without a backward pass
     */
    @Override
    public final void estimateGradients() {
        requireBackward("the gradient estimate");
        differences();
        accumulateGradients();
    }

    private void differences() {
        if (!differencesReady) {
            ops.parallel().forRange(batch, differencesTask);
            differencesReady = true;
        }
    }

    private void requireBackward(String what) {
        if (!backwardBegun) {
            throw new IllegalStateException(name + ": " + what + " needs beginBackward after the free phase");
        }
    }

    /** v −= β·δ on rows [r0, r1) in a nudged phase: the converted nudge, or −β·δ added directly without one. */
    final void subtractNudge(M v, int r0, int r1) {
        if (phaseNudge != null) {
            // an exact negation: the same bits as v += (−β)·δ without a converter
            ops.axpyRows(-1.0, phaseNudge, v, r0, r1);
        } else if (phaseBeta != 0.0) {
            ops.axpyRows(-phaseBeta, phaseDelta, v, r0, r1);
        }
    }


    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Param<M>> params() {
        return params;
    }

    /** The number of layers L. */
    public int layers() {
        return layers;
    }

    public RelaxSettings relaxSettings() {
        return relax;
    }

    /** Layer l of the free equilibrium (1 ≤ l ≤ L), before any output conversion. */
    public M freeState(int l) {
        return free[l];
    }

    /** The block's weight products (the back end's GEMM by default, or a substrate's). */
    public WeightProducts<M> products() {
        return products;
    }

    /** The last layer of the free equilibrium, before any ADC. */
    @Override
    public M output() {
        return free[layers];
    }

    /** The boundary of the block's products (converters on a substrate, none by default). */
    @Override
    public Boundary<M> boundary() {
        return products.boundary();
    }

    @Override
    public List<WeightShape> weightShapes() {
        return weightShapes;
    }

    /**
     * @throws IllegalStateException if the last {@link #backward} did not compute it
     */
    @Override
    public M inputGradient() {
        if (!phaseNeedInputGrad) {
            throw new IllegalStateException(name + ": the last backward did not compute the input gradient");
        }
        return gradU;
    }

    /** Forwards to the products (a substrate re-programs from the params). */
    @Override
    public void paramsChangedInPlace() {
        products.paramsChangedInPlace();
    }

    /** Forwards to the products (a substrate applies the optimiser's change to its devices). */
    @Override
    public void stepAppliedInPlace(double lr) {
        products.stepAppliedInPlace(lr);
    }

    @Override
    public boolean updatesInArray() {
        return products.updatesInArray();
    }

    @Override
    public long pulsesApplied() {
        return products.pulsesApplied();
    }

    @Override
    public byte[] substrateState() {
        return products.substrateState();
    }

    /** Forwards to the products (a block without a substrate accepts only null). */
    @Override
    public void restoreSubstrateState(byte[] state) {
        products.restoreSubstrateState(state);
    }
}
