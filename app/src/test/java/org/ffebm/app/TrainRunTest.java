package org.ffebm.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.ffebm.core.config.RunConfig;
import org.ffebm.digital.config.DigitalConfig;
import org.ffebm.core.train.EpochMetrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiny end-to-end runs (256 training and 128 test samples, one block of 32 units, 2 epochs): every file of the run
 * directory with its keys, reproducibility across runs and thread counts, eval of the checkpoint, and resuming.
 */
class TrainRunTest {

    /** The non-timing columns of metrics.csv: the ones that must be identical between identical runs. */
    private static final List<String> TIMING = List.of("seconds", "samples_per_second");

    @TempDir
    static Path tmp;

    /** The reference run, shared by the tests that only read it. */
    private static Path reference;
    private static Cli.Result referenceResult;

    private static String[] tiny(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--limit-train", "256", "--limit-test", "128", "--epochs",
                "2", "--batch-size", "64", "--seed", "11", "--kernel", "reference", "--set", "ffebm.model.layers=32",
                "--set", "ffebm.ep.t-free=10", "--set", "ffebm.ep.t-nudge=5", "--out", out.toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    @BeforeAll
    static void trainReference() {
        reference = tmp.resolve("reference");
        referenceResult = Cli.run(tiny(reference, "--threads", "2"));
    }

    @Test
    void tinyRunSucceedsAndWritesEveryFile() throws IOException {
        Cli.Result r = referenceResult;
        assertEquals(0, r.code(), r.toString());
        assertFalse(Files.exists(tmp.resolve("reference.partial")), "the partial directory was renamed");
        try (Stream<Path> s = Files.list(reference)) {
            assertEquals(List.of("checkpoint.bin", "config.properties", "cost-phases.csv", "metrics.csv",
                    "metrics.json", "provenance.json", "summary.json", "trace-last-step.csv"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        // stderr: the configuration with the seed, then one line per epoch (no progress bar: not a terminal)
        assertTrue(r.err().contains("seed 11"), r.err());
        assertTrue(r.err().contains("epoch 1/2: "), r.err());
        assertTrue(r.err().contains("epoch 2/2: "), r.err());
        assertFalse(r.err().contains("\r"), "no carriage returns when not on a terminal");
        assertTrue(r.out().startsWith(reference + ": test accuracy "), r.out());
    }

    @Test
    void configIsTheResolvedConfigurationWithEveryKey() throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(reference.resolve("config.properties"))));
        java.util.Set<String> expected = new java.util.TreeSet<>(RunConfig.defaults().toProperties().stringPropertyNames());
        expected.addAll(DigitalConfig.defaults().toProperties().stringPropertyNames());
        assertEquals(expected, new java.util.TreeSet<>(p.stringPropertyNames()));
        RunConfig c = RunConfig.of(p);
        assertEquals(2, c.train().epochs());
        assertEquals(64, c.train().batchSize());
        assertEquals(11L, c.train().seed());
        assertEquals(2, c.train().threads());
        assertEquals("reference", c.train().kernel());
        assertArrayEquals(new int[] {32}, c.model().layers());
        assertEquals(10, c.ep().tFree());
    }

    @Test
    void provenanceHasVersionGitSeedKernelPlatformAndCommandLine() throws IOException {
        Map<String, Object> p = JsonParser.object(Files.readString(reference.resolve("provenance.json")));
        for (String k : new String[] {"ffebm_version", "git_revision", "git_dirty", "seed", "rng", "kernel",
                "precision", "threads", "java_version", "java_vendor", "os_name", "os_arch", "start_time",
                "command_line", "data"}) {
            assertTrue(p.containsKey(k), "provenance.json lacks " + k + ": " + p);
        }
        assertEquals(11.0, p.get("seed"));
        assertEquals("reference", p.get("kernel"));
        assertEquals("float32", p.get("precision"));
        assertEquals(2.0, p.get("threads"));
        String rev = (String) p.get("git_revision");
        assertTrue(rev.equals("unknown") || rev.matches("[0-9a-f]{40}"), rev);
        assertTrue(((String) p.get("command_line")).startsWith("ffebm train --limit-train 256"), p.toString());
    }

    @Test
    void metricsCsvAndJsonHoldOneRowPerEpoch() throws IOException {
        List<String> csv = Files.readAllLines(reference.resolve("metrics.csv"));
        assertEquals(EpochMetrics.CSV_HEADER, csv.get(0));
        assertEquals(3, csv.size());
        Object parsed = JsonParser.parse(Files.readString(reference.resolve("metrics.json")));
        List<?> rows = assertInstanceOf(List.class, parsed);
        assertEquals(2, rows.size());
        String[] header = EpochMetrics.CSV_HEADER.split(",");
        for (int e = 0; e < 2; e++) {
            Map<?, ?> row = assertInstanceOf(Map.class, rows.get(e));
            String[] cells = csv.get(e + 1).split(",");
            for (int c = 0; c < header.length; c++) {
                assertTrue(row.containsKey(header[c]), header[c]);
                double json = ((Number) row.get(header[c])).doubleValue();
                double tol = header[c].equals("samples_per_second") ? 0.05 : header[c].equals("seconds") ? 1e-3 : 1e-6;
                assertEquals(Double.parseDouble(cells[c]), json, tol, header[c] + " of epoch " + (e + 1));
            }
        }
    }

    @Test
    void summaryHasTheFinalFigures() throws IOException {
        Map<String, Object> s = JsonParser.object(Files.readString(reference.resolve("summary.json")));
        for (String k : new String[] {"test_accuracy", "train_accuracy", "epochs", "samples_per_second", "seed",
                "test_loss", "parameters", "seconds_total", "model"}) {
            assertTrue(s.containsKey(k), "summary.json lacks " + k + ": " + s);
        }
        assertEquals(2.0, s.get("epochs"));
        assertEquals(11.0, s.get("seed"));
        assertEquals(784.0 * 32 + 32 + 32 * 10 + 10, s.get("parameters"));
        List<String> csv = Files.readAllLines(reference.resolve("metrics.csv"));
        String[] last = csv.get(2).split(",");
        assertEquals(Double.parseDouble(last[4]), (Double) s.get("test_accuracy"), 1e-6);
        assertEquals(Double.parseDouble(last[2]), (Double) s.get("train_accuracy"), 1e-6);
        assertTrue((Double) s.get("samples_per_second") > 0);
        assertTrue(((String) s.get("model")).contains("[32]"), (String) s.get("model"));
    }

    @Test
    void sameSeedGivesTheSameMetricsWhateverTheThreadCount() throws IOException {
        Path again = tmp.resolve("again");
        Path serial = tmp.resolve("serial");
        assertEquals(0, Cli.run(tiny(again, "--threads", "2")).code());
        assertEquals(0, Cli.run(tiny(serial, "--threads", "1")).code());
        List<List<String>> want = nonTiming(reference);
        assertEquals(want, nonTiming(again), "same seed, same threads");
        assertEquals(want, nonTiming(serial), "1 thread vs 2");

        // the blocked kernel promises the reference kernel's bits (Kernels)
        Path blocked = tmp.resolve("blocked");
        String[] args = tiny(blocked, "--threads", "2");
        args[Arrays.asList(args).indexOf("reference")] = "blocked";
        assertEquals(0, Cli.run(args).code());
        assertEquals(want, nonTiming(blocked), "blocked kernel vs reference");

        Path otherSeed = tmp.resolve("other-seed");
        assertEquals(0, Cli.run(tiny(otherSeed, "--threads", "2", "--seed", "12")).code());
        assertNotEquals(want, nonTiming(otherSeed), "another seed gives other figures");
    }

    /** metrics.csv without its timing columns. */
    static List<List<String>> nonTiming(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"), StandardCharsets.UTF_8);
        List<String> header = List.of(lines.get(0).split(","));
        List<List<String>> out = new ArrayList<>();
        for (String line : lines) {
            String[] cells = line.split(",");
            List<String> keep = new ArrayList<>();
            for (int c = 0; c < cells.length; c++) {
                if (!TIMING.contains(header.get(c))) {
                    keep.add(cells[c]);
                }
            }
            out.add(keep);
        }
        return out;
    }

    @Test
    void evalOfTheCheckpointReproducesTheLastTestFigures() throws IOException {
        Cli.Result r = Cli.run("eval", reference.toString(), "--json", "--threads", "1");
        assertEquals(0, r.code(), r.toString());
        Map<String, Object> e = JsonParser.object(r.out());
        Map<String, Object> s = JsonParser.object(Files.readString(reference.resolve("summary.json")));
        assertEquals(s.get("test_accuracy"), e.get("test_accuracy"));
        assertEquals(s.get("test_loss"), e.get("test_loss"));
        assertEquals(128.0, e.get("samples"));
        @SuppressWarnings("unchecked")
        Map<String, Object> energy = (Map<String, Object>) ((Map<String, Object>) e.get("cost")).get("energy_pj");
        assertEquals((Double) energy.get("analog") + (Double) energy.get("digital") + (Double) energy.get("conversion"),
                (Double) energy.get("total"), 1e-9 * (Double) energy.get("total"));
        assertTrue((Double) energy.get("conversion") > 0, "an energy block's input and output cross converters");
        Cli.Result plain = Cli.run("eval", reference.toString());
        assertEquals(0, plain.code(), plain.toString());
        assertTrue(plain.out().contains("test accuracy"), plain.out());
        assertTrue(plain.out().contains("modelled cost: per inference"), plain.out());
    }

    @Test
    void evalCanChangeTheFreePhaseBudget() throws IOException {
        // two layers in one block, so that one step does not settle it (a one-layer block settles in one step)
        Path run = tmp.resolve("two-layers");
        assertEquals(0, Cli.run(tiny(run, "--threads", "2", "--epochs", "1", "--set", "ffebm.model.layers=32,16"))
                .code());
        Map<String, Object> s = JsonParser.object(Files.readString(run.resolve("summary.json")));
        // the run's own settings (t-free 10, default tolerance) given explicitly: the same figures
        Cli.Result same = Cli.run("eval", run.toString(), "--json", "--t-free", "10", "--tol", "1e-4");
        assertEquals(0, same.code(), same.toString());
        Map<String, Object> e = JsonParser.object(same.out());
        assertEquals(s.get("test_accuracy"), e.get("test_accuracy"));
        assertEquals(s.get("test_loss"), e.get("test_loss"));
        assertEquals(10.0, e.get("t_free"));
        double steps = (Double) e.get("free_steps_per_sample_and_block");
        assertTrue(steps > 1 && steps <= 10, "steps per sample " + steps);

        // one step and no tolerance: every sample takes exactly one step, the states are not settled
        Cli.Result one = Cli.run("eval", run.toString(), "--json", "--t-free", "1", "--tol", "0");
        assertEquals(0, one.code(), one.toString());
        Map<String, Object> o = JsonParser.object(one.out());
        assertEquals(1.0, o.get("free_steps_per_sample_and_block"));
        assertEquals(0.0, o.get("tol"));
        assertTrue((Double) o.get("max_free_residual") > (Double) e.get("max_free_residual"), o + " vs " + e);
        assertNotEquals(s.get("test_loss"), o.get("test_loss"));

        Cli.Result plain = Cli.run("eval", run.toString(), "--t-free", "3");
        assertEquals(0, plain.code(), plain.toString());
        assertTrue(plain.out().contains("free phase: T_free 3, tol 1.0E-4"), plain.out());

        Cli.Result bad = Cli.run("eval", run.toString(), "--t-free", "0");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--t-free must be >= 1"), bad.toString());
        bad = Cli.run("eval", run.toString(), "--tol", "-1");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--tol must be a finite number >= 0"), bad.toString());
    }

    @Test
    void anInterruptedRunResumesBitForBit() throws IOException {
        Path straight = tmp.resolve("straight3");
        assertEquals(0, Cli.run(tiny(straight, "--threads", "2", "--epochs", "3")).code());

        Path stopped = tmp.resolve("stopped3");
        Cli.Result r = Cli.run(tiny(stopped, "--threads", "2", "--epochs", "3", "--stop-after", "2"));
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.errLines()[r.errLines().length - 1].contains("--resume"), r.toString());
        Path partial = tmp.resolve("stopped3.partial");
        assertTrue(Files.isRegularFile(partial.resolve("checkpoint.bin")));
        assertEquals(3, Files.readAllLines(partial.resolve("metrics.csv")).size(), "header + 2 epochs");

        r = Cli.run("train", "--resume", partial.toString(), "--quiet");
        assertEquals(0, r.code(), r.toString());
        assertFalse(Files.exists(partial));
        assertEquals(nonTiming(straight), nonTiming(stopped));
        assertArrayEquals(Files.readAllBytes(straight.resolve("checkpoint.bin")),
                Files.readAllBytes(stopped.resolve("checkpoint.bin")), "same final state, bit for bit");
        assertEquals(Files.readString(straight.resolve("config.properties")),
                Files.readString(stopped.resolve("config.properties")));
        assertTrue(Files.exists(stopped.resolve("provenance-resume-2.json")));
        assertEquals(3, ((List<?>) JsonParser.parse(Files.readString(stopped.resolve("metrics.json")))).size());
    }

