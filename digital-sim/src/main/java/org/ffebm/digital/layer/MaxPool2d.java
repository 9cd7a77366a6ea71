package org.ffebm.digital.layer;

import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.TensorOps;

/**
 * Max pooling: y[c, oy, ox] = max_{ky,kx} x[c, oy·s + ky, ox·s + kx] ({@link Pool2d}), through core's
 * {@link TensorOps#maxPool}. Backward ({@link TensorOps#maxUnpool}) routes each output's gradient to the input that
 * gave the maximum, the first one in row-major window order on ties (overlapping windows add up). A NaN in a window is
 * its maximum.
 *
 * <p>Cost per sample: 0 MACs (c·h'·w'·(kₛ² − 1) comparisons); bytes = 4·(c·h·w + c·h'·w').
 *
 * @param <M> the matrix type of the back end
 */
public final class MaxPool2d<M extends ReshapeMatrix> extends Pool2d<M> {

    /** The input column of each output's maximum, per sample: batch × c·h'·w', grows. */
    private int[] argmax = new int[0];

    /**
     * @param ops the back end
     * @param name the block's name
     * @param in the input shape c×h×w
     * @param kernel window side kₛ, 1 ≤ kₛ ≤ min(h, w)
     * @param stride s ≥ 1
     * @throws IllegalArgumentException naming the block, parameter and value, if the geometry is impossible
     * @throws NullPointerException if an object argument is null
     */
    public MaxPool2d(TensorOps<M> ops, String name, Shape in, int kernel, int stride) {
        super(ops, name, in, kernel, stride);
    }

    /** A square window of side {@code kernel} with stride {@code kernel} (non-overlapping). */
    public MaxPool2d(TensorOps<M> ops, String name, Shape in, int kernel) {
        this(ops, name, in, kernel, kernel);
    }

    @Override
    void prepare(int batch) {
        if (argmax.length < batch * outSize) {
            argmax = new int[batch * outSize];
        }
    }

    @Override
    void forwardRows(int b0, int b1) {
        ops.maxPool(input, geometry, output, argmax, b0, b1);
    }

    @Override
    void backwardRows(int b0, int b1) {
        ops.maxUnpool(gradOut, argmax, geometry, gradIn, b0, b1);
    }

    /** 0: comparisons only. */
    @Override
    public long macsPerSample() {
        return 0;
    }
}
