package org.ffebm.core.tensor;

import org.ejml.data.FMatrixRMaj;

/**
 * The plain triple-loop kernel: the reference every faster kernel is tested against. Each output element is a dot
 * product accumulated in float in increasing inner index, which satisfies the row-independence contract of
 * {@link GemmF32}.
 */
public final class ReferenceGemmF32 implements GemmF32 {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public void mult(FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1) {
        GemmF32.checkMult(a, b, c, r0, r1);
        final int k = a.numCols, n = b.numCols;
        final float[] ad = a.data, bd = b.data, cd = c.data;
        for (int i = r0; i < r1; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += ad[i * k + p] * bd[p * n + j];
                }
                cd[i * n + j] = beta == 0f ? sum : sum + beta * cd[i * n + j];
            }
        }
    }

    @Override
    public void multTransB(FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1) {
        GemmF32.checkMultTransB(a, b, c, r0, r1);
        final int k = a.numCols, n = b.numRows;
        final float[] ad = a.data, bd = b.data, cd = c.data;
        for (int i = r0; i < r1; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += ad[i * k + p] * bd[j * k + p];
                }
                cd[i * n + j] = beta == 0f ? sum : sum + beta * cd[i * n + j];
            }
        }
    }

    @Override
    public void multTransA(float alpha, FMatrixRMaj a, FMatrixRMaj b, float beta, FMatrixRMaj c, int r0, int r1) {
        GemmF32.checkMultTransA(a, b, c, r0, r1);
        final int k = a.numRows, m = a.numCols, n = b.numCols;
        final float[] ad = a.data, bd = b.data, cd = c.data;
        for (int i = r0; i < r1; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += ad[p * m + i] * bd[p * n + j];
                }
                cd[i * n + j] = beta == 0f ? alpha * sum : alpha * sum + beta * cd[i * n + j];
            }
        }
    }
}
