package org.ffebm.core.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ffebm.core.block.EpSettings.Estimator;
import org.ffebm.core.block.RelaxSettings;
import org.ffebm.core.config.EpConfig;
import org.ffebm.core.config.ModelConfig;
import org.ffebm.core.oracle.GradCheck.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The EP estimate of the production code against the oracle, on the two presets in double precision (DESIGN §2:
 * "the EP estimate must converge to it as β → 0, block by block and for the whole chain"; STYLE 12).
 */
class GradCheckTest {

    /** Per tensor at the smallest β, centred: the targets of the gradient check. */
    private static final double COS_MIN = GradCheck.COSINE_MIN;
    private static final double REL_MAX = GradCheck.REL_ERROR_MAX;
    /** Centred EP with no clip crossing is exact up to the relaxation tolerance (1e-13) over β (measured ≈ 1e-10). */
    private static final double TOL_EXACT = 1e-6;
    /** The check is meaningless if the neurons are clipped: at least this fraction strictly inside (0, 1). */
    private static final double MIN_INTERIOR = 0.3;
    private static final double SMALL_BETA = 0.01;

    private static final Map<String, GradCheck.Report> PRESETS = new ConcurrentHashMap<>();

    private static GradCheck.Report preset(String name) {
        return PRESETS.computeIfAbsent(name, n -> GradCheck.run(GradCheck.preset(n)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffebm", "dhn"})
    void everyTensorMatchesTheOracleAtSmallBeta(String name) {
        GradCheck.Report r = preset(name);
        GradCheck.OracleInfo o = r.oracle(Precision.FLOAT64);
        assertTrue(o.relaxation().converged(), o.relaxation().toString());
        assertTrue(o.interiorFraction() >= MIN_INTERIOR, "interior fraction " + o.interiorFraction());
        GradCheck.Summary s = r.summary(Precision.FLOAT64, SMALL_BETA, Estimator.CENTERED);
        assertTrue(s.free().converged() && s.nudged().converged(), s.toString());
        for (GradCheck.Row row : r.rows(Precision.FLOAT64, SMALL_BETA, Estimator.CENTERED)) {
            assertTrue(row.cosine() >= COS_MIN, name + " " + row);
            assertTrue(row.relError() <= REL_MAX, name + " " + row);
        }
        assertTrue(r.passed());
        // why it passes: the preset's seed has no neuron crossing a clip boundary within ±0.01 (see GradCheck.preset)
        assertEquals(0, s.crossings());
        assertTrue(s.relError() <= TOL_EXACT, "relative error " + s.relError());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffebm", "dhn"})
    void errorShrinksWithBeta(String name) {
        GradCheck.Report r = preset(name);
        for (Estimator e : Estimator.values()) {
            double large = r.summary(Precision.FLOAT64, 0.5, e).relError();
            double mid = r.summary(Precision.FLOAT64, 0.1, e).relError();
            double small = r.summary(Precision.FLOAT64, SMALL_BETA, e).relError();
            assertTrue(large > mid && mid > small, name + " " + e + ": " + large + ", " + mid + ", " + small);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffebm", "dhn"})
    void centredBeatsOneSided(String name) {
        GradCheck.Report r = preset(name);
        for (double beta : List.of(0.5, 0.1, SMALL_BETA)) {
            double c = r.summary(Precision.FLOAT64, beta, Estimator.CENTERED).relError();
            double o = r.summary(Precision.FLOAT64, beta, Estimator.ONE_SIDED).relError();
            assertTrue(c < o, name + " beta " + beta + ": centred " + c + ", one-sided " + o);
        }
    }

    @Test
    void agreesWithSynchronousOrderAndLinearLastLayers() {
        // the oracle relaxes by its own Gauss–Seidel sweeps and differentiates implicitly; the model here relaxes by
        // synchronous (Jacobi) steps with unbounded last layers, a path that shares nothing with the oracle's
        GradCheck.Options p = GradCheck.preset("ffebm");
        ModelConfig m = p.model();
        EpConfig e = p.ep();
        GradCheck.Options o = p.withModel(new ModelConfig(m.layers(), m.blockSize(), m.tie(), m.readout(), m.classes(),
                        m.slope(), false, m.initGain(), m.algorithm(), m.loss()))
                .withEp(new EpConfig(e.beta(), e.estimator(), e.tFree(), e.tNudge(), e.tol(),
                        RelaxSettings.Order.SYNCHRONOUS))
                .withBetas(List.of(SMALL_BETA)).withEstimators(List.of(Estimator.CENTERED));
        GradCheck.Report r = GradCheck.run(o);
        GradCheck.Summary s = r.summary(Precision.FLOAT64, SMALL_BETA, Estimator.CENTERED);
        assertTrue(s.free().converged() && s.nudged().converged(), s.toString());
        assertTrue(r.oracle(Precision.FLOAT64).relaxation().converged());
        assertEquals(0, s.crossings());
        assertTrue(s.relError() <= TOL_EXACT, "relative error " + s.relError());
        assertTrue(r.passed());
    }

    @Test
    void float32RunsForInformation() {
        GradCheck.Options o = GradCheck.preset("dhn").withPrecisions(List.of(Precision.FLOAT64, Precision.FLOAT32))
                .withBetas(List.of(SMALL_BETA));
        GradCheck.Report r = GradCheck.run(o);
        GradCheck.Summary s32 = r.summary(Precision.FLOAT32, SMALL_BETA, Estimator.CENTERED);
        GradCheck.Summary s64 = r.summary(Precision.FLOAT64, SMALL_BETA, Estimator.CENTERED);
        // float32 rounding (ε ≈ 6e-8 over 2β) limits it, but it points the same way
        assertTrue(s32.cosine() > COS_MIN, s32.toString());
        assertTrue(s32.relError() > s64.relError(), s32 + " vs " + s64);
        assertEquals(Precision.FLOAT64, r.gate().precision());
        assertTrue(r.table().contains("float32"));
    }

    @Test
    void sameSeedSameReport() {
        GradCheck.Options o = GradCheck.preset("dhn").withBetas(List.of(0.1, SMALL_BETA));
        assertEquals(GradCheck.run(o).toJson(), GradCheck.run(o).toJson());
        assertFalse(GradCheck.run(o).toJson().equals(GradCheck.run(o.withSeed(11)).toJson()));
    }

    @Test
    void jsonAndTableCarryTheFigures() {
        GradCheck.Report r = preset("dhn");
        String json = r.toJson();
        assertTrue(json.startsWith("{") && json.endsWith("}\n"), json);
        assertEquals(count(json, '{'), count(json, '}'));
        assertEquals(count(json, '['), count(json, ']'));
        assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
        assertTrue(json.contains("\"gate\": {\"precision\": \"float64\", \"beta\": 0.01, \"estimator\": \"centered\", "
                + "\"passed\": true}"), json);
        assertTrue(json.contains("\"name\": \"eb1.W2\""), json);
        String table = r.table();
        assertTrue(table.contains("summary float64 beta=0.01:"), table);
        assertTrue(table.contains(": PASS"), table);
        assertEquals(r.rows().size(), 3 * 2 * r.options().precisions().size() * 8);     // β × estimator × 8 tensors
    }

    @Test
    void gateFollowsWhatWasRun() {
        GradCheck.Options o = GradCheck.preset("dhn").withBetas(List.of(0.1, 0.05))
                .withEstimators(List.of(Estimator.ONE_SIDED)).withPrecisions(List.of(Precision.FLOAT32));
        GradCheck.Summary g = GradCheck.run(o).gate();
        assertEquals(Precision.FLOAT32, g.precision());
        assertEquals(Estimator.ONE_SIDED, g.estimator());
        assertEquals(0.05, g.beta());
    }

    @Test
    void rejectsBadOptions() {
        GradCheck.Options p = GradCheck.preset("ffebm");
        for (double b : new double[] {0.0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.withBetas(List.of(b)));
            assertTrue(e.getMessage().contains("beta"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> p.withBetas(List.of()));
        assertThrows(IllegalArgumentException.class, () -> p.withBatch(0));
        assertThrows(IllegalArgumentException.class, () -> p.withEstimators(List.of()));
        assertThrows(IllegalArgumentException.class, () -> p.withPrecisions(List.of()));
        assertThrows(IllegalArgumentException.class, () -> p.withModel(p.model().withAlgorithm("bp")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradCheck.preset("mlp"));
        assertTrue(e.getMessage().contains("mlp") && e.getMessage().contains("ffebm"), e.getMessage());
        // the conv preset's ties are digital-sim's blocks: core alone cannot build it
        e = assertThrows(IllegalArgumentException.class, () -> GradCheck.run(GradCheck.preset("conv")));
        assertTrue(e.getMessage().contains("digital"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradCheck.run(GradCheck.preset("conv"), null));
        assertThrows(IllegalArgumentException.class, () -> Precision.of("float16"));
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            n += s.charAt(i) == c ? 1 : 0;
        }
        return n;
    }
}
