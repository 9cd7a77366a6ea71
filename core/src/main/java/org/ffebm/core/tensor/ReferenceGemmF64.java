package org.ffebm.core.tensor;

import org.ejml.data.DMatrixRMaj;

/**
 * The plain triple-loop kernel: the reference every faster kernel is tested against. Each output element is a dot
 * product accumulated in double in increasing inner index, which satisfies the row-independence contract of
 * {@link GemmF64}.
 */
public final class ReferenceGemmF64 implements GemmF64 {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, double beta, DMatrixRMaj c, int r0, int r1) {
        GemmF64.checkMult(a, b, c, r0, r1);
        final int k = a.numCols, n = b.numCols;
        final double[] ad = a.data, bd = b.data, cd = c.data;
        for (int i = r0; i < r1; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += ad[i * k + p] * bd[p * n + j];
                }
                cd[i * n + j] = beta == 0 ? sum : sum + beta * cd[i * n + j];
            }
        }
    }

    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, double beta, DMatrixRMaj c, int r0, int r1) {
        GemmF64.checkMultTransB(a, b, c, r0, r1);
        final int k = a.numCols, n = b.numRows;
        final double[] ad = a.data, bd = b.data, cd = c.data;
        for (int i = r0; i < r1; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += ad[i * k + p] * bd[j * k + p];
                }
                cd[i * n + j] = beta == 0 ? sum : sum + beta * cd[i * n + j];
            }
        }
    }

    @Override
    public void multTransA(double alpha, DMatrixRMaj a, DMatrixRMaj b, double beta, DMatrixRMaj c, int r0, int r1) {
        GemmF64.checkMultTransA(a, b, c, r0, r1);
        final int k = a.numRows, m = a.numCols, n = b.numCols;
        final double[] ad = a.data, bd = b.data, cd = c.data;
        for (int i = r0; i < r1; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += ad[p * m + i] * bd[p * n + j];
                }
                cd[i * n + j] = beta == 0 ? alpha * sum : alpha * sum + beta * cd[i * n + j];
            }
        }
    }
}
