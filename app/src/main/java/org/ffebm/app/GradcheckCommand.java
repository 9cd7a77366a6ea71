package org.ffebm.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ffebm.core.block.EpSettings.Estimator;
import org.ffebm.core.oracle.GradCheck;
import org.ffebm.core.oracle.GradCheck.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ffebm gradcheck}: the hybrid BP–EP gradient of the production code against the independent double-precision
 * oracle ({@link GradCheck}, DESIGN §2 "Correctness oracle"), on small preset models.
 *
 * <p>Prints, per model, a table (parameter tensor × β × estimator: cosine and relative error) and a summary line per
 * β; with {@code --json FILE}, writes the same figures as JSON (atomically). The exit code is 0 when the check passes:
 * at the smallest β, float64 (else float32), centred (else one-sided), every parameter tensor has cosine ≥
 * {@value GradCheck#COSINE_MIN} and relative error ≤ {@value GradCheck#REL_ERROR_MAX}, for every model; 1 when it
 * fails; 2 for bad options.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Checks the hybrid backprop/Equilibrium-Propagation gradient against an independent "
                + "double-precision oracle (implicit differentiation at each block's fixed point) on small preset "
                + "models, for several nudging strengths beta and both EP estimators.", ""},
        footer = {"", "Models: ffebm = input 20 -> DHN(12,10) -> Linear -> DHN(10,8) -> Linear read-out 4; "
                + "dhn = input 20 -> DHN(12,10,8) -> Linear read-out 4; cross-entropy, hard-sigmoid slope 1.",
                "The check passes when, at the smallest beta (float64 and centered when they were run), every "
                        + "parameter tensor has cosine >= 0.999 and relative error <= 0.01.",
                "A hard-sigmoid neuron that changes clip status within +-beta makes EP a secant across a kink; the "
                        + "table says for which beta no neuron does, and counts the crossings per beta.",
                "Exit codes: 0 the check passed, 1 it failed (or a file could not be written), 2 bad input.",
                "Example: ffebm gradcheck --model dhn --betas 0.1,0.01,0.001 --json gc.json"})
