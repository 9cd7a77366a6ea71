package org.ffebm.analog.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DevicePresetsTest {

    @Test
    void everyPresetBuildsAndIsDescribedWithEveryParameter() {
        assertTrue(DevicePresets.names().containsAll(
                java.util.List.of("ideal", "reram-softbounds", "ecram-linear", "pcm-exponential")));
        String text = DevicePresets.describe();
        for (DevicePresets.Preset p : DevicePresets.all()) {
            assertTrue(text.contains(p.name()) && text.contains(p.source()), p.name());
            for (String k : p.config().toProperties().stringPropertyNames()) {
                assertTrue(text.contains(k + " = " + p.config().toProperties().getProperty(k)), p.name() + " " + k);
            }
            DeviceArray a = new DeviceArray(4, 4, p.config(), new SplittableRandom(1));
            a.pulseInPlace(1, 1, 10, new SplittableRandom(2));
            assertTrue(a.conductance(1, 1) >= a.lowerBound(1, 1), p.name());
        }
        assertEquals(DeviceConfig.defaults(), DevicePresets.get("ideal"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DevicePresets.get("sram"));
        assertTrue(e.getMessage().contains("sram") && e.getMessage().contains("ecram-linear"), e.getMessage());
    }

    @Test
    void weightSpaceLinearStepConvertsToTheSameSteps() {
        // aihwkit EcRamPresetDevice: up = dw_min (1 - g+ w / w_max), down = dw_min (1 - g- w / w_min)
        double dw = 0.002;
        double wMin = -0.8276;
        double wMax = 1.1724;
        double gu = 0.1153;
        double gd = 0.5085;
        double gMin = 1e-6;
        double gMax = 21e-6;
        double[] p = DevicePresets.fromWeightLinearStep(dw, wMin, wMax, gu, gd, gMin, gMax);
        LinearStep m = new LinearStep(p[0] * (1 + p[1]), p[0] * (1 - p[1]), p[2], p[3]);
        double unit = (gMax - gMin) / (wMax - wMin);
        for (double w : new double[] {wMin, -0.3, 0, 0.5, wMax}) {
            double g = gMin + (w - wMin) * unit;
            assertEquals(dw * (1 - gu * w / wMax) * unit, m.up(g, gMin, gMax), 1e-12 * dw * unit, "up at w=" + w);
            assertEquals(dw * (1 - gd * w / wMin) * unit, m.down(g, gMin, gMax), 1e-12 * dw * unit, "down at w=" + w);
        }
        // the symmetric point of both presets is at weight 0, as aihwkit shifts their ranges
        for (String name : new String[] {"ecram-linear", "reram-softbounds"}) {
            DeviceConfig c = DevicePresets.get(name);
            double w0 = name.equals("ecram-linear") ? 0.8276 / 2 : 0.75 / 2;
            assertEquals(c.gMin() + w0 * c.window(), StepModel.of(c).symmetricPoint(c.gMin(), c.gMax()),
                    1e-9 * c.window(), name);
        }
    }
}
