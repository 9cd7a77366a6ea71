package org.ffebm.analog.device;

import org.ffebm.core.config.Props;

/**
 * Constant step: every pulse moves the device by the same expected amount, Δ⁺ = δ⁺ and Δ⁻ = δ⁻, whatever its state;
 * only the hard bounds (clipping in {@link DeviceArray}) limit it. This is the idealized resistive processing unit of
 * Gokmen &amp; Vlasov, "Acceleration of deep neural network training with resistive cross-point devices", Front.
 * Neurosci. 10:333 (2016), and aihwkit's {@code ConstantStepDevice}. A constant-step device with δ⁺ ≠ δ⁻ has no
 * symmetric point.
 *
 * @param stepUp δ⁺ in siemens, finite and &ge; 0
 * @param stepDown δ⁻ in siemens, finite and &ge; 0
 */
public record ConstantStep(double stepUp, double stepDown) implements StepModel {

    /** @throws IllegalArgumentException if a step is negative or not finite */
    public ConstantStep {
        Props.requireNonNegative("step-up", stepUp);
        Props.requireNonNegative("step-down", stepDown);
    }

    @Override
    public double up(double g, double lo, double hi) {
        return stepUp;
    }

    @Override
    public double down(double g, double lo, double hi) {
        return stepDown;
    }

    @Override
    public String describe() {
        return "constant: dg_up = " + stepUp + " S, dg_down = " + stepDown + " S";
    }
}
