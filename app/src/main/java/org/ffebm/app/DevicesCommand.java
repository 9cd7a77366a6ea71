package org.ffebm.app;

import java.util.concurrent.Callable;
import org.ffebm.analog.device.DevicePresets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Lists the device presets of analog-sim with their parameters and published sources. */
@Command(name = "devices", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Lists the device presets (name, description, source, step model and every ffebm.device.* "
                + "parameter).", ""})
final class DevicesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PRESET", description = "Only this preset. Defaults to all of them.")
    String name;

    @Override
    public Integer call() {
        if (name == null) {
            spec.commandLine().getOut().print(DevicePresets.describe());
        } else {
            DevicePresets.Preset p = DevicePresets.preset(name);
            StringBuilder b = new StringBuilder(p.name()).append('\n');
            b.append("  ").append(p.description()).append('\n');
            b.append("  source: ").append(p.source()).append('\n');
            p.config().toProperties().stringPropertyNames().stream().sorted()
                    .forEach(k -> b.append("  ").append(k).append(" = ").append(p.config().toProperties()
                            .getProperty(k)).append('\n'));
            spec.commandLine().getOut().print(b);
        }
        spec.commandLine().getOut().flush();
        return Main.EXIT_OK;
    }
}
