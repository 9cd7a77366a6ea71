package org.ffebm.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.RunConfig;
import org.ffebm.core.data.FashionMnist;
import org.ffebm.core.data.TrainTest;
import org.ffebm.core.tensor.F32Ops;
import org.junit.jupiter.api.Test;

/**
 * A small EP run on the scalar reference path, reproduced exactly against a checked-in trajectory (STYLE 11). Any
 * change to the numbers of the relaxation, the estimator, the losses, the optimiser, the initialisation or the data
 * order shows here. If a change is intended, regenerate with {@link #main} and say why in the commit.
 */
class GoldenTrajectoryTest {

    static final String RESOURCE = "/org/ffebm/core/train/golden-trajectory.csv";

    static RunConfig config() {
        Properties p = new Properties();
        p.setProperty("ffebm.model.layers", "32,16");
        p.setProperty("ffebm.ep.t-free", "15");
        p.setProperty("ffebm.ep.t-nudge", "6");
        p.setProperty("ffebm.ep.tol", "0");
        p.setProperty("ffebm.train.epochs", "3");
        p.setProperty("ffebm.train.batch-size", "32");
        p.setProperty("ffebm.train.seed", "2024");
        p.setProperty("ffebm.train.threads", "1");
        p.setProperty("ffebm.train.limit-train", "512");
        p.setProperty("ffebm.train.limit-test", "256");
        p.setProperty("ffebm.train.kernel", "reference");
        return RunConfig.of(p);
    }

    /** Non-timing columns of every epoch, as metrics.csv writes them. */
    static List<String> run() {
        RunConfig c = config();
        TrainTest data = FashionMnist.embedded().limit(c.train().limitTrain(), c.train().limitTest());
        Trainer t = new Trainer(c, F32Ops.reference(), new Shape(1, 28, 28));
        List<String> rows = new ArrayList<>();
        for (EpochMetrics m : t.train(data.train(), data.test(), TrainListener.NONE)) {
            rows.add(withoutTiming(m.csv()));
        }
        return rows;
    }

    static String withoutTiming(String csvLine) {
        String[] f = csvLine.split(",");
        // epoch, train_loss, train_accuracy, test_loss, test_accuracy, [seconds, samples_per_second], max_free_residual
        return String.join(",", f[0], f[1], f[2], f[3], f[4], f[7]);
    }

    @Test
    void reproducesTheCheckedInTrajectoryExactly() throws IOException {
        List<String> expected = new ArrayList<>();
        try (InputStream in = GoldenTrajectoryTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE);
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    expected.add(line.trim());
                }
            }
        }
        assertEquals(expected, run());
    }

    /** Regenerates the golden file: {@code main(core/src/test/resources/org/ffebm/core/train/golden-trajectory.csv)}. */
    public static void main(String[] args) throws IOException {
        StringBuilder b = new StringBuilder("# epoch,train_loss,train_accuracy,test_loss,test_accuracy,max_free_residual\n");
        for (String row : run()) {
            b.append(row).append('\n');
        }
        Files.writeString(Path.of(args[0]), b.toString());
        System.out.print(b);
    }
}
