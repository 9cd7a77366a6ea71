package org.ffebm.core.optim;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.Param;
import org.ffebm.core.config.OptimConfig;
import org.ffebm.core.tensor.TensorOps;

/**
 * SGD with momentum or Adam, with per-block learning rates, coupled L2 weight decay on weights (not biases), and a
 * constant or cosine schedule stepped once per epoch. Its state (velocities, moments, step count) is part of a
 * checkpoint: {@link #state()}.
 */
public final class Optimizer<M extends ReshapeMatrix> {

    private final TensorOps<M> ops;
    private final OptimConfig config;
    private final List<Param<M>> params;
    private final List<M> first = new ArrayList<>();
    private final List<M> second = new ArrayList<>();
    private long steps;
    private double factor = 1.0;

    public Optimizer(TensorOps<M> ops, OptimConfig config, List<Param<M>> params) {
        this.ops = ops;
        this.config = config;
        this.params = List.copyOf(params);
        for (Param<M> p : params) {
            first.add(ops.zeros(p.value().getNumRows(), p.value().getNumCols()));
            if (config.name().equals("adam")) {
                second.add(ops.zeros(p.value().getNumRows(), p.value().getNumCols()));
            }
        }
    }

    /** Sets the schedule's factor for an epoch (0-based) out of {@code epochs}. */
    public void startEpoch(int epoch, int epochs) {
        factor = config.schedule().equals("cosine") ? 0.5 * (1 + StrictMath.cos(Math.PI * epoch / epochs)) : 1.0;
    }

    /** The optimiser's name ({@code adam} or {@code sgd}). */
    public String name() {
        return config.name();
    }

    /** The learning rate of a block at the current epoch. */
    public double lr(String block) {
        return config.lrFor(block) * factor;
    }

    /** One update of every parameter from its gradient. */
    public void step() {
        steps++;
        for (int i = 0; i < params.size(); i++) {
            Param<M> p = params.get(i);
            double lr = lr(p.group());
            double wd = p.kind() == Param.Kind.WEIGHT ? config.weightDecay() : 0.0;
            if (config.name().equals("adam")) {
                ops.adamStepInPlace(p.value(), p.grad(), first.get(i), second.get(i), lr, 0.9, 0.999, 1e-8, wd, steps);
            } else {
                ops.sgdStepInPlace(p.value(), p.grad(), first.get(i), lr, config.momentum(), wd);
            }
        }
    }

    public long steps() {
        return steps;
    }

    /** The state buffers in parameter order: first moments (velocities), then second moments for Adam. */
    public List<M> state() {
        List<M> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** Restores the step count (the buffers are restored through {@link #state()}). */
    public void setSteps(long s) {
        steps = s;
    }
}
