package org.ffebm.analog.device;

import org.ffebm.core.config.Props;

/**
 * Power-law step: with x = (g − lo)/(hi − lo),
 * <pre>
 *   Δ⁺(x) = δ⁺ · (1 − x)^γ⁺          Δ⁻(x) = δ⁻ · x^γ⁻
 * </pre>
 * the (shifted) bounded synapse of Fusi &amp; Abbott, Nat. Neurosci. 10:485 (2007), fitted to HfO₂ memristors by
 * Frascaroli, Brivio, Covi &amp; Spiga, "Evidence of soft bound behaviour in analogue memristive devices for
 * neuromorphic computing", Sci. Rep. 8:7178 (2018), and aihwkit's {@code PowStepDevice} (there ω = (hi − g)/(hi − lo)
 * = 1 − x, up step ∝ ω^γ⁺, down step ∝ (1 − ω)^γ⁻). γ = 1 is soft bounds ({@link LinearStep} with γ = 1); γ = 0 is the
 * constant step (0⁰ = 1).
 *
 * @param stepUp δ⁺ in siemens, the up step at x = 0
 * @param stepDown δ⁻ in siemens, the down step at x = 1
 * @param gammaUp γ⁺ &ge; 0
 * @param gammaDown γ⁻ &ge; 0
 */
public record PowerStep(double stepUp, double stepDown, double gammaUp, double gammaDown) implements StepModel {

    /** @throws IllegalArgumentException if a parameter is negative or not finite */
    public PowerStep {
        Props.requireNonNegative("step-up", stepUp);
        Props.requireNonNegative("step-down", stepDown);
        Props.requireNonNegative("gamma-up", gammaUp);
        Props.requireNonNegative("gamma-down", gammaDown);
    }

    @Override
    public double up(double g, double lo, double hi) {
        return stepUp * Math.pow(1 - StepModel.state(g, lo, hi), gammaUp);
    }

    @Override
    public double down(double g, double lo, double hi) {
        return stepDown * Math.pow(StepModel.state(g, lo, hi), gammaDown);
    }

    @Override
    public String describe() {
        return "power: dg_up = " + stepUp + " S * (1 - x)^" + gammaUp + ", dg_down = " + stepDown + " S * x^" + gammaDown;
    }
}
