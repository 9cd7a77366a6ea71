package org.ffebm.core.block;

import org.ejml.data.ReshapeMatrix;

/**
 * The converters at the edges of an energy block (DESIGN §3, §5): a DAC on what enters the block (its input u, the
 * nudge β·δ) and an ADC on what leaves it (its output, the nudged states read by the EP estimate, ∇u). Only the scheduler ({@code org.ffebm.core.schedule})
 * calls these, once per crossing, so that every conversion is applied and counted in one place; the blocks themselves
 * never convert. A block without converters has {@link #none()}, which passes values through unchanged.
 *
 * <p>Methods are called on the scheduler's thread, in the order of the phases; a converted buffer is owned by the
 * boundary and stays valid until the same conversion is asked for again.
 */
public interface Boundary<M extends ReshapeMatrix> {

    /**
     * The DAC's resolution in bits; 0 for an ideal DAC (no quantisation), for which the cost model charges its own
     * nominal resolution.
     */
    int dacBits();

    /** The ADC's resolution in bits; 0 for an ideal ADC (see {@link #dacBits()}). */
    int adcBits();

    /**
     * DAC(u) for the block's input.
     *
     * @param u (Input) batch × |u|, not modified
     * @return u itself, or a converted copy owned by the boundary
     */
    M dacInput(M u);

    /**
     * DAC(fl(β·δ)), the nudge entering the block's top layer.
     *
     * @param delta (Input) batch × |s_L|, not modified
     * @param beta the signed β of the phase
     * @return a converted matrix owned by the boundary, or null when there is no converter (the block then subtracts
     *         β·δ itself: the same bits as a pass-through conversion)
     */
    M dacNudge(M delta, double beta);

    /**
     * ADC(s_L) of the free equilibrium's last layer, as the next block reads it.
     *
     * @param top (Input) not modified
     * @return top itself, or a converted copy owned by the boundary
     */
    M adcOutput(M top);

    /**
     * ADC in place of values that leave the block for the digital side (∇u, the nudged states).
     *
     * @param values (Input/Output) modified
     */
    void adcInPlace(M values);

    /** The boundary of a block without converters: every value passes unchanged (0 bits: ideal converters). */
    @SuppressWarnings("unchecked")
    static <M extends ReshapeMatrix> Boundary<M> none() {
        return (Boundary<M>) None.INSTANCE;
    }

    /** The pass-through boundary. */
    enum None implements Boundary<ReshapeMatrix> {
        INSTANCE;

        @Override
        public int dacBits() {
            return 0;
        }

        @Override
        public int adcBits() {
            return 0;
        }

        @Override
        public ReshapeMatrix dacInput(ReshapeMatrix u) {
            return u;
        }

        @Override
        public ReshapeMatrix dacNudge(ReshapeMatrix delta, double beta) {
            return null;
        }

        @Override
        public ReshapeMatrix adcOutput(ReshapeMatrix top) {
            return top;
        }

        @Override
        public void adcInPlace(ReshapeMatrix values) {
        }
    }
}
