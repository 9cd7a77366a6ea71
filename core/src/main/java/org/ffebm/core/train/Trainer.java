package org.ffebm.core.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.EpSettings;
import org.ffebm.core.block.SettleResult;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.RunConfig;
import org.ffebm.core.data.Augment;
import org.ffebm.core.data.Dataset;
import org.ffebm.core.eqprop.HybridGradient;
import org.ffebm.core.model.DigitalBlockFactory;
import org.ffebm.core.model.EnergyBlockFactory;
import org.ffebm.core.model.FfEbm;
import org.ffebm.core.model.ModelBuilder;
import org.ffebm.core.optim.Optimizer;
import org.ffebm.core.schedule.CostModel;
import org.ffebm.core.schedule.Scheduler;
import org.ffebm.core.schedule.TraceSink;
import org.ffebm.core.tensor.TensorOps;

/**
 * Trains an ff-EBM in float32 by the hybrid gradient (or by backprop for the {@code bp} baseline, which is the same
 * code path with no energy block).
 *
 * <p>Randomness: the root generator {@code new SplittableRandom(seed)} is split once for the initial weights, once
 * for the shuffling and once for the augmentation ({@link Augment}); epoch e's order and augmentation draws come from
 * generators of their own seeded from those streams, so a run resumed at an epoch boundary draws the same. With the same seed and configuration every non-timing figure is
 * the same whatever the thread count.
 */
public final class Trainer {

    private final RunConfig config;
    private final TensorOps<FMatrixRMaj> ops;
    private final FfEbm<FMatrixRMaj> model;
    private final Optimizer<FMatrixRMaj> optimizer;
    private final long shuffleSeed;
    private final long augmentSeed;
    private final Shape inputShape;
    private final EpSettings ep;
    private Scheduler<FMatrixRMaj> scheduler;
    private int epochsDone;

    /**
     * @param inputShape the shape of one sample
     */
    public Trainer(RunConfig config, TensorOps<FMatrixRMaj> ops, Shape inputShape) {
        this(config, ops, inputShape, EnergyBlockFactory.dense());
    }

    /**
     * @param inputShape the shape of one sample
     * @param factory makes the energy blocks (core's dense DHN, or another module's)
     */
    public Trainer(RunConfig config, TensorOps<FMatrixRMaj> ops, Shape inputShape,
                   EnergyBlockFactory<FMatrixRMaj> factory) {
        this(config, ops, inputShape, factory, DigitalBlockFactory.plain());
    }

    /**
     * @param inputShape the shape of one sample
     * @param factory makes the energy blocks (core's dense DHN, or another module's)
     * @param digital shapes the digital blocks (e.g. number formats of digital-sim)
     */
    public Trainer(RunConfig config, TensorOps<FMatrixRMaj> ops, Shape inputShape,
                   EnergyBlockFactory<FMatrixRMaj> factory, DigitalBlockFactory<FMatrixRMaj> digital) {
        this.config = config;
        this.ops = ops;
        SplittableRandom root = new SplittableRandom(config.train().seed());
        SplittableRandom init = root.split();
        this.shuffleSeed = root.split().nextLong();
        this.augmentSeed = root.split().nextLong();
        this.inputShape = inputShape;
        this.model = ModelBuilder.build(ops, config.model(), config.ep(), inputShape, init, factory, digital);
        this.optimizer = new Optimizer<>(ops, config.optim(), model.params());
        this.ep = config.ep().settings();
        this.scheduler = Scheduler.untraced(model);
    }

    /**
     * Sends the phases of every training step and evaluation from now on to {@code sink}, costed by {@code cost}
     * (null sink: no events). The step numbering continues from the optimiser's step count.
     *
     * @throws IllegalArgumentException if the cost model's placement does not fit the model (see {@link Scheduler})
     */
    public void trace(CostModel cost, TraceSink sink) {
        scheduler = new Scheduler<>(model, cost, sink);
        scheduler.setTrainSteps(optimizer.steps());
    }

    /** The scheduler that runs the model's phases. */
    public Scheduler<FMatrixRMaj> scheduler() {
        return scheduler;
    }

    public FfEbm<FMatrixRMaj> model() {
        return model;
    }

    public Optimizer<FMatrixRMaj> optimizer() {
        return optimizer;
    }

    public RunConfig config() {
        return config;
    }

    /** Epochs completed (restored from a checkpoint, or counted by {@link #train}). */
    public int epochsDone() {
        return epochsDone;
    }

    public void setEpochsDone(int e) {
        epochsDone = e;
    }

    /** Tells every energy block that its parameters were replaced (a restore). */
    public void paramsChanged() {
        for (EnergyBlock<FMatrixRMaj> b : model.energy()) {
            b.paramsChangedInPlace();
        }
    }

