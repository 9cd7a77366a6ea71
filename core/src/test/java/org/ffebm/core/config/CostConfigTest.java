package org.ffebm.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CostConfigTest {

    /** Relative tolerance of hand-computed products (a few roundings of doubles). */
    private static final double TOL_REL = 1e-12;

    private static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= TOL_REL * Math.abs(expected),
                what + ": expected " + expected + ", was " + actual);
    }

    /** A configuration with round numbers, so that every product below is checked by hand. */
    private static CostConfig round() {
        return new CostConfig(4.0, 2.0, 1.5, 0.25, 0.5, 10.0, OptionalDouble.empty(), 2.0, 0.01, 0.1, 50.0, 5.0,
                2.0, 3.0, 8.0, 6, List.of());
    }

    @Test
    void everyDefaultIsPositiveAndFinite() {
        Properties p = CostConfig.defaults().toProperties();
        for (String k : p.stringPropertyNames()) {
            if (k.equals(CostConfig.PREFIX + "adc-pj-override")) {
                assertEquals("", p.getProperty(k), "the default has no override");
                continue;
            }
            if (k.equals(CostConfig.PREFIX + "digital-blocks")) {
                assertEquals("", p.getProperty(k), "by default every energy block is analog");
                continue;
            }
            double v = Double.parseDouble(p.getProperty(k));
            assertTrue(v > 0 && Double.isFinite(v), k + " = " + v);
        }
        assertEquals(17, p.size(), "one key per figure");
    }

    @Test
    void defaultsFollowTheirDerivations() {
        CostConfig d = CostConfig.defaults();
        assertClose(3.7 + 0.9, d.macPj("fp32"), "Horowitz fp32 mult + add");
        assertClose(1.1 + 0.4, d.macPj("fp16"), "Horowitz fp16 mult + add");
        assertClose(0.2 + 0.1, d.macPj("int8"), "Horowitz int8 mult + int32 add");
        assertEquals(0.4 + 1.1 * 64 / 121, d.macPj("bf16"), 0.005, "fp16 add + fp16 mult scaled by (8/11)^2");
        assertClose(5.0 / 4, d.sramPjPerByte(), "5 pJ per 32-bit SRAM read");
        assertClose(0.2 * 0.2 * 10e-6 * 80e-9 * 1e12, d.deviceReadPj(), "V^2 G t");
        assertClose(1.0 * 1.0 * 10e-6 * 1e-9 * 1e12, d.pulsePj(), "V^2 G t of a pulse");
        assertClose(1e9 / 250e6, d.adcNs(), "1/(250 MS/s)");
        assertClose(5.12, d.adcPjPerConversion(8), "20 fJ * 256");
        assertClose(0.256, d.dacPjPerConversion(8), "1 fJ * 256");
    }

    @Test
    void energiesAreCountsTimesFigures() {
        CostConfig c = round();
        assertClose(4.0 * 1000, c.digitalEnergyPj("fp32", 1000), "fp32");
        assertClose(2.0 * 1000, c.digitalEnergyPj("bf16", 1000), "bf16");
        assertClose(1.5 * 1000, c.digitalEnergyPj(" FP16 ", 1000), "fp16, case and blanks ignored");
        assertClose(0.25 * 1000, c.digitalEnergyPj("int8", 1000), "int8");
        assertClose(0.5 * 64, c.sramEnergyPj(64), "sram");
        // ADC: 10 fJ * 2^6 = 640 fJ = 0.64 pJ per conversion, 100 conversions = 64 pJ.
        assertClose(0.64, c.adcPjPerConversion(6), "adc per conversion");
        assertClose(64.0, c.adcEnergyPj(6, 100), "adc");
        assertClose(0.02, c.adcPjPerConversion(1), "adc 1 bit");
        // DAC: 2 fJ * 2^4 = 32 fJ per conversion, 10 conversions = 0.32 pJ.
        assertClose(0.032, c.dacPjPerConversion(4), "dac per conversion");
        assertClose(0.32, c.dacEnergyPj(4, 10), "dac");
        assertClose(0.01 * 128 * 128 * 20, c.readEnergyPj(128L * 128 * 20), "reads");
        assertClose(0.1 * 300, c.pulseEnergyPj(300), "pulses");
        assertEquals(0.0, c.adcEnergyPj(8, 0), "no conversions, no energy");
    }

    @Test
    void timesAreCountsTimesFigures() {
        CostConfig c = round();
        assertClose(50.0 * 20, c.relaxTimeNs(20), "relaxation");
        assertClose(5.0 * 7, c.adcTimeNs(7), "adc");
        assertClose(2.0 * 7, c.dacTimeNs(7), "dac");
        assertClose(3.0 * 31, c.pulseTimeNs(31), "pulse slots");
        assertClose(1000.0 / 8, c.digitalTimeNs(1000), "digital MACs at 8 per ns");
    }

    @Test
    void overrideReplacesTheWaldenEnergyAtEveryResolution() {
        CostConfig c = CostConfig.of(props("ffebm.cost.adc-pj-override", "3.5"));
        assertEquals(3.5, c.adcPjPerConversion(4));
        assertEquals(3.5, c.adcPjPerConversion(12));
        assertClose(35.0, c.adcEnergyPj(8, 10), "override * conversions");
    }

    @Test
    void propertiesRoundTrip() throws Exception {
        CostConfig c = new CostConfig(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, OptionalDouble.of(7.0), 8.0, 9.0, 10.0, 11.0, 12.0,
                13.0, 14.0, 15.0, 5, List.of("E1", "E2"));
        assertEquals(c, CostConfig.of(c.toProperties()));
        assertEquals(CostConfig.defaults(), CostConfig.of(CostConfig.defaults().toProperties()));
        assertEquals(CostConfig.defaults(), CostConfig.of(new Properties()));
        // Through the text form as well (the empty override must survive store/load).
        StringWriter w = new StringWriter();
        CostConfig.defaults().toProperties().store(w, null);
        Properties back = new Properties();
        back.load(new StringReader(w.toString()));
        assertEquals(CostConfig.defaults(), CostConfig.of(back));
        assertFalse(CostConfig.of(back).adcPjOverride().isPresent());
    }

    @Test
    void readsOneKeyAndKeepsTheOtherDefaults() {
        CostConfig c = CostConfig.of(props("ffebm.cost.mac-pj.bf16", "0.7"));
        assertEquals(0.7, c.macBf16Pj());
        assertEquals(CostConfig.defaults().macFp32Pj(), c.macFp32Pj());
        Properties other = props("ffebm.model.layers", "64");
        assertEquals(CostConfig.defaults(), CostConfig.of(other), "keys of other sections are ignored");
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        assertMessage("ffebm.cost.pulse-pj", "-1", "ffebm.cost.pulse-pj", "-1.0");
        assertMessage("ffebm.cost.mac-pj.fp32", "NaN", "ffebm.cost.mac-pj.fp32", "NaN");
        assertMessage("ffebm.cost.adc-fom-fj", "Infinity", "ffebm.cost.adc-fom-fj", "Infinity");
        assertMessage("ffebm.cost.adc-pj-override", "-2", "ffebm.cost.adc-pj-override", "-2.0");
        assertMessage("ffebm.cost.adc-pj-override", "x", "ffebm.cost.adc-pj-override", "'x'");
        assertMessage("ffebm.cost.relax-step-ns", "fast", "ffebm.cost.relax-step-ns", "'fast'");
        assertMessage("ffebm.cost.digital-mac-per-ns", "0", "ffebm.cost.digital-mac-per-ns", "0.0");
        assertMessage("ffebm.cost.mac-pj.fp8", "1", "unknown configuration key", "ffebm.cost.mac-pj.fp8");
    }

    @Test
    void badArgumentsOfTheFunctionsAreRejected() {
        CostConfig c = CostConfig.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.macPj("fp8"));
        assertTrue(e.getMessage().contains("fp8") && e.getMessage().contains("bf16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.adcEnergyPj(0, 1));
        assertTrue(e.getMessage().contains("bits") && e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.dacPjPerConversion(CostConfig.MAX_BITS + 1));
        e = assertThrows(IllegalArgumentException.class, () -> c.pulseEnergyPj(-3));
        assertTrue(e.getMessage().contains("pulses") && e.getMessage().contains("-3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.relaxTimeNs(-1));
        assertThrows(IllegalArgumentException.class, () -> new CostConfig(1, 1, 1, 1, 1, 1, null, 1, 1, 1, 1, 1, 1, 1,
                1, 8, List.of()));
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }

    private static void assertMessage(String key, String value, String... expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CostConfig.of(props(key,
                value)));
        for (String x : expected) {
            assertTrue(e.getMessage().contains(x), "'" + x + "' not in: " + e.getMessage());
        }
    }
}
