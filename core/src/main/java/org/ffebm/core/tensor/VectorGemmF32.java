package org.ffebm.core.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.ejml.data.FMatrixRMaj;

/**
 * The SIMD kernel, on the Vector API ({@code jdk.incubator.vector}, JDK 17: compile and run with
 * {@code --add-modules jdk.incubator.vector}). Load it through {@link Kernels}, which falls back to
 * {@link BlockedGemmF32} and says why when this class or the module is missing.
 *
 * <p><b>Where it lives.</b> This source sits in the {@code benchmarks} module (same package as the core kernels, so
 * that {@link Kernels} finds it by name) until {@code core} is compiled with the incubator module; promoting it is a
 * move of this file plus the compiler and test flags listed in {@code docs/design-notes.md}.
 *
 * <p><b>Method.</b> Output blocks of 4 rows × 2 vectors (2·L columns, L = the lanes of
 * {@link FloatVector#SPECIES_PREFERRED}: 16 with AVX-512, 8 with AVX2) are held in eight vector registers while the
 * inner index p runs: each step loads two vectors of row p of B, broadcasts four elements of A and does eight
 * multiply–adds. Columns left over use one-vector blocks, then a scalar dot product; rows left over use 1-row blocks.
 * {@code mult} and {@code multTransA} read B's rows in place. {@code multTransB} first packs the 2·L rows of B that a
 * column panel needs into a p-major panel (a transpose of k × 2·L floats), kept in a per-thread grow-only array, and
 * reuses it for every row block of the range.
 *
 * <p><b>Same bits as {@link ReferenceGemmF32}.</b> Each lane accumulates {@code sum = 0; sum = sum + a·b} over p in
 * increasing order with a separate multiply and add (never {@code fma}), then writes {@code alpha·sum [+ beta·c]}: the
 * same IEEE operations in the same order as the reference's scalar loop, whatever the lane count or the block an
 * element falls in. So results do not depend on r0, r1, the thread count, or the machine's vector width. A fused
 * multiply–add would be about 10–20% faster here but would round differently from the scalar kernels.
 *
 * <p><b>Threads and memory.</b> The only state is the per-thread panel ({@link ThreadLocal}): one instance may serve
 * several threads on disjoint row ranges at once. Nothing is allocated once a thread has packed its largest panel:
 * C2 keeps the vectors in registers, which JMH {@code -prof gc} checks (≈ 0 B/op).
 *
 * <p><b>Keeping C2's intrinsics (JDK 17).</b> An operation whose receiver is a loop-carried accumulator, such as
 * {@code acc.add(t)} or {@code acc.mul(alpha)}, is a virtual call on a {@code FloatVector} of unknown exact class; C2
 * inlines it only if a type profile happens to exist, and otherwise falls back to boxing the vector (measured: in
 * about half of the JVM runs, 8 boxes per 4×2 block, ~390 KB per 128×784·784×512 product). So every operation here
 * has a receiver of exact class (a fresh {@code broadcast} or {@code fromArray}, or a result of one):
 * {@code x.mul(y).add(acc)} and {@code alpha.mul(acc)}. IEEE addition and multiplication are commutative, so the bits
 * are those of {@code acc + x·y} and {@code alpha·acc}. Helpers that take or return vectors are avoided for the same
 * reason (a call that is not inlined boxes its vector arguments).
 */
public final class VectorGemmF32 implements GemmF32 {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int W = 2 * L;

    private final ThreadLocal<float[][]> panel = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * @throws UnsupportedOperationException if the preferred vector species has fewer than 4 float lanes (no SIMD worth
     *                                       using; {@link Kernels} then falls back to the scalar kernel)
     */
    public VectorGemmF32() {
        if (L < 4) {
            throw new UnsupportedOperationException("preferred float vector has " + L + " lanes (" + S + ")");
        }
    }

    @Override
    public String name() {
        return "vector";
    }

    /** The vector species used, e.g. {@code Species[float, 16, S_512_BIT]}, for logs and provenance. */
    public static String species() {
        return S.toString();
    }

    @Override
    public void mult(FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1) {
        GemmF32.checkMult(a, b, c, r0, r1);
        final int k = a.numCols, n = b.numCols;
        // A(i,p) = a[i*k + p]; B(p,j) = b[p*n + j]
        product(a.data, k, 1, b.data, 1, n, false, k, 1f, beta, c.data, n, r0, r1);
    }

