package org.ffebm.analog.crossbar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.analog.device.DeviceConfig;
import org.ffebm.analog.device.ReadNoise;
import org.ffebm.analog.peripheral.Converter;
import org.ffebm.analog.peripheral.ConverterConfig;
import org.ffebm.core.block.DhnRelaxation;
import org.ffebm.core.block.EnergyBlock;
import org.ffebm.core.block.EpSettings;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.RelaxSettings;
import org.ffebm.core.block.SettleResult;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.tensor.ShapeMismatchException;

/**
 * A layered Deep Hopfield Network whose couplings Wₗ live on crossbars of resistive devices (DESIGN §1, §3): the same
 * energy E(s; θ, u) = Σₗ Gₗ(sₗ) − Σₗ sₗ·(Wₗ sₗ₋₁ + bₗ), projected fixed-point relaxation, EP estimator and input
 * gradient as core's {@code DenseDhnBlock}, with every product an analog read of a {@link CrossbarMatrix}:
 * Wₗ sₗ₋₁ a forward read, the feedback Wₗ₊₁ᵀ sₗ₊₁ a transpose read (each relaxation step), W₁u a forward read once per
 * phase, ∇u = dS₁W₁ a transpose read. Biases stay digital (float vectors).
 *
 * <p>Peripherals: a DAC on u and on the nudge β·δ entering the block, an ADC on the states leaving it
 * ({@link #output()}) and on ∇u ({@link #inputGradient()}); ideal converters are pass-through. Read noise on every read
 * is drawn from per-row generators split at the start of each phase from a phase generator, so results do not depend
 * on the thread count.
 *
 * <p>Parameters: the weight params hold the <em>effective</em> weights the devices represent, their gradients are the
 * digital EP estimate ∇Wₗ = dSₗᵀ mSₗ₋₁ + mSₗᵀ dSₗ₋₁ (dS, mS as in core's {@code DhnRelaxation}). After the optimiser's
 * step, {@link #stepAppliedInPlace} applies the change to the devices with the configured {@link UpdateConfig}
 * (re-programming, pulse counts from the optimiser's change, or stochastic pulse trains from the per-sample EP
 * factors), advances the device clock (drift), and writes the effective weights back into the params.
 *
 * <p>Randomness: construction draws device variability and the initial programming's write noise from the device
 * generator. Afterwards every phase (free, each nudge, the ∇u read) and every update draws from a fresh generator
 * seeded by a mix of the block's seed and a counter, so the block's whole stochastic state is a few counters plus the
 * device conductances: {@link #substrateState()} stores them, and a checkpointed run resumes with the same bits. The
 * crossbars, converters, generators, updates and state live in a {@link CrossbarSubstrate}, shared with the
 * convolutional block's {@link CrossbarProducts}.
 *
 * <p>With the ideal device (continuous conductances, no noise or faults), ideal converters and {@code program}
 * updates the block gives the same bits as {@code DenseDhnBlock<FMatrixRMaj>} with the same kernel and weights: both
 * run core's {@code DhnRelaxation}. A relaxation step allocates nothing; a training step allocates one generator per
 * phase (and per-row read-noise samplers when read noise is on) and one per update.
 */
public final class AnalogDhnBlock implements EnergyBlock<FMatrixRMaj> {

    private final F32Ops ops;
    private final String name;
    private final int[] sizes;
    private final int layers;
    private final RelaxSettings relax;
    private final List<Param<FMatrixRMaj>> params = new ArrayList<>();
    private final Param<FMatrixRMaj>[] weights;
    private final Param<FMatrixRMaj>[] biases;
    private final CrossbarSubstrate substrate;
    private final int[] readsPerSample;    // one read row per sample for every layer
    private boolean gradientsReady;

    private final FMatrixRMaj[] free, plus, minus, drive, diff, mean;
    private final FMatrixRMaj inputDrive;
    private final FMatrixRMaj gradU;
    private final FMatrixRMaj uIn;
    private final FMatrixRMaj nudge;
    private final FMatrixRMaj outBuf;
    private final DhnRelaxation<FMatrixRMaj> engine;
    private final DhnRelaxation.Drive<FMatrixRMaj> driveFn = this::computeDrive;
    private ReadNoise[] rowNoise;        // null when read noise is off
    private int batch;
    private boolean relaxed;