    /** Programming pulses applied by every energy block so far. */
    public long pulsesApplied() {
        long n = 0;
        for (EnergyBlock<FMatrixRMaj> b : model.energy()) {
            n += b.pulsesApplied();
        }
        return n;
    }

    /** The training order of epoch {@code e} (0-based). */
    public int[] order(int epoch, int n) {
        return Dataset.shuffledOrder(n, new SplittableRandom(shuffleSeed + 0x9E3779B97F4A7C15L * (epoch + 1)));
    }

    /** The generator of epoch e's augmentation draws (0-based), from its own stream of the root seed. */
    private SplittableRandom augmentRng(int epoch) {
        return new SplittableRandom(augmentSeed + 0x9E3779B97F4A7C15L * (epoch + 1));
    }

    /**
     * Runs the remaining epochs.
     *
     * @throws IllegalStateException if the loss becomes NaN or infinite (the message says where)
     */
    public List<EpochMetrics> train(Dataset train, Dataset test, TrainListener listener) {
        int epochs = config.train().epochs();
        int bs = config.train().batchSize();
        int n = train.size();
        int batches = (n + bs - 1) / bs;
        FMatrixRMaj x = new FMatrixRMaj(bs, train.features());
        int[] y = new int[bs];
        FMatrixRMaj grad = new FMatrixRMaj(bs, config.model().classes());
        List<EpochMetrics> all = new ArrayList<>();
        Augment augment = config.train().augment();
        float[] scratch = augment.isOn() ? new float[inputShape.size()] : null;
        for (int e = epochsDone; e < epochs; e++) {
            optimizer.startEpoch(e, epochs);
            int[] order = order(e, n);
            SplittableRandom augmentRng = augment.isOn() ? augmentRng(e) : null;
            double lossSum = 0;
            long correct = 0, seen = 0;
            int convergedBatches = 0;
            double maxResidual = 0;
            long pulses0 = pulsesApplied();
            long t0 = System.nanoTime();
            for (int b = 0; b < batches; b++) {
                int start = b * bs, count = Math.min(bs, n - start);
                train.copyBatch(order, start, count, x, y);
                if (augmentRng != null) {
                    augment.applyInPlace(x, count, inputShape, augmentRng, scratch);
                }
                HybridGradient.zeroGradients(model);
                HybridGradient.Result r = scheduler.gradient(x, y, ep, grad);
                if (!Double.isFinite(r.lossSum())) {
                    throw new IllegalStateException("training diverged at epoch " + (e + 1) + ", batch " + (b + 1)
                            + ": loss is " + r.lossSum() + "; lower the learning rate or beta");
                }
                scheduler.update(optimizer);
                lossSum += r.lossSum();
                correct += r.correct();
                seen += count;
                if (r.free() != null) {
                    convergedBatches += r.free().converged() ? 1 : 0;
                    maxResidual = Math.max(maxResidual, r.free().residual());
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                listener.batch(e + 1, epochs, b + 1, batches, lossSum / seen, (double) correct / seen, seen / secs);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Evaluation ev = evaluate(test);
            double conv = config.ep().tol() > 0 && !model.energy().isEmpty() ? (double) convergedBatches / batches
                    : Double.NaN;
            EpochMetrics m = new EpochMetrics(e + 1, lossSum / seen, (double) correct / seen, ev.loss(), ev.accuracy(),
                    seconds, seen / seconds, conv, maxResidual, (double) (pulsesApplied() - pulses0) / batches);
            all.add(m);
            epochsDone = e + 1;
            try {
                listener.epoch(m);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return all;
    }

    /** Loss and accuracy of a data set. */
    public record Evaluation(double loss, double accuracy, SettleResult settle) {
    }

    /** Evaluates in batches of the training batch size, free phase only, without touching any gradient. */
    public Evaluation evaluate(Dataset data) {
        int bs = config.train().batchSize();
        int n = data.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        FMatrixRMaj x = new FMatrixRMaj(bs, data.features());
        int[] y = new int[bs];
        FMatrixRMaj grad = new FMatrixRMaj(bs, config.model().classes());
        double loss = 0;
        long correct = 0;
        SettleResult[] settle = new SettleResult[1];
        SettleResult merged = null;
        for (int start = 0; start < n; start += bs) {
            int count = Math.min(bs, n - start);
            data.copyBatch(order, start, count, x, y);
            FMatrixRMaj out = scheduler.forward(x, false, settle);
            loss += model.loss().evaluate(ops, out, y, grad);
            correct += ops.countCorrect(out, y);
            if (settle[0] != null) {
                merged = merged == null ? settle[0] : merged.merge(settle[0]);
            }
        }
        return new Evaluation(loss / n, (double) correct / n, merged);
    }
}
