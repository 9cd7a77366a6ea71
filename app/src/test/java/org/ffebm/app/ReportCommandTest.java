package org.ffebm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ffebm report} on a hand-made one-block run whose totals and shares are worked out below, and on every kind of
 * bad input (exit 2, one line naming the file and line, nothing printed or written).
 */
class ReportCommandTest {

    private static final String MU = ReportCommand.MICRO;

    /**
     * One training step of block E1: analog 400 + 200 = 600 pJ, digital 300 pJ, conversion 40 + 60 = 100 pJ, so 1000 pJ
     * = 1.000 nJ with shares 60/30/10 %; time analog 1000 + 500 = 1500 ns, digital 250, conversion 100 + 150 = 250,
     * so 2000 ns = 2.000 µs with shares 75/12.5/12.5 %.
     */
    private static final List<String> TRAIN_ROWS = List.of(
            "train,E1,dac-input,conversion,40.0,100.0,0.0,64.0,0.0,16.0,0.0,0.0",
            "train,E1,relax-free,analog,400.0,1000.0,0.0,0.0,256.0,0.0,0.0,20.0",
            "train,E1,adc-output,conversion,60.0,150.0,0.0,64.0,0.0,16.0,0.0,0.0",
            "train,E1,relax-nudge-plus,analog,200.0,500.0,0.0,0.0,128.0,0.0,0.0,10.0",
            "train,E1,ep-estimate,digital,300.0,250.0,4096.0,512.0,0.0,0.0,0.0,0.0");

    /**
     * One inference sample: analog 20 pJ, conversion 2.5 + 2.5 = 5 pJ, no digital, so 25.00 pJ with shares 80/0/20 %;
     * time 1000 + 100 + 150 = 1250 ns = 1.250 µs, analog 80.0 %, conversion 20.0 %.
     */
    private static final List<String> INFERENCE_ROWS = List.of(
            "inference,E1,dac-input,conversion,2.5,100.0,0.0,1.0,0.0,1.0,0.0,0.0",
            "inference,E1,relax-free,analog,20.0,1000.0,0.0,0.0,2.0,0.0,0.0,20.0",
            "inference,E1,adc-output,conversion,2.5,150.0,0.0,1.0,0.0,1.0,0.0,0.0");

    /** The training step's events, one after another from 0 ns; step 7. */
    private static final List<String> TRACE_ROWS = List.of(
            "train,7,0,E1,dac-input,conversion,32,0,64,0,0,16,8,0,40.0,0.0,100.0",
            "train,7,1,E1,relax-free,analog,32,0,0,256,20,0,0,0,400.0,100.0,1000.0",
            "train,7,2,E1,adc-output,conversion,32,0,64,0,0,16,8,0,60.0,1100.0,150.0",
            "train,7,3,E1,relax-nudge-plus,analog,32,0,0,128,10,0,0,0,200.0,1250.0,500.0",
            "train,7,4,E1,ep-estimate,digital,32,4096,512,0,0,0,0,0,300.0,1750.0,250.0");

    @TempDir
    Path tmp;

    private Path runDir() throws IOException {
        return Files.createDirectories(tmp.resolve("run"));
    }

    /** Writes a file of the given lines (each ending in a newline). */
    private static void write(Path file, String header, List<String> rows) throws IOException {
        StringBuilder b = new StringBuilder(header).append('\n');
        rows.forEach(r -> b.append(r).append('\n'));
        Files.writeString(file, b, StandardCharsets.UTF_8);
    }

    private Path run(boolean inference, boolean trace) throws IOException {
        Path dir = runDir();
        write(dir.resolve(CostCsv.COST_PHASES), CostCsv.COST_HEADER, inference
                ? Stream.concat(TRAIN_ROWS.stream(), INFERENCE_ROWS.stream()).toList() : TRAIN_ROWS);
        if (trace) {
            write(dir.resolve(CostCsv.TRACE), CostCsv.TRACE_HEADER, TRACE_ROWS);
        }
        return dir;
    }

    /** The printed line whose first word is {@code name} after {@code after}, with runs of spaces made single. */
    private static String line(String out, String after, String name) {
        String rest = out.substring(out.indexOf(after));
        return rest.lines().map(String::strip).filter(l -> l.startsWith(name + " ")).findFirst()
                .map(l -> l.replaceAll("\\s+", " ")).orElse("(no line " + name + " after " + after + ")");
    }

