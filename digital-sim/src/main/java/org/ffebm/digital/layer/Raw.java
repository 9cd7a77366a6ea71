package org.ffebm.digital.layer;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.tensor.TensorOps;
import org.ffebm.digital.format.NumberFormat;

/**
 * The element loops of the layers that {@link TensorOps} does not offer, written once per storage type over the
 * matrices' row-major {@code data} arrays ({@link RawF32} for {@code FMatrixRMaj}, {@link RawF64} for
 * {@code DMatrixRMaj}), so that hot loops index arrays directly instead of calling {@code ops.get/set}.
 *
 * <p>Offsets are flat indices into {@code data}; {@code idx} tables come from {@link Windows}, with −1 for a padding
 * zero. Nothing here checks bounds beyond the JVM's array checks, allocates, or depends on how the caller splits
 * the work: each output element is computed in a fixed order. Scalars passed as double are rounded to the storage
 * precision once; sums of the float32 element loops run in float32, except {@link #channelSums} and
 * {@link #channelAffine}, which work in double.
 */
interface Raw<M extends ReshapeMatrix> {

    /**
     * The implementation for the matrices of {@code ops}.
     *
     * @throws IllegalArgumentException if they are neither {@code FMatrixRMaj} nor {@code DMatrixRMaj}
     */
    @SuppressWarnings("unchecked")
    static <M extends ReshapeMatrix> Raw<M> of(TensorOps<M> ops) {
        M probe = ops.zeros(0, 0);
        if (probe instanceof FMatrixRMaj) {
            return (Raw<M>) RawF32.INSTANCE;
        }
        if (probe instanceof DMatrixRMaj) {
            return (Raw<M>) RawF64.INSTANCE;
        }
        throw new IllegalArgumentException("unsupported matrix type " + probe.getClass().getName() + " of the "
                + ops.precision() + " back end; digital layers need FMatrixRMaj or DMatrixRMaj");
    }

    /** dst[dstOff + j] = idx[j] &lt; 0 ? 0 : src[srcOff + idx[j]] for j in [0, n). */
    void gather(M src, int srcOff, int[] idx, int n, M dst, int dstOff);

    /** dst[dstOff + o] = scale·Σ_t src[srcOff + idx[o·fan + t]] for o in [0, n), t in [0, fan), skipping idx &lt; 0. */
    void windowSum(M src, int srcOff, int[] idx, int n, int fan, double scale, M dst, int dstOff);

    /**
     * dst[dstOff + o] = max_t src[srcOff + idx[o·fan + t]] over the entries with idx ≥ 0 (−∞ if none), and
     * arg[argOff + o] = the idx of the first maximum (−1 if none). A NaN entry is the maximum (the first NaN wins).
     */
    void windowMax(M src, int srcOff, int[] idx, int n, int fan, M dst, int dstOff, int[] arg, int argOff);

    /**
     * dst[dstOff + idx[idxOff + o·fan + t]] += scale·src[srcOff + o] for o in [0, n), t in [0, fan), in that order,
     * skipping idx &lt; 0: the adjoint of {@link #gather} (fan 1) and of {@link #windowSum}.
     */
    void scatterAdd(M src, int srcOff, int n, int[] idx, int idxOff, int fan, double scale, M dst, int dstOff);

    /** m.data[from, to) = 0. */
    void zero(M m, int from, int to);

    /** out = x ≤ 0 ? 0 : x on [from, to) (NaN stays NaN). */
    void relu(M in, M out, int from, int to);

    /** gradIn = in &gt; 0 ? gradOut : 0 on [from, to). */
    void reluBackward(M in, M gradOut, M gradIn, int from, int to);

    /**
     * Per-channel sums over all rows of matrices laid out as rows × (channels·spatial), for channels [c0, c1):
     * sumU[c] = Σ_{r,s} u′ and, if v is not null, sumUV[c] = Σ_{r,s} u′·(v − vShift[c]), where u′ = u − uShift[c].
     * Accumulated in double, rows then positions in increasing order. A null shift means 0.
     */
    void channelSums(M u, double[] uShift, M v, double[] vShift, int spatial, int c0, int c1, double[] sumU,
                     double[] sumUV);

    /**
     * out = a[c]·u + b[c]·(v − vShift[c]) + d[c] on rows [r0, r1), c the channel of the entry, evaluated in double
     * and rounded once; a null u or v drops its term (with its coefficients), a null vShift means 0.
     */
    void channelAffine(M u, double[] a, M v, double[] vShift, double[] b, double[] d, int spatial, M out, int r0,
                       int r1);

    /** Rounds all of m to {@code format} in place and returns the scale (see {@link NumberFormat#roundInPlace}). */
    double roundInPlace(NumberFormat format, M m);
}
