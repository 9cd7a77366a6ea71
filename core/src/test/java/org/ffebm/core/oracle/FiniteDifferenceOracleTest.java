package org.ffebm.core.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ffebm.core.block.EpSettings;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.RelaxSettings;
import org.ffebm.core.block.Sequential;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.EpConfig;
import org.ffebm.core.config.ModelConfig;
import org.ffebm.core.loss.Loss;
import org.ffebm.core.model.FfEbm;
import org.ffebm.core.model.ModelBuilder;
import org.ffebm.core.tensor.F64Ops;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.ReferenceGemmF64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The finite-difference oracle (forward passes of the model itself) against {@link GradientOracle} (its own copy of a
 * dense model: implicit differentiation and its own finite differences), and its handling of state a forward pass
 * writes.
 */
class FiniteDifferenceOracleTest {

    private static final F64Ops OPS = new F64Ops(new ReferenceGemmF64(), Parallel.serial());
    /** Per entry: |a − b| ≤ TOL_ABS + TOL_REL·|b| (both relax to 1e-14; differences of O(1e-5) steps). */
    private static final double TOL_ABS = 1e-8;
    private static final double TOL_REL = 1e-6;
    /** The same loss from two relaxations of the same fixed point by different sweeps. */
    private static final double TOL_LOSS = 1e-12;

    private static final EpConfig TIGHT = new EpConfig(1e-3, EpSettings.Estimator.CENTERED, 5000, 5000, 1e-14,
            RelaxSettings.Order.ALTERNATING);

    private static FfEbm<DMatrixRMaj> tiny(String layers, int blockSize, String tie, boolean clampLast, String loss,
                                           long seed) {
        int[] sizes = java.util.Arrays.stream(layers.split(";")).mapToInt(Integer::parseInt).toArray();
        ModelConfig mc = new ModelConfig(sizes, blockSize, tie, "linear", 3, 1.0, clampLast, 1.5, "ep", Loss.of(loss));
        return ModelBuilder.build(OPS, mc, TIGHT, Shape.flat(5), new SplittableRandom(seed));
    }

