package org.ffebm.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.Shape;
import org.ffebm.core.loss.Loss;
import org.ffebm.core.tensor.ShapeMismatchException;
import org.ffebm.core.tensor.TensorOps;

/**
 * A feedforward-tied energy-based model (DESIGN §1): digital blocks F₁..F_{K+1} and energy blocks E₁..E_K,
 *
 * <pre>  s⁰ = x;  uᵏ = Fₖ(sᵏ⁻¹);  sᵏ = argmin E_k(s; θₖ, uᵏ);  o = F_{K+1}(sᴷ);  loss ℓ(o, y)</pre>
 *
 * K = 0 is a plain feedforward network (the backprop baseline). Shapes are checked when the model is built.
 */
public final class FfEbm<M extends ReshapeMatrix> {

    private final TensorOps<M> ops;
    private final List<FeedforwardBlock<M>> digital;
    private final List<EnergyBlock<M>> energy;
    private final Loss loss;
    private final List<Param<M>> params;

    /**
     * @param digital K+1 digital blocks
     * @param energy K energy blocks
     */
    public FfEbm(TensorOps<M> ops, List<FeedforwardBlock<M>> digital, List<EnergyBlock<M>> energy, Loss loss) {
        this.ops = Objects.requireNonNull(ops, "ops");
        this.loss = Objects.requireNonNull(loss, "loss");
        if (digital.size() != energy.size() + 1) {
            throw new IllegalArgumentException("an ff-EBM with " + energy.size() + " energy blocks needs "
                    + (energy.size() + 1) + " digital blocks, got " + digital.size());
        }
        for (int k = 0; k < energy.size(); k++) {
            chain(digital.get(k).name(), digital.get(k).outputShape(), energy.get(k).name(), energy.get(k).inputShape());
            chain(energy.get(k).name(), energy.get(k).outputShape(), digital.get(k + 1).name(),
                    digital.get(k + 1).inputShape());
        }
        this.digital = List.copyOf(digital);
        this.energy = List.copyOf(energy);
        List<Param<M>> p = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int k = 0; k < digital.size(); k++) {
            p.addAll(digital.get(k).params());
            if (k < energy.size()) {
                p.addAll(energy.get(k).params());
            }
        }
        for (Param<M> q : p) {
            if (!names.add(q.name())) {
                throw new IllegalArgumentException("duplicate parameter name " + q.name());
            }
        }
        this.params = Collections.unmodifiableList(p);
    }

    private static void chain(String from, Shape out, String to, Shape in) {
        if (out.size() != in.size()) {
            throw new ShapeMismatchException("blocks do not chain: " + from + " outputs " + out + " but " + to
                    + " expects " + in);
        }
    }

    public TensorOps<M> ops() {
        return ops;
    }

    /** F₁..F_{K+1}. */
    public List<FeedforwardBlock<M>> digital() {
        return digital;
    }

    /** E₁..E_K. */
    public List<EnergyBlock<M>> energy() {
        return energy;
    }

    public Loss loss() {
        return loss;
    }

    /** Every trainable parameter, in chain order. */
    public List<Param<M>> params() {
        return params;
    }

    /** Every digital block's {@link FeedforwardBlock#buffers()}, in chain order (live arrays). */
    public Map<String, double[]> buffers() {
        Map<String, double[]> all = new LinkedHashMap<>();
        for (FeedforwardBlock<M> b : digital) {
            all.putAll(b.buffers());
        }
        return all;
    }

    public Shape inputShape() {
        return digital.get(0).inputShape();
    }

    public Shape outputShape() {
        return digital.get(digital.size() - 1).outputShape();
    }

    /** The parameter with this name; IAE if none. */
    public Param<M> param(String name) {
        for (Param<M> p : params) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter named " + name);
    }

    /** Total number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Param<M> p : params) {
            n += p.size();
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < digital.size(); k++) {
            b.append(digital.get(k).name()).append(' ').append(digital.get(k).inputShape()).append("->")
                    .append(digital.get(k).outputShape());
            if (k < energy.size()) {
                b.append(" | ").append(energy.get(k)).append(" | ");
            }
        }
        return b.toString();
    }
}
