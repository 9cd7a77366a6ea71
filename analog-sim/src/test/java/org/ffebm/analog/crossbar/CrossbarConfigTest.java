package org.ffebm.analog.crossbar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.ffebm.analog.device.DeviceConfig;
import org.junit.jupiter.api.Test;

class CrossbarConfigTest {

    @Test
    void propertiesRoundTrip() {
        CrossbarConfig d = CrossbarConfig.defaults();
        assertEquals(d, CrossbarConfig.of(d.toProperties()));
        CrossbarConfig c = new CrossbarConfig(64, 32, CrossbarConfig.Mapping.REFERENCE, 2.5, 3e-6);
        assertEquals(c, CrossbarConfig.of(c.toProperties()));
        assertEquals(d, CrossbarConfig.of(new Properties()));
    }

    @Test
    void automaticGRefFromTheWindow() {
        DeviceConfig dev = DeviceConfig.defaults();   // window 10 µS
        assertEquals(1e-5, CrossbarConfig.defaults().resolveGRef(dev), 1e-20);
        CrossbarConfig ref = new CrossbarConfig(8, 8, CrossbarConfig.Mapping.REFERENCE, 2.0, 0.0);
        assertEquals(2.5e-6, ref.resolveGRef(dev), 1e-20);
        CrossbarConfig fixed = new CrossbarConfig(8, 8, CrossbarConfig.Mapping.REFERENCE, 2.0, 7e-7);
        assertEquals(7e-7, fixed.resolveGRef(dev), 0.0);
    }

    @Test
    void badValuesNameKeyAndValue() {
        assertMessage(() -> new CrossbarConfig(0, 512, CrossbarConfig.Mapping.DIFFERENTIAL, 1, 0),
                "ffebm.crossbar.rows", "0");
        assertMessage(() -> new CrossbarConfig(512, -3, CrossbarConfig.Mapping.DIFFERENTIAL, 1, 0),
                "ffebm.crossbar.cols", "-3");
        assertMessage(() -> new CrossbarConfig(512, 512, CrossbarConfig.Mapping.DIFFERENTIAL, Double.NaN, 0),
                "ffebm.crossbar.w-max", "NaN");
        assertMessage(() -> new CrossbarConfig(512, 512, CrossbarConfig.Mapping.DIFFERENTIAL, 1, -1e-6),
                "ffebm.crossbar.g-ref", "-1.0E-6");
        assertMessage(() -> new CrossbarConfig(512, 512, null, 1, 0), "ffebm.crossbar.mapping", "null");
        Properties p = new Properties();
        p.setProperty("ffebm.crossbar.mapping", "triple");
        assertMessage(() -> CrossbarConfig.of(p), "ffebm.crossbar.mapping", "triple");
        Properties q = new Properties();
        q.setProperty("ffebm.crossbar.tile-size", "3");
        assertMessage(() -> CrossbarConfig.of(q), "ffebm.crossbar.tile-size", "");
    }

    private static void assertMessage(Runnable r, String key, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }
}
