package org.ffebm.core.eqprop;

import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.EpSettings;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.SettleResult;
import org.ffebm.core.model.FfEbm;
import org.ffebm.core.schedule.Scheduler;
import org.ffebm.core.tensor.TensorOps;

/**
 * The hybrid gradient of DESIGN §2: backprop through digital blocks, EP through energy blocks, chained at the
 * boundary. From the top: δᴷ = ∂ℓ/∂sᴷ by backprop through F_{K+1}; then for k = K..1 the energy block's nudged phases
 * give ∇θₖ and ∇uᵏ, and the vector-Jacobian product of Fₖ turns ∇uᵏ into ∇ωₖ and δᵏ⁻¹.
 *
 * <p>Error signals are per sample; parameter gradients are batch means (scale 1/B), added into {@link Param#grad()}
 * (call {@link #zeroGradients} first). The computation runs as the phases of the {@link Scheduler}, which is also
 * where every crossing of the analog/digital boundary is converted.
 */
public final class HybridGradient {

    private HybridGradient() {
    }

    /** What one gradient computation saw. */
    public record Result(double lossSum, int correct, int batch, SettleResult free, SettleResult nudged) {
    }

    public static <M extends ReshapeMatrix> void zeroGradients(FfEbm<M> model) {
        TensorOps<M> ops = model.ops();
        for (Param<M> p : model.params()) {
            ops.fill(p.grad(), 0.0);
        }
    }

    /**
     * Forward, loss and the hybrid backward pass for one batch, without trace events: the phases of
     * {@link Scheduler#gradient}, which applies each energy block's converters at the boundary.
     *
     * @param x (Input) batch × input features
     * @param labels (Input) one label per row
     * @param gradWork (Workspace) holds ∂ℓ/∂o; reshaped as needed
     */
    public static <M extends ReshapeMatrix> Result compute(FfEbm<M> model, M x, int[] labels, EpSettings ep,
                                                           M gradWork) {
        return Scheduler.untraced(model).gradient(x, labels, ep, gradWork);
    }
}
