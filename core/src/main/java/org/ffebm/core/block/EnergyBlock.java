package org.ffebm.core.block;

import java.util.List;
import org.ejml.data.ReshapeMatrix;

/**
 * An energy-based (analog) block: given its input u, its state relaxes to s* = argmin_s E(s; θ, u). Trained by
 * Equilibrium Propagation: nudged relaxations give ∇θ and the boundary gradient ∇u (DESIGN §2).
 *
 * <p>Implementations: the float/double dense DHN of core, and the crossbar DHN of analog-sim. Buffers returned are
 * owned by the block and valid until the next call. The {@link Substrate} hooks ({@code paramsChangedInPlace},
 * {@code stepAppliedInPlace}, {@code pulsesApplied}, the substrate state) are called by the trainer: after a
 * checkpoint replaced the params, after each optimiser step, and when a checkpoint is written or restored.
 */
public interface EnergyBlock<M extends ReshapeMatrix> extends Substrate {

    String name();

    Shape inputShape();

    /** The shape of the block's last layer, which is what the next digital block reads. */
    Shape outputShape();

    /**
     * Free phase: relax from zero states with input {@code u} held fixed. A noisy substrate starts a fresh noise phase.
     *
     * @param u (Input) batch × inputShape().size(), as it reaches the block (after the scheduler's DAC); kept until
     *          the next free phase
     */
    SettleResult relaxFree(M u);

    /** The last layer at the free equilibrium, batch × outputShape().size(), before any ADC. */
    M output();

    /**
     * Starts the backward pass of the last free phase: the nudged phases that follow nudge the top layer by ±β·δ.
     *
     * @param delta (Input) per-sample ∂ℓ/∂s_L at the free equilibrium, batch × outputShape().size(); kept until the
     *              backward pass ends
     * @param ep the estimator and β
     * @param paramScale factor on the parameter gradients (1/batch for batch means)
     * @param needInputGrad false when no block below reads ∇u ({@link #readInputGradient} is then not called)
     * @throws IllegalStateException before the first free phase
     */
    void beginBackward(M delta, EpSettings ep, double paramScale, boolean needInputGrad);

    /**
     * One nudged phase, started from the free equilibrium, with β of the given sign (the positive one first; the
     * negative one only with the centred estimator).
     *
     * @param positive +β when true, −β otherwise
     * @param nudge (Input) the converted β·δ of this phase (the boundary's DAC), or null to subtract β·δ directly
     */
    SettleResult relaxNudged(boolean positive, M nudge);

    /**
     * The layers of the last nudged phase of this sign, which leave the block for the digital EP estimate: the
     * scheduler converts them in place through the block's ADC, then calls {@link #nudgedStatesConverted}. Empty by
     * default (a block whose estimate needs no states from outside).
     *
     * @param positive the phase's sign
     * @return the block's own buffers (batch rows), one per layer
     */
    default List<M> nudgedStates(boolean positive) {
        return List.of();
    }

    /** Called after the scheduler converted {@link #nudgedStates}: the block refreshes what it derived from them. */
    default void nudgedStatesConverted(boolean positive) {
    }

    /**
     * The transpose read of ∇u = dS₁·W₁ (a phase of its own on a substrate), after the nudged phases; read the
     * result, before any ADC, with {@link #inputGradient()}.
     */
    void readInputGradient();

    /** The EP estimate after the nudged phases: adds {@code paramScale}·∇θ into the params' gradients. */
    void estimateGradients();

    /**
     * A block's whole backward pass without converters: {@link #beginBackward}, the nudged phases, the ∇u read and
     * the estimate, in the scheduler's order. For a block used on its own (tests, diagnostics); a model's training
     * step goes through the scheduler, which converts at the boundary.
     */
    default SettleResult backward(M delta, EpSettings ep, double paramScale, boolean needInputGrad) {
        beginBackward(delta, ep, paramScale, needInputGrad);
        SettleResult r = relaxNudged(true, null);
        if (ep.estimator() == EpSettings.Estimator.CENTERED) {
            r = r.merge(relaxNudged(false, null));
        }
        if (needInputGrad) {
            readInputGradient();
        }
        estimateGradients();
        return r;
    }

    /** ∇u per sample from the last {@link #readInputGradient}, batch × inputShape().size(). */
    M inputGradient();

    /** The converters at the block's edges; {@link Boundary#none()} by default. */
    default Boundary<M> boundary() {
        return Boundary.none();
    }

    /**
     * The block's weight matrices for the cost model, W₁ first: the shape of each and how many times per sample one
     * product by it is read (the output pixels of a convolution, 1 for a dense layer). A block whose input is coupled
     * by identity ({@link #identityInput()}) has no W₁: its list starts at W₂ and may be empty.
     */
    List<WeightShape> weightShapes();

    /**
     * Whether u is coupled to s₁ by identity, ⟨u, s₁⟩, with no weights between them (the seed paper's placement of a
     * block's first convolution in the digital part before it): then u has the shape of s₁, drives it as a current
     * directly, and ∇u is s₁'s EP difference, read without a weight product. False by default.
     */
    default boolean identityInput() {
        return false;
    }

    List<Param<M>> params();

    /**
     * {@inheritDoc} The default names the block in its message.
     *
     * @throws IllegalArgumentException if the bytes were not written by a block of this configuration
     */
    @Override
    default void restoreSubstrateState(byte[] state) {
        if (state != null) {
            throw new IllegalArgumentException(name() + " has no substrate state, but the checkpoint holds "
                    + state.length + " bytes of it");
        }
    }

    /**
     * The energy E(s; θ, u) of sample {@code row} in the free state, with the block's current input. For tests and
     * diagnostics, not for the hot path.
     */
    double freeEnergy(int row);
}
