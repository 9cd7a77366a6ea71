package org.ffebm.core.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The whole configuration of a run, one record per concern, read from and written to {@code ffebm.*} properties.
 * Unknown keys are errors (a typo must not silently fall back to a default). {@link #toProperties()} writes every
 * value, defaults included, so a run's resolved configuration reproduces it.
 *
 * <p>Sections owned by other modules ({@link #MODULE_PREFIXES}: the devices, crossbar, converters and updates of
 * analog-sim, the number formats of digital-sim) travel in {@link #modules()} as plain properties: core keeps and writes them, and the module that uses them
 * validates them (rejecting its own unknown keys).
 *
 * @param cost the cost model's per-operation figures ({@code ffebm.cost.*}, core's own section)
 * @param modules properties whose keys all start with one of {@link #MODULE_PREFIXES}; copied
 */
public record RunConfig(ModelConfig model, EpConfig ep, OptimConfig optim, TrainConfig train, CostConfig cost,
                        Properties modules) {

    /** Key prefixes of the sections that other modules own and validate. */
    public static final List<String> MODULE_PREFIXES = List.of("ffebm.device.", "ffebm.crossbar.", "ffebm.dac.",
            "ffebm.adc.", "ffebm.update.", "ffebm.digital.");

    public RunConfig {
        if (model == null || ep == null || optim == null || train == null || cost == null || modules == null) {
            throw new IllegalArgumentException("every section of the configuration must be present");
        }
        Properties copy = new Properties();
        for (String k : modules.stringPropertyNames()) {
            if (!isModuleKey(k)) {
                throw new IllegalArgumentException("'" + k + "' is not a key of a module section " + MODULE_PREFIXES);
            }
            copy.setProperty(k, modules.getProperty(k));
        }
        modules = copy;
    }

    /** A configuration with the default cost figures and without module sections. */
    public RunConfig(ModelConfig model, EpConfig ep, OptimConfig optim, TrainConfig train) {
        this(model, ep, optim, train, CostConfig.defaults(), new Properties());
    }

    /** A copy of the module sections. */
    @Override
    public Properties modules() {
        Properties copy = new Properties();
        copy.putAll(modules);
        return copy;
    }

    /** Whether a key belongs to a section owned by another module. */
    public static boolean isModuleKey(String key) {
        for (String prefix : MODULE_PREFIXES) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    public static RunConfig defaults() {
        return new RunConfig(ModelConfig.defaults(), EpConfig.defaults(), OptimConfig.defaults(), TrainConfig.defaults());
    }

    /** Parses properties; every key must be known to core or belong to a module section. */
    public static RunConfig of(Properties p) {
        Properties core = new Properties();
        Properties modules = new Properties();
        for (String k : p.stringPropertyNames()) {
            (isModuleKey(k) ? modules : core).setProperty(k, p.getProperty(k));
        }
        Props.rejectUnknown(core, "", defaults().toProperties().stringPropertyNames());
        return new RunConfig(ModelConfig.of(core), EpConfig.of(core), OptimConfig.of(core), TrainConfig.of(core),
                CostConfig.of(core), modules);
    }

    /** Reads a properties file. */
    public static RunConfig read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("configuration file not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration " + file + ": " + e.getMessage(), e);
        }
        return of(p);
    }

    public Properties toProperties() {
        Properties p = new Properties();
        model.write(p);
        ep.write(p);
        optim.write(p);
        train.write(p);
        cost.write(p);
        p.putAll(modules);
        return p;
    }

    /** Sorted {@code key=value} lines, for the resolved configuration file. */
    public String toText() {
        StringWriter w = new StringWriter();
        w.write("# ffebm resolved configuration: every key, defaults included\n");
        Properties p = toProperties();
        TreeMap<String, String> sorted = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            sorted.put(k, p.getProperty(k));
        }
        sorted.forEach((k, v) -> w.write(k + "=" + escape(v) + "\n"));
        return w.toString();
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\");
    }

    public RunConfig withModel(ModelConfig m) {
        return new RunConfig(m, ep, optim, train, cost, modules);
    }

    public RunConfig withEp(EpConfig e) {
        return new RunConfig(model, e, optim, train, cost, modules);
    }

    public RunConfig withOptim(OptimConfig o) {
        return new RunConfig(model, ep, o, train, cost, modules);
    }

    /** The same configuration with these module sections (replacing any present). */
    public RunConfig withModules(Properties m) {
        return new RunConfig(model, ep, optim, train, cost, m);
    }

    public RunConfig withTrain(TrainConfig t) {
        return new RunConfig(model, ep, optim, t, cost, modules);
    }

    /** The same configuration with these cost figures. */
    public RunConfig withCost(CostConfig c) {
        return new RunConfig(model, ep, optim, train, c, modules);
    }
}
