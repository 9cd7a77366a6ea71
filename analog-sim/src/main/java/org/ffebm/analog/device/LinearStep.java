package org.ffebm.analog.device;

import org.ffebm.core.config.Props;

/**
 * Linear step, soft bounds as its special case: with x = (g − lo)/(hi − lo),
 * <pre>
 *   Δ⁺(x) = δ⁺ · max(0, 1 − γ⁺ x)          Δ⁻(x) = δ⁻ · max(0, 1 − γ⁻ (1 − x))
 * </pre>
 * so the step shrinks linearly as the device approaches the bound it moves toward. γ = 0 is the constant step; γ = 1 is
 * <b>soft bounds</b>, the step vanishing at the bound, as in the bounded synapses of Fusi &amp; Abbott, "Limits on the
 * memory storage capacity of bounded synapses", Nat. Neurosci. 10:485 (2007), and aihwkit's {@code SoftBoundsDevice};
 * other γ give aihwkit's {@code LinearStepDevice} (written there with the slope relative to the weight bounds; see
 * {@link DevicePresets} for the conversion). The "nonlinear weight update" of NeuroSim (Chen, Peng &amp; Yu, IEEE TCAD
 * 37:3067 (2018)), G(P) = B(1 − e^{−P/A}) + G_min in the pulse number P, has dG/dP = (G_min + B − G)/A: a step linear
 * in the state, i.e. this model with γ⁺ = (hi − lo)/B. The symmetric point, where Δ⁺ = Δ⁻, is
 * <pre>
 *   x* = (δ⁺ − δ⁻ + δ⁻γ⁻) / (δ⁺γ⁺ + δ⁻γ⁻),     for soft bounds x* = δ⁺ / (δ⁺ + δ⁻) = (1 + a)/2.
 * </pre>
 *
 * @param stepUp δ⁺ in siemens, the up step at x = 0
 * @param stepDown δ⁻ in siemens, the down step at x = 1
 * @param gammaUp γ⁺ &ge; 0
 * @param gammaDown γ⁻ &ge; 0
 */
public record LinearStep(double stepUp, double stepDown, double gammaUp, double gammaDown) implements StepModel {

    /** @throws IllegalArgumentException if a parameter is negative or not finite */
    public LinearStep {
        Props.requireNonNegative("step-up", stepUp);
        Props.requireNonNegative("step-down", stepDown);
        Props.requireNonNegative("gamma-up", gammaUp);
        Props.requireNonNegative("gamma-down", gammaDown);
    }

    @Override
    public double up(double g, double lo, double hi) {
        double f = 1 - gammaUp * StepModel.state(g, lo, hi);
        return f > 0 ? stepUp * f : 0;
    }

    @Override
    public double down(double g, double lo, double hi) {
        double f = 1 - gammaDown * (1 - StepModel.state(g, lo, hi));
        return f > 0 ? stepDown * f : 0;
    }

    /**
     * The closed-form symmetric point (see the class doc), for comparison with the bisection of the interface.
     *
     * @param lo lower bound in siemens
     * @param hi upper bound in siemens
     * @return lo + x*(hi − lo), or NaN when the denominator is 0 or x* ∉ [0, 1]
     */
    public double symmetricPointClosedForm(double lo, double hi) {
        double den = stepUp * gammaUp + stepDown * gammaDown;
        double x = (stepUp - stepDown + stepDown * gammaDown) / den;
        return den > 0 && x >= 0 && x <= 1 ? lo + x * (hi - lo) : Double.NaN;
    }

    @Override
    public String describe() {
        return "linear: dg_up = " + stepUp + " S * max(0, 1 - " + gammaUp + " x), dg_down = " + stepDown
                + " S * max(0, 1 - " + gammaDown + " (1 - x))" + (gammaUp == 1 && gammaDown == 1 ? " (soft bounds)" : "");
    }
}