    @Test
    void aFinishedRunCanBeExtendedButResumeRejectsConfigurationFlags() throws IOException {
        Path run = tmp.resolve("extend");
        assertEquals(0, Cli.run(tiny(run, "--threads", "1", "--epochs", "1")).code());
        Cli.Result bad = Cli.run("train", "--resume", run.toString(), "--epochs", "2", "--seed", "3");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--seed"), bad.err());
        Cli.Result same = Cli.run("train", "--resume", run.toString());
        assertEquals(2, same.code(), same.toString());
        assertTrue(same.err().contains("pass --epochs greater"), same.err());

        Cli.Result r = Cli.run("train", "--resume", run.toString(), "--epochs", "2", "--quiet");
        assertEquals(0, r.code(), r.toString());
        assertEquals(3, Files.readAllLines(run.resolve("metrics.csv")).size());
        Map<String, Object> s = JsonParser.object(Files.readString(run.resolve("summary.json")));
        assertEquals(2.0, s.get("epochs"));
        assertEquals(1.0, s.get("resumed_from_epoch"));
    }

    @Test
    void forceReplacesAnEarlierRun() throws IOException {
        Path run = tmp.resolve("forced");
        assertEquals(0, Cli.run(tiny(run, "--threads", "1", "--epochs", "1")).code());
        Cli.Result again = Cli.run(tiny(run, "--threads", "1", "--epochs", "1"));
        assertEquals(2, again.code(), again.toString());
        Cli.Result forced = Cli.run(tiny(run, "--threads", "1", "--epochs", "2", "--force"));
        assertEquals(0, forced.code(), forced.toString());
        assertEquals(3, Files.readAllLines(run.resolve("metrics.csv")).size());
    }