    private FMatrixRMaj[] phaseState;
    private double phaseBeta;
    private int phaseSteps;
    private boolean phaseFromZero;
    private EpSettings phaseEp;
    private double phaseScale;
    private boolean phaseNeedInputGrad;
    private final Parallel.RangeTask relaxTask = this::relaxRange;
    private final Parallel.RangeTask nudgeTask = this::nudgeRange;
    private final Parallel.RangeTask diffTask = this::diffRange;
    private final Parallel.RangeTask inputGradTask = this::inputGradRange;
    private final Parallel.RangeTask[] weightGradTasks;

    /**
     * Builds the block: weights drawn as in DenseDhnBlock, U(−g/√fan_in, g/√fan_in) from {@code init}, biases 0,
     * then programmed onto the crossbars and replaced by their effective values.
     *
     * @param ops the float32 back end (its kernel also computes the noiseless part of each read)
     * @param name unique block name, prefix of its parameters' names
     * @param inputSize the size of u
     * @param layerSizes the sizes of s₁..s_L (at least one layer)
     * @param relax relaxation settings
     * @param initGain g &gt; 0 of the initial weights
     * @param init (Input) generator of the initial weights, advanced exactly as DenseDhnBlock advances it
     * @param crossbar the tiling and mapping
     * @param device the device family
     * @param dacConfig the input converter (u and β·δ)
     * @param adcConfig the output converter (states and ∇u)
     * @param update how training steps reach the devices
     * @param deviceRng (Input) generator of device variability and of the initial programming's write noise; one
     *                  long is then drawn from it to seed the updates
     * @param noiseRng (Input) one long is drawn from it to seed read noise and stochastic rounding
     * @throws IllegalArgumentException for an empty layer list, a size &lt; 1 or a bad init gain
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public AnalogDhnBlock(F32Ops ops, String name, int inputSize, int[] layerSizes, RelaxSettings relax,
                          double initGain, SplittableRandom init, CrossbarConfig crossbar, DeviceConfig device,
                          ConverterConfig dacConfig, ConverterConfig adcConfig, UpdateConfig update,
                          SplittableRandom deviceRng, SplittableRandom noiseRng) {
        this.ops = Objects.requireNonNull(ops, "ops");
        this.name = Objects.requireNonNull(name, "name");
        this.relax = Objects.requireNonNull(relax, "relax");
        if (layerSizes.length < 1) {
            throw new IllegalArgumentException(name + ": a DHN block needs at least one layer");
        }
        if (inputSize < 1) {
            throw new IllegalArgumentException(name + ": input size must be >= 1, was " + inputSize);
        }
        this.layers = layerSizes.length;
        this.engine = new DhnRelaxation<>(ops, relax, layers);
        this.sizes = new int[layers + 1];
        sizes[0] = inputSize;
        for (int l = 1; l <= layers; l++) {
            if (layerSizes[l - 1] < 1) {
                throw new IllegalArgumentException(name + ": layer " + l + " size must be >= 1, was " + layerSizes[l - 1]);
            }
            sizes[l] = layerSizes[l - 1];
        }
        if (!(initGain > 0) || !Double.isFinite(initGain)) {
            throw new IllegalArgumentException(name + ": init gain must be > 0, was " + initGain);
        }
        weights = new Param[layers + 1];
        biases = new Param[layers + 1];
        List<Param<FMatrixRMaj>> ws = new ArrayList<>(layers);
        for (int l = 1; l <= layers; l++) {
            FMatrixRMaj w = ops.zeros(sizes[l], sizes[l - 1]);
            double bound = initGain / Math.sqrt(sizes[l - 1]);
            ops.uniform(w, -bound, bound, init);
            weights[l] = new Param<>(name + ".W" + l, name, Param.Kind.WEIGHT, w, ops.zeros(sizes[l], sizes[l - 1]));
            biases[l] = new Param<>(name + ".b" + l, name, Param.Kind.BIAS, ops.zeros(1, sizes[l]), ops.zeros(1, sizes[l]));
            params.add(weights[l]);
            params.add(biases[l]);
            ws.add(weights[l]);
        }
        this.substrate = new CrossbarSubstrate(name, STATE_TAG, ws, ops.gemm(), crossbar, device, dacConfig,
                adcConfig, update, this::stochasticTrains, deviceRng, noiseRng);
        this.readsPerSample = new int[layers];
        Arrays.fill(readsPerSample, 1);
        free = newBuffers();
        plus = newBuffers();
        minus = newBuffers();
        drive = newBuffers();
        diff = newBuffers();
        mean = newBuffers();
        inputDrive = ops.zeros(0, sizes[1]);
        gradU = ops.zeros(0, sizes[0]);
        uIn = ops.zeros(0, sizes[0]);
        nudge = ops.zeros(0, sizes[layers]);
        outBuf = ops.zeros(0, sizes[layers]);
        weightGradTasks = new Parallel.RangeTask[layers + 1];
        for (int l = 1; l <= layers; l++) {
            final int layer = l;
            weightGradTasks[l] = (r0, r1) -> weightGradRange(layer, r0, r1);
        }
    }

    private FMatrixRMaj[] newBuffers() {
        FMatrixRMaj[] b = new FMatrixRMaj[layers + 1];
        for (int l = 1; l <= layers; l++) {
            b[l] = ops.zeros(0, sizes[l]);
        }
        return b;
    }

    /** Re-programs the devices from the params (write-verify, with write noise), after they were replaced. */
    @Override
    public void paramsChangedInPlace() {
        substrate.paramsChangedInPlace();
    }

