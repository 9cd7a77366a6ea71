package org.ffebm.analog.crossbar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.analog.device.DeviceConfig;
import org.ffebm.core.tensor.ReferenceGemmF32;
import org.ffebm.core.tensor.ShapeMismatchException;
import org.junit.jupiter.api.Test;

/**
 * Pulsed updates of a crossbar: the pulse count of a weight change, stochastic rounding and stochastic pulse trains
 * against their definitions, drift and the device state round trip.
 */
class PulsedUpdateTest {

    private static final ReferenceGemmF32 GEMM = new ReferenceGemmF32();
    /** 4×4 tiles, so that a 6×7 matrix spans 2×2 tiles. */
    private static final CrossbarConfig SMALL_TILES = new CrossbarConfig(4, 4, CrossbarConfig.Mapping.DIFFERENTIAL, 1,
            0);

    private static CrossbarMatrix matrix(int out, int in, CrossbarConfig cfg, DeviceConfig dev) {
        return new CrossbarMatrix(out, in, cfg, dev, GEMM, new SplittableRandom(1), true);
    }

    /** Mid-range weights, so that no device of a pair is at a bound. */
    private static FMatrixRMaj start(int out, int in) {
        FMatrixRMaj w = new FMatrixRMaj(out, in);
        for (int k = 0; k < w.data.length; k++) {
            w.data[k] = (float) (0.3 + 0.01 * (k % 5));
        }
        return w;
    }

    /** Δw_min of the ideal device: two 1 nS steps (push-pull) over g_ref = 10 µS. */
    @Test
    void pulseWeightIsTheNominalPushPullStep() {
        CrossbarMatrix x = matrix(3, 2, CrossbarConfig.defaults(), DeviceConfig.defaults());
        assertEquals(2e-4, x.pulseWeight(), 1e-18);
        CrossbarMatrix ref = matrix(3, 2, new CrossbarConfig(512, 512, CrossbarConfig.Mapping.REFERENCE, 1, 0),
                DeviceConfig.defaults());
        // one device, g_ref = window/2
        assertEquals(1e-9 / 5e-6, ref.pulseWeight(), 1e-18);
    }

    /**
     * Ideal device, nearest rounding: every weight moves by exactly round(ΔW/Δw_min)·Δw_min (to float rounding), counts
     * are clipped at max-pulses, and the pulses issued are 2|n| per pair.
     */
    @Test
    void deterministicCountsMoveWeightsByWholePulses() {
        CrossbarMatrix x = matrix(6, 7, SMALL_TILES, DeviceConfig.defaults());
        FMatrixRMaj w = start(6, 7);
        x.programInPlace(w, null);
        FMatrixRMaj before = x.effectiveWeights(null);
        double dw = x.pulseWeight();
        double[] multiples = {0.0, 0.49, 0.51, -0.51, 3.4, -2.6, 12.0};
        FMatrixRMaj delta = new FMatrixRMaj(6, 7);
        long expectedPulses = 0;
        int[] expectedN = new int[42];
        for (int k = 0; k < 42; k++) {
            double m = multiples[k % multiples.length];
            delta.data[k] = (float) (m * dw);
            int n = (int) Math.signum(m) * (int) Math.floor(Math.abs(m) + 0.5);
            n = Math.max(-10, Math.min(10, n));
            expectedN[k] = n;
            expectedPulses += 2L * Math.abs(n);
        }
        long pulses = x.pulseUpdateInPlace(delta, 10, false, null);
        assertEquals(expectedPulses, pulses);
        FMatrixRMaj after = x.effectiveWeights(null);
        for (int k = 0; k < 42; k++) {
            assertEquals(before.data[k] + expectedN[k] * dw, after.data[k], 1e-6, "weight " + k);
        }
    }