    @Test
    void aConfigFileFromARunRepeatsIt() throws IOException {
        Path copy = tmp.resolve("copy");
        Cli.Result r = Cli.run("train", "--config", reference.resolve("config.properties").toString(), "--out",
                copy.toString(), "--quiet");
        assertEquals(0, r.code(), r.toString());
        assertEquals(nonTiming(reference), nonTiming(copy));
        assertEquals(Files.readString(reference.resolve("config.properties")),
                Files.readString(copy.resolve("config.properties")));
    }

    /**
     * A convolutional ff-EBM (two conv energy blocks tied by max-pool + batch-norm) trains, resumes from its
     * checkpoint with the same bits (batch-norm running statistics included), and its backprop baseline trains.
     */
    @Test
    void convolutionalModelTrainsAndResumes() throws IOException {
        String[] conv = {"--set", "ffebm.model.arch=conv", "--set", "ffebm.model.layers=4,6", "--set",
            "ffebm.model.pools=m-", "--set", "ffebm.model.block-size=1", "--set", "ffebm.model.tie=bn", "--set",
            "ffebm.ep.t-free=6", "--set", "ffebm.ep.t-nudge=3", "--batch-size", "16", "--limit-train", "64",
            "--limit-test", "32", "--kernel", "reference", "--threads", "1", "--quiet"};
        Path straight = tmp.resolve("conv");
        List<String> a = new java.util.ArrayList<>(List.of("train", "--epochs", "2", "--out", straight.toString()));
        a.addAll(List.of(conv));
        Cli.Result r = Cli.run(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.readString(straight.resolve("config.properties")).contains("ffebm.model.arch=conv"));

        Path stopped = tmp.resolve("conv-stopped");
        List<String> b = new java.util.ArrayList<>(List.of("train", "--epochs", "2", "--stop-after", "1", "--out",
                stopped.toString()));
        b.addAll(List.of(conv));
        Cli.Result rs = Cli.run(b.toArray(String[]::new));
        assertEquals(1, rs.code(), rs.toString());
        Cli.Result rr = Cli.run("train", "--resume", tmp.resolve("conv-stopped.partial").toString(), "--quiet");
        assertEquals(0, rr.code(), rr.toString());
        assertEquals(nonTiming(straight), nonTiming(stopped));

        Path bp = tmp.resolve("conv-bp");
        List<String> c = new java.util.ArrayList<>(List.of("train", "--epochs", "1", "--out", bp.toString(), "--set",
                "ffebm.model.algorithm=bp"));
        c.addAll(List.of(conv));
        Cli.Result rb = Cli.run(c.toArray(String[]::new));
        assertEquals(0, rb.code(), rb.toString());
    }