    /** Decodes the PNG and checks its size; counts the pixels of each domain's colour. */
    private static int[] domainPixels(Path png) throws IOException {
        assertTrue(Files.isRegularFile(png), png + " written");
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " decodes as an image");
        assertEquals(ReportCommand.WIDTH, img.getWidth(), png.toString());
        assertEquals(ReportCommand.HEIGHT, img.getHeight(), png.toString());
        int[] n = new int[3];
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                for (int d = 0; d < 3; d++) {
                    if (rgb == (ReportCharts.DOMAIN_COLOURS[d].getRGB() & 0xFFFFFF)) {
                        n[d]++;
                    }
                }
            }
        }
        return n;
    }

    @Test
    void printsTotalsAndSharesAndDrawsBothCharts() throws IOException {
        Path dir = run(true, true);
        Cli.Result r = Cli.run("report", dir.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.err(), r.toString());
        String out = r.out();
        assertTrue(out.contains("Training, per step: energy 1.000 nJ, modelled latency 2.000 " + MU + "s\n"), out);
        assertEquals("analog 600.0 pJ 60.0% 1.500 " + MU + "s 75.0%", line(out, "Training", "analog"));
        assertEquals("digital 300.0 pJ 30.0% 250.0 ns 12.5%", line(out, "Training", "digital"));
        assertEquals("conversion 100.0 pJ 10.0% 250.0 ns 12.5%", line(out, "Training", "conversion"));
        assertEquals("relax-free 400.0 pJ 40.0% 1.000 " + MU + "s 50.0%", line(out, "Training", "relax-free"));
        assertEquals("E1 1.000 nJ 100.0% 2.000 " + MU + "s 100.0%", line(out, "Training", "E1"));
        assertTrue(out.contains("Inference, per sample: energy 25.00 pJ, modelled latency 1.250 " + MU + "s\n"), out);
        assertEquals("analog 20.00 pJ 80.0% 1.000 " + MU + "s 80.0%", line(out, "Inference", "analog"));
        assertEquals("digital 0.000 pJ 0.0% 0.000 ns 0.0%", line(out, "Inference", "digital"));
        assertEquals("conversion 5.000 pJ 20.0% 250.0 ns 20.0%", line(out, "Inference", "conversion"));
        // a phase of training only is not listed under inference
        assertFalse(out.substring(out.indexOf("Inference")).contains("ep-estimate"), out);
        assertTrue(out.contains("wrote " + dir.resolve("energy.png") + "\n"), out);
        assertTrue(out.contains("wrote " + dir.resolve("timeline.png") + "\n"), out);
        // bars of every domain, not only the legend's small squares
        for (String png : new String[] {"energy.png", "timeline.png"}) {
            int[] n = domainPixels(dir.resolve(png));
            for (int d = 0; d < 3; d++) {
                assertTrue(n[d] > 1000, png + ": " + n[d] + " pixels of " + org.ffebm.core.schedule.Domain.values()[d]);
            }
        }
        assertFalse(Files.exists(dir.resolve("energy.png.tmp")), "no temporary file left");
    }

    @Test
    void withoutInferenceRowsThereIsNoInferenceSection() throws IOException {
        Path dir = run(false, true);
        Cli.Result r = Cli.run("report", dir.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Training, per step: energy 1.000 nJ"), r.out());
        assertFalse(r.out().contains("Inference"), r.out());
        assertFalse(r.out().contains("inference"), r.out());
        domainPixels(dir.resolve("energy.png"));
    }

    @Test
    void outPutsTheChartsElsewhereAndCreatesTheDirectory() throws IOException {
        Path dir = run(true, true);
        Path out = tmp.resolve("charts/nested");
        Cli.Result r = Cli.run("report", dir.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        domainPixels(out.resolve("energy.png"));
        domainPixels(out.resolve("timeline.png"));
        assertFalse(Files.exists(dir.resolve("energy.png")), "nothing in RUN_DIR");
        assertTrue(r.out().contains("wrote " + out.resolve("timeline.png")), r.out());
    }

    @Test
    void aMissingTraceSkipsOnlyTheTimeline() throws IOException {
        Path dir = run(true, false);
        Cli.Result r = Cli.run("report", dir.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Training, per step: energy 1.000 nJ"), r.out());
        domainPixels(dir.resolve("energy.png"));
        assertFalse(Files.exists(dir.resolve("timeline.png")), "no timeline");
        assertEquals(1, r.errLines().length, r.toString());
        assertEquals("ffebm: " + dir.resolve(CostCsv.TRACE) + " is absent, so the timeline (timeline.png) is skipped",
                r.errLines()[0]);
    }

    @Test
    void anEmptyTraceSkipsTheTimeline() throws IOException {
        Path dir = run(false, false);
        write(dir.resolve(CostCsv.TRACE), CostCsv.TRACE_HEADER, List.of());
        Cli.Result r = Cli.run("report", dir.toString());
        assertEquals(0, r.code(), r.toString());
        assertFalse(Files.exists(dir.resolve("timeline.png")), "no timeline");
        assertTrue(r.err().contains("has no events, so the timeline (timeline.png) is skipped"), r.err());
    }

    /** Exit 2, one line naming the problem, nothing on standard output, no chart in RUN_DIR or --out. */
    private static void assertBadInput(Cli.Result r, String expected, Path... dirs) {
        Cli.assertUsageError(r, expected);
        for (Path d : dirs) {
            for (String png : new String[] {"energy.png", "timeline.png"}) {
                assertFalse(Files.exists(d.resolve(png)), png + " written to " + d);
            }
        }
    }

    @Test
    void aMissingOrNonDirectoryRunIsBadInput() throws IOException {
        assertBadInput(Cli.run("report", tmp.resolve("nope").toString()), "no such run directory: "
                + tmp.resolve("nope"));
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertBadInput(Cli.run("report", file.toString()), "not a directory: " + file);
    }

    @Test
    void aRunWithoutCostsIsBadInput() throws IOException {
        Path dir = runDir();
        write(dir.resolve(CostCsv.TRACE), CostCsv.TRACE_HEADER, TRACE_ROWS);
        assertBadInput(Cli.run("report", dir.toString()), dir.resolve(CostCsv.COST_PHASES)
                + " not found: the run predates cost accounting or did not finish", dir);
    }

    /**
     * A broken {@value CostCsv#COST_PHASES}: {@code LINE|TEXT|EXPECTED} replaces line LINE (1 is the header, 2 the first
     * row; one past the end appends) with TEXT.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "1|context,block,phase,domain,energy_nj,time_ns,macs,bytes,device_reads,conversions,pulses,relax_steps"
            + "|cost-phases.csv line 1: malformed header: column 5 is 'energy_nj', expected 'energy_pj'",
        "1|context,block,phase,domain,energy_pj,time_ns|cost-phases.csv line 1: malformed header: 6 columns, "
            + "expected 12",
        "3|train,E1,relax-free,analog,400.0,1000.0,0.0|cost-phases.csv line 3: 7 columns, expected 12",
        "3|train,E1,relax-free,analog,400.0,1000.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0"
            + "|cost-phases.csv line 3: 13 columns, expected 12",
        "2|training,E1,dac-input,conversion,40.0,100.0,0.0,64.0,0.0,16.0,0.0,0.0"
            + "|cost-phases.csv line 2: unknown context 'training' (expected train or inference)",
        "4|train,E1,adc-output,mixed-signal,60.0,150.0,0.0,64.0,0.0,16.0,0.0,0.0"
            + "|cost-phases.csv line 4: unknown domain 'mixed-signal' (expected analog, digital or conversion)",
        "5|train,E1,relax-nudge,analog,200.0,500.0,0.0,0.0,128.0,0.0,0.0,10.0"
            + "|cost-phases.csv line 5: unknown phase 'relax-nudge' (expected one of digital-forward, dac-input,",
        "6|train,E1,ep-estimate,digital,3O0.0,250.0,4096.0,512.0,0.0,0.0,0.0,0.0"
            + "|cost-phases.csv line 6: energy_pj '3O0.0' is not a number",
        "6|train,E1,ep-estimate,digital,300.0,250.0,4096.0,,0.0,0.0,0.0,0.0"
            + "|cost-phases.csv line 6: bytes '' is not a number",
        "3|train,E1,relax-free,analog,400.0,-1.0,0.0,0.0,256.0,0.0,0.0,20.0"
            + "|cost-phases.csv line 3: time_ns must be a finite number >= 0, was -1.0",
        "3|train,E1,relax-free,analog,NaN,1000.0,0.0,0.0,256.0,0.0,0.0,20.0"
            + "|cost-phases.csv line 3: energy_pj must be a finite number >= 0, was NaN",
        "3|train,,relax-free,analog,400.0,1000.0,0.0,0.0,256.0,0.0,0.0,20.0|cost-phases.csv line 3: empty block name",
        "7|train,E1,relax-free,analog,1.0,1.0,0.0,0.0,0.0,0.0,0.0,0.0"
            + "|cost-phases.csv line 7: a second row for train E1 relax-free (first on line 3)",
    })
    void aBrokenCostFileIsBadInputNamingTheLine(String c) throws IOException {
        String[] p = c.split("\\|");
        Path dir = run(true, true);
        replaceLine(dir.resolve(CostCsv.COST_PHASES), Integer.parseInt(p[0]), p[1]);
        assertBadInput(Cli.run("report", dir.toString()), p[2], dir);
    }

    @Test
    void aCostFileWithoutTrainRowsIsBadInput() throws IOException {
        Path dir = runDir();
        write(dir.resolve(CostCsv.COST_PHASES), CostCsv.COST_HEADER, INFERENCE_ROWS);
        assertBadInput(Cli.run("report", dir.toString()), "cost-phases.csv: no train rows", dir);
        Files.writeString(dir.resolve(CostCsv.COST_PHASES), "");
        assertBadInput(Cli.run("report", dir.toString()), "cost-phases.csv line 1: empty, expected the header", dir);
    }

    /** A broken {@value CostCsv#TRACE} stops everything, as a broken cost file does (LINE|TEXT|EXPECTED). */
    @ParameterizedTest
    @ValueSource(strings = {
        "1|context,step,seq,block,phase,domain,samples|trace-last-step.csv line 1: malformed header: 7 columns, "
            + "expected 17",
        "4|train,7,2,E1,adc-output,conversion,32,0,64,0,0,16,8,0,60.0,1100.0"
            + "|trace-last-step.csv line 4: 16 columns, expected 17",
        "4|train,7,2,E1,adc-output,conversion,32,0,64,0,0,16,8,0,60.0,1100.0,1.5e"
            + "|trace-last-step.csv line 4: time_ns '1.5e' is not a number",
        "4|train,7,2,E1,adc-output,conversion,32.5,0,64,0,0,16,8,0,60.0,1100.0,150.0"
            + "|trace-last-step.csv line 4: samples must be a whole number, was 32.5",
        "4|train,7,2,E1,adc-output,dac,32,0,64,0,0,16,8,0,60.0,1100.0,150.0"
            + "|trace-last-step.csv line 4: unknown domain 'dac'",
        "4|train,8,2,E1,adc-output,conversion,32,0,64,0,0,16,8,0,60.0,1100.0,150.0"
            + "|trace-last-step.csv line 4: step 8 but the first event is of step 7",
    })
    void aBrokenTraceIsBadInputNamingTheLine(String c) throws IOException {
        String[] p = c.split("\\|");
        Path dir = run(true, true);
        replaceLine(dir.resolve(CostCsv.TRACE), Integer.parseInt(p[0]), p[1]);
        assertBadInput(Cli.run("report", dir.toString()), p[2], dir);
    }

    @Test
    void countsWrittenAsDoublesAreAccepted() throws IOException {
        Path dir = run(false, true);
        replaceLine(dir.resolve(CostCsv.TRACE), 2, "train,7.0,0,E1,dac-input,conversion,32.0,0,64,0,0,16,8,0,"
                + "40.0,0.0,100.0");
        Cli.Result r = Cli.run("report", dir.toString());
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void anOutThatCannotBeCreatedIsBadInput() throws IOException {
        Path dir = run(true, true);
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertBadInput(Cli.run("report", dir.toString(), "--out", file.resolve("charts").toString()),
                "cannot create output directory " + file.resolve("charts"), dir);
        assertBadInput(Cli.run("report", dir.toString(), "--out", file.toString()),
                "output directory " + file + " is not a directory", dir);
    }

    @Test
    void unitsChangeWhereTheRoundedValueReaches1000() {
        assertEquals("0.000 pJ", ReportCommand.energy(0));
        assertEquals("999.9 pJ", ReportCommand.energy(999.94));
        assertEquals("1.000 nJ", ReportCommand.energy(999.96));
        assertEquals("12.35 nJ", ReportCommand.energy(12_345));
        assertEquals("1.500 mJ", ReportCommand.energy(1.5e9));
        assertEquals("2000.0 J", ReportCommand.energy(2e15));
        assertEquals("250.0 ns", ReportCommand.time(250));
        assertEquals("2.500 " + MU + "s", ReportCommand.time(2500));
        assertEquals("3.000 ms", ReportCommand.time(3e6));
        assertEquals("60.0%", ReportCommand.share(600, 1000));
        assertEquals("-", ReportCommand.share(0, 0));
    }

    /** Replaces line {@code n} (1-based; one past the end appends). */
    private static void replaceLine(Path file, int n, String text) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        if (n == lines.size() + 1) {
            lines.add(text);
        } else {
            lines.set(n - 1, text);
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    @Test
    void colourConstantsAreDistinct() {
        assertEquals(3, Arrays.stream(ReportCharts.DOMAIN_COLOURS).map(Color::getRGB).distinct().count());
    }
}
