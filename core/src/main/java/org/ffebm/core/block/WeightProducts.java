package org.ffebm.core.block;

import java.util.List;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.tensor.TensorOps;

/**
 * Where an energy block's weight matrices live and how it multiplies by them: the strategy of {@link ConvDhnBlock}
 * and {@link DenseDhnBlock} for their weight products, and the hooks of a physical substrate around them (DESIGN §3). The default,
 * {@link #gemm()}, multiplies by the digital parameters with the back end's kernel and has no substrate; analog-sim
 * implements it with crossbar reads, converters and device updates.
 *
 * <p>The two products, on rows [r0, r1) of their operands (rows of one sample are contiguous; a block calls them
 * from several threads on disjoint sample ranges, so an implementation must keep each row's work, including any
 * random draws, independent of the other rows):
 * <pre>
 *   forward(l):    Y = X·Wₗᵀ      X rows of Wₗ's input (im2col patches), Y rows of its Cₗ outputs
 *   transpose(l):  Y = X·Wₗ       X rows of Wₗ's outputs, Y rows of its input (columns for col2im)
 *   transposeAdd(l): Y += X·Wₗ    the dense block's feedback Wₗᵀsₗ accumulated into the drive of layer l − 1
 * </pre>
 * Forward and transpose overwrite Y's rows; none allocates.
 *
 * <p>The other hooks are called on the block's main thread: {@link #startPhase} before each phase (free, each
 * nudged phase, the ∇u read) and the {@link Substrate} hooks (training step, pulses, checkpoint state) that the block
 * forwards. The {@link #boundary()} (converters) is the scheduler's to apply, not the block's. The defaults are those
 * of a digital block: no converters, no substrate state, no pulses.
 */
public interface WeightProducts<M extends ReshapeMatrix> extends Substrate {

    /**
     * Makes the products of one block, once its weights exist (they hold their initial values, which a substrate may
     * program and replace by the values it represents).
     */
    @FunctionalInterface
    interface Factory<M extends ReshapeMatrix> {

        /**
         * @param ops the block's back end
         * @param name the block's name (for messages)
         * @param weights W₁..W_L (index l − 1 holds Wₗ), Cₗ × fan-inₗ; the values may be replaced in place
         * @param rowsPerSample product rows per sample for each layer (index l − 1 for Wₗ): the output pixels of the
         *                      convolution, 1 for a dense layer
         * @return the block's products
         */
        WeightProducts<M> create(TensorOps<M> ops, String name, List<Param<M>> weights, int[] rowsPerSample);
    }

    /** Products by the digital weights with the back end's kernel ({@code multTransB}, {@code mult}). */
    static <M extends ReshapeMatrix> Factory<M> gemm() {
        return (ops, name, weights, rowsPerSample) -> new WeightProducts<>() {
            @Override
            public void forward(int l, M x, M y, int r0, int r1) {
                ops.multTransB(x, weights.get(l - 1).value(), 0.0, y, r0, r1);
            }

            @Override
            public void transpose(int l, M x, M y, int r0, int r1) {
                ops.mult(x, weights.get(l - 1).value(), 0.0, y, r0, r1);
            }

            @Override
            public void transposeAdd(int l, M x, M y, int r0, int r1) {
                ops.mult(x, weights.get(l - 1).value(), 1.0, y, r0, r1);
            }
        };
    }

    /**
     * Y = X·Wₗᵀ on rows [r0, r1).
     *
     * @param l the layer, 1 ≤ l ≤ L
     * @param x (Input) rows × fan-inₗ, not modified
     * @param y (Output) rows × Cₗ, rows [r0, r1) overwritten; must not be x
     */
    void forward(int l, M x, M y, int r0, int r1);

    /**
     * Y = X·Wₗ on rows [r0, r1).
     *
     * @param l the layer, 1 ≤ l ≤ L
     * @param x (Input) rows × Cₗ, not modified
     * @param y (Output) rows × fan-inₗ, rows [r0, r1) overwritten; must not be x
     */
    void transpose(int l, M x, M y, int r0, int r1);

    /**
     * Y += X·Wₗ on rows [r0, r1), accumulated by the product itself (the dense block's feedback into a drive). The
     * default refuses: products for dense blocks must implement it.
     *
     * @param l the layer, 1 ≤ l ≤ L
     * @param x (Input) rows × Cₗ, not modified
     * @param y (Input/Output) rows × fan-inₗ, rows [r0, r1) accumulated into; must not be x
     * @throws UnsupportedOperationException by default
     */
    default void transposeAdd(int l, M x, M y, int r0, int r1) {
        throw new UnsupportedOperationException(getClass().getName() + " has no accumulating transpose product, "
                + "which a dense DHN block needs");
    }

    /**
     * The per-sample EP factors of a dense block's backward pass (main thread, at its gradient estimate, after the ∇u
     * read), for a substrate whose update needs them (stochastic pulse trains): the references stay valid, unchanged,
     * until the block's next phase. The default ignores them.
     *
     * @param input (Input) the converted input u, batch × |u|
     * @param dS (Input) dSₗ = −(sₗ⁺ − sₗ⁻)/2β at index l (1 ≤ l ≤ L; index 0 unused), batch rows
     * @param mS (Input) mSₗ = (sₗ⁺ + sₗ⁻)/2 at index l (1 ≤ l ≤ L; index 0 unused), batch rows
     * @param batch samples in the batch
     * @param paramScale the gradients' scale of the backward pass
     */
    default void gradientFactors(M input, List<M> dS, List<M> mS, int batch, double paramScale) {
    }

    /** Sizes workspaces for a batch of {@code batch} samples (main thread, before any product on it). */
    default void ensureBatch(int batch) {
    }

    /** Starts a phase of the current batch: fresh noise streams for the products and conversions that follow. */
    default void startPhase() {
    }

    /** The converters at the block's edges, which the scheduler applies; {@link Boundary#none()} by default. */
    default Boundary<M> boundary() {
        return Boundary.none();
    }
}
