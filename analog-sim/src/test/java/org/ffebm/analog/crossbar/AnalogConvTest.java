package org.ffebm.analog.crossbar;

import static org.ffebm.analog.crossbar.AnalogDhnBlockTest.assertBitwise;
import static org.ffebm.analog.crossbar.AnalogDhnBlockTest.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.analog.device.DeviceConfig;
import org.ffebm.analog.peripheral.ConverterConfig;
import org.ffebm.core.block.ConvDhnBlock;
import org.ffebm.core.block.ConvLayer;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.EpSettings;
import org.ffebm.core.block.RelaxSettings;
import org.ffebm.core.block.SettleResult;
import org.ffebm.core.block.Shape;
import org.ffebm.core.block.WeightProducts;
import org.ffebm.core.tensor.ConvGeometry;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.Kernels;
import org.ffebm.core.tensor.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The convolutional DHN on crossbars (core's ConvDhnBlock with {@link CrossbarProducts}, the im2col mapping): ideal
 * equivalence with core, read noise of a conv read against its definition, seed reproducibility across thread counts,
 * allocation-free relaxation, and the factory. Training and checkpoint resume are in {@link AnalogTrainingTest}.
 */
class AnalogConvTest {

    private static final Shape IN = new Shape(2, 8, 8);
    /** Max-pooled, plain and average-pooled layers: 8×8 → 4×4 → 4×4 → 2×2. */
    private static final List<ConvLayer> LAYERS = ConvLayer.of(3, new int[] {3, 4, 2}, "m-a");
    /** Tiles smaller than every kernel matrix (3×18, 4×27, 2×36), so that each is split. */
    private static final CrossbarConfig SMALL_TILES = new CrossbarConfig(3, 7, CrossbarConfig.Mapping.DIFFERENTIAL, 1, 0);

    private static WeightProducts.Factory<FMatrixRMaj> crossbars(CrossbarConfig xb, DeviceConfig dev,
                                                                 UpdateConfig update, long seed) {
        return CrossbarProducts.factory(xb, dev, ConverterConfig.ideal(ConverterConfig.Kind.DAC),
                ConverterConfig.ideal(ConverterConfig.Kind.ADC), update, new SplittableRandom(seed + 100),
                new SplittableRandom(seed + 200));
    }

    private static ConvDhnBlock<FMatrixRMaj> block(F32Ops ops, RelaxSettings relax, long seed,
                                                   WeightProducts.Factory<FMatrixRMaj> products) {
        return new ConvDhnBlock<>(ops, "c", IN, LAYERS, relax, 1.5, new SplittableRandom(seed), products, false);
    }

    /**
     * Ideal device (continuous, noiseless, no faults), ideal converters, {@code program} updates: the crossbar reads
     * are the same kernel calls on the same (effective = digital) weights, so every result is the same bits as core's
     * block with its default GEMM products: weights, free and nudged states of every layer, output, settle results,
     * every parameter gradient, ∇u and the energy; on several threads too.
     */
    @ParameterizedTest
    @MethodSource("org.ffebm.analog.crossbar.AnalogDhnBlockTest#idealCases")
    void idealDeviceIsBitwiseEqualToCore(RelaxSettings relax, EpSettings.Estimator est, int threads) {
        try (Parallel par = Parallel.of(threads)) {
            F32Ops ops = new F32Ops(Kernels.byName(Kernels.REFERENCE), par);
            ConvDhnBlock<FMatrixRMaj> core = block(ops, relax, 42, WeightProducts.gemm());
            ConvDhnBlock<FMatrixRMaj> an = block(ops, relax, 42,
                    crossbars(SMALL_TILES, DeviceConfig.defaults(), AnalogDhnBlockTest.PROGRAM, 42));
            for (int l = 1; l <= LAYERS.size(); l++) {
                assertBitwise(core.weight(l).value(), an.weight(l).value(), "W" + l);
                SplittableRandom b = new SplittableRandom(l);
                for (int k = 0; k < LAYERS.get(l - 1).channels(); k++) {
                    float v = (float) (0.2 * b.nextDouble() - 0.1);
                    core.bias(l).value().data[k] = v;
                    an.bias(l).value().data[k] = v;
                }
            }
            SplittableRandom data = new SplittableRandom(7);
            FMatrixRMaj u = uniform(5, IN.size(), 0, 1, data);
            assertEquals(core.relaxFree(u), an.relaxFree(u));
            for (int l = 1; l <= LAYERS.size(); l++) {
                assertBitwise(core.freeState(l), an.freeState(l), "free s" + l);
            }
            assertBitwise(core.output(), an.output(), "output");
            FMatrixRMaj delta = uniform(5, core.outputShape().size(), -1, 1, data);
            EpSettings ep = new EpSettings(0.05, est);
            SettleResult bc = core.backward(delta, ep, 0.5, true);
            assertEquals(bc, an.backward(delta, ep, 0.5, true));
            for (int l = 1; l <= LAYERS.size(); l++) {
                assertBitwise(core.nudgedState(true, l), an.nudgedState(true, l), "s+" + l);
                if (est == EpSettings.Estimator.CENTERED) {
                    assertBitwise(core.nudgedState(false, l), an.nudgedState(false, l), "s-" + l);
                }
            }
            for (int p = 0; p < core.params().size(); p++) {
                assertEquals(core.params().get(p).name(), an.params().get(p).name());
                assertBitwise(core.params().get(p).grad(), an.params().get(p).grad(),
                        "grad " + core.params().get(p).name());
            }
            assertBitwise(core.inputGradient(), an.inputGradient(), "grad u");
            assertEquals(core.freeEnergy(3), an.freeEnergy(3), 0.0);
        }
    }

    /**
     * An identity-coupled input (the block's first convolution is digital, before it): the crossbars hold W₂..W_L
     * only, and with an ideal device the block is the same bits as core's; a one-layer identity block has no crossbar.
     */
    @Test
    void identityInputPutsOnlyTheUpperWeightsOnCrossbars() {
        F32Ops ops = F32Ops.reference();
        RelaxSettings relax = new RelaxSettings(12, 6, 0, RelaxSettings.Order.ALTERNATING, 1.0, true);
        List<ConvLayer> layers = List.of(new ConvLayer(2, 3, ConvLayer.Pooling.NONE),
                new ConvLayer(4, 3, ConvLayer.Pooling.MAX), new ConvLayer(2, 3, ConvLayer.Pooling.AVERAGE));
        ConvDhnBlock<FMatrixRMaj> core = new ConvDhnBlock<>(ops, "c", IN, layers, relax, 1.5, new SplittableRandom(3),
                WeightProducts.gemm(), true);
        ConvDhnBlock<FMatrixRMaj> an = new ConvDhnBlock<>(ops, "c", IN, layers, relax, 1.5, new SplittableRandom(3),
                crossbars(SMALL_TILES, DeviceConfig.defaults(), AnalogDhnBlockTest.PROGRAM, 3), true);
        assertEquals(2, an.weightShapes().size());
        assertTrue(an.substrateState().length > 0);
        SplittableRandom data = new SplittableRandom(8);
        FMatrixRMaj u = uniform(3, IN.size(), 0, 1, data);
        assertEquals(core.relaxFree(u), an.relaxFree(u));
        FMatrixRMaj delta = uniform(3, core.outputShape().size(), -1, 1, data);
        EpSettings ep = new EpSettings(0.05, EpSettings.Estimator.CENTERED);
        assertEquals(core.backward(delta, ep, 1.0, true), an.backward(delta, ep, 1.0, true));
        for (int l = 1; l <= 3; l++) {
            assertBitwise(core.freeState(l), an.freeState(l), "free s" + l);
            assertBitwise(core.nudgedState(false, l), an.nudgedState(false, l), "s-" + l);
        }
        for (int p = 0; p < core.params().size(); p++) {
            assertBitwise(core.params().get(p).grad(), an.params().get(p).grad(), core.params().get(p).name());
        }
        assertBitwise(core.inputGradient(), an.inputGradient(), "grad u");

        ConvDhnBlock<FMatrixRMaj> one = new ConvDhnBlock<>(ops, "c", IN, layers.subList(0, 1), relax, 1.5,
                new SplittableRandom(3), crossbars(SMALL_TILES, DeviceConfig.defaults(), AnalogDhnBlockTest.PROGRAM,
                3), true);
        assertEquals(List.of(), one.params());
        one.relaxFree(u);
        for (int i = 0; i < u.data.length; i++) {
            assertEquals(Math.min(1, Math.max(0, u.data[i])), one.output().data[i], 0.0f);
        }
    }

    /**
     * End to end through core's hybrid gradient and optimiser: three training steps (gradient, optimiser step, then
     * {@code stepAppliedInPlace} re-programs the ideal devices) give the same parameters, bit for bit, as core's block.
     */
    @Test
    void trainingStepsWithReprogrammingMatchCore() {
        F32Ops ops = F32Ops.reference();
        RelaxSettings relax = new RelaxSettings(12, 6, 0, RelaxSettings.Order.ALTERNATING, 1.0, true);
        ConvDhnBlock<FMatrixRMaj> core = block(ops, relax, 5, WeightProducts.gemm());
        ConvDhnBlock<FMatrixRMaj> an = block(ops, relax, 5,
                crossbars(SMALL_TILES, DeviceConfig.defaults(), AnalogDhnBlockTest.PROGRAM, 5));
        AnalogDhnBlockTest.assertTrainingStepsMatch(ops, core, an, 6);
        assertEquals(0, an.pulsesApplied(), "re-programming is not counted as pulses");
    }

    /**
     * Read noise of the conv reads against its definition, on the block's own products (crossbar programmed with the
     * block's initial weights, 3×7 tiles): the forward read of one sample's im2col patches (one read per output pixel)
     * and the transpose read of per-pixel channel values. Per output, the noise has mean 0 and variance
     * Σ_j var(w_ij)·v_j² with var(w_ij) = (Σ over the weight's devices of σ_a² + σ_r²G²)/g_ref²
     * ({@link CrossbarMatrixTest#expectedDeviceVariance}), v the pixel's patch (zeros in the padding included) or its
     * channel values; the draws of two pixel rows are uncorrelated.
     *
     * <p>N = 20000 phases; each output's mean is tested at |z| &lt; 4.5 and its variance at |s²/σ² − 1| &lt;
     * 4.5·√(2/N) ({@link CrossbarMatrixTest#checkMoments}; about 7e-6 two-sided each under the null), and the
     * correlation of two pixel rows at |r|·√N &lt; 4.5 (the same rate): 8 outputs × 2 statistics + 1 = 17 tests give a
     * false-alarm rate below 1.2e-4 per run; the seed is fixed, so a failure is reproducible.
     */
    @Test
    void readNoiseOfAConvReadMatchesItsDefinition() {
        DeviceConfig dev = DeviceConfig.defaults().with("read-noise", "2e-7", "read-noise-relative", "0.05");
        F32Ops ops = F32Ops.reference();
        CrossbarProducts[] held = new CrossbarProducts[1];
        WeightProducts.Factory<FMatrixRMaj> base = crossbars(SMALL_TILES, dev, AnalogDhnBlockTest.PROGRAM, 11);
        block(ops, RelaxSettings.defaults(), 11, (o, name, w, rows) -> held[0] = (CrossbarProducts) base.create(o,
                name, w, rows));
        CrossbarProducts products = held[0];
        CrossbarMatrix xb = products.crossbar(1);
        ConvGeometry g = ConvGeometry.same(IN.channels(), IN.height(), IN.width(), 3);
        int pixels = IN.height() * IN.width();
        SplittableRandom rng = new SplittableRandom(12);
        FMatrixRMaj col = ops.zeros(pixels, g.patchSize());
        ops.im2col(uniform(1, IN.size(), 0, 1, rng), g, col, 0, 1);
        FMatrixRMaj xt = uniform(pixels, xb.rows(), 0, 1, rng);
        FMatrixRMaj clean = new FMatrixRMaj(pixels, xb.rows()), y = new FMatrixRMaj(pixels, xb.rows());
        FMatrixRMaj cleanT = new FMatrixRMaj(pixels, xb.cols()), yt = new FMatrixRMaj(pixels, xb.cols());
        xb.forward(col, 0f, clean, 0, pixels, null);
        xb.transpose(xt, 0f, cleanT, 0, pixels, null);
        int[] rows = {0, 27};       // a corner pixel (its patch reaches into the padding) and an inner one
        int[] outs = {0, 2};        // forward: output channels
        int[] cols = {4, 13};       // transpose: patch entries (channel 0 centre, channel 1 centre)
        int n = 20000;
        double[][] fwd = new double[4][n], tr = new double[4][n];
        products.ensureBatch(1);
        for (int t = 0; t < n; t++) {
            products.startPhase();
            products.forward(1, col, y, 0, pixels);
            products.transpose(1, xt, yt, 0, pixels);
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                    fwd[2 * a + b][t] = y.get(rows[a], outs[b]) - clean.get(rows[a], outs[b]);
                    tr[2 * a + b][t] = yt.get(rows[a], cols[b]) - cleanT.get(rows[a], cols[b]);
                }
            }
        }
        CrossbarConfig.Mapping m = SMALL_TILES.mapping();
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                double var = 0, varT = 0;
                for (int j = 0; j < xb.cols(); j++) {
                    var += CrossbarMatrixTest.expectedDeviceVariance(xb, dev, m, outs[b], j)
                            * sq(col.get(rows[a], j));
                }
                for (int i = 0; i < xb.rows(); i++) {
                    varT += CrossbarMatrixTest.expectedDeviceVariance(xb, dev, m, i, cols[b])
                            * sq(xt.get(rows[a], i));
                }
                assertTrue(var > 0 && varT > 0);
                CrossbarMatrixTest.checkMoments(fwd[2 * a + b], var, "forward pixel " + rows[a] + " out " + outs[b]);
                CrossbarMatrixTest.checkMoments(tr[2 * a + b], varT, "transpose pixel " + rows[a] + " col " + cols[b]);
            }
        }
        double r = correlation(fwd[0], fwd[2]);
        assertTrue(Math.abs(r) * Math.sqrt(n) < 4.5, "pixel rows " + rows[0] + " and " + rows[1] + " correlate: " + r);
    }

    private static double correlation(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElseThrow(), mb = Arrays.stream(b).average().orElseThrow();
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += sq(a[i] - ma);
            sbb += sq(b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    private static double sq(double v) {
        return v * v;
    }

    /**
     * With read noise the states differ from the noiseless block's, and the same seed gives the same bits on one and
     * on three threads (per-sample generators, split per phase).
     */
    @Test
    void readNoiseChangesStatesButSeedReproduces() {
        DeviceConfig dev = DeviceConfig.defaults().with("read-noise", "1e-7");
        RelaxSettings relax = new RelaxSettings(10, 5, 0, RelaxSettings.Order.ALTERNATING, 1.0, true);
        FMatrixRMaj u = uniform(4, IN.size(), 0, 1, new SplittableRandom(1));
        FMatrixRMaj delta = uniform(4, 8, -1, 1, new SplittableRandom(2));
        float[][] out = new float[3][];
        int k = 0;
        for (int threads : new int[] {1, 3}) {
            try (Parallel par = Parallel.of(threads)) {
                F32Ops ops = new F32Ops(Kernels.byName(Kernels.REFERENCE), par);
                ConvDhnBlock<FMatrixRMaj> an = block(ops, relax, 9,
                        crossbars(CrossbarConfig.defaults(), dev, AnalogDhnBlockTest.PROGRAM, 9));
                an.relaxFree(u);
                an.backward(delta, new EpSettings(0.1, EpSettings.Estimator.CENTERED), 1.0, true);
                out[k++] = concat(an.output().data, an.inputGradient().data, an.weight(1).grad().data);
            }
        }
        ConvDhnBlock<FMatrixRMaj> clean = block(F32Ops.reference(), relax, 9,
                crossbars(CrossbarConfig.defaults(), DeviceConfig.defaults(), AnalogDhnBlockTest.PROGRAM, 9));
        clean.relaxFree(u);
        clean.backward(delta, new EpSettings(0.1, EpSettings.Estimator.CENTERED), 1.0, true);
        out[2] = concat(clean.output().data, clean.inputGradient().data, clean.weight(1).grad().data);
        assertArrayEquals(out[0], out[1], "same seed, different thread count");
        assertNotEquals(Arrays.toString(out[0]), Arrays.toString(out[2]), "read noise had no effect");
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /**
     * After a first relaxation (which sizes the buffers), further relaxation steps of the crossbar conv block, with
     * read noise and split tiles, allocate nothing on one thread.
     */
    @Test
    void relaxationStepsAllocateNothing() {
        DeviceConfig dev = DeviceConfig.defaults().with("read-noise", "1e-7", "read-noise-relative", "0.02");
        ConvDhnBlock<FMatrixRMaj> an = block(F32Ops.reference(), RelaxSettings.defaults(), 5,
                crossbars(SMALL_TILES, dev, AnalogDhnBlockTest.PROGRAM, 5));
        an.relaxFree(uniform(4, IN.size(), 0, 1, new SplittableRandom(2)));
        an.continueFree(5);
        Allocations.assertNoAllocation(() -> an.continueFree(5), "5 conv relaxation steps");
    }

    /**
     * The factory makes conv blocks on crossbars from the analog sections (their weights are the effective weights of
     * a 16-level device), and refuses the stochastic update mode with a message naming the key.
     */
    @Test
    void factoryPutsConvBlocksOnCrossbars() {
        Properties modules = new Properties();
        modules.setProperty("ffebm.device.levels", "16");
        modules.setProperty("ffebm.update.mode", "pulsed");
        EnergyBlock<FMatrixRMaj> b = AnalogBlocks.factory(AnalogBlocks.resolve(null, modules), 3)
                .createConv(F32Ops.reference(), "eb1", IN, LAYERS, RelaxSettings.defaults(), 1.0,
                        new SplittableRandom(4), false);
        ConvDhnBlock<FMatrixRMaj> digital = new ConvDhnBlock<>(F32Ops.reference(), "eb1", IN, LAYERS,
                RelaxSettings.defaults(), 1.0, new SplittableRandom(4));
        assertTrue(b instanceof ConvDhnBlock, b.getClass().getName());
        assertNotEquals(Arrays.toString(digital.weight(1).value().data),
                Arrays.toString(((ConvDhnBlock<FMatrixRMaj>) b).weight(1).value().data), "weights not quantized");
        assertTrue(b.substrateState().length > 0);
        b.relaxFree(uniform(2, IN.size(), 0, 1, new SplittableRandom(5)));
        assertEquals(0, b.pulsesApplied());

        modules.setProperty("ffebm.update.mode", "stochastic");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AnalogBlocks.factory(AnalogBlocks.resolve(null, modules), 3).createConv(F32Ops.reference(),
                        "eb1", IN, LAYERS, RelaxSettings.defaults(), 1.0, new SplittableRandom(4), false));
        assertTrue(e.getMessage().contains("ffebm.update.mode=stochastic"), e.getMessage());
    }
}
