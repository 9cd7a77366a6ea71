package org.ffebm.core.eqprop;

import java.util.List;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.EpSettings;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.SettleResult;
import org.ffebm.core.model.FfEbm;
import org.ffebm.core.tensor.TensorOps;

/**
 * The hybrid gradient of DESIGN §2: backprop through digital blocks, EP through energy blocks, chained at the
 * boundary. From the top: δᴷ = ∂ℓ/∂sᴷ by backprop through F_{K+1}; then for k = K..1 the energy block's nudged phases
 * give ∇θₖ and ∇uᵏ, and the vector-Jacobian product of Fₖ turns ∇uᵏ into ∇ωₖ and δᵏ⁻¹.
 *
 * <p>Error signals are per sample; parameter gradients are batch means (scale 1/B), added into {@link Param#grad()}
 * (call {@link #zeroGradients} first).
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
     * Forward, loss and the hybrid backward pass for one batch.
     *
     * @param x (Input) batch × input features
     * @param labels (Input) one label per row
     * @param gradWork (Workspace) holds ∂ℓ/∂o; reshaped as needed
     */
    public static <M extends ReshapeMatrix> Result compute(FfEbm<M> model, M x, int[] labels, EpSettings ep,
                                                           M gradWork) {
        TensorOps<M> ops = model.ops();
        int batch = x.getNumRows();
        SettleResult[] free = new SettleResult[1];
        M out = model.forward(x, true, free);
        double loss = model.loss().evaluate(ops, out, labels, gradWork);
        int correct = ops.countCorrect(out, labels);
        double scale = 1.0 / batch;
        List<FeedforwardBlock<M>> digital = model.digital();
        List<EnergyBlock<M>> energy = model.energy();
        int k = energy.size();
        M delta = digital.get(k).backward(gradWork, scale, k > 0);
        SettleResult nudged = null;
        for (k = energy.size() - 1; k >= 0; k--) {
            EnergyBlock<M> block = energy.get(k);
            boolean needBelow = k > 0 || !digital.get(k).params().isEmpty();
            SettleResult r = block.backward(delta, ep, scale, needBelow);
            nudged = nudged == null ? r : nudged.merge(r);
            if (needBelow) {
                delta = digital.get(k).backward(block.inputGradient(), scale, k > 0);
            }
        }
        return new Result(loss, correct, batch, free[0], nudged);
    }
}