    @Override
    public void multTransB(FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1) {
        GemmF32.checkMultTransB(a, b, c, r0, r1);
        final int k = a.numCols;
        // A(i,p) = a[i*k + p]; B(p,j) = b[j*k + p]: panels are packed
        product(a.data, k, 1, b.data, k, 1, true, k, 1f, beta, c.data, b.numRows, r0, r1);
    }

    @Override
    public void multTransA(float alpha, FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1) {
        GemmF32.checkMultTransA(a, b, c, r0, r1);
        final int n = b.numCols;
        // A(i,p) = a[p*m + i]; B(p,j) = b[p*n + j]
        product(a.data, 1, a.numCols, b.data, 1, n, false, a.numRows, alpha, beta, c.data, n, r0, r1);
    }

    /**
     * C(i,j) = alpha·Σ_p A(i,p)·B(p,j) [+ beta·C(i,j)] for i in [r0, r1), j in [0, n), with A(i,p) =
     * {@code ad[i*aI + p*aP]}, B(p,j) = {@code bd[j*bJ + p*bP]}, C(i,j) = {@code cd[i*n + j]}. Without {@code pack},
     * bJ must be 1 (B's rows contiguous); with it, each vector panel is first packed p-major.
     */
    private void product(float[] ad, int aI, int aP, float[] bd, int bJ, int bP, boolean pack, int k, float alpha,
            float beta, float[] cd, int n, int r0, int r1) {
        if (r0 == r1) {
            return;
        }
        float[] pd = null;
        if (pack) {
            float[][] holder = panel.get();
            if (holder[0].length < k * W) {
                holder[0] = new float[k * W];
            }
            pd = holder[0];
        }
        int j = 0;
        for (int width = W; width >= L; width -= L) {
            for (; j + width <= n; j += width) {
                float[] src;
                int off, stride;
                if (pack) {
                    packPanel(bd, j, bJ, bP, k, width, pd);
                    src = pd;
                    off = 0;
                    stride = width;
                } else {
                    src = bd;
                    off = j;
                    stride = bP;
                }
                int i = r0;
                if (width == W) {
                    for (; i + 3 < r1; i += 4) {
                        block4x2(ad, i * aI, aI, aP, src, off, stride, k, alpha, beta, cd, i * n + j, n);
                    }
                    for (; i < r1; i++) {
                        block1x2(ad, i * aI, aP, src, off, stride, k, alpha, beta, cd, i * n + j);
                    }
                } else {
                    for (; i < r1; i++) {
                        block1x1(ad, i * aI, aP, src, off, stride, k, alpha, beta, cd, i * n + j);
                    }
                }
            }
        }
        for (; j < n; j++) {
            for (int i = r0; i < r1; i++) {
                float s = 0f;
                for (int p = 0, ai = i * aI, bi = j * bJ; p < k; p++, ai += aP, bi += bP) {
                    s += ad[ai] * bd[bi];
                }
                cd[i * n + j] = beta == 0f ? alpha * s : alpha * s + beta * cd[i * n + j];
            }
        }
    }

    /** panel[p*width + q] = B(p, j+q) for q in [0, width), p in [0, k). */
    private static void packPanel(float[] bd, int j, int bJ, int bP, int k, int width, float[] pd) {
        for (int q = 0; q < width; q++) {
            for (int p = 0, bi = (j + q) * bJ, pi = q; p < k; p++, bi += bP, pi += width) {
                pd[pi] = bd[bi];
            }
        }
    }