final class GradcheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME", order = 1,
            description = "The preset model: ffebm, dhn or all. Defaults to all.")
    String model = "all";

    @Option(names = "--betas", paramLabel = "BETA", split = ",", order = 2, defaultValue = "0.5,0.1,0.01",
            description = "Nudging strengths to try, each > 0. Defaults to 0.5,0.1,0.01.")
    List<Double> betas;

    @Option(names = "--estimator", paramLabel = "NAME", order = 3,
            description = "The EP estimator: centered, one-sided or both. Defaults to both.")
    String estimator = "both";

    @Option(names = "--seed", paramLabel = "N", order = 4,
            description = "Seed of the weights and the batch. Defaults to " + GradCheck.PRESET_SEED
                    + ", a seed whose batch has no neuron crossing a clip boundary within +-0.01 in either preset.")
    Long seed;

    @Option(names = "--batch", paramLabel = "N", order = 5,
            description = "Samples in the batch, >= 1. Defaults to 8.")
    Integer batch;

    @Option(names = "--precision", paramLabel = "NAME", order = 6,
            description = "Precision of the EP side: float64, float32 (for information; the oracle is always double) "
                    + "or both. Defaults to float64.")
    String precision = "float64";

    @Option(names = "--json", paramLabel = "FILE", order = 7,
            description = "Also writes the figures as JSON to FILE (replaced atomically). Defaults to none.")
    Path json;

    @Override
    public Integer call() throws IOException {
        List<String> models = models();
        List<Double> bs = betas();
        List<Estimator> estimators = estimators();
        List<Precision> precisions = precisions();
        if (batch != null && batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be >= 1, was " + batch);
        }
        Path target = json == null ? null : json.toAbsolutePath().normalize();
        if (target != null && (target.getParent() == null || !Files.isDirectory(target.getParent()))) {
            throw new ParameterException(spec.commandLine(), "--json: no such directory: " + target.getParent());
        }
        if (target != null && Files.isDirectory(target)) {
            throw new ParameterException(spec.commandLine(), "--json: is a directory: " + target);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "gradcheck: models %s, betas %s, estimators %s, precision %s, seed %d, batch %s%n",
                String.join(",", models), joinBetas(bs), joinEstimators(estimators), joinPrecisions(precisions),
                seed == null ? GradCheck.PRESET_SEED : seed, batch == null ? "8" : batch.toString());
        List<GradCheck.Report> reports = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String m : models) {
            GradCheck.Options o = GradCheck.preset(m).withBetas(bs).withEstimators(estimators)
                    .withPrecisions(precisions);
            if (seed != null) {
                o = o.withSeed(seed);
            }
            if (batch != null) {
                o = o.withBatch(batch);
            }
            GradCheck.Report r = GradCheck.run(o);
            reports.add(r);
            out.println();
            out.print(r.table());
            out.flush();
            if (!r.passed()) {
                failed.add(m);
            }
        }
        if (target != null) {
            RunDir.writeAtomically(target, json(reports, failed.isEmpty()));
        }
        out.println();
        out.println(failed.isEmpty() ? "gradcheck: PASS" : "gradcheck: FAIL (" + String.join(", ", failed) + ")");
        return failed.isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }

    // ---- option parsing ---------------------------------------------------------------------------------------------

    private List<String> models() {
        return switch (model) {
            case "all" -> GradCheck.PRESETS;
            case "ffebm", "dhn" -> List.of(model);
            default -> throw new ParameterException(spec.commandLine(), "--model must be ffebm, dhn or all, was '"
                    + model + "'");
        };
    }

    private List<Double> betas() {
        if (betas == null || betas.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--betas must list at least one beta");
        }
        for (Double b : betas) {
            if (b == null || !(b > 0) || !Double.isFinite(b)) {
                throw new ParameterException(spec.commandLine(), "--betas: each beta must be a finite number > 0, was "
                        + b);
            }
        }
        return List.copyOf(betas);
    }

    private List<Estimator> estimators() {
        return switch (estimator) {
            case "both" -> List.of(Estimator.CENTERED, Estimator.ONE_SIDED);
            case "centered", "centred" -> List.of(Estimator.CENTERED);
            case "one-sided" -> List.of(Estimator.ONE_SIDED);
            default -> throw new ParameterException(spec.commandLine(),
                    "--estimator must be centered, one-sided or both, was '" + estimator + "'");
        };
    }

    private List<Precision> precisions() {
        return switch (precision) {
            case "both" -> List.of(Precision.FLOAT64, Precision.FLOAT32);
            case "float64" -> List.of(Precision.FLOAT64);
            case "float32" -> List.of(Precision.FLOAT32);
            default -> throw new ParameterException(spec.commandLine(),
                    "--precision must be float64, float32 or both, was '" + precision + "'");
        };
    }

    private static String joinBetas(List<Double> bs) {
        List<String> s = new ArrayList<>();
        for (double b : bs) {
            s.add(Double.toString(b));
        }
        return String.join(",", s);
    }

    private static String joinEstimators(List<Estimator> es) {
        List<String> s = new ArrayList<>();
        for (Estimator e : es) {
            s.add(GradCheck.key(e));
        }
        return String.join(",", s);
    }

    private static String joinPrecisions(List<Precision> ps) {
        List<String> s = new ArrayList<>();
        for (Precision p : ps) {
            s.add(p.key());
        }
        return String.join(",", s);
    }

    // ---- output -----------------------------------------------------------------------------------------------------

    /** {"passed": …, "reports": [GradCheck.Report.toJson() per model]}. */
    static String json(List<GradCheck.Report> reports, boolean passed) {
        StringBuilder b = new StringBuilder("{\n\"command\": \"gradcheck\",\n\"passed\": ").append(passed)
                .append(",\n\"reports\": [\n");
        for (int i = 0; i < reports.size(); i++) {
            String r = reports.get(i).toJson().strip();
            b.append(r).append(i + 1 < reports.size() ? ",\n" : "\n");
        }
        return b.append("]\n}\n").toString();
    }
}
