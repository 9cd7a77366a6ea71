package org.ffebm.core.block;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.TensorOps;

/**
 * The phase orchestration shared by the layered DHN blocks ({@link DenseDhnBlock}, {@link ConvDhnBlock}): the free
 * phase from zero with the converted input and output, {@link #continueFree}, the nudged phases started from the free
 * state with the converted nudge, the ∇u read with its conversion, the phase bookkeeping read by the blocks' row
 * tasks, and the forwarding of the {@link Substrate} hooks to the block's {@link WeightProducts}. The blocks keep their
 * products, drives, gradients and energy.
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

    // the phase being run by the blocks' row tasks (set before each dispatch; tasks are created once)
    M u;                                 // the input as the products see it (after a DAC)
    M out;                               // the output as the next block reads it (after the products' conversion)
    M phaseNudge;                        // the converted nudge of the phase, or null: subtract β·δ directly
    M[] phaseState;
    M phaseDelta;
    double phaseBeta;
    int phaseSteps;
    boolean phaseFromZero;
    EpSettings phaseEp;
    double phaseScale;
    boolean phaseNeedInputGrad;
    private final Parallel.RangeTask relaxTask = this::relaxRange;
    private final Parallel.RangeTask nudgeTask = this::nudgeRange;

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
     * @param weights W₁..W_L at index l
     * @param rowsPerSample product rows per sample of Wₗ, by l
     * @param stateBuffers makes one set of state buffers [1..L]
     * @throws NullPointerException if the factory is null or makes null
     */
    final void attach(WeightProducts.Factory<M> factory, Param<M>[] weights, IntUnaryOperator rowsPerSample,
                      Supplier<M[]> stateBuffers) {
        List<Param<M>> ws = new ArrayList<>(layers);
        int[] rows = new int[layers];
        for (int l = 1; l <= layers; l++) {
            ws.add(weights[l]);
            rows[l - 1] = rowsPerSample.applyAsInt(l);
        }
        products = Objects.requireNonNull(Objects.requireNonNull(factory, "products")
                .create(ops, name, List.copyOf(ws), rows), "products");
        free = stateBuffers.get();
        out = free[layers];
        plus = stateBuffers.get();
        minus = stateBuffers.get();
    }

    /** Sizes every buffer, the engine's and the products' for a batch of {@code rows} samples and sets {@link #batch}. */
    abstract void ensureBatch(int rows);

    /** Relaxes rows [r0, r1) of the current phase (from zero with the input drive when {@link #phaseFromZero}). */
    abstract void relaxRange(int r0, int r1);

    /** Runs the current nudged phase on rows [r0, r1), started from the free state. */
    abstract void nudgeRange(int r0, int r1);

    /** The free phase from zero: converted input, {@code tFree} steps, converted output. */
    final SettleResult freePhase(M input) {
        ensureBatch(input.getNumRows());
        products.startPhase();
        this.u = products.convertInput(input);
        phaseState = free;
        phaseDelta = null;
        phaseNudge = null;
        phaseBeta = 0.0;
        phaseSteps = relax.tFree();
        phaseFromZero = true;
        ops.parallel().forRange(batch, relaxTask);
        SettleResult result = engine.collect(batch);
        out = products.convertOutput(free[layers]);
        return result;
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

    /** Sets the bookkeeping of a backward pass (its checks done), before its nudged phases. */
    final void startBackward(M delta, EpSettings ep, double paramScale, boolean needInputGrad) {
        phaseDelta = delta;
        phaseEp = ep;
        phaseScale = paramScale;
        phaseNeedInputGrad = needInputGrad;
        phaseSteps = relax.tNudge();
        phaseFromZero = false;
    }

    /** One nudged phase into {@code state} with the signed β, started from the free state; the converted nudge. */
    final SettleResult nudgedPhase(M[] state, double beta) {
        phaseState = state;
        phaseBeta = beta;
        products.startPhase();
        phaseNudge = products.convertNudge(phaseDelta, beta);
        ops.parallel().forRange(batch, nudgeTask);
        return engine.collect(batch);
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

    /** The ∇u read: a phase of its own running {@code task} over the samples, then the products' conversion. */
    final void inputGradientPhase(Parallel.RangeTask task) {
        products.startPhase();
        ops.parallel().forRange(batch, task);
        products.convertInputGradientInPlace(gradU);
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

    /** The last layer of the free equilibrium as the next block reads it (after the products' output conversion). */
    @Override
    public M output() {
        return out;
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