    /**
     * The seed paper's placement (each block's first conv, pool and batch-norm digital, coupled to s₁ by identity)
     * trains, says so in its header, and resumes from its checkpoint with the same bits (both ties' batch-norm
     * running statistics included).
     */
    @Test
    void digitalFirstConvolutionsTrainAndResume() throws IOException {
        String[] conv = {"--set", "ffebm.model.arch=conv", "--set", "ffebm.model.layers=4,6,6,6", "--set",
            "ffebm.model.pools=m-m-", "--set", "ffebm.model.block-size=2", "--set", "ffebm.model.tie=bn", "--set",
            "ffebm.model.first-conv=digital", "--set", "ffebm.ep.t-free=6", "--set", "ffebm.ep.t-nudge=3",
            "--batch-size", "16", "--limit-train", "64", "--limit-test", "32", "--kernel", "reference", "--threads",
            "1"};
        Path straight = tmp.resolve("fc");
        List<String> a = new java.util.ArrayList<>(List.of("train", "--epochs", "2", "--out", straight.toString()));
        a.addAll(List.of(conv));
        Cli.Result r = Cli.run(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("in 2 energy blocks (tie bn), each block's first conv digital"), r.err());
        assertTrue(Files.readString(straight.resolve("config.properties")).contains("ffebm.model.first-conv=digital"));

        Path stopped = tmp.resolve("fc-stopped");
        List<String> b = new java.util.ArrayList<>(List.of("train", "--epochs", "2", "--stop-after", "1", "--out",
                stopped.toString(), "--quiet"));
        b.addAll(List.of(conv));
        assertEquals(1, Cli.run(b.toArray(String[]::new)).code());
        Cli.Result rr = Cli.run("train", "--resume", tmp.resolve("fc-stopped.partial").toString(), "--quiet");
        assertEquals(0, rr.code(), rr.toString());
        assertEquals(nonTiming(straight), nonTiming(stopped));
    }

