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
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.EpSettings.Estimator;
import org.ffebm.core.model.DigitalBlockFactory;
import org.ffebm.core.oracle.GradCheck;
import org.ffebm.core.oracle.GradCheck.Precision;
import org.ffebm.core.tensor.TensorOps;
import org.ffebm.digital.config.DigitalBlocks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ffebm gradcheck}: the hybrid BP–EP gradient of the production code against the independent double-precision
 * oracle ({@link GradCheck}, DESIGN §2 "Correctness oracle"), on small preset models: the dense {@code ffebm} and
 * {@code dhn} against implicit differentiation, the convolutional {@code conv} (digital-sim's pooling and batch-norm
 * tie, unrounded) against central finite differences of the loss.
 *
 * <p>Prints, per model, a table (parameter tensor × β × estimator: cosine and relative error) and a summary line per
 * β; with {@code --json FILE}, writes the same figures as JSON (atomically). The exit code is 0 when the check passes:
 * at the smallest β, float64 (else float32), centred (else one-sided), every parameter tensor has cosine ≥
 * {@value GradCheck#COSINE_MIN} and relative error ≤ {@value GradCheck#REL_ERROR_MAX}, for every model; 1 when it
 * fails; 2 for bad options.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Checks the hybrid backprop/Equilibrium-Propagation gradient against an independent "
                + "double-precision oracle (implicit differentiation at each block's fixed point for the dense "
                + "models, central finite differences of the loss for the convolutional one) on small preset "
                + "models, for several nudging strengths beta and both EP estimators.", ""},
        footer = {"", "Models: ffebm = input 20 -> DHN(12,10) -> Linear -> DHN(10,8) -> Linear read-out 4; "
                + "dhn = input 20 -> DHN(12,10,8) -> Linear read-out 4; conv = input 1x8x8 -> conv DHN(3 ch) -> "
                + "max-pool + batch-norm -> conv DHN(4 ch) -> Linear read-out 4 (3x3 kernels); conv-digital = "
                + "input 1x8x8 -> conv 3 ch + max-pool + batch-norm -> conv DHN(identity, 4 ch) -> conv 4 ch + "
                + "max-pool + batch-norm -> conv DHN(identity, 4 ch) -> Linear read-out 4 (the seed paper's "
                + "placement of each block's first convolution); cross-entropy, hard-sigmoid slope 1.",
                "The check passes when, at the smallest beta (float64 and centered when they were run), every "
                        + "parameter tensor has cosine >= 0.999 and relative error <= 0.01.",
                "A hard-sigmoid neuron that changes clip status (or a max-pooling window its argmax) within +-beta "
                        + "makes EP a secant across a kink; the table says for which beta no neuron does, and counts "
                        + "the crossings per beta.",
                "Exit codes: 0 the check passed, 1 it failed (or a file could not be written), 2 bad input.",
                "Example: ffebm gradcheck --model dhn --betas 0.1,0.01,0.001 --json gc.json"})
final class GradcheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME", order = 1,
            description = "The preset model: ffebm, dhn, conv, conv-digital or all. Defaults to all.")
    String model = "all";

    @Option(names = "--betas", paramLabel = "BETA", split = ",", order = 2,
            description = "Nudging strengths to try, each > 0. Defaults to the preset's: 0.5,0.1,0.01 (ffebm, dhn), "
                    + "0.5,0.1,0.01,0.001 (conv).")
    List<Double> betas;

    @Option(names = "--estimator", paramLabel = "NAME", order = 3,
            description = "The EP estimator: centered, one-sided or both. Defaults to both.")
    String estimator = "both";

    @Option(names = "--seed", paramLabel = "N", order = 4,
            description = "Seed of the weights and the batch. Defaults to the preset's: " + GradCheck.PRESET_SEED
                    + " (ffebm, dhn: no neuron crosses a clip boundary within +-0.01), " + GradCheck.CONV_SEED
                    + " (conv).")
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

    /** digital-sim's pooling and batch-norm layers, without number formats (float64 stays float64). */
    static final GradCheck.DigitalLayers DIGITAL = new GradCheck.DigitalLayers() {
        @Override
        public <M extends ReshapeMatrix> DigitalBlockFactory<M> factory(TensorOps<M> ops) {
            return DigitalBlocks.unrounded();
        }
    };

    @Override
    public Integer call() throws IOException {
        List<String> models = models();
        List<Double> bs = betas == null ? null : betas();
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
        out.printf(Locale.ROOT, "gradcheck: models %s, betas %s, estimators %s, precision %s, seed %s, batch %s%n",
                String.join(",", models), bs == null ? "per preset" : joinBetas(bs), joinEstimators(estimators),
                joinPrecisions(precisions), seed == null ? "per preset" : seed.toString(),
                batch == null ? "8" : batch.toString());
        List<GradCheck.Report> reports = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String m : models) {
            GradCheck.Options o = GradCheck.preset(m).withEstimators(estimators).withPrecisions(precisions);
            if (bs != null) {
                o = o.withBetas(bs);
            }
            if (seed != null) {
                o = o.withSeed(seed);
            }
            if (batch != null) {
                o = o.withBatch(batch);
            }
            GradCheck.Report r = GradCheck.run(o, DIGITAL);
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
        if (model.equals("all")) {
            return GradCheck.PRESETS;
        }
        if (GradCheck.PRESETS.contains(model)) {
            return List.of(model);
        }
        throw new ParameterException(spec.commandLine(), "--model must be " + String.join(", ", GradCheck.PRESETS)
                + " or all, was '" + model + "'");
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
