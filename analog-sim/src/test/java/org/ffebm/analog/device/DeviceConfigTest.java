package org.ffebm.analog.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class DeviceConfigTest {

    @Test
    void propertiesRoundTripKeepsEveryValue() {
        for (DevicePresets.Preset p : DevicePresets.all()) {
            DeviceConfig c = p.config();
            assertEquals(c, DeviceConfig.of(c.toProperties()), p.name());
        }
        DeviceConfig t = DeviceConfig.defaults().with("step-model", "table", "table", "/tmp/steps.csv");
        assertEquals(t, DeviceConfig.of(t.toProperties()));
        assertEquals(DeviceConfig.defaults(), DeviceConfig.of(new Properties()));
    }

    @Test
    void keysAreKebabCaseUnderThePrefix() {
        Properties p = DeviceConfig.defaults().toProperties();
        assertTrue(p.containsKey("ffebm.device.g-min"));
        assertTrue(p.containsKey("ffebm.device.step-model"));
        assertTrue(p.containsKey("ffebm.device.read-noise-relative"));
        assertTrue(p.containsKey("ffebm.device.drift-nu-d2d"));
        for (String k : p.stringPropertyNames()) {
            assertTrue(k.matches("ffebm\\.device\\.[a-z0-9]+(-[a-z0-9]+)*"), k);
        }
    }

    @Test
    void otherSectionsAreIgnoredButUnknownDeviceKeysAreRejected() {
        Properties p = new Properties();
        p.setProperty("ffebm.ep.beta", "0.5");
        assertEquals(DeviceConfig.defaults(), DeviceConfig.of(p));
        p.setProperty("ffebm.device.g-mn", "1e-6");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceConfig.of(p));
        assertTrue(e.getMessage().contains("unknown configuration key") && e.getMessage().contains("ffebm.device.g-mn"),
                e.getMessage());
    }

    @Test
    void physicallyImpossibleValuesNameTheParameterAndTheValue() {
        assertMessage("g-min", "2e-5", "ffebm.device.g-min", "2.0E-5");       // g_min >= g_max (1e-5)
        assertMessage("g-min", "1e-5", "ffebm.device.g-min", "1.0E-5");       // g_min == g_max
        assertMessage("g-min", "-1e-6", "ffebm.device.g-min", "-1.0E-6");
        assertMessage("g-max", "NaN", "ffebm.device.g-max", "NaN");
        assertMessage("levels", "1", "ffebm.device.levels", "was 1");
        assertMessage("levels", "-3", "ffebm.device.levels", "was -3");
        assertMessage("cycle-noise", "-0.1", "ffebm.device.cycle-noise", "-0.1");
        assertMessage("read-noise", "-1e-9", "ffebm.device.read-noise", "-1.0E-9");
        assertMessage("read-noise-relative", "NaN", "ffebm.device.read-noise-relative", "NaN");
        assertMessage("write-noise", "Infinity", "ffebm.device.write-noise", "Infinity");
        assertMessage("step-d2d", "-0.3", "ffebm.device.step-d2d", "-0.3");
        assertMessage("bounds-d2d", "-0.3", "ffebm.device.bounds-d2d", "-0.3");
        assertMessage("asymmetry-d2d", "-0.3", "ffebm.device.asymmetry-d2d", "-0.3");
        assertMessage("asymmetry", "1", "ffebm.device.asymmetry", "1.0");
        assertMessage("step-size", "0", "ffebm.device.step-size", "0.0");
        assertMessage("gamma-up", "-1", "ffebm.device.gamma-up", "-1.0");
        assertMessage("stuck-fraction", "1.5", "ffebm.device.stuck-fraction", "1.5");
        assertMessage("drift-nu", "-0.05", "ffebm.device.drift-nu", "-0.05");
        assertMessage("drift-t0", "0", "ffebm.device.drift-t0", "0.0");
        assertMessage("step-model", "cubic", "ffebm.device.step-model", "cubic");
        assertMessage("stuck-mode", "half", "ffebm.device.stuck-mode", "half");
        assertMessage("levels", "two", "ffebm.device.levels", "two");
        assertMessage("step-model", "table", "ffebm.device.table", "''");
        assertMessage("table", "x.csv", "ffebm.device.table", "x.csv");
    }

    private static void assertMessage(String key, String value, String... expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceConfig.defaults().with(key, value), key + "=" + value);
        for (String s : expected) {
            assertTrue(e.getMessage().contains(s), "message '" + e.getMessage() + "' lacks '" + s + "'");
        }
    }
}
