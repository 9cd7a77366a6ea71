package org.ffebm.core.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The whole configuration of a run, one record per concern, read from and written to {@code ffebm.*} properties.
 * Unknown keys are errors (a typo must not silently fall back to a default). {@link #toProperties()} writes every
 * value, defaults included, so a run's resolved configuration reproduces it.
 */
public record RunConfig(ModelConfig model, EpConfig ep, OptimConfig optim, TrainConfig train) {

    public RunConfig {
        if (model == null || ep == null || optim == null || train == null) {
            throw new IllegalArgumentException("every section of the configuration must be present");
        }
    }

    public static RunConfig defaults() {
        return new RunConfig(ModelConfig.defaults(), EpConfig.defaults(), OptimConfig.defaults(), TrainConfig.defaults());
    }

    /** Parses properties; every key must be known. */
    public static RunConfig of(Properties p) {
        Props.rejectUnknown(p, "", defaults().toProperties().stringPropertyNames());
        return new RunConfig(ModelConfig.of(p), EpConfig.of(p), OptimConfig.of(p), TrainConfig.of(p));
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
        return new RunConfig(m, ep, optim, train);
    }

    public RunConfig withEp(EpConfig e) {
        return new RunConfig(model, e, optim, train);
    }

    public RunConfig withOptim(OptimConfig o) {
        return new RunConfig(model, ep, o, train);
    }

    public RunConfig withTrain(TrainConfig t) {
        return new RunConfig(model, ep, optim, t);
    }
}
