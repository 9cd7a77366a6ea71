package org.ffebm.core.block;

import java.util.Objects;
import org.ejml.data.ReshapeMatrix;

/**
 * A trainable tensor with its gradient. The gradient is the batch mean of the loss gradient; blocks add into it
 * ({@link #grad()}) and the trainer zeroes it before each step.
 *
 * @param name unique in the model, e.g. {@code eb1.W1}
 * @param group the block that owns it, for per-block learning rates
 * @param kind weight (decayed) or bias (not decayed)
 * @param value (Output) modified by optimisers
 * @param grad (Output) modified by the gradient computation
 */
public record Param<M extends ReshapeMatrix>(String name, String group, Kind kind, M value, M grad) {

    public enum Kind { WEIGHT, BIAS }

    public Param {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(kind, "kind");
        if (value.getNumRows() != grad.getNumRows() || value.getNumCols() != grad.getNumCols()) {
            throw new IllegalArgumentException("param " + name + ": value and grad shapes differ");
        }
    }

    public int size() {
        return value.getNumRows() * value.getNumCols();
    }
}