    /**
     * Stochastic rounding is unbiased: 0.3 Δw_min applied 4000 times to an ideal device moves it by 1200 Δw_min on
     * average. The count is Binomial(4000, 0.3), sd 29: a 6-sd band has a false-alarm rate below 1e-8.
     */
    @Test
    void stochasticRoundingIsUnbiased() {
        DeviceConfig dev = DeviceConfig.defaults().with("g-max", "1e-4");
        CrossbarMatrix x = matrix(1, 1, CrossbarConfig.defaults(), dev);
        x.programInPlace(new FMatrixRMaj(1, 1, true, 0f), null);
        double dw = x.pulseWeight();
        FMatrixRMaj delta = new FMatrixRMaj(1, 1, true, (float) (0.3 * dw));
        SplittableRandom rng = new SplittableRandom(5);
        long pulses = 0;
        for (int t = 0; t < 4000; t++) {
            pulses += x.pulseUpdateInPlace(delta, 255, true, rng);
        }
        double n = pulses / 2.0;
        assertEquals(1200, n, 6 * Math.sqrt(4000 * 0.3 * 0.7));
        assertEquals(n * dw, x.effectiveWeights(null).data[0], 1e-4 * n * dw);
    }

    /**
     * Stochastic pulse trains: the mean weight change over many updates is −η a⊗c (Gokmen &amp; Vlasov 2016), for
     * every sign combination and for entries of different size. With BL = 31 and 3000 repetitions, each weight's count is a
     * sum of 3000 binomials; the band of 6 standard deviations of that sum fails with probability below 1e-8 per
     * weight, 1e-7 for the 12 weights.
     */
    @Test
    void pulseTrainsAreUnbiasedOuterProducts() {
        CrossbarMatrix x = matrix(3, 4, CrossbarConfig.defaults(), DeviceConfig.defaults().with("g-max", "1e-3"));
        FMatrixRMaj zero = new FMatrixRMaj(3, 4);
        x.programInPlace(zero, null);
        FMatrixRMaj a = new FMatrixRMaj(1, 3, true, 0.8f, -0.3f, 0.05f);
        FMatrixRMaj c = new FMatrixRMaj(1, 4, true, 1.0f, 0.5f, -0.7f, 0.0f);
        double dw = x.pulseWeight();
        double eta = 10 * dw; // E[pulses] = η|a c|/Δw_min ≤ 8 per update
        int reps = 3000;
        SplittableRandom rng = new SplittableRandom(7);
        for (int t = 0; t < reps; t++) {
            x.coincidenceUpdateInPlace(a, c, 1, eta, 31, rng);
        }
        FMatrixRMaj w = x.effectiveWeights(null);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                double want = -eta * a.data[i] * c.data[j] * reps;
                // per update the count is Binomial(31, p q) with p q = |a c| η/(31 Δw_min)
                double pq = Math.abs(a.data[i] * c.data[j]) * eta / (31 * dw);
                double sd = Math.sqrt(reps * 31 * pq * (1 - pq)) * dw;
                assertEquals(want, w.get(i, j), 6 * sd + 1e-6 * Math.abs(want), "weight (" + i + ", " + j + ")");
            }
        }
    }

    /** A zero factor or learning rate issues no pulse; bad shapes and bit lengths are rejected. */
    @Test
    void pulseTrainEdgeCases() {
        CrossbarMatrix x = matrix(2, 2, CrossbarConfig.defaults(), DeviceConfig.defaults());
        FMatrixRMaj a = new FMatrixRMaj(1, 2, true, 0f, 0f);
        FMatrixRMaj c = new FMatrixRMaj(1, 2, true, 1f, 1f);
        assertEquals(0, x.coincidenceUpdateInPlace(a, c, 1, 0.1, 31, new SplittableRandom(1)));
        assertEquals(0, x.coincidenceUpdateInPlace(c, c, 1, 0.0, 31, new SplittableRandom(1)));
        assertThrows(ShapeMismatchException.class,
                () -> x.coincidenceUpdateInPlace(new FMatrixRMaj(1, 3), c, 1, 0.1, 31, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> x.coincidenceUpdateInPlace(c, c, 1, 0.1, 65,
                new SplittableRandom(1)));
        assertThrows(ShapeMismatchException.class, () -> x.pulseUpdateInPlace(new FMatrixRMaj(2, 3), 5, false, null));
    }

    /**
     * Soft-bounds devices: equal numbers of up and down pulses do not cancel away from the symmetric point, the effect
     * Tiki-Taka was designed against (Gokmen &amp; Haensch 2020). From w = 0.6 alternating ±1 pulses pull the weight
     * toward the value where the pair's push-pull steps balance, not back to 0.6.
     */
    @Test
    void asymmetricDevicesDriftUnderBalancedPulses() {
        DeviceConfig soft = DeviceConfig.defaults().with("step-model", "linear", "gamma-up", "1", "gamma-down", "1",
                "step-size", "1e-8");
        CrossbarMatrix x = matrix(1, 1, CrossbarConfig.defaults(), soft);
        x.programInPlace(new FMatrixRMaj(1, 1, true, 0.6f), null);
        double dw = x.pulseWeight();
        FMatrixRMaj up = new FMatrixRMaj(1, 1, true, (float) dw);
        FMatrixRMaj down = new FMatrixRMaj(1, 1, true, (float) -dw);
        for (int t = 0; t < 2000; t++) {
            x.pulseUpdateInPlace(up, 255, false, null);
            x.pulseUpdateInPlace(down, 255, false, null);
        }
        double w = x.effectiveWeights(null).data[0];
        assertTrue(w < 0.5, "balanced pulses on soft-bounds devices should pull w = 0.6 down, got " + w);
    }

    /** Devices not written for t_e drift as (t_e/t₀)^−ν; written devices restart their clock. */
    @Test
    void driftFollowsThePowerLawSinceTheLastWrite() {
        DeviceConfig dev = DeviceConfig.defaults().with("drift-nu", "0.1", "g-min", "1e-6");
        CrossbarMatrix x = matrix(1, 2, CrossbarConfig.defaults(), dev);
        x.programInPlace(new FMatrixRMaj(1, 2, true, 0.5f, 0.5f), null);
        double g0 = x.tile(0, 0, true).conductance(0, 0);
        x.driftInPlace(10.0);
        double g10 = x.tile(0, 0, true).conductance(0, 0);
        assertEquals(g0 * Math.pow(10.0, -0.1), g10, 1e-12 * g0);
        // pulse weight 1 once at t = 10 s: its devices restart from their new values at t = 10 s
        FMatrixRMaj d = new FMatrixRMaj(1, 2, true, 0f, (float) x.pulseWeight());
        x.pulseUpdateInPlace(d, 5, false, null);
        double g1 = x.tile(0, 0, true).conductance(0, 1);
        x.driftInPlace(30.0);
        assertEquals(g1 * Math.pow(20.0, -0.1), x.tile(0, 0, true).conductance(0, 1), 1e-12 * g1);
        assertEquals(g0 * Math.pow(30.0, -0.1), x.tile(0, 0, true).conductance(0, 0), 1e-12 * g0);
        assertEquals(30.0, x.time());
    }

    /** writeState/readState restore conductances, write times and the clock exactly. */
    @Test
    void deviceStateRoundTrips() throws java.io.IOException {
        DeviceConfig dev = DeviceConfig.defaults().with("cycle-noise", "0.3", "drift-nu", "0.05", "g-min", "1e-6");
        CrossbarMatrix a = matrix(6, 7, SMALL_TILES, dev);
        a.programInPlace(start(6, 7), null);
        FMatrixRMaj delta = start(6, 7);
        a.pulseUpdateInPlace(delta, 3, true, new SplittableRandom(3));
        a.driftInPlace(5);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        a.writeState(new java.io.DataOutputStream(bytes));
        CrossbarMatrix b = matrix(6, 7, SMALL_TILES, dev);
        b.readState(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(java.util.Arrays.toString(a.effectiveWeights(null).data),
                java.util.Arrays.toString(b.effectiveWeights(null).data));
        a.driftInPlace(9);
        b.driftInPlace(9);
        assertEquals(java.util.Arrays.toString(a.effectiveWeights(null).data),
                java.util.Arrays.toString(b.effectiveWeights(null).data));
    }
}
