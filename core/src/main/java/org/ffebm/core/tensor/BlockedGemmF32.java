package org.ffebm.core.tensor;

import org.ejml.data.FMatrixRMaj;

/**
 * Our fast scalar kernel: each output element is still a sequential dot product, but 4×4 blocks of the output are
 * computed together in registers, so every loaded element of A and of B is used four times and sixteen independent
 * sums keep the floating-point units busy (the reference has one dependent chain per element).
 *
 * <p><b>Same bits as {@link ReferenceGemmF32}.</b> Every element is {@code sum = 0f; sum += a·b} over the inner index
 * in increasing order, in float, without fused multiply-add (Java never contracts {@code a*b + c}), and then
 * {@code alpha·sum + beta·c} exactly as the reference writes it. The 4×4 blocks, the 1×4 blocks of a range's last
 * rows and the single elements of its last columns all follow that order, so which path computes an element (which
 * depends on {@code r0}) never changes its value: the row-independence contract of {@link GemmF32} holds, and so does
 * bit-equality with the reference (the tests assert both).
 *
 * <p><b>Threads and memory.</b> The kernel keeps no state and no scratch: one instance may be called from several
 * threads at once on disjoint row ranges, and it never allocates. It reads A and B in place: B with a stride for
 * {@code mult} and {@code multTransA} (a 4-wide column strip, which the cache serves well), row by row for
 * {@code multTransB}; so it needs no packed copy.
 *
 * <p><b>Why not an auto-vectorised loop.</b> The brief's first idea was an axpy-ordered inner loop
 * ({@code c[i,j] += a[i,p]·b[p,j]} over j) for C2 to vectorise. On JDK 17 with AVX-512 that loop ran at about
 * 4–6 GFLOP/s at 128×784·784×512 (C2's vectorised main loop is short next to its scalar pre/post loops at n = 512),
 * and unrolling it over p to save stores stopped C2 from vectorising at all; cache blocking of any kind
 * (16–128-row panels, 16–256-deep k blocks, 64–512-wide column blocks) changed nothing measurable. The 4×4 register
 * blocks measured fastest of the scalar forms (about 7–9 GFLOP/s; see {@code docs/design-notes.md}).
 */
public final class BlockedGemmF32 implements GemmF32 {

    @Override
    public String name() {
        return "blocked";
    }

    @Override
    public void mult(FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1) {
        GemmF32.checkMult(a, b, c, r0, r1);
        final int k = a.numCols;
        // A(i,p) = a[i*k + p]; B(p,j) = b[p*n + j]
        product(a.data, k, 1, b.data, 1, b.numCols, k, 1f, beta, c.data, c.numCols, r0, r1);
    }

    @Override
    public void multTransB(FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1) {
        GemmF32.checkMultTransB(a, b, c, r0, r1);
        final int k = a.numCols;
        // A(i,p) = a[i*k + p]; B(p,j) = b[j*k + p]
        product(a.data, k, 1, b.data, k, 1, k, 1f, beta, c.data, c.numCols, r0, r1);
    }

    @Override
    public void multTransA(float alpha, FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1) {
        GemmF32.checkMultTransA(a, b, c, r0, r1);
        // A(i,p) = a[p*m + i]; B(p,j) = b[p*n + j]
        product(a.data, 1, a.numCols, b.data, 1, b.numCols, a.numRows, alpha, beta, c.data, c.numCols, r0, r1);
    }

    /**
     * C(i,j) = alpha·Σ_p A(i,p)·B(p,j) [+ beta·C(i,j)] for i in [r0, r1), j in [0, n), where A(i,p) =
     * {@code ad[i*aI + p*aP]}, B(p,j) = {@code bd[j*bJ + p*bP]} and C(i,j) = {@code cd[i*n + j]}. Alpha is 1 for the
     * products that have none ({@code 1f*x == x} exactly, so the reference's bits are kept).
     */
    private static void product(float[] ad, int aI, int aP, float[] bd, int bJ, int bP, int k, float alpha,
            float beta, float[] cd, int n, int r0, int r1) {
        int i = r0;
        for (; i + 3 < r1; i += 4) {
            int j = 0;
            for (; j + 3 < n; j += 4) {
                tile4x4(ad, i * aI, aI, aP, bd, j * bJ, bJ, bP, k, alpha, beta, cd, i * n + j, n);
            }
            for (; j < n; j++) {
                for (int r = i; r < i + 4; r++) {
                    cd[r * n + j] = finish(dot(ad, r * aI, aP, bd, j * bJ, bP, k), alpha, beta, cd[r * n + j]);
                }
            }
        }
        for (; i < r1; i++) {
            int j = 0;
            for (; j + 3 < n; j += 4) {
                tile1x4(ad, i * aI, aP, bd, j * bJ, bJ, bP, k, alpha, beta, cd, i * n + j);
            }
            for (; j < n; j++) {
                cd[i * n + j] = finish(dot(ad, i * aI, aP, bd, j * bJ, bP, k), alpha, beta, cd[i * n + j]);
            }
        }
    }

