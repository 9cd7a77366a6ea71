package org.ffebm.analog.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each device model and noise source against its definition. Statistical checks use a fixed seed (so they are
 * deterministic) and a bound chosen so that, for a fresh seed, each would fail with the false-alarm rate stated at it.
 */
class DeviceArrayTest {

    private static final long SEED = 20240611L;
    /** The window used by most tests: [2 µS, 12 µS]. */
    private static final DeviceConfig BASE = DeviceConfig.defaults().with("g-min", "2e-6").with("g-max", "12e-6")
            .with("step-size", "2e-9");

    private static DeviceArray array(int rows, int cols, DeviceConfig c) {
        return new DeviceArray(rows, cols, c, new SplittableRandom(SEED));
    }

    @Test
    void meanAndSpreadOfOnePulseFollowEachModel(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("steps.csv");
        Files.writeString(csv, "g,dg_up,dg_down\n2e-6,4e-9,1e-9\n7e-6,2e-9,2e-9\n12e-6,0.5e-9,3e-9\n");
        DeviceConfig noisy = BASE.with("asymmetry", "0.2").with("cycle-noise", "0.2");
        DeviceConfig[] models = {
            noisy,
            noisy.with("step-model", "linear").with("gamma-up", "1").with("gamma-down", "1"),
            noisy.with("step-model", "exponential").with("gamma-up", "2").with("gamma-down", "3"),
            noisy.with("step-model", "power").with("gamma-up", "1.5").with("gamma-down", "0.5"),
            noisy.with("step-model", "table", "table", csv.toString()),
        };
        int n = 20_000;
        double sigmaC = 0.2;
        for (DeviceConfig c : models) {
            DeviceArray a = array(1, 1, c);
            StepModel m = a.model();
            SplittableRandom rng = new SplittableRandom(SEED + 1);
            for (double x : new double[] {0.1, 0.5, 0.9}) {
                double g0 = c.gMin() + x * c.window();
                for (int dir1 : new int[] {1, -1}) {
                    double expected = dir1 > 0 ? m.up(g0, c.gMin(), c.gMax()) : m.down(g0, c.gMin(), c.gMax());
                    double[] steps = new double[n];
                    for (int r = 0; r < n; r++) {
                        a.programInPlace(0, 0, g0, null);
                        a.pulseInPlace(0, 0, dir1, rng);
                        steps[r] = dir1 * (a.conductance(0, 0) - g0);
                    }
                    String what = c.stepModel().key() + " x=" + x + " dir=" + dir1 + " seed=" + SEED;
                    // 60 checks of this kind (5 models x 3 states x 2 directions x {mean, spread}); each is a 4-sigma
                    // bound on a statistic that is Gaussian to a good approximation for n = 20000: false-alarm rate
                    // 6.3e-5 per check, 4e-3 for the whole test
                    double sd = sigmaC * expected;
                    assertEquals(expected, Stats.mean(steps), 4 * sd / Math.sqrt(n), "mean step, " + what);
                    assertEquals(sd, Stats.std(steps), 4 * sd / Math.sqrt(2.0 * n), "step spread, " + what);
                }
            }
        }
    }

    @Test
    void softBoundsDeviceSettlesAtThePredictedSymmetricPoint() {
        double a = 0.2;
        DeviceConfig c = BASE.with("step-model", "linear").with("gamma-up", "1").with("gamma-down", "1")
                .with("asymmetry", Double.toString(a)).with("step-size", "1e-8");
        DeviceArray d = array(1, 1, c);
        for (int k = 0; k < 20_000; k++) {
            d.pulseInPlace(0, 0, 1, null);
            d.pulseInPlace(0, 0, -1, null);
        }
        double predicted = c.gMin() + (1 + a) / 2 * c.window();
        // noiseless: the up/down cycle's fixed point is within one step of the symmetric point
        assertEquals(predicted, d.conductance(0, 0), 2 * c.stepSize());
    }

    @Test
    void pulsesClipToTheDeviceBounds() {
        DeviceArray d = array(1, 2, BASE.with("step-size", "1e-7").with("cycle-noise", "0.3"));
        SplittableRandom rng = new SplittableRandom(SEED);
        d.pulseInPlace(0, 0, 1000, rng);
        assertEquals(12e-6, d.conductance(0, 0));
        d.pulseInPlace(0, 0, -1000, rng);
        assertEquals(2e-6, d.conductance(0, 0));
        d.programInPlace(0, 1, 1.0, null);
        assertEquals(12e-6, d.conductance(0, 1));
    }

