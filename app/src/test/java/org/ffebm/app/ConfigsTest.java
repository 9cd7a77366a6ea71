package org.ffebm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.RunConfig;
import org.ffebm.core.model.EnergyBlockFactory;
import org.ffebm.core.model.FfEbm;
import org.ffebm.core.model.ModelBuilder;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.digital.config.DigitalBlocks;
import org.ffebm.digital.config.DigitalConfig;
import org.junit.jupiter.api.Test;

/**
 * Every configuration file shipped in {@code configs/} is valid and builds its model (for 1×28×28 Fashion-MNIST, or
 * 3×32×32 for the CIFAR-10 and ImageNet32 ones), so that the README's commands cannot rot.
 */
class ConfigsTest {

    private static final Path CONFIGS = Path.of(System.getProperty("user.dir")).getParent().resolve("configs");

    @Test
    void everyShippedConfigurationBuildsItsModel() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(CONFIGS)) {
            files = s.filter(p -> p.toString().endsWith(".properties")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no configurations in " + CONFIGS);
        for (Path f : files) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            RunConfig c = RunConfig.of(p);
            boolean colour = f.getFileName().toString().contains("cifar") || f.getFileName().toString()
                    .contains("imagenet");
            Shape input = colour ? new Shape(3, 32, 32) : new Shape(1, 28, 28);
            FfEbm<?> model = ModelBuilder.build(F32Ops.reference(), c.model(), c.ep(), input,
                    new java.util.SplittableRandom(1), EnergyBlockFactory.dense(),
                    new DigitalBlocks<>(DigitalConfig.of(c.modules())));
            assertEquals(c.model().classes(), model.outputShape().size(), f.toString());
            assertTrue(model.parameterCount() > 0, f.toString());
        }
    }
}
