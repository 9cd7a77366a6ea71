package org.ffebm.analog.crossbar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.RunConfig;
import org.ffebm.core.data.FashionMnist;
import org.ffebm.core.data.TrainTest;
import org.ffebm.core.schedule.Scheduler;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.train.Checkpoint;
import org.ffebm.core.train.EpochMetrics;
import org.ffebm.core.train.TrainListener;
import org.ffebm.core.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training on crossbars through core's trainer: pulsed and stochastic updates count their pulses, and a run with every
 * noise source on resumes from its checkpoint with the same bits as the uninterrupted run (device conductances, device
 * clock and noise-stream positions are part of the checkpoint).
 */
class AnalogTrainingTest {

    private static TrainTest data;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadData() {
        data = FashionMnist.embedded().limit(192, 64);
    }

    private static Shape inputShape() {
        return new Shape(data.train().channels(), data.train().rows(), data.train().cols());
    }

    /** A tiny two-block model on a noisy device; {@code extra} holds key=value overrides. */
    static RunConfig config(String preset, String... extra) {
        Properties p = new Properties();
        p.setProperty("ffebm.model.layers", "12,10");
        p.setProperty("ffebm.model.block-size", "1");
        p.setProperty("ffebm.model.tie", "linear");
        p.setProperty("ffebm.ep.t-free", "6");
        p.setProperty("ffebm.ep.t-nudge", "3");
        p.setProperty("ffebm.train.epochs", "2");
        p.setProperty("ffebm.train.batch-size", "32");
        p.setProperty("ffebm.train.threads", "1");
        p.setProperty("ffebm.train.seed", "5");
        p.setProperty("ffebm.train.kernel", "reference");
        Properties modules = new Properties();
        for (String kv : extra) {
            int eq = kv.indexOf('=');
            (kv.startsWith("ffebm.device.") || kv.startsWith("ffebm.update.") || kv.startsWith("ffebm.crossbar.")
                    || kv.startsWith("ffebm.dac.") || kv.startsWith("ffebm.adc.") ? modules : p)
                    .setProperty(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Properties resolved = AnalogBlocks.resolve(preset, modules);
        for (String k : resolved.stringPropertyNames()) {
            p.setProperty(k, resolved.getProperty(k));
        }
        return RunConfig.of(p);
    }

    private static Trainer trainer(RunConfig c) {
        return new Trainer(c, F32Ops.reference(), inputShape(),
                AnalogBlocks.factory(c.modules(), c.train().seed()));
    }

    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** Every non-ideality that draws random numbers at once: variability, cycle, read and write noise, drift, DAC/ADC. */
    private static final String[] NOISY = {"ffebm.device.read-noise=2e-8", "ffebm.device.read-noise-relative=0.01",
        "ffebm.device.write-noise=1e-8", "ffebm.device.drift-nu=0.02", "ffebm.device.drift-nu-d2d=0.01",
        "ffebm.update.step-seconds=0.5", "ffebm.dac.bits=6", "ffebm.dac.clip=true", "ffebm.dac.rounding=stochastic",
        "ffebm.adc.bits=8", "ffebm.adc.clip=true"};

    @ParameterizedTest
    @ValueSource(strings = {"pulsed", "stochastic", "program"})
    void noisyRunResumesBitForBit(String mode) throws IOException {
        String[] extra = java.util.Arrays.copyOf(NOISY, NOISY.length + 2);
        extra[NOISY.length] = "ffebm.update.mode=" + mode;
        extra[NOISY.length + 1] = "ffebm.update.rounding=stochastic";
        assertResumesBitForBit(config("rpu-gokmen-vlasov", extra), !mode.equals("program"));
    }

    /**
     * A tiny convolutional ff-EBM (one conv block of two layers, the first max-pooled, then core's linear read-out;
     * ties between conv blocks need digital-sim, which this module does not see) on crossbars, im2col mapping, a non-ideal preset with every noise source and pulsed updates: trains through core's trainer (pulses
     * issued, the loss finite and falling) and resumes from its checkpoint with the same bits.
     */
    @Test
    void convolutionalModelOnCrossbarsResumesBitForBit() throws IOException {
        String[] conv = {"ffebm.model.arch=conv", "ffebm.model.layers=3,4", "ffebm.model.pools=m-",
            "ffebm.model.block-size=0", "ffebm.model.tie=identity", "ffebm.update.mode=pulsed",
            "ffebm.update.rounding=stochastic"};
        String[] extra = java.util.Arrays.copyOf(NOISY, NOISY.length + conv.length);
        System.arraycopy(conv, 0, extra, NOISY.length, conv.length);
        List<EpochMetrics> m = assertResumesBitForBit(config("rpu-gokmen-vlasov", extra), true);
        assertTrue(Double.isFinite(m.get(1).trainLoss()) && m.get(1).trainLoss() < m.get(0).trainLoss(),
                "train loss " + m.get(0).trainLoss() + " then " + m.get(1).trainLoss());
    }

    /**
     * Trains two epochs straight, and again stopping after the first with a checkpoint that a fresh trainer resumes
     * from: the second epochs' metrics and the final parameters must be the same bits.
     *
     * @return the straight run's metrics
     */
    private List<EpochMetrics> assertResumesBitForBit(RunConfig c, boolean pulsed) throws IOException {
        Trainer straight = trainer(c);
        List<EpochMetrics> expected = straight.train(data.train(), data.test(), TrainListener.NONE);

        Path file = dir.resolve("checkpoint.bin");
        Trainer interrupted = trainer(c);
        assertThrows(Stop.class, () -> interrupted.train(data.train(), data.test(), new TrainListener() {
            @Override
            public void epoch(EpochMetrics m) throws IOException {
                Checkpoint.save(file, interrupted);
                throw new Stop();
            }
        }));
        Checkpoint cp = Checkpoint.load(file);
        assertEquals(interrupted.model().energy().size(), cp.substrate().size(), "one device state per energy block");
        Trainer resumed = trainer(cp.config());
        cp.restore(resumed);
        List<EpochMetrics> rest = resumed.train(data.train(), data.test(), TrainListener.NONE);
        EpochMetrics want = expected.get(1), got = rest.get(0);
        assertEquals(want.trainLoss(), got.trainLoss(), 0.0, "train loss");
        assertEquals(want.testAccuracy(), got.testAccuracy(), 0.0, "test accuracy");
        assertEquals(want.pulsesPerStep(), got.pulsesPerStep(), 0.0, "pulses per step");
        List<Param<FMatrixRMaj>> a = straight.model().params(), b = resumed.model().params();
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).value().data, b.get(i).value().data, 0f, a.get(i).name());
        }
        if (pulsed) {
            assertTrue(want.pulsesPerStep() > 0, "pulsed training issued no pulse");
        } else {
            assertEquals(0.0, want.pulsesPerStep(), "re-programming is not counted as pulses");
        }
        return expected;
    }

    /**
     * Without the device states (a version 1 checkpoint would re-program from the weights), a noisy run does not
     * resume exactly: the stored states matter.
     */
    @Test
    void reprogrammingInsteadOfRestoringChangesTheRun() {
        RunConfig c = config("rpu-gokmen-vlasov", NOISY);
        Trainer t = trainer(c);
        t.train(data.train(), data.test(), TrainListener.NONE);
        Checkpoint cp = Checkpoint.of(t);
        Trainer exact = trainer(c);
        cp.restore(exact);
        Trainer reprogrammed = trainer(c);
        cp.restore(reprogrammed);
        reprogrammed.paramsChanged();
        FMatrixRMaj x = new FMatrixRMaj(4, inputShape().size());
        int[] y = new int[4];
        data.test().copyBatch(new int[] {0, 1, 2, 3}, 0, 4, x, y);
        float[] outExact = output(exact, x);
        float[] outReprog = output(reprogrammed, x);
        float[] outOrig = output(t, x);
        assertArrayEquals(outOrig, outExact, 0f, "restored device states reproduce the trained network");
        assertNotEquals(java.util.Arrays.toString(outOrig), java.util.Arrays.toString(outReprog),
                "write noise and device variability make a re-programmed array differ");
    }

    private static float[] output(Trainer t, FMatrixRMaj x) {
        FMatrixRMaj out = Scheduler.untraced(t.model()).forward(x, false, null);
        return java.util.Arrays.copyOf(out.data, out.getNumElements());
    }
}