    /** Rows i..i+3, columns j..j+2L; B(p, j+q) = src[off + p*stride + q]. */
    private static void block4x2(float[] ad, int a0, int aI, int aP, float[] src, int off, int stride, int k,
            float alpha, float beta, float[] cd, int c0, int n) {
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00;
        FloatVector s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        final int aI2 = 2 * aI, aI3 = 3 * aI;
        for (int p = 0, ai = a0, bi = off; p < k; p++, ai += aP, bi += stride) {
            final FloatVector y0 = FloatVector.fromArray(S, src, bi), y1 = FloatVector.fromArray(S, src, bi + L);
            FloatVector x = FloatVector.broadcast(S, ad[ai]);
            s00 = x.mul(y0).add(s00);
            s01 = x.mul(y1).add(s01);
            x = FloatVector.broadcast(S, ad[ai + aI]);
            s10 = x.mul(y0).add(s10);
            s11 = x.mul(y1).add(s11);
            x = FloatVector.broadcast(S, ad[ai + aI2]);
            s20 = x.mul(y0).add(s20);
            s21 = x.mul(y1).add(s21);
            x = FloatVector.broadcast(S, ad[ai + aI3]);
            s30 = x.mul(y0).add(s30);
            s31 = x.mul(y1).add(s31);
        }
        // alpha·sum [+ beta·c]; see the class comment on why the receivers are never the accumulators
        final int c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        final FloatVector va = FloatVector.broadcast(S, alpha), vb = FloatVector.broadcast(S, beta);
        if (beta == 0f) {
            va.mul(s00).intoArray(cd, c0);
            va.mul(s01).intoArray(cd, c0 + L);
            va.mul(s10).intoArray(cd, c1);
            va.mul(s11).intoArray(cd, c1 + L);
            va.mul(s20).intoArray(cd, c2);
            va.mul(s21).intoArray(cd, c2 + L);
            va.mul(s30).intoArray(cd, c3);
            va.mul(s31).intoArray(cd, c3 + L);
        } else {
            va.mul(s00).add(vb.mul(FloatVector.fromArray(S, cd, c0))).intoArray(cd, c0);
            va.mul(s01).add(vb.mul(FloatVector.fromArray(S, cd, c0 + L))).intoArray(cd, c0 + L);
            va.mul(s10).add(vb.mul(FloatVector.fromArray(S, cd, c1))).intoArray(cd, c1);
            va.mul(s11).add(vb.mul(FloatVector.fromArray(S, cd, c1 + L))).intoArray(cd, c1 + L);
            va.mul(s20).add(vb.mul(FloatVector.fromArray(S, cd, c2))).intoArray(cd, c2);
            va.mul(s21).add(vb.mul(FloatVector.fromArray(S, cd, c2 + L))).intoArray(cd, c2 + L);
            va.mul(s30).add(vb.mul(FloatVector.fromArray(S, cd, c3))).intoArray(cd, c3);
            va.mul(s31).add(vb.mul(FloatVector.fromArray(S, cd, c3 + L))).intoArray(cd, c3 + L);
        }
    }

    /** Row i, columns j..j+2L. */
    private static void block1x2(float[] ad, int a0, int aP, float[] src, int off, int stride, int k, float alpha,
            float beta, float[] cd, int c0) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        for (int p = 0, ai = a0, bi = off; p < k; p++, ai += aP, bi += stride) {
            final FloatVector x = FloatVector.broadcast(S, ad[ai]);
            s0 = x.mul(FloatVector.fromArray(S, src, bi)).add(s0);
            s1 = x.mul(FloatVector.fromArray(S, src, bi + L)).add(s1);
        }
        final FloatVector va = FloatVector.broadcast(S, alpha), vb = FloatVector.broadcast(S, beta);
        if (beta == 0f) {
            va.mul(s0).intoArray(cd, c0);
            va.mul(s1).intoArray(cd, c0 + L);
        } else {
            va.mul(s0).add(vb.mul(FloatVector.fromArray(S, cd, c0))).intoArray(cd, c0);
            va.mul(s1).add(vb.mul(FloatVector.fromArray(S, cd, c0 + L))).intoArray(cd, c0 + L);
        }
    }

    /** Row i, columns j..j+L. */
    private static void block1x1(float[] ad, int a0, int aP, float[] src, int off, int stride, int k, float alpha,
            float beta, float[] cd, int c0) {
        FloatVector s0 = FloatVector.zero(S);
        for (int p = 0, ai = a0, bi = off; p < k; p++, ai += aP, bi += stride) {
            s0 = FloatVector.broadcast(S, ad[ai]).mul(FloatVector.fromArray(S, src, bi)).add(s0);
        }
        final FloatVector va = FloatVector.broadcast(S, alpha), vb = FloatVector.broadcast(S, beta);
        if (beta == 0f) {
            va.mul(s0).intoArray(cd, c0);
        } else {
            va.mul(s0).add(vb.mul(FloatVector.fromArray(S, cd, c0))).intoArray(cd, c0);
        }
    }
}
