package org.ffebm.core.schedule;

import java.util.List;
import java.util.Objects;
import org.ejml.data.ReshapeMatrix;
import org.ffebm.core.block.Boundary;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.EpSettings;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.SettleResult;
import org.ffebm.core.block.WeightShape;
import org.ffebm.core.config.CostConfig;
import org.ffebm.core.eqprop.HybridGradient;
import org.ffebm.core.model.FfEbm;
import org.ffebm.core.optim.Optimizer;
import org.ffebm.core.tensor.TensorOps;

/**
 * Runs a model's forward pass, hybrid gradient and update as the explicit sequence of {@link Phase}s of DESIGN §5,
 * and is the one place where values cross the analog/digital boundary: the {@link Boundary} converters of each energy
 * block (DAC of u and of each nudge, ADC of the output and of ∇u) are applied here and nowhere else.
 *
 * <p>With a {@link TraceSink}, each phase of each block emits a {@link TraceEvent} with its operation counts and the
 * energy and time of the {@link CostModel}; phases run one after another on a modelled clock that starts at 0 with
 * each step. Without a sink no event is built and no count is taken: the numbers computed are the same either way.
 *
 * <p>Not thread-safe: one scheduler per model, driven by one thread (the blocks parallelise inside their phases).
 */
public final class Scheduler<M extends ReshapeMatrix> {

    /** The context of the events of a training step. */
    public static final String TRAIN = "train";
    /** The context of the events of a forward pass without training. */
    public static final String INFERENCE = "inference";
    /** The block name of the optimiser step's event. */
    public static final String OPTIMISER = "optimiser";

    private final FfEbm<M> model;
    private final CostModel cost;
    private final CostConfig figures;
    private final TraceSink sink;
    private final boolean tracing;
    private long trainSteps;
    private long inferences;
    private String context = TRAIN;
    private long step;
    private int seq;
    private double clock;

    /**
     * @param model the model whose blocks the scheduler drives
     * @param cost the cost model of the events (null: {@link CostModel#defaults()})
     * @param sink where events go; null for none (no events are built)
     * @throws IllegalArgumentException if the cost model places on the co-processor a block that is not an energy
     *                                  block of the model, or one with converters (a crossbar block)
     */
    public Scheduler(FfEbm<M> model, CostModel cost, TraceSink sink) {
        this.model = Objects.requireNonNull(model, "model");
        this.cost = cost == null ? CostModel.defaults() : cost;
        this.figures = this.cost.config();
        this.sink = sink;
        this.tracing = sink != null;
        List<String> digitalBlocks = this.cost.config().digitalBlocks();
        List<String> names = digitalBlocks.isEmpty() ? List.of()
                : model.energy().stream().map(EnergyBlock::name).toList();
        for (String b : digitalBlocks) {
            int k = names.indexOf(b);
            if (k < 0) {
                throw new IllegalArgumentException("ffebm.cost.digital-blocks names '" + b + "', which is not an "
                        + "energy block of the model; energy blocks: " + String.join(", ", names));
            }
            if (model.energy().get(k).boundary() != Boundary.none()) {
                throw new IllegalArgumentException("ffebm.cost.digital-blocks names '" + b + "', which runs on a "
                        + "crossbar with converters; a block placed on the co-processor must be simulated without a "
                        + "device (drop --device, or drop the block from ffebm.cost.digital-blocks)");
            }
        }
    }

    /** A scheduler without events, as {@link HybridGradient} uses. */
    public static <M extends ReshapeMatrix> Scheduler<M> untraced(FfEbm<M> model) {
        return new Scheduler<>(model, null, null);
    }

    public FfEbm<M> model() {
        return model;
    }

    public CostModel cost() {
        return cost;
    }

    /** Training steps completed by {@link #update} (the step index of the next training step's events). */
    public long trainSteps() {
        return trainSteps;
    }