    @Test
    void levelsAreEquallySpacedAndQuantizeAtBoundsAndBoundaries() {
        // a binary window so that level values and the midpoints between them are exact doubles
        double top = Math.scalb(1.0, -16);                      // 15.3 µS
        double sp = top / 8;
        DeviceConfig c = DeviceConfig.defaults().with("g-max", Double.toString(top), "levels", "9",
                "step-size", Double.toString(sp));
        DeviceArray d = array(1, 1, c);
        assertEquals(sp, d.levelSpacing(0, 0));
        d.programInPlace(0, 0, 0, null);
        assertEquals(0, d.conductance(0, 0));
        d.programInPlace(0, 0, top, null);
        assertEquals(top, d.conductance(0, 0));                 // g_max exactly
        d.programInPlace(0, 0, 3.5 * sp, null);
        assertEquals(4 * sp, d.conductance(0, 0));              // a tie rounds up
        d.programInPlace(0, 0, Math.nextDown(3.5 * sp), null);
        assertEquals(3 * sp, d.conductance(0, 0));              // just below the boundary rounds down
        d.programInPlace(0, 0, 7.6 * sp, null);
        assertEquals(top, d.conductance(0, 0));                 // into the top level
        d.programInPlace(0, 0, -5e-6, null);
        assertEquals(0, d.conductance(0, 0));                   // clipped, then level 0
        for (int k = 0; k <= 8; k++) {                          // every level reachable by one-level pulses
            assertEquals(k * sp, d.conductance(0, 0), "level " + k);
            d.pulseInPlace(0, 0, 1, null);
        }
        assertEquals(top, d.conductance(0, 0));
        // a step below half the spacing is lost on a discrete device
        DeviceArray small = array(1, 1, c.with("step-size", Double.toString(0.4 * sp)));
        small.pulseInPlace(0, 0, 5, null);
        assertEquals(0, small.conductance(0, 0));
        // levels follow each device's own bounds
        DeviceArray varied = array(1, 1, BASE.with("levels", "5", "bounds-d2d", "0.05"));
        varied.programInPlace(0, 0, 1, null);
        assertEquals(varied.upperBound(0, 0), varied.conductance(0, 0));
        assertEquals((varied.upperBound(0, 0) - varied.lowerBound(0, 0)) / 4, varied.levelSpacing(0, 0));
    }