    /** A directory of CIFAR-10 binary batches is recognised by its files and trains a 3×32×32 model. */
    @Test
    void cifarDirectoryIsRecognised() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("cifar").resolve("cifar-10-batches-bin"));
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (String f : new String[] {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
            "data_batch_5.bin", "test_batch.bin"}) {
            byte[] b = new byte[4 * 3073];
            for (int r = 0; r < 4; r++) {
                b[r * 3073] = (byte) rng.nextInt(10);
                for (int k = 1; k < 3073; k++) {
                    b[r * 3073 + k] = (byte) rng.nextInt(256);
                }
            }
            Files.write(data.resolve(f), b);
        }
        Path out = tmp.resolve("cifar-run");
        Cli.Result r = Cli.run("train", "--data", tmp.resolve("cifar").toString(), "--out", out.toString(), "--epochs",
                "1", "--batch-size", "8", "--set", "ffebm.model.layers=16", "--quiet");
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"test_accuracy\""));
    }

    /** Digital blocks in bf16 change the run (activations and gradients rounded) but it still trains. */
    @Test
    void numberFormatsOfTheDigitalBlocks() throws IOException {
        Path out = tmp.resolve("bf16");
        Cli.Result r = Cli.run(tiny(out, "--set", "ffebm.digital.format=bf16", "--set",
                "ffebm.digital.block-formats=readout=int8", "--quiet"));
        assertEquals(0, r.code(), r.toString());
        assertNotEquals(nonTiming(reference), nonTiming(out));
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(out.resolve("config.properties"))));
        assertEquals("bf16", p.getProperty("ffebm.digital.format"));
        assertEquals("readout=int8", p.getProperty("ffebm.digital.block-formats"));
    }

    /**
     * The ideal device on crossbars, with write-verify programming of each step, trains to the same bits as core's
     * float DHN; every device key is written.
     */
    @Test
    void idealDeviceOnCrossbarsReproducesTheFloatRun() throws IOException {
        Path out = tmp.resolve("ideal-device");
        Cli.Result r = Cli.run(tiny(out, "--device", "ideal", "--set", "ffebm.update.mode=program", "--quiet"));
        assertEquals(0, r.code(), r.toString());
        assertEquals(nonTiming(reference), nonTiming(out));
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(out.resolve("config.properties"))));
        for (String prefix : RunConfig.MODULE_PREFIXES) {
            assertTrue(p.stringPropertyNames().stream().anyMatch(k -> k.startsWith(prefix)), prefix);
        }
        Cli.Result bad = Cli.run(tiny(tmp.resolve("bad-device"), "--device", "unobtainium"));
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("unknown device preset 'unobtainium'"), bad.err());
        assertFalse(Files.exists(tmp.resolve("bad-device")));
        assertFalse(Files.exists(tmp.resolve("bad-device.partial")));
    }

    /**
     * --trace writes one JSON line per phase: 4 steps per epoch over 2 epochs, 16 phases per training step of the
     * 1-block model (no ∇u read below the first block), 5 per evaluation batch; the summary's energy per step is the
     * traced training energy over the 8 steps, and per inference the evaluation energy over the 2 × 128 samples.
     */
    @Test
    void traceFileAgreesWithTheCostSummary() throws IOException {
        Path out = tmp.resolve("traced");
        Path trace = tmp.resolve("traced.jsonl");
        Cli.Result r = Cli.run(tiny(out, "--threads", "1", "--trace", trace.toString()));
        assertEquals(0, r.code(), r.toString());
        List<String> lines = Files.readAllLines(trace);
        double trainPj = 0, inferencePj = 0;
        int train = 0, inference = 0;
        for (String line : lines) {
            Map<String, Object> e = JsonParser.object(line);
            if (e.get("context").equals("train")) {
                train++;
                trainPj += (Double) e.get("energy_pj");
            } else {
                inference++;
                inferencePj += (Double) e.get("energy_pj");
            }
        }
        assertEquals(8 * 16, train, "training events");
        assertEquals(2 * 2 * 5, inference, "evaluation events: 2 epochs x 2 batches x 5 phases");
        @SuppressWarnings("unchecked")
        Map<String, Object> cost = (Map<String, Object>) JsonParser.object(
                Files.readString(out.resolve("summary.json"))).get("cost");
        assertEquals(8.0, cost.get("training_steps"));
        assertEquals(256.0, cost.get("inference_samples"));
        @SuppressWarnings("unchecked")
        Map<String, Object> step = (Map<String, Object>) ((Map<String, Object>) cost.get("per_training_step"))
                .get("energy_pj");
        @SuppressWarnings("unchecked")
        Map<String, Object> inf = (Map<String, Object>) ((Map<String, Object>) cost.get("per_inference"))
                .get("energy_pj");
        assertEquals(trainPj / 8, (Double) step.get("total"), 1e-9 * trainPj);
        assertEquals(inferencePj / 256, (Double) inf.get("total"), 1e-9 * inferencePj);
        assertEquals(17, Files.readAllLines(out.resolve("trace-last-step.csv")).size(), "header + 16 phases");
        assertTrue(r.out().contains("modelled cost: per training step"), r.out());
    }

    @Test
    void traceIntoAMissingFolderIsBadInput() {
        Path out = tmp.resolve("never");
        Cli.Result r = Cli.run(tiny(out, "--trace", tmp.resolve("no/such/folder/t.csv").toString()));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--trace"), r.err());
        assertFalse(Files.exists(out) || Files.exists(tmp.resolve("never.partial")), "nothing written");
    }

    /** A what-if through the CLI: 3× the relaxation step time triples the analog latency and changes no energy. */
    @Test
    void relaxationStepTimeIsAWhatIfOfTheSummary() throws IOException {
        Map<String, Map<String, Object>> cost = new java.util.HashMap<>();
        for (String ns : List.of("80", "240")) {
            Path out = tmp.resolve("whatif-" + ns);
            Cli.Result r = Cli.run(tiny(out, "--threads", "1", "--epochs", "1", "--set",
                    "ffebm.cost.relax-step-ns=" + ns));
            assertEquals(0, r.code(), r.toString());
            @SuppressWarnings("unchecked")
            Map<String, Object> c = (Map<String, Object>) ((Map<String, Object>) JsonParser.object(
                    Files.readString(out.resolve("summary.json"))).get("cost")).get("per_training_step");
            cost.put(ns, c);
        }
        @SuppressWarnings("unchecked")
        double a80 = (Double) ((Map<String, Object>) cost.get("80").get("latency_ns")).get("analog");
        @SuppressWarnings("unchecked")
        double a240 = (Double) ((Map<String, Object>) cost.get("240").get("latency_ns")).get("analog");
        assertEquals(3 * a80, a240, 1e-9 * a240);
        assertEquals(cost.get("80").get("energy_pj"), cost.get("240").get("energy_pj"), "energy unchanged");
    }

    /**
     * With augmentation (random shifts and flips) a run differs from the plain one, is written into the configuration,
     * and an interrupted run resumes bit for bit: each epoch's draws come from its own generator.
     */
    @Test
    void anAugmentedRunResumesBitForBit() throws IOException {
        Path straight = tmp.resolve("aug-straight");
        String[] aug = {"--threads", "1", "--epochs", "2", "--set", "ffebm.train.augment=shift=2,flip"};
        assertEquals(0, Cli.run(tiny(straight, aug)).code());
        Path plain = tmp.resolve("aug-plain");
        assertEquals(0, Cli.run(tiny(plain, "--threads", "1", "--epochs", "2")).code());
        assertTrue(!nonTiming(straight).equals(nonTiming(plain)), "augmentation changed nothing");
        assertTrue(Files.readString(straight.resolve("config.properties")).contains("ffebm.train.augment=shift=2,flip"));

        Path stopped = tmp.resolve("aug-stopped");
        String[] stop = {"--threads", "1", "--epochs", "2", "--set", "ffebm.train.augment=shift=2,flip",
                "--stop-after", "1"};
        assertEquals(1, Cli.run(tiny(stopped, stop)).code());
        Cli.Result r = Cli.run("train", "--resume", tmp.resolve("aug-stopped.partial").toString(), "--quiet");
        assertEquals(0, r.code(), r.toString());
        assertEquals(nonTiming(straight), nonTiming(stopped));
        assertArrayEquals(Files.readAllBytes(straight.resolve("checkpoint.bin")),
                Files.readAllBytes(stopped.resolve("checkpoint.bin")), "same final state, bit for bit");
    }

    @Test
    void badAugmentationIsBadInput() {
        Path out = tmp.resolve("aug-bad");
        Cli.Result r = Cli.run(tiny(out, "--set", "ffebm.train.augment=rotate"));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("ffebm.train.augment"), r.err());
        assertFalse(Files.exists(out) || Files.exists(tmp.resolve("aug-bad.partial")), "nothing written");
    }

    /** A resumed run with --trace appends to the trace: the same events as an uninterrupted traced run, one header. */
    @Test
    void aResumedRunAppendsToItsTrace() throws IOException {
        Path straightTrace = tmp.resolve("straight-trace.csv");
        assertEquals(0, Cli.run(tiny(tmp.resolve("trace-straight"), "--threads", "1", "--trace",
                straightTrace.toString())).code());
        Path trace = tmp.resolve("resumed-trace.csv");
        assertEquals(1, Cli.run(tiny(tmp.resolve("trace-stopped"), "--threads", "1", "--trace", trace.toString(),
                "--stop-after", "1")).code());
        Cli.Result r = Cli.run("train", "--resume", tmp.resolve("trace-stopped.partial").toString(), "--quiet",
                "--trace", trace.toString());
        assertEquals(0, r.code(), r.toString());
        List<String> lines = Files.readAllLines(trace);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("context,")).count(), "one header");
        assertEquals(Files.readAllLines(straightTrace).size(), lines.size(), "every event of both epochs");
    }
}