    private static DMatrixRMaj inputs(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        DMatrixRMaj x = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = r.nextDouble();
        }
        return x;
    }

    private static final int[] LABELS = {0, 2, 1};

    @ParameterizedTest(name = "{0} blockSize={1} tie={2} clampLast={3} {4}")
    @CsvSource({
            "4;3;3;3, 2, linear, true, cross-entropy",
            "4;3;3, 0, identity, true, squared-error",
            "4;3;3;3, 2, linear, false, cross-entropy"})
    void agreesWithTheDenseOracle(String layers, int blockSize, String tie, boolean clampLast, String loss) {
        FfEbm<DMatrixRMaj> m = tiny(layers, blockSize, tie, clampLast, loss, 12);
        DMatrixRMaj x = inputs(3, 5, 12);
        GradientOracle dense = GradientOracle.of(m);
        GradientOracle.OracleGradient implicit = dense.gradient(x, LABELS);
        GradientOracle.OracleGradient denseFd = dense.finiteDifferences(x, LABELS, GradientOracle.DEFAULT_FD_STEP);
        FiniteDifferenceOracle.Result fd = FiniteDifferenceOracle.gradient(m, x, LABELS,
                FiniteDifferenceOracle.DEFAULT_REL_STEP, 0);
        assertTrue(fd.relaxation().converged(), fd.relaxation().toString());
        assertTrue(implicit.interiorFraction() > 0.3, "most neurons clipped: " + implicit.interiorFraction());
        assertEquals(implicit.loss(), fd.loss(), TOL_LOSS);
        assertEquals(0, fd.kinks());
        assertEquals(0, fd.skipped());
        assertEquals(m.parameterCount(), fd.entries());
        assertEquals(2 + 2 * m.parameterCount(), fd.evaluations());
        assertEquals(dense.paramNames(), new ArrayList<>(fd.gradients().keySet()));
        for (String name : dense.paramNames()) {
            double[] a = fd.gradients().get(name);
            double[] exact = implicit.gradient(name), other = denseFd.gradient(name);
            for (int i = 0; i < a.length; i++) {
                assertEquals(exact[i], a[i], TOL_ABS + TOL_REL * Math.abs(exact[i]), name + "[" + i + "] implicit");
                assertEquals(other[i], a[i], TOL_ABS + TOL_REL * Math.abs(other[i]), name + "[" + i + "] dense fd");
            }
        }
    }

    @Test
    void flagsAnEntryStraddlingAKink() {
        // the seed GradientOracleTest uses for a top-layer drive exactly at 0 (a layer entirely clipped, zero biases):
        // the loss has a kink in eb1.b3[0], and its one-sided slopes differ
        FfEbm<DMatrixRMaj> m = tiny("4;3;3", 0, "identity", true, "squared-error", 13);
        FiniteDifferenceOracle.Result fd = FiniteDifferenceOracle.gradient(m, inputs(3, 5, 12), LABELS,
                FiniteDifferenceOracle.DEFAULT_REL_STEP, 0);
        FiniteDifferenceOracle.Tensor t = fd.tensor("eb1.b3");
        assertTrue(t.kinks() > 0, "no kink found in eb1.b3");
        assertTrue(FiniteDifferenceOracle.isKink(t.forward()[0], t.backward()[0], 0.0),
                t.forward()[0] + " vs " + t.backward()[0]);
        assertTrue(fd.kinks() >= t.kinks());
    }

    @Test
    void leavesParametersAndBuffersAsTheyWere() {
        FfEbm<DMatrixRMaj> base = tiny("4;3;3;3", 2, "linear", true, "cross-entropy", 12);
        Tally tally = new Tally(Shape.flat(5), false);
        FfEbm<DMatrixRMaj> m = withFirst(base, tally);
        DMatrixRMaj x = inputs(3, 5, 12);
        List<double[]> before = new ArrayList<>();
        for (Param<DMatrixRMaj> p : m.params()) {
            before.add(p.value().data.clone());
        }
        tally.calls[0] = 7;
        FiniteDifferenceOracle.Result a = FiniteDifferenceOracle.gradient(m, x, LABELS, 1e-5, 0);
        assertEquals(7, tally.calls[0], "buffers restored");
        for (int i = 0; i < before.size(); i++) {
            assertArrayEquals(before.get(i), m.params().get(i).value().data, m.params().get(i).name());
        }
        // the state written (not read) by the forward pass does not change the result: same bits from another start
        tally.calls[0] = -1e9;
        FiniteDifferenceOracle.Result b = FiniteDifferenceOracle.gradient(m, x, LABELS, 1e-5, 0);
        for (Map.Entry<String, double[]> e : a.gradients().entrySet()) {
            assertArrayEquals(e.getValue(), b.gradients().get(e.getKey()), e.getKey());
        }
    }

    @Test
    void refusesAForwardPassThatReadsStateItWrites() {
        FfEbm<DMatrixRMaj> base = tiny("4;3;3;3", 2, "linear", true, "cross-entropy", 12);
        Tally drifting = new Tally(Shape.flat(5), true);
        FfEbm<DMatrixRMaj> m = withFirst(base, drifting);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FiniteDifferenceOracle.gradient(m, inputs(3, 5, 12), LABELS, 1e-5, 0));
        assertTrue(e.getMessage().contains("tally.calls"), e.getMessage());
        assertEquals(0, drifting.calls[0], "buffers restored after the failure");
    }

    @Test
    void samplesLargeTensorsAtEvenlyStridedEntries() {
        assertArrayEquals(new int[] {0, 1, 2, 3}, FiniteDifferenceOracle.indices(4, 0));
        assertArrayEquals(new int[] {0, 1, 2, 3}, FiniteDifferenceOracle.indices(4, 4));
        assertArrayEquals(new int[] {0, 2, 5, 7}, FiniteDifferenceOracle.indices(10, 4));
        FfEbm<DMatrixRMaj> m = tiny("4;3;3;3", 2, "linear", true, "cross-entropy", 12);
        DMatrixRMaj x = inputs(3, 5, 12);
        FiniteDifferenceOracle.Result all = FiniteDifferenceOracle.gradient(m, x, LABELS, 1e-5, 0);
        FiniteDifferenceOracle.Result some = FiniteDifferenceOracle.gradient(m, x, LABELS, 1e-5, 3);
        for (FiniteDifferenceOracle.Tensor t : some.tensors()) {
            assertArrayEquals(FiniteDifferenceOracle.indices(t.size(), 3), t.indices(), t.name());
            assertEquals(t.size() <= 3, t.complete(), t.name());
            double[] full = all.tensor(t.name()).full(), sub = t.full();
            for (int i = 0; i < t.size(); i++) {
                boolean sampled = java.util.Arrays.binarySearch(t.indices(), i) >= 0;
                if (sampled) {
                    assertEquals(full[i], sub[i], 0.0, t.name() + "[" + i + "]");
                } else {
                    assertTrue(Double.isNaN(sub[i]), t.name() + "[" + i + "]");
                }
            }
        }
        assertTrue(some.entries() < all.entries());
        assertEquals(all.parameters(), some.parameters());
    }

    @Test
    void validatesItsArguments() {
        FfEbm<DMatrixRMaj> m = tiny("4", 0, "identity", true, "cross-entropy", 1);
        DMatrixRMaj x = inputs(2, 5, 1);
        int[] y = {0, 1};
        for (double step : new double[] {0.0, 1e-13, 0.2, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> FiniteDifferenceOracle.gradient(m, x, y, step, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> FiniteDifferenceOracle.gradient(m, x, y, 1e-5, -1));
        assertThrows(IllegalArgumentException.class,
                () -> FiniteDifferenceOracle.gradient(m, inputs(2, 4, 1), y, 1e-5, 0));
        assertThrows(IllegalArgumentException.class, () -> FiniteDifferenceOracle.gradient(m, x, new int[] {0}, 1e-5, 0));
        assertThrows(IllegalArgumentException.class,
                () -> FiniteDifferenceOracle.gradient(m, x, new int[] {0, 3}, 1e-5, 0));
        FiniteDifferenceOracle.Result r = FiniteDifferenceOracle.gradient(m, x, y, 1e-5, 0);
        assertThrows(IllegalArgumentException.class, () -> r.tensor("nope"));
        assertFalse(FiniteDifferenceOracle.isKink(1.0, 1.0 + 1e-6, 0.0));
        assertTrue(FiniteDifferenceOracle.isKink(1.0, 0.9, 0.0));
        assertFalse(FiniteDifferenceOracle.isKink(Double.NaN, 1.0, 0.0));
    }

    /** The model with {@code first} chained after its first digital block (same blocks and parameters otherwise). */
    private static FfEbm<DMatrixRMaj> withFirst(FfEbm<DMatrixRMaj> m, FeedforwardBlock<DMatrixRMaj> first) {
        List<FeedforwardBlock<DMatrixRMaj>> digital = new ArrayList<>(m.digital());
        digital.set(0, new Sequential<>("ff1", List.of(digital.get(0), first)));
        return new FfEbm<>(OPS, digital, m.energy(), m.loss());
    }

    /**
     * Counts its training-mode forward passes in a buffer, like batch-norm's running statistics; passes its input on
     * unchanged, or (drifting) adds 1e-3 per count, i.e. reads the state it writes.
     */
    private static final class Tally implements FeedforwardBlock<DMatrixRMaj> {
        private final Shape shape;
        private final boolean drifting;
        final double[] calls = new double[1];

        Tally(Shape shape, boolean drifting) {
            this.shape = shape;
            this.drifting = drifting;
        }

        @Override
        public String name() {
            return "tally";
        }

        @Override
        public Shape inputShape() {
            return shape;
        }

        @Override
        public Shape outputShape() {
            return shape;
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj in, boolean training) {
            DMatrixRMaj out = in.copy();
            if (drifting) {
                for (int i = 0; i < out.data.length; i++) {
                    out.data[i] += 1e-3 * calls[0];
                }
            }
            if (training) {
                calls[0]++;
            }
            return out;
        }

        @Override
        public DMatrixRMaj backward(DMatrixRMaj gradOut, double paramScale, boolean needInputGrad) {
            return needInputGrad ? gradOut : null;
        }

        @Override
        public List<Param<DMatrixRMaj>> params() {
            return List.of();
        }

        @Override
        public Map<String, double[]> buffers() {
            return Map.of("tally.calls", calls);
        }

        @Override
        public long macsPerSample() {
            return 0;
        }
    }
}