    /**
     * Applies the optimiser's step to the devices ({@link UpdateConfig}): advances the device clock by
     * {@code step-seconds} (drift), then re-programs, pulses the optimiser's change, or runs stochastic pulse trains
     * with learning rate {@code lr} from the last {@link #backward}'s per-sample EP factors; writes the effective
     * weights back into the params.
     *
     * @param lr the learning rate of this block's group at this step
     * @throws IllegalStateException in {@code stochastic} mode when no backward preceded the step
     */
    @Override
    public void stepAppliedInPlace(double lr) {
        substrate.stepAppliedInPlace(lr);
        gradientsReady = false;
    }

    /** The stochastic pulse trains of the last backward's per-sample EP factors. */
    private long stochasticTrains(double lr, SplittableRandom rng) {
        if (!gradientsReady) {
            throw new IllegalStateException(name + ": a stochastic pulse update needs the EP factors of a "
                    + "backward pass first");
        }
        double eta = lr * phaseScale;
        int bl = substrate.update().bitLength();
        long pulses = substrate.crossbar(1).coincidenceUpdateInPlace(diff[1], uIn, batch, eta, bl, rng);
        for (int l = 2; l <= layers; l++) {
            pulses += substrate.crossbar(l).coincidenceUpdateInPlace(diff[l], mean[l - 1], batch, eta, bl, rng);
            pulses += substrate.crossbar(l).coincidenceUpdateInPlace(mean[l], diff[l - 1], batch, eta, bl, rng);
        }
        return pulses;
    }

    @Override
    public long pulsesApplied() {
        return substrate.pulsesApplied();
    }

    /** The format tag of {@link #substrateState()}. */
    private static final int STATE_TAG = 0x41444842; // "ADHB"

    @Override
    public byte[] substrateState() {
        return substrate.substrateState();
    }

    @Override
    public void restoreSubstrateState(byte[] state) {
        substrate.restoreSubstrateState(state);
    }

