package org.ffebm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ffebm gradcheck}: exit codes, table, JSON, bad options. */
class GradcheckCommandTest {

    @TempDir
    Path tmp;

    @Test
    void passesOnThePresetsAndWritesJson() throws IOException {
        Path json = tmp.resolve("gc.json");
        Cli.Result r = Cli.run("gradcheck", "--json", json.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("ffebm (float64)") && r.out().contains("dhn (float64)")
                && r.out().contains("conv (float64)") && r.out().contains("conv-digital (float64)"), r.out());
        assertTrue(r.out().contains("summary float64 beta=0.5:"), r.out());
        assertTrue(r.out().contains("summary float64 beta=0.01:"), r.out());
        assertTrue(r.out().strip().endsWith("gradcheck: PASS"), r.out());
        Map<String, Object> doc = JsonParser.object(Files.readString(json, StandardCharsets.UTF_8));
        assertEquals(Boolean.TRUE, doc.get("passed"));
        List<?> reports = (List<?>) doc.get("reports");
        assertEquals(4, reports.size());
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(json), files.toList(), "no temporary file left");
        }
    }

    @Test
    void convPresetRunsItsOwnBetasAgainstFiniteDifferences() throws IOException {
        Path json = tmp.resolve("conv.json");
        Cli.Result r = Cli.run("gradcheck", "--model", "conv", "--json", json.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("conv (float64)"), r.out());
        assertTrue(r.out().contains("central finite differences of the batch-mean loss"), r.out());
        assertTrue(r.out().contains("summary float64 beta=0.001:"), r.out());
        assertTrue(r.out().contains("check conv float64 beta=0.001 centered: every tensor cosine >= 0.999 and "
                + "rel.error <= 0.01: PASS"), r.out());
        assertTrue(r.out().strip().endsWith("gradcheck: PASS"), r.out());
        Map<String, Object> doc = JsonParser.object(Files.readString(json, StandardCharsets.UTF_8));
        assertEquals(Boolean.TRUE, doc.get("passed"));
        Map<?, ?> report = (Map<?, ?>) ((List<?>) doc.get("reports")).get(0);
        assertEquals("conv", report.get("name"));
        Map<?, ?> oracle = (Map<?, ?>) ((List<?>) report.get("oracles")).get(0);
        assertEquals("finite-differences", oracle.get("method"));
        Map<?, ?> gate = (Map<?, ?>) report.get("gate");
        assertEquals(0.001, ((Number) gate.get("beta")).doubleValue());
        assertEquals(Boolean.TRUE, gate.get("passed"));
        assertEquals(4 * 2, ((List<?>) report.get("results")).size());            // β × estimator
    }

    @Test
    void convFailsWhenTheSmallestBetaIsTooLarge() {
        Cli.Result r = Cli.run("gradcheck", "--model", "conv", "--betas", "0.1", "--estimator", "centered");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.out().strip().endsWith("gradcheck: FAIL (conv)"), r.out());
    }

    @Test
    void failsWhenTheSmallestBetaIsTooLarge() {
        // at β = 0.1 hard-sigmoid neurons cross their clip boundaries: the estimate is off by far more than 1%
        Cli.Result r = Cli.run("gradcheck", "--model", "dhn", "--betas", "0.1", "--estimator", "centered");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.out().strip().endsWith("gradcheck: FAIL (dhn)"), r.out());
    }

    @Test
    void float32RunsBesideFloat64() {
        Cli.Result r = Cli.run("gradcheck", "--model", "dhn", "--betas", "0.01", "--precision", "both", "--seed", "10",
                "--batch", "8");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("dhn (float32)"), r.out());
        assertTrue(r.out().contains("check dhn float64 beta=0.01 centered"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--betas=0", "--betas=-0.1", "--betas=NaN", "--betas=0.1,Infinity", "--betas=abc",
            "--model=mlp", "--estimator=two-sided", "--precision=float16", "--batch=0", "--seed=x"})
    void badOptionsAreUsageErrors(String option) {
        Cli.Result r = Cli.run("gradcheck", option);
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err().startsWith("ffebm: "), r.err());
        assertFalse(r.out().contains("gradcheck:"), "nothing run: " + r.out());
    }

    @Test
    void jsonIntoAMissingDirectoryIsAUsageError() {
        Cli.Result r = Cli.run("gradcheck", "--model", "dhn", "--json", tmp.resolve("no/such/dir/gc.json").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("no such directory"), r.err());
    }
}
