package org.ffebm.analog.peripheral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.ffebm.analog.peripheral.ConverterConfig.Kind;
import org.ffebm.analog.peripheral.ConverterConfig.Rounding;
import org.junit.jupiter.api.Test;

class ConverterTest {

    private static final long SEED = 4242L;

    @Test
    void aBbitConverterHasTwoToTheBLevelsIncludingBothEnds() {
        for (int bits : new int[] {1, 2, 3, 8}) {
            Converter c = new Converter(ConverterConfig.of(Kind.ADC, bits, -0.5, 1.5));
            TreeSet<Double> seen = new TreeSet<>();
            for (int k = 0; k <= 20_000; k++) {
                seen.add(c.convert(-1 + 3.0 * k / 20_000, null));
            }
            assertEquals(1 << bits, seen.size(), bits + " bits");
            assertEquals(-0.5, seen.first());
            assertEquals(1.5, seen.last());
            assertEquals(2.0 / ((1 << bits) - 1), c.config().step(), 1e-15);
        }
    }

    @Test
    void nearestRoundingErrsByAtMostHalfAStepAndClips() {
        ConverterConfig cfg = ConverterConfig.of(Kind.DAC, 4, 0, 1);
        Converter c = new Converter(cfg);
        double half = cfg.step() / 2;
        float[] x = new float[1001];
        float[] in = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            in[k] = (float) (-0.2 + 1.4 * k / 1000);
            x[k] = in[k];
        }
        c.quantizeInPlace(x, 0, x.length, null);
        for (int k = 0; k < x.length; k++) {
            double clipped = Math.max(0, Math.min(1, in[k]));
            // half a step plus float rounding of input and output
            assertTrue(Math.abs(x[k] - clipped) <= half + 1e-6, "k=" + k + " in=" + in[k] + " out=" + x[k]);
        }
        assertEquals(0.0, c.convert(-5, null));
        assertEquals(1.0, c.convert(7, null));
        assertEquals(cfg.step(), c.convert(cfg.step() * 1.5 - 1e-12, null), 1e-15);
        assertEquals(2 * cfg.step(), c.convert(cfg.step() * 1.5, null), 1e-15);     // a tie rounds up
        assertTrue(Double.isNaN(c.convert(Double.NaN, null)));
    }

    @Test
    void stochasticRoundingIsUnbiasedAndUsesOnlyTheNeighbouringLevels() {
        ConverterConfig cfg = ConverterConfig.of(Kind.ADC, 2, 0, 1).withRounding(Rounding.STOCHASTIC);
        Converter c = new Converter(cfg);
        double step = cfg.step();
        int n = 100_000;
        SplittableRandom rng = new SplittableRandom(SEED);
        for (double x : new double[] {0.3, 0.5, 0.95}) {
            double lower = Math.floor(x / step) * step;
            double p = (x - lower) / step;
            double[] v = new double[n];
            double sum = 0;
            for (int r = 0; r < n; r++) {
                v[r] = c.convert(x, rng);
                sum += v[r];
                assertTrue(Math.abs(v[r] - lower) < 1e-12 || Math.abs(v[r] - (lower + step)) < 1e-12, "x=" + x);
            }
            // a 4-sigma bound on the mean of n Bernoulli(p)*step draws: false-alarm rate 6.3e-5 per x
            assertEquals(x, sum / n, 4 * step * Math.sqrt(p * (1 - p) / n), "x=" + x + " seed=" + SEED);
        }
        assertEquals(1.0, c.convert(3, rng));        // clipped first, then exact at the top level
        assertEquals(0.0, c.convert(-3, rng));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.quantizeInPlace(new float[2], 0, 2, null));
        assertTrue(e.getMessage().contains("ffebm.adc.rounding"), e.getMessage());
    }

    @Test
    void theSameSeedGivesTheSameBitsAndConversionsAreCounted() {
        ConverterConfig cfg = ConverterConfig.of(Kind.ADC, 6, -1, 1).withRounding(Rounding.STOCHASTIC);
        float[][] out = new float[2][];
        for (int run = 0; run < 2; run++) {
            float[] x = new float[257];
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) Math.sin(k * 0.37);
            }
            Converter c = new Converter(cfg);
            c.quantizeInPlace(x, 5, 250, new SplittableRandom(SEED));
            assertEquals(245, c.conversions());
            out[run] = x;
        }
        assertArrayEquals(out[0], out[1]);
        assertEquals((float) Math.sin(4 * 0.37), out[0][4]);       // outside the range: untouched

        Converter ideal = new Converter(ConverterConfig.ideal(Kind.DAC));
        double[] d = {-7, 0.25, 9};
        ideal.quantizeInPlace(d, 0, 3, null);
        assertArrayEquals(new double[] {-7, 0.25, 9}, d);
        assertEquals(3, ideal.conversions());
        ideal.resetConversions();
        assertEquals(0, ideal.conversions());
        Converter clipOnly = new Converter(new ConverterConfig(Kind.DAC, 0, 0, 1, true, Rounding.NEAREST));
        clipOnly.quantizeInPlace(d, 0, 3, null);
        assertArrayEquals(new double[] {0, 0.25, 1}, d);
        assertThrows(IndexOutOfBoundsException.class, () -> clipOnly.quantizeInPlace(d, 2, 4, null));
    }

    @Test
    void propertiesRoundTripAndBadValuesNameTheKey() {
        for (Kind kind : Kind.values()) {
            ConverterConfig c = new ConverterConfig(kind, 7, -0.25, 2.5, true, Rounding.STOCHASTIC);
            assertEquals(c, ConverterConfig.of(c.toProperties(), kind));
            assertEquals(ConverterConfig.ideal(kind), ConverterConfig.of(new Properties(), kind));
        }
        assertMessage(Kind.ADC, "bits", "25", "ffebm.adc.bits", "was 25");
        assertMessage(Kind.DAC, "bits", "-1", "ffebm.dac.bits", "was -1");
        assertMessage(Kind.DAC, "lo", "2", "ffebm.dac.lo", "lo=2.0");
        assertMessage(Kind.ADC, "hi", "NaN", "ffebm.adc.hi", "NaN");
        assertMessage(Kind.ADC, "rounding", "floor", "ffebm.adc.rounding", "floor");
        assertMessage(Kind.DAC, "nope", "1", "unknown configuration key", "ffebm.dac.nope");
        Properties p = new Properties();
        p.setProperty("ffebm.adc.bits", "8");
        p.setProperty("ffebm.adc.clip", "false");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConverterConfig.of(p, Kind.ADC));
        assertTrue(e.getMessage().contains("ffebm.adc.clip") && e.getMessage().contains("was false"), e.getMessage());
        // other sections are not this converter's business
        Properties q = new Properties();
        q.setProperty("ffebm.adc.bits", "3");
        assertEquals(ConverterConfig.ideal(Kind.DAC), ConverterConfig.of(q, Kind.DAC));
    }

    private static void assertMessage(Kind kind, String key, String value, String... expected) {
        Properties p = new Properties();
        p.setProperty(kind.prefix() + key, value);
        if (!key.equals("bits") && !key.equals("nope")) {
            p.setProperty(kind.prefix() + "bits", "4");
            p.setProperty(kind.prefix() + "clip", "true");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConverterConfig.of(p, kind));
        for (String s : expected) {
            assertTrue(e.getMessage().contains(s), "message '" + e.getMessage() + "' lacks '" + s + "'");
        }
    }
}