    /** Sets the training step counter (a run resumed from a checkpoint continues its numbering). */
    public void setTrainSteps(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, was " + steps);
        }
        trainSteps = steps;
    }

    /**
     * The forward chain as phases: for each energy block, Fₖ, DAC(u), the free relaxation, ADC(s_L); then the
     * read-out. With {@code training} false this is one inference (its own event group); with it true it starts the
     * events of the current training step.
     *
     * @param x (Input) batch × input features
     * @param training batch statistics and the like (digital blocks); the events' context
     * @param settle if non-null, {@code settle[0]} receives the free phases' merged result
     * @return the read-out, owned by the last digital block
     */
    public M forward(M x, boolean training, SettleResult[] settle) {
        open(training ? TRAIN : INFERENCE, training ? trainSteps : inferences++);
        return forwardPhases(x, training, settle);
    }

    /**
     * One training step's forward pass, loss and hybrid backward pass (DESIGN §2): backprop through the digital
     * blocks, centred (or one-sided) ±β EP through the energy blocks, chained at each boundary through its
     * converters. Parameter gradients (batch means) are added into the params' gradients (zero them first).
     *
     * @param x (Input) batch × input features
     * @param labels (Input) one label per row
     * @param ep the estimator and β
     * @param gradWork (Workspace) holds ∂ℓ/∂o; reshaped as needed
     */
    public HybridGradient.Result gradient(M x, int[] labels, EpSettings ep, M gradWork) {
        open(TRAIN, trainSteps);
        TensorOps<M> ops = model.ops();
        int batch = x.getNumRows();
        SettleResult[] free = new SettleResult[1];
        M out = forwardPhases(x, true, free);
        double loss = model.loss().evaluate(ops, out, labels, gradWork);
        int correct = ops.countCorrect(out, labels);
        if (tracing) {
            long macs = (long) batch * out.getNumCols();
            emitDigital("loss", Phase.LOSS, batch, "fp32", macs, 0);
        }
        double scale = 1.0 / batch;
        List<FeedforwardBlock<M>> digital = model.digital();
        List<EnergyBlock<M>> energy = model.energy();
        int k = energy.size();
        M delta = digitalBackward(digital.get(k), gradWork, scale, k > 0, batch);
        SettleResult nudged = null;
        for (k = energy.size() - 1; k >= 0; k--) {
            EnergyBlock<M> block = energy.get(k);
            boolean needBelow = k > 0 || !digital.get(k).params().isEmpty();
            SettleResult r = backwardPhases(block, delta, ep, scale, needBelow, batch);
            nudged = nudged == null ? r : nudged.merge(r);
            if (needBelow) {
                delta = digitalBackward(digital.get(k), block.inputGradient(), scale, k > 0, batch);
            }
        }
        return new HybridGradient.Result(loss, correct, batch, free[0], nudged);
    }

    /**
     * The update of a training step: the optimiser's step over every parameter, then each energy block applies it to
     * its substrate (pulses); closes the step.
     *
     * @param optimizer the run's optimiser
     */
    public void update(Optimizer<M> optimizer) {
        if (!TRAIN.equals(context) || step != trainSteps) {
            open(TRAIN, trainSteps);
        }
        optimizer.step();
        if (tracing) {
            long params = model.parameterCount();
            for (EnergyBlock<M> b : model.energy()) {
                if (b.updatesInArray()) {
                    for (WeightShape w : b.weightShapes()) {
                        params -= w.weights();      // updated by the array's pulse trains, not by the optimiser
                    }
                }
            }
            long macs = params * CostModel.optimiserMacsPerParam(optimizer.name());
            long bytes = params * CostModel.optimiserBytesPerParam(optimizer.name());
            emitDigital(OPTIMISER, Phase.OPTIMISER_STEP, 0, "fp32", macs, bytes);
        }
        for (EnergyBlock<M> b : model.energy()) {
            long before = tracing ? b.pulsesApplied() : 0;
            b.stepAppliedInPlace(optimizer.lr(b.name()));
            if (tracing && !cost.placedDigital(b.name())) {
                long pulses = b.pulsesApplied() - before;
                emit(b.name(), Phase.ANALOG_UPDATE, Domain.ANALOG, 0, 0, 0, 0, 0, 0, 0, pulses,
                        figures.pulseEnergyPj(pulses), cost.pulseTimeNs(pulses, cost.tiles(b.weightShapes())));
            }
        }
        trainSteps++;
    }

    private void open(String ctx, long index) {
        context = ctx;
        step = index;
        seq = 0;
        clock = 0;
    }

    private M forwardPhases(M x, boolean training, SettleResult[] settle) {
        List<FeedforwardBlock<M>> digital = model.digital();
        List<EnergyBlock<M>> energy = model.energy();
        int batch = x.getNumRows();
        M s = x;
        SettleResult merged = null;
        for (int k = 0; k < energy.size(); k++) {
            FeedforwardBlock<M> f = digital.get(k);
            M raw = f.forward(s, training);
            if (tracing) {
                emitDigital(f.name(), Phase.DIGITAL_FORWARD, batch, f.numberFormat(), batch * f.macsPerSample(),
                        batch * f.bytesPerSample());
            }
            EnergyBlock<M> e = energy.get(k);
            Boundary<M> boundary = e.boundary();
            M u = boundary.dacInput(raw);
            if (tracing) {
                emitDac(e, Phase.DAC_INPUT, boundary, batch,
                        (long) batch * raw.getNumCols() * cost.inputTileRows(e.weightShapes(), e.identityInput()));
            }
            SettleResult r = e.relaxFree(u);
            if (tracing) {
                emitRelax(e, Phase.RELAX_FREE, batch, r);
            }
            merged = merged == null ? r : merged.merge(r);
            M top = e.output();
            s = boundary.adcOutput(top);
            if (tracing) {
                emitAdc(e, Phase.ADC_OUTPUT, boundary, batch, (long) batch * top.getNumCols());
            }
        }
        FeedforwardBlock<M> readout = digital.get(energy.size());
        M out = readout.forward(s, training);
        if (tracing) {
            emitDigital(readout.name(), Phase.DIGITAL_FORWARD, batch, readout.numberFormat(),
                    batch * readout.macsPerSample(), batch * readout.bytesPerSample());
        }
        if (settle != null) {
            settle[0] = merged;
        }
        return out;
    }

    private SettleResult backwardPhases(EnergyBlock<M> e, M delta, EpSettings ep, double scale, boolean needBelow,
                                        int batch) {
        Boundary<M> boundary = e.boundary();
        e.beginBackward(delta, ep, scale, needBelow);
        long nudgeConversions = (long) batch * delta.getNumCols();
        M nudge = boundary.dacNudge(delta, ep.beta());
        if (tracing) {
            emitDac(e, Phase.DAC_NUDGE, boundary, batch, nudgeConversions);
        }
        SettleResult r = e.relaxNudged(true, nudge);
        if (tracing) {
            emitRelax(e, Phase.RELAX_NUDGE_PLUS, batch, r);
        }
        readOutStates(e, boundary, true, batch);
        if (ep.estimator() == EpSettings.Estimator.CENTERED) {
            nudge = boundary.dacNudge(delta, -ep.beta());
            if (tracing) {
                emitDac(e, Phase.DAC_NUDGE, boundary, batch, nudgeConversions);
            }
            SettleResult minus = e.relaxNudged(false, nudge);
            if (tracing) {
                emitRelax(e, Phase.RELAX_NUDGE_MINUS, batch, minus);
            }
            readOutStates(e, boundary, false, batch);
            r = r.merge(minus);
        }
        if (needBelow) {
            e.readInputGradient();
            M gradU = e.inputGradient();
            if (e.identityInput() && !e.updatesInArray()) {
                // ∇u = dS₁, a difference of the states already read out (ADC_STATES): no array read, no conversion
                if (tracing) {
                    emitDigitalAs(e.name(), Phase.READ_INPUT_GRADIENT, batch, (long) batch * gradU.getNumCols(), 0, 0);
                }
                return finishBackward(e, batch, r);
            }
            if (tracing) {
                List<WeightShape> w = e.weightShapes();
                if (cost.placedDigital(e.name())) {
                    long macs = batch * CostModel.inputGradientMacs(w, e.identityInput());
                    emitDigitalAs(e.name(), Phase.READ_INPUT_GRADIENT, batch, macs, macs * CostModel.WEIGHT_BYTES,
                            0);
                } else {
                    long reads = batch * cost.deviceReadsInputGradient(w, e.identityInput());
                    emit(e.name(), Phase.READ_INPUT_GRADIENT, Domain.ANALOG, batch, 0, 0, reads, 0, 0, 0, 0,
                            figures.readEnergyPj(reads), figures.relaxTimeNs(batch));
                }
            }
            boundary.adcInPlace(gradU);
            if (tracing) {
                emitAdc(e, Phase.ADC_INPUT_GRADIENT, boundary, batch,
                        (long) batch * gradU.getNumCols() * cost.inputTileRows(e.weightShapes(), e.identityInput()));
            }
        }
        return finishBackward(e, batch, r);
    }

    /** The EP estimate of the block's parameters, and its digital cost unless the array updates itself. */
    private SettleResult finishBackward(EnergyBlock<M> e, int batch, SettleResult r) {
        e.estimateGradients();
        if (tracing && !e.updatesInArray()) {
            long macs = batch * CostModel.weightReadsPerStep(e.weightShapes(), e.identityInput());
            emitDigital(e.name(), Phase.EP_ESTIMATE, batch, "fp32", macs, 0);
        }
        return r;
    }

    /**
     * The nudged states leave the block for the digital EP estimate through its ADC, unless the block forms its update
     * in the array (the states then never leave it).
     */
    private void readOutStates(EnergyBlock<M> e, Boundary<M> boundary, boolean positive, int batch) {
        if (e.updatesInArray()) {
            return;
        }
        List<M> states = e.nudgedStates(positive);
        if (states.isEmpty()) {
            return;
        }
        boolean converters = boundary != Boundary.none();
        long values = 0;
        for (int l = 0; l < states.size(); l++) {     // indexed: no iterator per phase
            M s = states.get(l);
            if (converters) {
                boundary.adcInPlace(s);
            }
            values += (long) s.getNumRows() * s.getNumCols();
        }
        if (converters) {
            e.nudgedStatesConverted(positive);      // nothing changed without converters: nothing to re-derive
        }
        if (tracing) {
            emitAdc(e, Phase.ADC_STATES, boundary, batch, values);
        }
    }

    private M digitalBackward(FeedforwardBlock<M> f, M gradOut, double scale, boolean needInputGrad, int batch) {
        M g = f.backward(gradOut, scale, needInputGrad);
        if (tracing) {
            boolean params = !f.params().isEmpty();
            long m = f.macsPerSample();
            long macs = batch * (params && needInputGrad ? 2 * m : params || needInputGrad ? m : 0);
            emitDigital(f.name(), Phase.DIGITAL_BACKWARD, batch, f.numberFormat(), macs,
                    2 * batch * f.bytesPerSample());
        }
        return g;
    }

    private void emitRelax(EnergyBlock<M> e, Phase phase, int batch, SettleResult r) {
        long steps = r.sampleSteps();
        List<WeightShape> w = e.weightShapes();
        if (cost.placedDigital(e.name())) {
            long macs = steps * CostModel.weightReadsPerStep(w, e.identityInput());
            emitDigitalAs(e.name(), phase, batch, macs, macs * CostModel.WEIGHT_BYTES, steps);
        } else {
            long reads = steps * cost.deviceReadsPerStep(w, e.identityInput());
            emit(e.name(), phase, Domain.ANALOG, batch, 0, 0, reads, steps, 0, 0, 0, figures.readEnergyPj(reads),
                    figures.relaxTimeNs(steps));
        }
    }

    private void emitDac(EnergyBlock<M> e, Phase phase, Boundary<M> b, int batch, long conversions) {
        if (!cost.placedDigital(e.name())) {
            int bits = cost.bits(b.dacBits());
            emit(e.name(), phase, Domain.CONVERSION, batch, 0, 0, 0, 0, conversions, bits, 0,
                    cost.dacEnergyPj(bits, conversions), figures.dacTimeNs(batch));
        }
    }

    private void emitAdc(EnergyBlock<M> e, Phase phase, Boundary<M> b, int batch, long conversions) {
        if (!cost.placedDigital(e.name())) {
            int bits = cost.bits(b.adcBits());
            emit(e.name(), phase, Domain.CONVERSION, batch, 0, 0, 0, 0, conversions, bits, 0,
                    cost.adcEnergyPj(bits, conversions), figures.adcTimeNs(batch));
        }
    }

    private void emitDigital(String block, Phase phase, int batch, String format, long macs, long bytes) {
        emit(block, phase, Domain.DIGITAL, batch, macs, bytes, 0, 0, 0, 0, 0,
                cost.digitalEnergyPj(format, macs, bytes), figures.digitalTimeNs(macs));
    }

    /** An energy block's analog phase computed on the co-processor (fp32). */
    private void emitDigitalAs(String block, Phase phase, int batch, long macs, long bytes, long steps) {
        emit(block, phase, Domain.DIGITAL, batch, macs, bytes, 0, steps, 0, 0, 0,
                cost.digitalEnergyPj("fp32", macs, bytes), figures.digitalTimeNs(macs));
    }

    private void emit(String block, Phase phase, Domain domain, int batch, long macs, long bytes, long reads,
                      long steps, long conversions, int bits, long pulses, double energyPj, double timeNs) {
        sink.accept(new TraceEvent(context, step, seq++, block, phase, domain, batch, macs, bytes, reads, steps,
                conversions, bits, pulses, energyPj, clock, timeNs));
        clock += timeNs;
    }
}
