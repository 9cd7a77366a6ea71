package org.ffebm.analog.device;

/**
 * The expected conductance change of one programming pulse as a function of the device state: the deterministic part
 * of a pulsed update, to which {@link DeviceArray} adds cycle-to-cycle noise, device-to-device scaling, clipping to the
 * device's bounds and quantization.
 *
 * <p>Both methods return a magnitude in siemens (&ge; 0): an up pulse adds {@link #up}, a down pulse subtracts
 * {@link #down}. They take the device's own bounds so that device-to-device variability of the bounds moves the
 * state dependence with them: with x = (g − lo)/(hi − lo) clamped to [0, 1], every model is a function of x. They are
 * pure, allocation-free and safe to call from several threads.
 *
 * <p>The implementations and the papers they follow:
 * <ul>
 *   <li>{@link ConstantStep}: constant step up to hard bounds, the resistive processing unit of Gokmen &amp; Vlasov,
 *       Front. Neurosci. 10:333 (2016); aihwkit {@code ConstantStepDevice}.</li>
 *   <li>{@link LinearStep}: step linear in the state, soft bounds when γ = 1 (Fusi &amp; Abbott, Nat. Neurosci.
 *       10:485 (2007)); aihwkit {@code LinearStepDevice} / {@code SoftBoundsDevice}.</li>
 *   <li>{@link ExponentialStep}: step decaying exponentially toward the bound it approaches, the nonlinear memristive
 *       synapse of Querlioz et al., IEEE Trans. Nanotechnol. 12:288 (2013); compare aihwkit {@code ExpStepDevice}.</li>
 *   <li>{@link PowerStep}: step a power of the distance to the bound, Fusi &amp; Abbott (2007) and Frascaroli et al.,
 *       Sci. Rep. 8:7178 (2018); aihwkit {@code PowStepDevice}.</li>
 *   <li>{@link TableStep}: measured step vs conductance, linearly interpolated; aihwkit {@code PiecewiseStepDevice}.</li>
 * </ul>
 */
public interface StepModel {

    /**
     * The expected magnitude of one up (potentiating) pulse.
     *
     * @param g the device's conductance in siemens
     * @param lo the device's lower bound in siemens
     * @param hi the device's upper bound in siemens, &gt; lo
     * @return the expected increase of g in siemens, &ge; 0 (before clipping to hi)
     */
    double up(double g, double lo, double hi);

    /**
     * The expected magnitude of one down (depressing) pulse.
     *
     * @param g the device's conductance in siemens
     * @param lo the device's lower bound in siemens
     * @param hi the device's upper bound in siemens, &gt; lo
     * @return the expected decrease of g in siemens, &ge; 0 (before clipping to lo)
     */
    double down(double g, double lo, double hi);

    /**
     * One line naming the model and its parameters, for logs and {@code ./ffebm devices}.
     *
     * @return the description
     */
    String describe();

    /**
     * The symmetric point: the conductance where an up and a down pulse have the same expected size, so that a device
     * receiving random up/down pulses drifts toward it (Gokmen &amp; Haensch, Front. Neurosci. 14:103 (2020)). Found by
     * bisection of up − down on [lo, hi], which is exact to 1e-12 of the window for the monotone models of this
     * package.
     *
     * @param lo the device's lower bound in siemens
     * @param hi the device's upper bound in siemens
     * @return the symmetric point in siemens, or NaN if up − down does not change sign on [lo, hi]
     */
    default double symmetricPoint(double lo, double hi) {
        double a = lo;
        double b = hi;
        double fa = up(a, lo, hi) - down(a, lo, hi);
        double fb = up(b, lo, hi) - down(b, lo, hi);
        if (fa == 0) {
            return a;
        }
        if (fb == 0) {
            return b;
        }
        if (Math.signum(fa) == Math.signum(fb)) {
            return Double.NaN;
        }
        for (int it = 0; it < 200 && b - a > 1e-12 * (hi - lo); it++) {
            double m = 0.5 * (a + b);
            double fm = up(m, lo, hi) - down(m, lo, hi);
            if (fm == 0) {
                return m;
            }
            if (Math.signum(fm) == Math.signum(fa)) {
                a = m;
                fa = fm;
            } else {
                b = m;
            }
        }
        return 0.5 * (a + b);
    }

    /**
     * The normalized state x = (g − lo)/(hi − lo), clamped to [0, 1].
     *
     * @param g conductance in siemens
     * @param lo lower bound in siemens
     * @param hi upper bound in siemens, &gt; lo
     * @return x ∈ [0, 1]
     */
    static double state(double g, double lo, double hi) {
        double x = (g - lo) / (hi - lo);
        return x < 0 ? 0 : (x > 1 ? 1 : x);
    }

    /**
     * The model a configuration names, with δ± = δ(1 ± a). For {@code table} this reads the CSV file.
     *
     * @param c the device configuration
     * @return the step model
     * @throws IllegalArgumentException if the table file is missing, malformed or not strictly increasing in g
     */
    static StepModel of(DeviceConfig c) {
        double up = c.stepSize() * (1 + c.asymmetry());
        double down = c.stepSize() * (1 - c.asymmetry());
        return switch (c.stepModel()) {
            case CONSTANT -> new ConstantStep(up, down);
            case LINEAR -> new LinearStep(up, down, c.gammaUp(), c.gammaDown());
            case EXPONENTIAL -> new ExponentialStep(up, down, c.gammaUp(), c.gammaDown());
            case POWER -> new PowerStep(up, down, c.gammaUp(), c.gammaDown());
            case TABLE -> TableStep.read(java.nio.file.Path.of(c.table()), c.gMin(), c.gMax(), c.asymmetry());
        };
    }
}
