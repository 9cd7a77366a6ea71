package org.ffebm.core.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.F64Ops;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.ReferenceGemmF32;
import org.ffebm.core.tensor.ReferenceGemmF64;
import org.ffebm.core.tensor.ShapeMismatchException;
import org.junit.jupiter.api.Test;

class DenseDhnBlockTest {

    private static final double TOL_F64 = 1e-12;
    private static final F64Ops F64 = new F64Ops(new ReferenceGemmF64(), Parallel.serial());

    private static DMatrixRMaj randomInput(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        DMatrixRMaj x = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = r.nextDouble();
        }
        return x;
    }

    private static DenseDhnBlock<DMatrixRMaj> block(RelaxSettings relax, long seed) {
        return new DenseDhnBlock<>(F64, "eb", 9, new int[] {7, 6, 5}, relax, 2.0, new SplittableRandom(seed));
    }

    @Test
    void alternatingRelaxationNeverIncreasesTheEnergy() {
        DMatrixRMaj u = randomInput(4, 9, 1);
        double previous = Double.POSITIVE_INFINITY;
        // run 1, 2, ..., 15 steps from zero: E after t steps must be non-increasing in t (block-coordinate descent)
        for (int t = 1; t <= 15; t++) {
            DenseDhnBlock<DMatrixRMaj> b = block(new RelaxSettings(t, 1, 0, RelaxSettings.Order.ALTERNATING, 1.0, true), 7);
            b.relaxFree(u);
            double e = 0;
            for (int r = 0; r < 4; r++) {
                e += b.freeEnergy(r);
            }
            assertTrue(e <= previous + TOL_F64, "energy rose at step " + t + ": " + previous + " -> " + e);
            previous = e;
        }
    }

    @Test
    void equilibriumIsAFixedPointOfTheProjectedMap() {
        DenseDhnBlock<DMatrixRMaj> b = block(new RelaxSettings(500, 1, 1e-14, RelaxSettings.Order.ALTERNATING, 0.8, true), 3);
        DMatrixRMaj u = randomInput(3, 9, 2);
        SettleResult r = b.relaxFree(u);
        assertTrue(r.converged(), r.toString());
        int layers = b.layers();
        for (int row = 0; row < 3; row++) {
            for (int l = 1; l <= layers; l++) {
                for (int i = 0; i < b.size(l); i++) {
                    double v = b.bias(l).value().get(0, i);
                    DMatrixRMaj prev = l == 1 ? u : b.freeState(l - 1);
                    for (int j = 0; j < b.size(l - 1); j++) {
                        v += b.weight(l).value().get(i, j) * prev.get(row, j);
                    }
                    if (l < layers) {
                        for (int j = 0; j < b.size(l + 1); j++) {
                            v += b.weight(l + 1).value().get(j, i) * b.freeState(l + 1).get(row, j);
                        }
                    }
                    double expected = Math.min(1, Math.max(0, 0.8 * v));
                    assertEquals(expected, b.freeState(l).get(row, i), 1e-12, "row " + row + " layer " + l + " unit " + i);
                }
            }
        }
    }

    @Test
    void synchronousAndAlternatingReachTheSameEquilibrium() {
        DMatrixRMaj u = randomInput(3, 9, 4);
        DenseDhnBlock<DMatrixRMaj> a = block(new RelaxSettings(2000, 1, 1e-14, RelaxSettings.Order.ALTERNATING, 0.5, true), 5);
        DenseDhnBlock<DMatrixRMaj> s = block(new RelaxSettings(2000, 1, 1e-14, RelaxSettings.Order.SYNCHRONOUS, 0.5, true), 5);
        assertTrue(a.relaxFree(u).converged());
        assertTrue(s.relaxFree(u).converged());
        for (int l = 1; l <= 3; l++) {
            for (int i = 0; i < a.freeState(l).data.length && i < 3 * a.size(l); i++) {
                assertEquals(a.freeState(l).data[i], s.freeState(l).data[i], 1e-10, "layer " + l + " entry " + i);
            }
        }
    }

    @Test
    void nonConvergenceIsReportedNotThrown() {
        DenseDhnBlock<DMatrixRMaj> b = block(new RelaxSettings(1, 1, 1e-14, RelaxSettings.Order.ALTERNATING, 1.0, true), 5);
        SettleResult r = b.relaxFree(randomInput(2, 9, 5));
        assertFalse(r.converged());
        assertEquals(1, r.iterations());
        assertTrue(r.residual() > 0);
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        SplittableRandom data = new SplittableRandom(11);
        FMatrixRMaj u = new FMatrixRMaj(37, 9);
        FMatrixRMaj delta = new FMatrixRMaj(37, 5);
        for (int i = 0; i < u.data.length; i++) {
            u.data[i] = (float) data.nextDouble();
        }
        for (int i = 0; i < delta.data.length; i++) {
            delta.data[i] = (float) data.nextGaussian();
        }
        RelaxSettings relax = new RelaxSettings(30, 10, 1e-5, RelaxSettings.Order.ALTERNATING, 1.0, true);
        float[][] results = new float[2][];
        int[] threads = {1, 3};
        for (int k = 0; k < 2; k++) {
            try (Parallel p = Parallel.of(threads[k])) {
                F32Ops ops = new F32Ops(new ReferenceGemmF32(), p);
                DenseDhnBlock<FMatrixRMaj> b = new DenseDhnBlock<>(ops, "eb", 9, new int[] {7, 6, 5}, relax, 2.0,
                        new SplittableRandom(9));
                b.relaxFree(u);
                b.backward(delta, new EpSettings(0.1, EpSettings.Estimator.CENTERED), 1.0 / 37, true);
                float[] w = b.weight(2).grad().data.clone();
                float[] g = b.inputGradient().data.clone();
                float[] s = b.output().data.clone();
                float[] all = new float[w.length + g.length + s.length];
                System.arraycopy(w, 0, all, 0, w.length);
                System.arraycopy(g, 0, all, w.length, g.length);
                System.arraycopy(s, 0, all, w.length + g.length, s.length);
                results[k] = all;
            }
        }
        assertArrayEquals(results[0], results[1], "bits differ between 1 and 3 threads");
    }

    @Test
    void float32AndFloat64AgreeToFloatRounding() {
        RelaxSettings relax = new RelaxSettings(40, 20, 0, RelaxSettings.Order.ALTERNATING, 1.0, true);
        DenseDhnBlock<DMatrixRMaj> d = block(relax, 13);
        DenseDhnBlock<FMatrixRMaj> f = new DenseDhnBlock<>(F32Ops.reference(), "eb", 9, new int[] {7, 6, 5}, relax, 2.0,
                new SplittableRandom(13));
        DMatrixRMaj u = randomInput(5, 9, 6);
        FMatrixRMaj uf = new FMatrixRMaj(5, 9);
        for (int i = 0; i < u.data.length; i++) {
            uf.data[i] = (float) u.data[i];
        }
        d.relaxFree(u);
        f.relaxFree(uf);
        for (int i = 0; i < d.output().data.length && i < 25; i++) {
            assertEquals(d.output().data[i], f.output().data[i], 1e-5, "output entry " + i);
        }
    }

    @Test
    void rejectsBadShapesAndSettings() {
        DenseDhnBlock<DMatrixRMaj> b = block(RelaxSettings.defaults(), 1);
        assertThrows(ShapeMismatchException.class, () -> b.relaxFree(new DMatrixRMaj(2, 8)));
        assertThrows(IllegalStateException.class,
                () -> block(RelaxSettings.defaults(), 1).backward(new DMatrixRMaj(2, 5),
                        new EpSettings(0.1, EpSettings.Estimator.CENTERED), 1, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RelaxSettings(0, 1, 0, RelaxSettings.Order.ALTERNATING, 1, true));
        assertTrue(e.getMessage().contains("t-free"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EpSettings(0, EpSettings.Estimator.CENTERED));
        assertThrows(IllegalArgumentException.class, () -> new EpSettings(Double.NaN, EpSettings.Estimator.CENTERED));
        assertThrows(IllegalArgumentException.class, () -> new DenseDhnBlock<>(F64, "x", 3, new int[] {0}, RelaxSettings.defaults(), 1,
                new SplittableRandom(1)));
    }
}
