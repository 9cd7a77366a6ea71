package org.ffebm.digital.layer;

import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.TensorOps;

/**
 * Average pooling: y[c, oy, ox] = (1/(kh·kw))·Σ_{ky,kx} x[c, oy·s + ky, ox·s + kx] ({@link Pool2d}). Backward:
 * ∂ℓ/∂x[c, iy, ix] = Σ over the windows that contain (iy, ix) of g[c, oy, ox]/(kh·kw).
 *
 * <p>Cost per sample: MACs = c·h'·w'·kh·kw (each window a dot product with the constant 1/(kh·kw)); bytes =
 * 4·(c·h·w + c·h'·w').
 *
 * @param <M> the matrix type of the back end
 */
public final class AvgPool2d<M extends ReshapeMatrix> extends Pool2d<M> {

    /**
     * @param ops the back end
     * @param name the block's name
     * @param in the input shape c×h×w
     * @param kernelH window height kh, 1 ≤ kh ≤ h
     * @param kernelW window width kw, 1 ≤ kw ≤ w
     * @param stride s ≥ 1
     * @throws IllegalArgumentException naming the block, parameter and value, if the geometry is impossible or the
     *                                  back end's matrices are neither FMatrixRMaj nor DMatrixRMaj
     */
    public AvgPool2d(TensorOps<M> ops, String name, Shape in, int kernelH, int kernelW, int stride) {
        super(ops, name, in, kernelH, kernelW, stride);
    }

    /** A square window of side {@code kernel} with stride {@code kernel} (non-overlapping). */
    public AvgPool2d(TensorOps<M> ops, String name, Shape in, int kernel) {
        this(ops, name, in, kernel, kernel, kernel);
    }

    @Override
    void forwardRows(int b0, int b1) {
        for (int b = b0; b < b1; b++) {
            raw.windowSum(input, b * inSize, windows, outSize, fan, 1.0 / fan, output, b * outSize);
        }
    }

    @Override
    void backwardRows(int b0, int b1) {
        for (int b = b0; b < b1; b++) {
            raw.scatterAdd(gradOut, b * outSize, outSize, windows, 0, fan, 1.0 / fan, gradIn, b * inSize);
        }
    }

    /** c·h'·w'·kh·kw. */
    @Override
    public long macsPerSample() {
        return (long) outSize * fan;
    }
}
