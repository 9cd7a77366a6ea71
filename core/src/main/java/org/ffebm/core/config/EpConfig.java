package org.ffebm.core.config;

import java.util.Locale;
import java.util.Properties;
import org.ffebm.core.block.EpSettings;
import org.ffebm.core.block.RelaxSettings;

/**
 * Relaxation and EP settings shared by every energy block.
 *
 * @param beta nudging strength β &gt; 0
 * @param estimator centered (default) or one-sided
 * @param tFree steps of the free phase (most steps when tol &gt; 0)
 * @param tNudge steps of each nudged phase
 * @param tol per-sample residual tolerance; 0 runs the fixed step counts
 * @param order alternating (default) or synchronous
 */
public record EpConfig(double beta, EpSettings.Estimator estimator, int tFree, int tNudge, double tol,
                       RelaxSettings.Order order) {

    public static final String PREFIX = "ffebm.ep.";

    public EpConfig {
        Props.requirePositive(PREFIX + "beta", beta);
        Props.requireAtLeast(PREFIX + "t-free", tFree, 1);
        Props.requireAtLeast(PREFIX + "t-nudge", tNudge, 1);
        Props.requireNonNegative(PREFIX + "tol", tol);
        if (estimator == null || order == null) {
            throw new IllegalArgumentException(PREFIX + "estimator and order must not be null");
        }
    }

    public static EpConfig defaults() {
        return new EpConfig(0.5, EpSettings.Estimator.CENTERED, 20, 10, 1e-4, RelaxSettings.Order.ALTERNATING);
    }

    public EpSettings settings() {
        return new EpSettings(beta, estimator);
    }

    public RelaxSettings relax(ModelConfig model) {
        return new RelaxSettings(tFree, tNudge, tol, order, model.slope(), model.clampLast());
    }

    public EpConfig withBeta(double b) {
        return new EpConfig(b, estimator, tFree, tNudge, tol, order);
    }

    public EpConfig withEstimator(EpSettings.Estimator e) {
        return new EpConfig(beta, e, tFree, tNudge, tol, order);
    }

    /** The same settings with another free-phase budget (steps, tolerance): e.g. to evaluate at another budget. */
    public EpConfig withFreePhase(int steps, double tolerance) {
        return new EpConfig(beta, estimator, steps, tNudge, tolerance, order);
    }

    public static EpConfig of(Properties p) {
        EpConfig d = defaults();
        String est = Props.string(p, PREFIX + "estimator", key(d.estimator));
        String ord = Props.string(p, PREFIX + "order", key(d.order));
        return new EpConfig(Props.number(p, PREFIX + "beta", d.beta), estimator(est),
                Props.integer(p, PREFIX + "t-free", d.tFree), Props.integer(p, PREFIX + "t-nudge", d.tNudge),
                Props.number(p, PREFIX + "tol", d.tol), order(ord));
    }

    public void write(Properties p) {
        p.setProperty(PREFIX + "beta", Double.toString(beta));
        p.setProperty(PREFIX + "estimator", key(estimator));
        p.setProperty(PREFIX + "t-free", Integer.toString(tFree));
        p.setProperty(PREFIX + "t-nudge", Integer.toString(tNudge));
        p.setProperty(PREFIX + "tol", Double.toString(tol));
        p.setProperty(PREFIX + "order", key(order));
    }

    static String key(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static EpSettings.Estimator estimator(String s) {
        return switch (s) {
            case "centered", "centred" -> EpSettings.Estimator.CENTERED;
            case "one-sided" -> EpSettings.Estimator.ONE_SIDED;
            default -> throw new IllegalArgumentException(PREFIX + "estimator must be centered or one-sided, was '" + s
                    + "'");
        };
    }

    static RelaxSettings.Order order(String s) {
        return switch (s) {
            case "alternating" -> RelaxSettings.Order.ALTERNATING;
            case "synchronous" -> RelaxSettings.Order.SYNCHRONOUS;
            default -> throw new IllegalArgumentException(PREFIX + "order must be alternating or synchronous, was '" + s
                    + "'");
        };
    }
}
