package org.ffebm.analog.device;

import org.ffebm.core.config.Props;

/**
 * Exponential step: with x = (g − lo)/(hi − lo),
 * <pre>
 *   Δ⁺(x) = δ⁺ · exp(−γ⁺ x)          Δ⁻(x) = δ⁻ · exp(−γ⁻ (1 − x))
 * </pre>
 * the form used for nonlinear memristive synapses by Querlioz, Bichler, Dollfus &amp; Gamrat, "Immunity to device
 * variations in a spiking neural network with memristive nanodevices", IEEE Trans. Nanotechnol. 12:288 (2013).
 * aihwkit's {@code ExpStepDevice} uses a different parameterization (step = δ·max(0, 1 − A·e^{±γz}), z linear in the
 * weight) of the same idea: the step depends exponentially on the state. γ = 0 is the constant step; the larger γ, the
 * more the step shrinks toward the bound the device approaches (by the factor e^−γ at the bound).
 *
 * @param stepUp δ⁺ in siemens, the up step at x = 0
 * @param stepDown δ⁻ in siemens, the down step at x = 1
 * @param gammaUp γ⁺ &ge; 0
 * @param gammaDown γ⁻ &ge; 0
 */
public record ExponentialStep(double stepUp, double stepDown, double gammaUp, double gammaDown) implements StepModel {

    /** @throws IllegalArgumentException if a parameter is negative or not finite */
    public ExponentialStep {
        Props.requireNonNegative("step-up", stepUp);
        Props.requireNonNegative("step-down", stepDown);
        Props.requireNonNegative("gamma-up", gammaUp);
        Props.requireNonNegative("gamma-down", gammaDown);
    }

    @Override
    public double up(double g, double lo, double hi) {
        return stepUp * Math.exp(-gammaUp * StepModel.state(g, lo, hi));
    }

    @Override
    public double down(double g, double lo, double hi) {
        return stepDown * Math.exp(-gammaDown * (1 - StepModel.state(g, lo, hi)));
    }

    @Override
    public String describe() {
        return "exponential: dg_up = " + stepUp + " S * exp(-" + gammaUp + " x), dg_down = " + stepDown
                + " S * exp(-" + gammaDown + " (1 - x))";
    }
}