    @Test
    void stuckFractionIsBinomialAndStuckDevicesNeverMove() {
        int rows = 100;
        int cols = 100;
        int n = rows * cols;
        double p = 0.1;
        DeviceArray d = array(rows, cols, BASE.with("stuck-fraction", Double.toString(p)).with("stuck-mode", "g-max"));
        // a 4-sigma bound on a Binomial(10000, 0.1) count (sigma = 30): false-alarm rate 6.3e-5
        assertEquals(n * p, d.stuckCount(), 4 * Math.sqrt(n * p * (1 - p)));
        SplittableRandom rng = new SplittableRandom(SEED);
        int counted = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                d.pulseInPlace(i, j, -50, rng);
                if (d.isStuck(i, j)) {
                    counted++;
                    assertEquals(d.upperBound(i, j), d.conductance(i, j));
                    d.programInPlace(i, j, 5e-6, rng);
                    assertEquals(d.upperBound(i, j), d.conductance(i, j));
                    assertEquals(0, d.expectedUp(i, j));
                } else {
                    assertTrue(d.conductance(i, j) < d.upperBound(i, j));
                }
            }
        }
        assertEquals(d.stuckCount(), counted);

        DeviceArray mixed = array(rows, cols, BASE.with("stuck-fraction", "0.5").with("stuck-mode", "mixed"));
        int atMax = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (mixed.isStuck(i, j) && mixed.conductance(i, j) == mixed.upperBound(i, j)) {
                    atMax++;
                }
            }
        }
        int s = mixed.stuckCount();
        // a 4-sigma bound on Binomial(s, 0.5): false-alarm rate 6.3e-5
        assertEquals(s / 2.0, atMax, 4 * Math.sqrt(s * 0.25));

        DeviceArray random = array(10, 10, BASE.with("stuck-fraction", "1").with("stuck-mode", "random"));
        assertEquals(100, random.stuckCount());
        double first = random.conductance(0, 0);
        boolean differ = false;
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 10; j++) {
                double g = random.conductance(i, j);
                assertTrue(g >= random.lowerBound(i, j) && g <= random.upperBound(i, j));
                differ |= g != first;
            }
        }
        assertTrue(differ);
        assertEquals(0, array(rows, cols, BASE).stuckCount());
    }

    @Test
    void driftExponentIsRecoveredByALogLogFit() {
        double nu = 0.05;
        double t0 = 20;
        DeviceConfig c = BASE.with("drift-nu", Double.toString(nu)).with("drift-t0", Double.toString(t0));
        DeviceArray d = array(1, 1, c);
        d.programInPlace(0, 0, 8e-6, null);
        d.driftInPlace(t0);
        assertEquals(8e-6, d.conductance(0, 0));                // no drift before t0
        double[] ts = {200, 2e3, 2e4, 2e5, 2e6};
        double[] lt = new double[ts.length];
        double[] lg = new double[ts.length];
        for (int k = 0; k < ts.length; k++) {
            d.driftInPlace(ts[k]);
            lt[k] = Math.log(ts[k]);
            lg[k] = Math.log(d.conductance(0, 0));
        }
        assertEquals(-nu, slope(lt, lg), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> d.driftInPlace(10));

        // a write restarts the device's own clock
        d.programInPlace(0, 0, 6e-6, null);
        d.driftInPlace(2e6 + 10);
        assertEquals(6e-6, d.conductance(0, 0));
        d.driftInPlace(2e6 + 200);
        assertEquals(6e-6 * Math.pow(10, -nu), d.conductance(0, 0), 1e-18);

        // device-to-device nu: each device's fitted exponent is its own, and their mean is nu
        DeviceArray many = array(100, 100, c.with("drift-nu-d2d", "0.02"));
        double[] target = new double[100 * 100];
        java.util.Arrays.fill(target, 8e-6);
        many.programAllInPlace(target, null);
        many.driftInPlace(200);
        double[] at200 = many.copyTo((double[]) null);
        many.driftInPlace(2e5);
        double[] at2e5 = many.copyTo(new double[100 * 100]);
        double[] fitted = new double[at200.length];
        for (int k = 0; k < fitted.length; k++) {
            fitted[k] = -(Math.log(at2e5[k]) - Math.log(at200[k])) / (Math.log(2e5) - Math.log(200));
            assertEquals(many.driftExponent(k / 100, k % 100), fitted[k], 1e-9);
        }
        // a 4-sigma bound on the mean of 10000 exponents with std 0.02 (the truncation at 0 shifts the mean by 4e-5,
        // a fifth of a sigma): false-alarm rate below 1e-4
        assertEquals(nu, Stats.mean(fitted), 4 * 0.02 / 100);
    }

    private static double slope(double[] x, double[] y) {
        double mx = Stats.mean(x);
        double my = Stats.mean(y);
        double sxy = 0;
        double sxx = 0;
        for (int k = 0; k < x.length; k++) {
            sxy += (x[k] - mx) * (y[k] - my);
            sxx += (x[k] - mx) * (x[k] - mx);
        }
        return sxy / sxx;
    }

    @Test
    void deviceToDeviceVariabilityHasTheConfiguredSpread() {
        int n = 200;
        int m = n * n;
        DeviceArray steps = array(n, n, BASE.with("step-d2d", "0.3"));
        DeviceArray asyms = array(n, n, BASE.with("asymmetry-d2d", "0.1"));
        DeviceConfig bc = BASE.with("bounds-d2d", "0.05");
        DeviceArray bounds = array(n, n, bc);
        double[] step = new double[m];
        double[] asym = new double[m];
        double[] lo = new double[m];
        double[] hi = new double[m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                step[k] = steps.stepScaleUp(i, j);
                assertEquals(step[k], steps.stepScaleDown(i, j));
                // with nominal a = 0 the scales are 1 + a_ij and 1 - a_ij
                asym[k] = (asyms.stepScaleUp(i, j) - asyms.stepScaleDown(i, j)) / 2;
                lo[k] = bounds.lowerBound(i, j);
                hi[k] = bounds.upperBound(i, j);
                assertEquals(step[k] * steps.model().up(steps.conductance(i, j), 2e-6, 12e-6), steps.expectedUp(i, j));
            }
        }
        // each line: 4-sigma bounds on a sample mean (sigma/sqrt(m)) and a sample std (sigma/sqrt(2m)) of 40000
        // Gaussian draws; 8 checks at 6.3e-5 each: false-alarm rate 5e-4 for the test. Truncation (s >= 0, |a| <= 0.99,
        // hi - lo >= W/20) acts beyond 3.3 sigma and moves these moments by less than 1e-3 sigma.
        assertEquals(1, Stats.mean(step), 4 * 0.3 / Math.sqrt(m));
        assertEquals(0.3, Stats.std(step), 4 * 0.3 / Math.sqrt(2.0 * m));
        assertEquals(0, Stats.mean(asym), 4 * 0.1 / Math.sqrt(m));
        assertEquals(0.1, Stats.std(asym), 4 * 0.1 / Math.sqrt(2.0 * m));
        double sb = 0.05 * bc.window();
        assertEquals(bc.gMin(), Stats.mean(lo), 4 * sb / Math.sqrt(m));
        assertEquals(sb, Stats.std(lo), 4 * sb / Math.sqrt(2.0 * m));
        assertEquals(bc.gMax(), Stats.mean(hi), 4 * sb / Math.sqrt(m));
        assertEquals(sb, Stats.std(hi), 4 * sb / Math.sqrt(2.0 * m));
        // devices start at their own lower bound
        assertEquals(bounds.lowerBound(3, 4), bounds.conductance(3, 4));
        // nominal devices have unit scales exactly, whatever the nominal asymmetry
        DeviceArray nominal = array(2, 2, BASE.with("asymmetry", "0.3"));
        assertEquals(1, nominal.stepScaleUp(1, 1));
        assertEquals(1, nominal.stepScaleDown(1, 1));
    }

    @Test
    void turningOneKnobOnDoesNotChangeWhatTheOthersSample() {
        DeviceConfig c = BASE.with("step-d2d", "0.3");
        DeviceArray a = array(5, 5, c);
        DeviceArray b = array(5, 5, c.with("drift-nu-d2d", "0.02").with("stuck-fraction", "0.3"));
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(a.stepScaleUp(i, j), b.stepScaleUp(i, j));
            }
        }
    }

    @Test
    void writeNoiseHasTheConfiguredMoments() {
        double sw = 0.2e-6;
        int n = 100;
        DeviceArray d = array(n, n, BASE.with("write-noise", Double.toString(sw)));
        double[] target = new double[n * n];
        java.util.Arrays.fill(target, 7e-6);
        d.programAllInPlace(target, new SplittableRandom(SEED));
        double[] g = d.copyTo((double[]) null);
        // 4-sigma bounds on the mean and the std of 10000 draws (the bounds are 25 sigma away, no clipping):
        // false-alarm rate 1.3e-4 for the two checks
        assertEquals(7e-6, Stats.mean(g), 4 * sw / n);
        assertEquals(sw, Stats.std(g), 4 * sw / Math.sqrt(2.0 * n * n));
    }

    @Test
    void theSameSeedGivesTheSameBits() {
        SplittableRandom r1 = new SplittableRandom(SEED);
        SplittableRandom r2 = new SplittableRandom(SEED);
        for (int k = 0; k < 100; k++) {
            assertEquals(r1.nextLong(), r2.nextLong(), "SplittableRandom must honour its seed");
        }
        DeviceConfig c = DevicePresets.get("reram-softbounds").with("stuck-fraction", "0.05")
                .with("drift-nu", "0.05").with("drift-nu-d2d", "0.01").with("levels", "500");
        float[][] out = new float[2][];
        for (int run = 0; run < 2; run++) {
            DeviceArray d = array(7, 9, c);
            SplittableRandom rng = new SplittableRandom(SEED + 7);
            for (int i = 0; i < 7; i++) {
                for (int j = 0; j < 9; j++) {
                    d.programInPlace(i, j, 9e-6, rng);
                    d.pulseInPlace(i, j, (i * 9 + j) % 13 - 6, rng);
                }
            }
            d.driftInPlace(1e4);
            out[run] = d.copyTo((float[]) null);
        }
        assertArrayEquals(out[0], out[1]);
        DeviceArray other = new DeviceArray(7, 9, c, new SplittableRandom(SEED + 1));
        assertFalse(other.stepScaleUp(0, 0) == array(7, 9, c).stepScaleUp(0, 0));
    }

    @Test
    void badArgumentsAreRejected() {
        DeviceArray d = array(2, 3, BASE);
        assertThrows(IndexOutOfBoundsException.class, () -> d.pulseInPlace(2, 0, 1, null));
        assertThrows(IndexOutOfBoundsException.class, () -> d.conductance(0, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.programInPlace(0, 0, Double.NaN, null));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.programAllInPlace(new double[5], null));
        assertThrows(IllegalArgumentException.class, () -> array(-1, 2, BASE));
        assertEquals(0, array(0, 4, BASE).copyTo((float[]) null).length);
    }
}
