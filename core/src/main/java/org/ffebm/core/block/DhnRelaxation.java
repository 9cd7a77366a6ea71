package org.ffebm.core.block;

import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.tensor.TensorOps;

/**
 * The part of a layered DHN block that does not depend on where its weights live: the projected fixed-point step
 * loop with per-sample tolerance (DESIGN §1), the settle summary, and the EP estimator's differences and weight
 * gradients (DESIGN §2). Core's {@link DenseDhnBlock} and analog-sim's crossbar block both delegate to it and differ
 * only in how a layer's drive is read ({@link Drive}).
 *
 * <p>Per-row bookkeeping (frozen flags, residuals, step counts) is owned here; rows of a batch are independent, so
 * callers split them over threads. Nothing here allocates after {@link #ensureRows}.
 */
public final class DhnRelaxation<M extends ReshapeMatrix> {

    /** Writes layer l's total input (bottom-up, top-down, bias and nudge) into its drive buffer, rows [r0, r1). */
    @FunctionalInterface
    public interface Drive<M> {
        void compute(int l, M[] state, int r0, int r1);
    }

    private final TensorOps<M> ops;
    private final RelaxSettings relax;
    private final int layers;
    private boolean[] frozen = new boolean[0];
    private double[] rowResidual = new double[0];
    private int[] rowIterations = new int[0];

    public DhnRelaxation(TensorOps<M> ops, RelaxSettings relax, int layers) {
        this.ops = ops;
        this.relax = relax;
        this.layers = layers;
    }

    /** Grows the per-row arrays to at least {@code rows}. */
    public void ensureRows(int rows) {
        if (frozen.length < rows) {
            frozen = new boolean[rows];
            rowResidual = new double[rows];
            rowIterations = new int[rows];
        }
    }

    /**
     * Runs up to {@code steps} steps on rows [r0, r1) of {@code s}: odd layers then even ones (alternating) or all
     * at once (synchronous), each layer s ← clip(a·drive, 0, 1) (or s ← drive for a linear last layer). With a
     * tolerance, a sample stops once its own residual max|Δs| of one step is below it. The hot loop: allocates
     * nothing.
     */
    public void run(M[] s, M[] drive, Drive<M> f, int steps, int r0, int r1) {
        final double tol = relax.tol();
        final boolean useTol = tol > 0;
        for (int r = r0; r < r1; r++) {
            frozen[r] = false;
            rowResidual[r] = 0;
            rowIterations[r] = 0;
        }
        final boolean alternating = relax.order() == RelaxSettings.Order.ALTERNATING && layers > 1;
        int active = r1 - r0;
        for (int t = 1; t <= steps && active > 0; t++) {
            for (int r = r0; r < r1; r++) {
                if (!frozen[r]) {
                    rowResidual[r] = 0;
                    rowIterations[r] = t;
                }
            }
            if (alternating) {
                for (int parity = 1; parity >= 0; parity--) {      // odd layers first, then even
                    int first = parity == 1 ? 1 : 2;
                    for (int l = first; l <= layers; l += 2) {
                        f.compute(l, s, r0, r1);
                    }
                    for (int l = first; l <= layers; l += 2) {
                        update(l, s, drive, r0, r1);
                    }
                }
            } else {
                for (int l = 1; l <= layers; l++) {
                    f.compute(l, s, r0, r1);
                }
                for (int l = 1; l <= layers; l++) {
                    update(l, s, drive, r0, r1);
                }
            }
            if (useTol) {
                for (int r = r0; r < r1; r++) {
                    if (!frozen[r] && rowResidual[r] < tol) {
                        frozen[r] = true;
                        active--;
                    }
                }
            }
        }
    }

    private void update(int l, M[] s, M[] drive, int r0, int r1) {
        boolean clamp = l < layers || relax.clampLast();
        ops.relaxUpdate(drive[l], s[l], relax.slope(), clamp, relax.tol() > 0 ? frozen : null, rowResidual, r0, r1);
    }

    /** The settle summary of the last run over rows [0, batch). */
    public SettleResult collect(int batch) {
        boolean converged = true;
        int iterations = 0;
        long steps = 0;
        double residual = 0;
        double tol = relax.tol();
        for (int r = 0; r < batch; r++) {
            iterations = Math.max(iterations, rowIterations[r]);
            steps += rowIterations[r];
            if (!(rowResidual[r] <= residual)) {
                residual = rowResidual[r];
            }
            converged &= tol > 0 ? rowResidual[r] < tol : rowResidual[r] == 0;
        }
        return new SettleResult(converged, iterations, residual, steps);
    }

    /** The largest per-sample residual of the last step over rows [0, batch), without allocating. */
    public double maxResidual(int batch) {
        double residual = 0;
        for (int r = 0; r < batch; r++) {
            residual = Math.max(residual, rowResidual[r]);
        }
        return residual;
    }

    /**
     * diff = −(s⁺ − s⁻)/2β and mean = (s⁺ + s⁻)/2 on rows [r0, r1) (one-sided: {@code other} is the free state and
     * 2β becomes β).
     */
    public void differences(EpSettings ep, M[] plus, M[] other, M[] diff, M[] mean, int r0, int r1) {
        double c = ep.estimator() == EpSettings.Estimator.CENTERED ? 1.0 / (2 * ep.beta()) : 1.0 / ep.beta();
        for (int l = 1; l <= layers; l++) {
            ops.combine(-c, plus[l], c, other[l], diff[l], r0, r1);
            ops.combine(0.5, plus[l], 0.5, other[l], mean[l], r0, r1);
        }
    }

    /**
     * Adds scale·∇Wₗ into rows [r0, r1) of {@code grad}: dSₗᵀ·mSₗ₋₁ + mSₗᵀ·dSₗ₋₁, or dS₁ᵀ·u for the first layer.
     */
    public void weightGradient(int l, double scale, M[] diff, M[] mean, M u, M grad, int r0, int r1) {
        if (l == 1) {
            ops.multTransA(scale, diff[1], u, 1.0, grad, r0, r1);
        } else {
            ops.multTransA(scale, diff[l], mean[l - 1], 1.0, grad, r0, r1);
            ops.multTransA(scale, mean[l], diff[l - 1], 1.0, grad, r0, r1);
        }
    }
}
