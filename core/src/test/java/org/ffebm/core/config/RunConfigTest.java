package org.ffebm.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RunConfigTest {

    @Test
    void propertiesRoundTripKeepsEveryValue() throws Exception {
        Properties p = new Properties();
        p.setProperty("ffebm.model.layers", "64,32,16");
        p.setProperty("ffebm.model.block-size", "1");
        p.setProperty("ffebm.ep.beta", "0.25");
        p.setProperty("ffebm.ep.estimator", "one-sided");
        p.setProperty("ffebm.optim.block-lr", "eb1=0.1,readout=0.02");
        p.setProperty("ffebm.train.seed", "42");
        p.setProperty("ffebm.cost.adc-fom-fj", "35");
        p.setProperty("ffebm.cost.adc-pj-override", "2.5");
        RunConfig c = RunConfig.of(p);
        Properties back = new Properties();
        back.load(new StringReader(c.toText()));
        RunConfig again = RunConfig.of(back);
        assertEquals(c, again);
        assertEquals(3, c.model().blocks());
        assertEquals(0.1, c.optim().lrFor("eb1"));
        assertEquals(c.optim().lr(), c.optim().lrFor("eb2"));
        assertEquals(35.0, c.cost().adcFomFj());
        assertEquals(2.5, c.cost().adcPjOverride().getAsDouble());
        assertEquals(c.cost(), c.withTrain(c.train()).cost());
    }

    @Test
    void theFirstConvolutionsPlaceRoundTripsAndIsCheckedAgainstTheArchitecture() throws Exception {
        Properties p = new Properties();
        p.setProperty("ffebm.model.arch", "conv");
        p.setProperty("ffebm.model.layers", "16,32");
        p.setProperty("ffebm.model.pools", "m-");
        p.setProperty("ffebm.model.tie", "bn");
        p.setProperty("ffebm.model.first-conv", "digital");
        RunConfig c = RunConfig.of(p);
        assertTrue(c.model().firstConvDigital());
        Properties back = new Properties();
        back.load(new StringReader(c.toText()));
        assertEquals(c, RunConfig.of(back));
        assertEquals("energy", RunConfig.defaults().model().firstConv());
        p.setProperty("ffebm.model.first-conv", "analog");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunConfig.of(p));
        assertTrue(e.getMessage().contains("first-conv must be energy or digital, was 'analog'"), e.getMessage());
        Properties dense = new Properties();
        dense.setProperty("ffebm.model.first-conv", "digital");
        e = assertThrows(IllegalArgumentException.class, () -> RunConfig.of(dense));
        assertTrue(e.getMessage().contains("first-conv applies to arch conv only"), e.getMessage());
    }

    @Test
    void resolvedTextWritesEveryDefault() {
        String text = RunConfig.defaults().toText();
        for (String key : RunConfig.defaults().toProperties().stringPropertyNames()) {
            assertTrue(text.contains(key + "="), key);
        }
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        assertMessage("ffebm.ep.beta", "0", "ffebm.ep.beta");
        assertMessage("ffebm.ep.beta", "NaN", "ffebm.ep.beta");
        assertMessage("ffebm.ep.beta", "-1", "was -1.0");
        assertMessage("ffebm.train.batch-size", "0", "ffebm.train.batch-size");
        assertMessage("ffebm.train.epochs", "x", "must be an integer");
        assertMessage("ffebm.model.layers", "512,-3", "ffebm.model.layers");
        assertMessage("ffebm.model.block-size", "2", "does not divide");
        assertMessage("ffebm.model.tie", "conv", "tie");
        assertMessage("ffebm.optim.momentum", "1", "momentum");
        assertMessage("ffebm.nope", "1", "unknown configuration key");
        assertMessage("ffebm.cost.pulse-pj", "-1", "ffebm.cost.pulse-pj");
        assertMessage("ffebm.cost.mac-pj.fp8", "1", "ffebm.cost.mac-pj.fp8");
    }

    private static void assertMessage(String key, String value, String expected) {
        Properties p = new Properties();
        p.setProperty(key, value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunConfig.of(p));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void moduleSectionsTravelThroughAndOtherUnknownKeysDoNot() throws Exception {
        Properties p = new Properties();
        p.setProperty("ffebm.device.g-max", "2e-5");
        p.setProperty("ffebm.adc.bits", "6");
        p.setProperty("ffebm.model.layers", "64");
        RunConfig c = RunConfig.of(p);
        assertEquals("2e-5", c.modules().getProperty("ffebm.device.g-max"));
        assertEquals(2, c.modules().size());
        Properties back = new Properties();
        back.load(new StringReader(c.toText()));
        assertEquals(c, RunConfig.of(back));
        c.modules().setProperty("ffebm.device.levels", "4");
        assertEquals(2, c.modules().size(), "modules() must be a copy");
        assertEquals(c.modules(), c.withTrain(c.train()).modules());
        Properties bad = new Properties();
        bad.setProperty("ffebm.model.layerz", "64");
        assertThrows(IllegalArgumentException.class, () -> RunConfig.of(bad));
        Properties notModule = new Properties();
        notModule.setProperty("ffebm.model.layers", "64");
        assertThrows(IllegalArgumentException.class, () -> c.withModules(notModule));
    }

    /** STYLE 7: the root generator must honour its seed (JDK factories can silently ignore one). */
    @Test
    void sameSeedGivesSameStream() {
        SplittableRandom a = new SplittableRandom(123), b = new SplittableRandom(123);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextLong(), b.nextLong());
        }
        SplittableRandom c = new SplittableRandom(124);
        assertTrue(new SplittableRandom(123).nextLong() != c.nextLong());
    }
}