    /** The reference's last step: {@code alpha·sum}, plus {@code beta·old} unless beta is 0. */
    private static float finish(float sum, float alpha, float beta, float old) {
        return beta == 0f ? alpha * sum : alpha * sum + beta * old;
    }

    private static float dot(float[] ad, int a0, int aP, float[] bd, int b0, int bP, int k) {
        float s = 0f;
        for (int p = 0, ai = a0, bi = b0; p < k; p++, ai += aP, bi += bP) {
            s += ad[ai] * bd[bi];
        }
        return s;
    }

    /** One output row, four columns; c0 is the index of C(i,j). */
    private static void tile1x4(float[] ad, int a0, int aP, float[] bd, int b0, int bJ, int bP, int k, float alpha,
            float beta, float[] cd, int c0) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        for (int p = 0, ai = a0, bi = b0; p < k; p++, ai += aP, bi += bP) {
            final float x = ad[ai];
            s0 += x * bd[bi];
            s1 += x * bd[bi + bJ];
            s2 += x * bd[bi + 2 * bJ];
            s3 += x * bd[bi + 3 * bJ];
        }
        cd[c0] = finish(s0, alpha, beta, cd[c0]);
        cd[c0 + 1] = finish(s1, alpha, beta, cd[c0 + 1]);
        cd[c0 + 2] = finish(s2, alpha, beta, cd[c0 + 2]);
        cd[c0 + 3] = finish(s3, alpha, beta, cd[c0 + 3]);
    }

    /** Four output rows, four columns; c0 is the index of C(i,j), n the row length of C. */
    private static void tile4x4(float[] ad, int a0, int aI, int aP, float[] bd, int b0, int bJ, int bP, int k,
            float alpha, float beta, float[] cd, int c0, int n) {
        float s00 = 0f, s01 = 0f, s02 = 0f, s03 = 0f;
        float s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f;
        float s20 = 0f, s21 = 0f, s22 = 0f, s23 = 0f;
        float s30 = 0f, s31 = 0f, s32 = 0f, s33 = 0f;
        final int aI2 = 2 * aI, aI3 = 3 * aI, bJ2 = 2 * bJ, bJ3 = 3 * bJ;
        for (int p = 0, ai = a0, bi = b0; p < k; p++, ai += aP, bi += bP) {
            final float y0 = bd[bi], y1 = bd[bi + bJ], y2 = bd[bi + bJ2], y3 = bd[bi + bJ3];
            float x = ad[ai];
            s00 += x * y0;
            s01 += x * y1;
            s02 += x * y2;
            s03 += x * y3;
            x = ad[ai + aI];
            s10 += x * y0;
            s11 += x * y1;
            s12 += x * y2;
            s13 += x * y3;
            x = ad[ai + aI2];
            s20 += x * y0;
            s21 += x * y1;
            s22 += x * y2;
            s23 += x * y3;
            x = ad[ai + aI3];
            s30 += x * y0;
            s31 += x * y1;
            s32 += x * y2;
            s33 += x * y3;
        }
        int c = c0;
        cd[c] = finish(s00, alpha, beta, cd[c]);
        cd[c + 1] = finish(s01, alpha, beta, cd[c + 1]);
        cd[c + 2] = finish(s02, alpha, beta, cd[c + 2]);
        cd[c + 3] = finish(s03, alpha, beta, cd[c + 3]);
        c += n;
        cd[c] = finish(s10, alpha, beta, cd[c]);
        cd[c + 1] = finish(s11, alpha, beta, cd[c + 1]);
        cd[c + 2] = finish(s12, alpha, beta, cd[c + 2]);
        cd[c + 3] = finish(s13, alpha, beta, cd[c + 3]);
        c += n;
        cd[c] = finish(s20, alpha, beta, cd[c]);
        cd[c + 1] = finish(s21, alpha, beta, cd[c + 1]);
        cd[c + 2] = finish(s22, alpha, beta, cd[c + 2]);
        cd[c + 3] = finish(s23, alpha, beta, cd[c + 3]);
        c += n;
        cd[c] = finish(s30, alpha, beta, cd[c]);
        cd[c + 1] = finish(s31, alpha, beta, cd[c + 1]);
        cd[c + 2] = finish(s32, alpha, beta, cd[c + 2]);
        cd[c + 3] = finish(s33, alpha, beta, cd[c + 3]);
    }
}
