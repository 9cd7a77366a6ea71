package org.ffebm.core.loss;

import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.tensor.TensorOps;

/** The loss ℓ(o, y) on the read-out o of each sample. */
public enum Loss {
    /** ℓ = −log softmax(o)_y; ∂ℓ/∂o = softmax(o) − onehot(y). */
    CROSS_ENTROPY("cross-entropy"),
    /** ℓ = ½‖o − onehot(y)‖²; ∂ℓ/∂o = o − onehot(y). */
    SQUARED_ERROR("squared-error");

    private final String key;

    Loss(String key) {
        this.key = key;
    }

    /** The configuration name. */
    public String key() {
        return key;
    }

    /** Parses a configuration name; throws IAE listing the valid names. */
    public static Loss of(String key) {
        for (Loss l : values()) {
            if (l.key.equals(key)) {
                return l;
            }
        }
        throw new IllegalArgumentException("loss must be cross-entropy or squared-error, was '" + key + "'");
    }

    /**
     * @param out (Input) batch × classes
     * @param grad (Output) per-sample ∂ℓ/∂o, reshaped to out's shape
     * @return the loss summed over the batch
     */
    public <M extends ReshapeMatrix> double evaluate(TensorOps<M> ops, M out, int[] labels, M grad) {
        return switch (this) {
            case CROSS_ENTROPY -> ops.softmaxCrossEntropy(out, labels, grad);
            case SQUARED_ERROR -> ops.squaredError(out, labels, grad);
        };
    }
}
