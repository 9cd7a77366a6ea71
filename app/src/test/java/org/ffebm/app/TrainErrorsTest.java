package org.ffebm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input ends with exit code 2, one line {@code ffebm: ...} on standard error, nothing on standard output, and no
 * output directory (checked before anything is written). A failure during the work ends with exit code 1.
 */
class TrainErrorsTest {

    @TempDir
    Path tmp;

    /** Runs train with a tiny setup plus the given arguments, writing to tmp/out. */
    private Cli.Result train(String... args) {
        List<String> all = new ArrayList<>(List.of("train", "--out", tmp.resolve("out").toString(), "--kernel",
                "reference", "--limit-train", "64", "--limit-test", "32", "--epochs", "1", "--quiet"));
        all.addAll(Arrays.asList(args));
        return Cli.run(all.toArray(String[]::new));
    }

    private void assertUsageError(Cli.Result r, String expected) throws IOException {
        Cli.assertUsageError(r, expected);
        assertFalse(Files.exists(tmp.resolve("out")), "no output directory");
        assertFalse(Files.exists(tmp.resolve("out.partial")), "no partial output directory");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--bogus|Unknown option: '--bogus'",
        "--epochs -1|--epochs must be >= 1, was -1",
        "--epochs abc|'abc' is not an int",
        "--batch-size 0|--batch-size must be >= 1, was 0",
        "--threads 0|--threads must be >= 1, was 0",
        "--limit-train -5|--limit-train must be >= 0, was -5",
        "--set ffebm.ep.beta=0|ffebm.ep.beta must be a finite number > 0, was 0.0",
        "--set ffebm.ep.beta=-1|ffebm.ep.beta must be a finite number > 0",
        "--set ffebm.ep.beta=NaN|ffebm.ep.beta must be a finite number > 0, was NaN",
        "--set ffebm.optim.lr=Infinity|ffebm.optim.lr",
        "--set ffebm.model.layers=32,x|ffebm.model.layers must be a comma-separated list of integers",
        "--set ffebm.model.block-size=2|does not divide",
        "--set ffebm.model.classes=5|ffebm.model.classes = 5 but the data",
        "--set ffebm.model.colour=red|unknown configuration key [ffebm.model.colour]",
        "--set novalue|--set needs KEY=VALUE",
        "--data /nonexistent/fashion|/nonexistent/fashion",
        "--kernel no-such-kernel|no-such-kernel",
        "--config /nonexistent/run.properties|configuration file not found: /nonexistent/run.properties",
        "--set ffebm.device.g-min=2e-5 --set ffebm.device.g-max=1e-5|ffebm.device.g-min must be < ffebm.device.g-max, "
            + "was g-min=2.0E-5 >= g-max=1.0E-5",
        "--device reram-softbounds --set ffebm.device.g-max=1e-6|ffebm.device.g-min must be < ffebm.device.g-max",
        "--set ffebm.device.read-noise=-1e-9|ffebm.device.read-noise must be a finite number >= 0, was -1.0E-9",
        "--set ffebm.device.cycle-noise=NaN|ffebm.device.cycle-noise",
        "--set ffebm.device.levels=1|ffebm.device.levels must be 0 (continuous) or >= 2, was 1",
        "--set ffebm.device.stuck-fraction=1.5|ffebm.device.stuck-fraction",
        "--set ffebm.device.asymmetry=1|ffebm.device.asymmetry",
        "--set ffebm.device.step-model=table|ffebm.device.table must name a CSV file",
        "--set ffebm.device.step-model=table --set ffebm.device.table=/nonexistent/steps.csv|table file not found",
        "--set ffebm.device.colour=red|ffebm.device.colour",
        "--set ffebm.update.mode=telepathy|ffebm.update.mode must be one of program, pulsed, stochastic, was "
            + "'telepathy'",
        "--set ffebm.update.bit-length=65|ffebm.update.bit-length must be <= 64, was 65",
        "--set ffebm.adc.bits=4 --set ffebm.adc.clip=false|ffebm.adc.clip must be true",
        "--set ffebm.crossbar.rows=0|ffebm.crossbar.rows",
        "--set ffebm.digital.format=fp8|ffebm.digital.format",
        "--set ffebm.model.arch=cnn|ffebm.model.arch must be dense or conv, was 'cnn'",
        "--set ffebm.model.arch=conv --set ffebm.model.tie=linear|ffebm.model.tie must be identity or bn",
        "--set ffebm.model.arch=conv --set ffebm.model.layers=4,4 --set ffebm.model.pools=m|ffebm.model.pools must "
            + "have one letter",
        "--set ffebm.model.arch=conv --set ffebm.model.kernel=4|ffebm.model.kernel must be odd",
        "--set ffebm.model.pools=m|ffebm.model.pools applies to arch conv only",
        "--set ffebm.model.arch=conv --set ffebm.model.layers=4,4,4,4,4,4 --set ffebm.model.pools=mmmmmm|odd height",
        "--set ffebm.model.arch=conv --set ffebm.model.layers=4 --set ffebm.update.mode=stochastic|ffebm.update.mode="
            + "stochastic (per-sample rank-1 pulse trains) is not supported for convolutional blocks on crossbars",
        "--set ffebm.digital.block-formats=readout|ffebm.digital.block-formats must be a comma-separated list",
        "--set ffebm.digital.block-formats=redout=int8|ffebm.digital.block-formats names [redout], which the model "
            + "does not have",
    })
    void badInputIsOneLineAndExitTwo(String spec) throws IOException {
        String[] parts = spec.split("\\|");
        assertUsageError(train(parts[0].split(" ")), parts[1]);
    }

    /** A device table that is malformed or not increasing in g is refused before anything is written. */
    @ParameterizedTest
    @ValueSource(strings = {
        "g,dg_up,dg_down\n1e-6,1e-8,1e-8\n5e-7,1e-8,1e-8\n|strictly increasing",
        "g,dg_up,dg_down\n1e-6,1e-8\n2e-6,1e-8,1e-8\n|line 2",
        "g,dg_up,dg_down\n1e-6,abc,1e-8\n2e-6,1e-8,1e-8\n|line 2",
    })
    void badDeviceTable(String spec) throws IOException {
        String[] parts = spec.split("\\|");
        Path csv = tmp.resolve("steps.csv");
        Files.writeString(csv, parts[0].replace("\\n", "\n"), StandardCharsets.UTF_8);
        assertUsageError(train("--set", "ffebm.device.step-model=table", "--set", "ffebm.device.table=" + csv),
                parts[1]);
    }

    @Test
    void unknownKeyInAConfigFile() throws IOException {
        Path cfg = tmp.resolve("run.properties");
        Files.writeString(cfg, "ffebm.train.epochs=2\nffebm.model.colour=red\n", StandardCharsets.UTF_8);
        assertUsageError(train("--config", cfg.toString()), "ffebm.model.colour");
    }

    @Test
    void invalidValueInAConfigFile() throws IOException {
        Path cfg = tmp.resolve("run.properties");
        Files.writeString(cfg, "ffebm.ep.t-free=0\n", StandardCharsets.UTF_8);
        assertUsageError(train("--config", cfg.toString()), "ffebm.ep.t-free must be >= 1, was 0");
    }

    @Test
    void corruptIdxDirectory() throws IOException {
        Path data = Files.createDirectory(tmp.resolve("idx"));
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"}) {
            Files.write(data.resolve(f), "this is not an IDX file".getBytes(StandardCharsets.US_ASCII));
        }
        assertUsageError(train("--data", data.toString()), "idx");
    }

    @Test
    void truncatedIdxDirectory() throws IOException {
        Path data = Files.createDirectory(tmp.resolve("idx"));
        // a valid header for 10 images of 28x28 but only a few pixels
        byte[] images = new byte[16 + 100];
        images[2] = 8;
        images[3] = 3;
        images[7] = 10;
        images[11] = 28;
        images[15] = 28;
        byte[] labels = new byte[8 + 10];
        labels[2] = 8;
        labels[3] = 1;
        labels[7] = 10;
        for (String f : new String[] {"train", "t10k"}) {
            Files.write(data.resolve(f + "-images-idx3-ubyte"), images);
            Files.write(data.resolve(f + "-labels-idx1-ubyte"), labels);
        }
        assertUsageError(train("--data", data.toString()), "truncated");
    }

    @Test
    void existingOutputDirectoryIsRefusedWithoutForce() throws IOException {
        Path out = Files.createDirectory(tmp.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "precious");
        Cli.Result r = train();
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("already exists"), r.err());
        assertEquals(1, r.errLines().length, r.toString());
        // --force does not delete a folder that is not a run directory
        r = train("--force");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("not an ffebm run directory"), r.err());
        assertEquals("precious", Files.readString(out.resolve("keep.txt")));
        assertFalse(Files.exists(tmp.resolve("out.partial")));
    }

    @Test
    void missingCheckpointForEval() {
        Cli.Result r = Cli.run("eval", tmp.resolve("nothing").toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err().contains("no such run directory"), r.err());
    }

    @Test
    void corruptCheckpointForEval() throws IOException {
        Path run = Files.createDirectory(tmp.resolve("run"));
        Files.writeString(run.resolve("checkpoint.bin"), "garbage");
        Cli.Result r = Cli.run("eval", run.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err().contains("bad magic"), r.err());
    }

    /** Divergence is a failure during the work: exit 1, one line, and the partial directory stays. */
    @Test
    void divergenceExitsOneAndKeepsThePartialDirectory() throws IOException {
        Cli.Result r = train("--set", "ffebm.optim.lr=1e300", "--set", "ffebm.optim.schedule=constant",
                "--set", "ffebm.model.layers=16", "--epochs", "3", "--batch-size", "8");
        assertEquals(1, r.code(), r.toString());
        String[] lines = r.errLines();
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("ffebm: training diverged"), r.toString());
        assertTrue(last.contains("out.partial"), last);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
        assertFalse(Files.exists(tmp.resolve("out")));
        assertTrue(Files.isRegularFile(tmp.resolve("out.partial").resolve("config.properties")));
        try (Stream<Path> s = Files.list(tmp.resolve("out.partial"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files");
        }
    }
}
