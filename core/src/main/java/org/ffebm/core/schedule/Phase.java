package org.ffebm.core.schedule;

import java.util.Locale;

/**
 * The phases of a training step and of an inference (DESIGN §5), in the order the {@link Scheduler} runs them for one
 * block. A forward pass runs, for each energy block k: {@link #DIGITAL_FORWARD} of Fₖ, {@link #DAC_INPUT},
 * {@link #RELAX_FREE}, {@link #ADC_OUTPUT}; then the read-out's {@link #DIGITAL_FORWARD} and the {@link #LOSS}. The
 * backward pass runs the read-out's {@link #DIGITAL_BACKWARD}, then for k = K..1: {@link #DAC_NUDGE} and
 * {@link #RELAX_NUDGE_PLUS} and {@link #ADC_STATES}, {@link #DAC_NUDGE}, {@link #RELAX_NUDGE_MINUS} and
 * {@link #ADC_STATES} (centred estimator; no state read-out for a block that updates in the array),
 * {@link #READ_INPUT_GRADIENT} and {@link #ADC_INPUT_GRADIENT}, {@link #EP_ESTIMATE}, and Fₖ's
 * {@link #DIGITAL_BACKWARD}. The update runs {@link #OPTIMISER_STEP} then {@link #ANALOG_UPDATE} per energy block.
 */
public enum Phase {
    /** A digital block's forward pass. */
    DIGITAL_FORWARD,
    /** DAC of an energy block's input u. */
    DAC_INPUT,
    /** The free relaxation of an energy block. */
    RELAX_FREE,
    /** ADC of an energy block's output s_L. */
    ADC_OUTPUT,
    /** The loss and its gradient at the read-out. */
    LOSS,
    /** DAC of the nudge β·δ into an energy block's top layer (once per nudged phase). */
    DAC_NUDGE,
    /** The +β nudged relaxation. */
    RELAX_NUDGE_PLUS,
    /** The −β nudged relaxation (centred estimator). */
    RELAX_NUDGE_MINUS,
    /** ADC of a nudged phase's states, which the digital EP estimate reads (once per nudged phase). */
    ADC_STATES,
    /** The transpose read ∇u = dS₁·W₁. */
    READ_INPUT_GRADIENT,
    /** ADC of ∇u. */
    ADC_INPUT_GRADIENT,
    /** The EP estimate of an energy block's ∇θ from its nudged states (digital). */
    EP_ESTIMATE,
    /** A digital block's vector-Jacobian product. */
    DIGITAL_BACKWARD,
    /** The optimiser's step over every parameter (digital). */
    OPTIMISER_STEP,
    /** The application of the step to an energy block's devices (programming pulses). */
    ANALOG_UPDATE;

    /** The kebab-case name used in traces and reports. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
