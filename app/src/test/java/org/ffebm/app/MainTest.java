package org.ffebm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.ffebm.core.config.TrainConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Help, version and the top-level command. */
class MainTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "train", "eval", "gradcheck", "devices", "report"})
    void everyCommandHasHelpThatExitsZero(String command) {
        for (String flag : new String[] {"--help", "-h"}) {
            Cli.Result r = command.isEmpty() ? Cli.run(flag) : Cli.run(command, flag);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().startsWith("Usage: ffebm" + (command.isEmpty() ? "" : " " + command)), r.out());
            assertEquals("", r.err());
        }
    }

    @Test
    void helpSubcommandShowsACommandsHelp() {
        Cli.Result r = Cli.run("help", "train");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("Usage: ffebm train"), r.out());
    }

    @Test
    void devicesListsEveryPresetWithItsSource() {
        Cli.Result r = Cli.run("devices");
        assertEquals(0, r.code(), r.toString());
        for (String name : org.ffebm.analog.device.DevicePresets.names()) {
            assertTrue(r.out().contains(name + "\n"), name);
        }
        assertTrue(r.out().contains("source: "), r.out());
        Cli.Result one = Cli.run("devices", "ideal");
        assertEquals(0, one.code(), one.toString());
        assertTrue(one.out().startsWith("ideal\n") && one.out().contains("ffebm.device.g-max = "), one.out());
        Cli.Result bad = Cli.run("devices", "unobtainium");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("unknown device preset 'unobtainium'"), bad.err());
    }

    @Test
    void versionExitsZero() {
        Cli.Result r = Cli.run("--version");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("ffebm "), r.out());
    }

    @Test
    void noCommandIsAUsageError() {
        Cli.Result r = Cli.run();
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err().startsWith("ffebm: missing command"), r.err());
    }

    @Test
    void unknownCommandIsAUsageError() {
        Cli.Result r = Cli.run("trian");
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err().contains("did you mean train"), r.err());
    }

    /** Every option of every command says "Defaults to", and train's stated defaults are TrainConfig's. */
    @Test
    void everyOptionStatesItsDefaultAndTrainsMatchTheConfiguration() {
        CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        for (String command : new String[] {"train", "eval", "gradcheck", "report"}) {
            for (OptionSpec o : root.getSubcommands().get(command).getCommandSpec().options()) {
                if (o.hidden() || o.usageHelp() || o.versionHelp()) {
                    continue;
                }
                String d = String.join(" ", o.description());
                assertTrue(d.contains("Defaults to"), command + " " + o.longestName() + ": " + d);
            }
        }
        String help = Cli.run("train", "--help").out().replaceAll("\\s+", " ");
        TrainConfig d = TrainConfig.defaults();
        assertTrue(help.contains("(ffebm.train.epochs). Defaults to " + d.epochs() + "."), help);
        assertTrue(help.contains("(ffebm.train.batch-size). Defaults to " + d.batchSize() + "."), help);
        assertTrue(help.contains("(ffebm.train.seed). Defaults to " + d.seed() + "."), help);
        assertTrue(help.contains("Defaults to " + d.kernel() + "."), help);
        assertEquals(0, d.limitTrain());
        assertEquals(0, d.limitTest());
        assertEquals("", d.data());
        assertEquals(Runtime.getRuntime().availableProcessors(), d.threads());
    }
}
