package org.ffebm.analog.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReadNoiseTest {

    private static final long SEED = 77L;

    @Test
    void readsHaveTheConfiguredMean() {
        double sa = 0.1e-6;
        double sr = 0.02;
        double g = 5e-6;
        int n = 200_000;
        ReadNoise noise = new ReadNoise(sa, sr, new SplittableRandom(SEED));
        double[] v = new double[n];
        Arrays.fill(v, g);
        noise.readInPlace(v, 0, n);
        double sd = Math.sqrt(sa * sa + sr * sr * g * g);
        // 4-sigma bounds on the sample mean and std of 200000 Gaussian reads: false-alarm rate 1.3e-4 for the two
        assertEquals(g, Stats.mean(v), 4 * sd / Math.sqrt(n));
        assertEquals(sd, Stats.std(v), 4 * sd / Math.sqrt(2.0 * n));

        // each part on its own: proportional noise scales with g, additive does not
        for (double gg : new double[] {1e-6, 10e-6}) {
            double[] p = new double[n];
            Arrays.fill(p, gg);
            new ReadNoise(0, sr, new SplittableRandom(SEED + 1)).readInPlace(p, 0, n);
            // 4-sigma bound on the sample std: false-alarm rate 6.3e-5 per value of g
            assertEquals(sr * gg, Stats.std(p), 4 * sr * gg / Math.sqrt(2.0 * n));
        }
    }

    @Test
    void productOutputHasTheVarianceOfIndependentDeviceNoise() {
        double sa = 0.05e-6;
        double sr = 0.03;
        double[] gs = {1e-6, 4e-6, 9e-6};
        double[] vs = {0.2, -0.1, 0.3};
        double y = 0;
        double sumV2 = 0;
        double sumG2V2 = 0;
        for (int j = 0; j < 3; j++) {
            y += gs[j] * vs[j];
            sumV2 += vs[j] * vs[j];
            sumG2V2 += gs[j] * gs[j] * vs[j] * vs[j];
        }
        int n = 100_000;
        ReadNoise perDevice = new ReadNoise(sa, sr, new SplittableRandom(SEED));
        ReadNoise lumped = perDevice.withRng(new SplittableRandom(SEED + 2));
        double[] a = new double[n];
        double[] b = new double[n];
        for (int r = 0; r < n; r++) {
            double s = 0;
            for (int j = 0; j < 3; j++) {
                s += perDevice.read(gs[j]) * vs[j];
            }
            a[r] = s;
            b[r] = lumped.perturbOutput(y, sumV2, sumG2V2);
        }
        double sd = lumped.outputStd(sumV2, sumG2V2);
        // 4-sigma bounds on mean and std for each of the two samplers: false-alarm rate 2.5e-4 for the four checks
        assertEquals(y, Stats.mean(a), 4 * sd / Math.sqrt(n));
        assertEquals(y, Stats.mean(b), 4 * sd / Math.sqrt(n));
        assertEquals(sd, Stats.std(a), 4 * sd / Math.sqrt(2.0 * n));
        assertEquals(sd, Stats.std(b), 4 * sd / Math.sqrt(2.0 * n));
    }

    @Test
    void offDrawsNothingAndTheSameSeedGivesTheSameBits() {
        ReadNoise off = ReadNoise.of(DeviceConfig.defaults(), new SplittableRandom(SEED));
        assertTrue(off.isOff());
        float[] g = {1e-6f, 2e-6f};
        off.readInPlace(g, 0, 2);
        assertArrayEquals(new float[] {1e-6f, 2e-6f}, g);
        assertEquals(3.0, off.perturbOutput(3.0, 1, 1));

        DeviceConfig c = DeviceConfig.defaults().with("read-noise", "1e-8").with("read-noise-relative", "0.01");
        float[] x = new float[64];
        float[] z = new float[64];
        Arrays.fill(x, 3e-6f);
        Arrays.fill(z, 3e-6f);
        ReadNoise.of(c, new SplittableRandom(SEED)).readInPlace(x, 3, 60);
        ReadNoise.of(c, new SplittableRandom(SEED)).readInPlace(z, 3, 60);
        assertArrayEquals(x, z);
        assertEquals(3e-6f, x[2]);
        assertEquals(3e-6f, x[60]);
        assertThrows(IndexOutOfBoundsException.class, () -> off.readInPlace(g, 1, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReadNoise(-1e-9, 0, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("ffebm.device.read-noise") && e.getMessage().contains("-1.0E-9"));
    }
}
