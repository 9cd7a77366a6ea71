package org.ffebm.digital.layer;

import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.TensorOps;

/**
 * Average pooling: y[c, oy, ox] = (1/kₛ²)·Σ_{ky,kx} x[c, oy·s + ky, ox·s + kx] ({@link Pool2d}), through core's
 * {@link TensorOps#avgPool}. Backward ({@link TensorOps#avgUnpool}): ∂ℓ/∂x[c, iy, ix] = Σ over the windows that
 * contain (iy, ix) of g[c, oy, ox]/kₛ².
 *
 * <p>Cost per sample: MACs = c·h'·w'·kₛ² (each window a dot product with the constant 1/kₛ²); bytes =
 * 4·(c·h·w + c·h'·w').
 *
 * @param <M> the matrix type of the back end
 */
public final class AvgPool2d<M extends ReshapeMatrix> extends Pool2d<M> {

    /**
     * @param ops the back end
     * @param name the block's name
     * @param in the input shape c×h×w
     * @param kernel window side kₛ, 1 ≤ kₛ ≤ min(h, w)
     * @param stride s ≥ 1
     * @throws IllegalArgumentException naming the block, parameter and value, if the geometry is impossible
     * @throws NullPointerException if an object argument is null
     */
    public AvgPool2d(TensorOps<M> ops, String name, Shape in, int kernel, int stride) {
        super(ops, name, in, kernel, stride);
    }

    /** A square window of side {@code kernel} with stride {@code kernel} (non-overlapping). */
    public AvgPool2d(TensorOps<M> ops, String name, Shape in, int kernel) {
        this(ops, name, in, kernel, kernel);
    }

    @Override
    void forwardRows(int b0, int b1) {
        ops.avgPool(input, geometry, output, b0, b1);
    }

    @Override
    void backwardRows(int b0, int b1) {
        ops.avgUnpool(gradOut, geometry, gradIn, b0, b1);
    }

    /** c·h'·w'·kₛ². */
    @Override
    public long macsPerSample() {
        return (long) outSize * geometry.kernel() * geometry.kernel();
    }
}
