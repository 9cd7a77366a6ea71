package org.ffebm.analog.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deterministic checks of each step model against its definition (the statistical ones are in DeviceArrayTest). */
class StepModelTest {

    private static final double LO = 2e-6;
    private static final double HI = 12e-6;
    private static final double[] XS = {0, 0.1, 0.37, 0.5, 0.9, 1};

    private static double g(double x) {
        return LO + x * (HI - LO);
    }

    @Test
    void modelsMatchTheirFormulas() {
        double du = 3e-9;
        double dd = 2e-9;
        for (double x : XS) {
            double g = g(x);
            assertRel(du, new ConstantStep(du, dd).up(g, LO, HI));
            assertRel(dd, new ConstantStep(du, dd).down(g, LO, HI));
            assertRel(du * Math.max(0, 1 - 0.7 * x), new LinearStep(du, dd, 0.7, 1.3).up(g, LO, HI));
            assertRel(dd * Math.max(0, 1 - 1.3 * (1 - x)), new LinearStep(du, dd, 0.7, 1.3).down(g, LO, HI));
            assertRel(du * Math.exp(-2.5 * x), new ExponentialStep(du, dd, 2.5, 4).up(g, LO, HI));
            assertRel(dd * Math.exp(-4 * (1 - x)), new ExponentialStep(du, dd, 2.5, 4).down(g, LO, HI));
            assertRel(du * Math.pow(1 - x, 1.7), new PowerStep(du, dd, 1.7, 0.5).up(g, LO, HI));
            assertRel(dd * Math.pow(x, 0.5), new PowerStep(du, dd, 1.7, 0.5).down(g, LO, HI));
        }
        // the state is clamped outside the bounds; soft bounds vanish at the bound approached
        assertEquals(0, new LinearStep(du, dd, 1, 1).up(HI + 1e-6, LO, HI));
        assertEquals(0, new LinearStep(du, dd, 1, 1).down(LO, LO, HI));
        assertEquals(0, new PowerStep(du, dd, 1, 1).up(HI, LO, HI));
        // power with gamma 1 is soft bounds, gamma 0 the constant step
        for (double x : XS) {
            assertRel(new LinearStep(du, dd, 1, 1).up(g(x), LO, HI), new PowerStep(du, dd, 1, 1).up(g(x), LO, HI));
            assertRel(du, new PowerStep(du, dd, 0, 0).up(g(x), LO, HI));
        }
    }

    @Test
    void softBoundsSymmetricPointIsAtOnePlusAOverTwo() {
        for (double a : new double[] {-0.5, -0.25, 0, 0.2, 0.6}) {
            DeviceConfig c = DeviceConfig.defaults().with("step-model", "linear").with("gamma-up", "1")
                    .with("gamma-down", "1").with("asymmetry", Double.toString(a));
            LinearStep m = (LinearStep) StepModel.of(c);
            double expected = LO + (1 + a) / 2 * (HI - LO);
            assertEquals(expected, m.symmetricPoint(LO, HI), 1e-11 * (HI - LO), "a=" + a);
            assertEquals(expected, m.symmetricPointClosedForm(LO, HI), 1e-9 * (HI - LO), "a=" + a);
            assertEquals(m.up(expected, LO, HI), m.down(expected, LO, HI), 1e-9 * m.stepUp());
        }
        // general linear step: closed form x* = (d+ - d- + d- g-)/(d+ g+ + d- g-)
        LinearStep m = new LinearStep(3e-9, 2e-9, 0.4, 0.9);
        assertEquals(m.symmetricPointClosedForm(LO, HI), m.symmetricPoint(LO, HI), 1e-10 * (HI - LO));
        // no sign change: constant asymmetric steps have no symmetric point
        assertTrue(Double.isNaN(new ConstantStep(3e-9, 2e-9).symmetricPoint(LO, HI)));
    }

    @Test
    void tableInterpolatesLinearlyAndHoldsItsEnds(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("steps.csv");
        Files.writeString(csv, "# measured\ng,dg_up,dg_down\n2e-6, 4e-9, 1e-9\n\n7e-6,2e-9,2e-9\n12e-6,0,3e-9\n");
        TableStep t = TableStep.read(csv, LO, HI, 0);
        assertEquals(3, t.rows());
        assertRel(4e-9, t.up(2e-6, LO, HI));
        assertRel(3e-9, t.up(4.5e-6, LO, HI));
        assertRel(1.5e-9, t.down(4.5e-6, LO, HI));
        assertEquals(0, t.up(12e-6, LO, HI));
        assertRel(4e-9, t.up(0, LO, HI));
        // a device with other bounds reads the table at the same normalized state
        assertRel(3e-9, t.up(0.25, 0, 1));
        // asymmetry scales the columns
        TableStep a = TableStep.read(csv, LO, HI, 0.5);
        assertRel(4.5e-9, a.up(4.5e-6, LO, HI));
        assertRel(0.75e-9, a.down(4.5e-6, LO, HI));
        // through the configuration
        DeviceConfig c = DeviceConfig.defaults().with("g-min", "2e-6").with("g-max", "12e-6")
                .with("step-model", "table", "table", csv.toString());
        assertRel(3e-9, StepModel.of(c).up(4.5e-6, LO, HI));
    }

    @Test
    void badTablesNameTheFileTheLineAndTheValue(@TempDir Path dir) throws IOException {
        assertTable(dir, "fields.csv", "g,dg_up,dg_down\n1e-6,1e-9\n", "line 2", "1e-6,1e-9");
        assertTable(dir, "number.csv", "1e-6,1e-9,1e-9\n2e-6,abc,1e-9\n", "line 2", "abc");
        assertTable(dir, "order.csv", "1e-6,1e-9,1e-9\n3e-6,1e-9,1e-9\n2e-6,1e-9,1e-9\n", "line 3",
                "strictly increasing");
        assertTable(dir, "dup.csv", "1e-6,1e-9,1e-9\n1e-6,1e-9,1e-9\n", "line 2", "strictly increasing");
        assertTable(dir, "neg.csv", "1e-6,1e-9,1e-9\n2e-6,-1e-9,1e-9\n", "line 2", "-1.0E-9");
        assertTable(dir, "nan.csv", "1e-6,1e-9,1e-9\n2e-6,NaN,1e-9\n", "line 2", "NaN");
        assertTable(dir, "one.csv", "g,dg_up,dg_down\n1e-6,1e-9,1e-9\n", "at least 2 rows", "had 1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TableStep.read(dir.resolve("missing.csv"), LO, HI, 0));
        assertTrue(e.getMessage().contains("missing.csv") && e.getMessage().contains("not found"), e.getMessage());
    }

    private static void assertTable(Path dir, String name, String text, String... expected) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TableStep.read(f, LO, HI, 0));
        assertTrue(e.getMessage().contains(name), e.getMessage());
        for (String s : expected) {
            assertTrue(e.getMessage().contains(s), "message '" + e.getMessage() + "' lacks '" + s + "'");
        }
    }

    private static void assertRel(double expected, double actual) {
        assertEquals(expected, actual, Stats.TOL_F64 * Math.abs(expected) + 1e-30);
    }
}