    /**
     * Re-programs every crossbar from the current weight param values (e.g. after an optimiser step), then overwrites
     * the param values with the effective weights the devices now represent.
     *
     * @param rng (Input) generator of the write noise, advanced; may be null when write-noise is 0
     */
    public void syncFromParamsInPlace(SplittableRandom rng) {
        substrate.syncFromParamsInPlace(rng);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape inputShape() {
        return Shape.flat(sizes[0]);
    }

    @Override
    public Shape outputShape() {
        return Shape.flat(sizes[layers]);
    }

    /** The number of layers L. */
    public int layers() {
        return layers;
    }

    /** Size of layer l (0 = input). */
    public int size(int l) {
        return sizes[l];
    }

    /** Wₗ (effective weights), 1 ≤ l ≤ L. */
    public Param<FMatrixRMaj> weight(int l) {
        return weights[l];
    }

    /** bₗ, 1 ≤ l ≤ L. */
    public Param<FMatrixRMaj> bias(int l) {
        return biases[l];
    }

    /** The crossbar holding Wₗ, 1 ≤ l ≤ L. */
    public CrossbarMatrix crossbar(int l) {
        return substrate.crossbar(l);
    }

    /** Layer l of the free equilibrium (1 ≤ l ≤ L), before the ADC. */
    public FMatrixRMaj freeState(int l) {
        return free[l];
    }

    /** Layer l of the last positively nudged equilibrium (1 ≤ l ≤ L). */
    public FMatrixRMaj plusState(int l) {
        return plus[l];
    }

    /** Layer l of the last negatively nudged equilibrium (1 ≤ l ≤ L; centred estimator only). */
    public FMatrixRMaj minusState(int l) {
        return minus[l];
    }

    /** The DAC on the block's inputs. */
    public Converter dac() {
        return substrate.dac();
    }

    /** The ADC on the block's outputs. */
    public Converter adc() {
        return substrate.adc();
    }

    @Override
    public List<Param<FMatrixRMaj>> params() {
        return params;
    }

    private void ensureBatch(int rows) {
        batch = rows;
        for (int l = 1; l <= layers; l++) {
            free[l].reshape(rows, sizes[l]);
            plus[l].reshape(rows, sizes[l]);
            minus[l].reshape(rows, sizes[l]);
            drive[l].reshape(rows, sizes[l]);
            diff[l].reshape(rows, sizes[l]);
            mean[l].reshape(rows, sizes[l]);
        }
        inputDrive.reshape(rows, sizes[1]);
        gradU.reshape(rows, sizes[0]);
        uIn.reshape(rows, sizes[0]);
        nudge.reshape(rows, sizes[layers]);
        outBuf.reshape(rows, sizes[layers]);
        engine.ensureRows(rows);
        substrate.ensureReads(rows, readsPerSample);
    }

    @Override
    public SettleResult relaxFree(FMatrixRMaj input) {
        if (input.getNumCols() != sizes[0]) {
            throw new ShapeMismatchException(name + ": input has " + input.getNumCols() + " features, block expects "
                    + sizes[0]);
        }
        ensureBatch(input.getNumRows());
        rowNoise = substrate.newPhase(batch);
        substrate.dacInto(input, uIn);
        relaxed = true;
        gradientsReady = false;
        phaseState = free;
        phaseBeta = 0.0;
        phaseSteps = relax.tFree();
        phaseFromZero = true;
        ops.parallel().forRange(batch, relaxTask);
        SettleResult result = collect();
        substrate.adcInto(free[layers], outBuf);
        return result;
    }

    /**
     * Continues the free phase from the current free state for {@code steps} more steps, reusing the input drive and
     * the read-noise generators (diagnostics, benchmarks, allocation tests). With one thread this allocates nothing.
     *
     * @param steps number of steps, &ge; 1
     * @return the largest per-sample residual max|Δs| of the last step
     * @throws IllegalStateException before the first {@link #relaxFree}
     */
    public double continueFree(int steps) {
        if (!relaxed) {
            throw new IllegalStateException(name + ": continueFree before relaxFree");
        }
        if (steps < 1) {
            throw new IllegalArgumentException(name + ": steps must be >= 1, was " + steps);
        }
        phaseState = free;
        phaseBeta = 0.0;
        phaseSteps = steps;
        phaseFromZero = false;
        ops.parallel().forRange(batch, relaxTask);
        return engine.maxResidual(batch);
    }

    /** The top layer of the free equilibrium after the ADC. */
    @Override
    public FMatrixRMaj output() {
        return outBuf;
    }

    private SettleResult collect() {
        return engine.collect(batch);
    }

    private void relaxRange(int r0, int r1) {
        final FMatrixRMaj[] s = phaseState;
        if (phaseFromZero) {
            substrate.crossbar(1).forward(uIn, 0f, inputDrive, r0, r1, rowNoise);
            ops.addRowInPlace(inputDrive, 1.0, biases[1].value(), r0, r1);
            for (int l = 1; l <= layers; l++) {
                ops.combine(0.0, s[l], 0.0, s[l], s[l], r0, r1);
            }
        }
        engine.run(s, drive, driveFn, phaseSteps, r0, r1);
    }

    private void computeDrive(int l, FMatrixRMaj[] s, int r0, int r1) {
        FMatrixRMaj v = drive[l];
        if (l == 1) {
            ops.copyRows(inputDrive, v, r0, r1);
        } else {
            substrate.crossbar(l).forward(s[l - 1], 0f, v, r0, r1, rowNoise);
            ops.addRowInPlace(v, 1.0, biases[l].value(), r0, r1);
        }
        if (l < layers) {
            substrate.crossbar(l + 1).transpose(s[l + 1], 1f, v, r0, r1, rowNoise);
        } else if (phaseBeta != 0.0) {
            // v −= DAC(β·δ): fl(β·δ) then an exact negation, the same bits as v += (−β)·δ
            ops.axpyRows(-1.0, nudge, v, r0, r1);
        }
    }

    @Override
    public SettleResult backward(FMatrixRMaj delta, EpSettings ep, double paramScale, boolean needInputGrad) {
        if (!relaxed) {
            throw new IllegalStateException(name + ": backward before relaxFree");
        }
        if (delta.getNumRows() != batch || delta.getNumCols() != sizes[layers]) {
            throw new ShapeMismatchException(name + ": delta is " + delta.getNumRows() + "x" + delta.getNumCols()
                    + ", expected " + batch + "x" + sizes[layers]);
        }
        phaseEp = ep;
        phaseScale = paramScale;
        phaseNeedInputGrad = needInputGrad;
        phaseSteps = relax.tNudge();
        phaseFromZero = false;
        phaseState = plus;
        phaseBeta = ep.beta();
        rowNoise = substrate.newPhase(batch);
        substrate.nudgeInto(delta, phaseBeta, nudge);
        ops.parallel().forRange(batch, nudgeTask);
        SettleResult result = collect();
        if (ep.estimator() == EpSettings.Estimator.CENTERED) {
            phaseState = minus;
            phaseBeta = -ep.beta();
            rowNoise = substrate.newPhase(batch);
            substrate.nudgeInto(delta, phaseBeta, nudge);
            ops.parallel().forRange(batch, nudgeTask);
            result = result.merge(collect());
        }
        ops.parallel().forRange(batch, diffTask);
        for (int l = 1; l <= layers; l++) {
            ops.parallel().forRange(sizes[l], weightGradTasks[l]);
            ops.sumRowsDiff(paramScale, diff[l], null, 1.0, biases[l].grad());
        }
        if (needInputGrad) {
            rowNoise = substrate.newPhase(batch);
            ops.parallel().forRange(batch, inputGradTask);
            substrate.adcInto(gradU, gradU);
        }
        gradientsReady = true;
        return result;
    }

    private void nudgeRange(int r0, int r1) {
        for (int l = 1; l <= layers; l++) {
            ops.copyRows(free[l], phaseState[l], r0, r1);
        }
        engine.run(phaseState, drive, driveFn, phaseSteps, r0, r1);
    }

    private void diffRange(int r0, int r1) {
        FMatrixRMaj[] other = phaseEp.estimator() == EpSettings.Estimator.CENTERED ? minus : free;
        engine.differences(phaseEp, plus, other, diff, mean, r0, r1);
    }

    private void weightGradRange(int l, int r0, int r1) {
        engine.weightGradient(l, phaseScale, diff, mean, uIn, weights[l].grad(), r0, r1);
    }

    private void inputGradRange(int r0, int r1) {
        substrate.crossbar(1).transpose(diff[1], 0f, gradU, r0, r1, rowNoise);
    }

    /** ∇u = ADC(dS₁W₁), read through the transpose of the first crossbar. */
    @Override
    public FMatrixRMaj inputGradient() {
        if (!phaseNeedInputGrad) {
            throw new IllegalStateException(name + ": the last backward did not compute the input gradient");
        }
        return gradU;
    }

    @Override
    public double freeEnergy(int row) {
        return energy(free, row);
    }

    /** E(s; θ, u) of one sample with the effective weights and the DAC'd input, in double (tests, diagnostics). */
    public double energy(FMatrixRMaj[] s, int row) {
        double e = 0;
        double a = relax.slope();
        for (int l = 1; l <= layers; l++) {
            boolean clamp = l < layers || relax.clampLast();
            double g = clamp ? 1.0 / (2 * a) : 0.5;
            FMatrixRMaj prev = l == 1 ? uIn : s[l - 1];
            FMatrixRMaj w = weights[l].value();
            for (int i = 0; i < sizes[l]; i++) {
                double si = s[l].get(row, i);
                double v = biases[l].value().get(0, i);
                for (int j = 0; j < sizes[l - 1]; j++) {
                    v += (double) w.get(i, j) * (double) prev.get(row, j);
                }
                e += g * si * si - si * v;
            }
        }
        return e;
    }

    @Override
    public String toString() {
        return name + " analog DHN " + Arrays.toString(sizes);
    }
}
