package org.ffebm.analog.crossbar;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.analog.device.DeviceConfig;
import org.ffebm.analog.device.ReadNoise;
import org.ffebm.analog.peripheral.Converter;
import org.ffebm.analog.peripheral.ConverterConfig;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.Substrate;
import org.ffebm.core.tensor.GemmF32;

/**
 * The physical side of one analog energy block, behind the {@link CrossbarProducts} of core's dense and
 * convolutional DHN blocks: one {@link CrossbarMatrix} per weight matrix Wₗ, the DAC and ADC at the block's boundary,
 * the counter-seeded generators of read noise, converter rounding and updates, the application of a training step to
 * the devices ({@link UpdateConfig}), the pulse count, and the checkpointed state.
 *
 * <p>Randomness: construction draws device variability and the initial programming's write noise from the device
 * generator, then one long from each generator. Afterwards every phase, every update and every conversion (one
 * crossing of the boundary, asked for by the scheduler) draws from a fresh generator seeded by a SplitMix64 finaliser
 * of (seed, counter), so the whole stochastic state is four counters plus the device conductances
 * ({@link #substrateState()}). Within a phase, read noise comes from one generator per sample split from the phase's
 * generator, so results do not depend on how samples are spread over threads. Conversions have their own stream
 * because the scheduler, not the block, decides when they happen relative to the phases.
 *
 * <p>The weight params hold the effective weights the devices represent: every method that changes the devices
 * writes them back. The {@link Substrate} hooks are public; {@link CrossbarProducts} inherits them and the blocks
 * forward theirs to it.
 */
public sealed class CrossbarSubstrate implements Substrate permits CrossbarProducts {

    private final String name;
    private final int stateTag;
    private final List<Param<FMatrixRMaj>> weights;   // index l - 1 holds W_l
    private final CrossbarMatrix[] crossbars;         // [1..L]
    private final FMatrixRMaj[] change;               // pulsed mode: the optimiser's ΔW per layer
    private final UpdateConfig update;
    private final ReadNoise noiseTemplate;
    private final Converter dac;
    private final Converter adc;
    private final long noiseSeed;
    private final long updateSeed;
    private final long convertSeed;
    private long phaseCounter;
    private long updateCounter;
    private long convertCounter;
    private long pulses;
    private SplittableRandom phaseRng;
    private ReadNoise[] sampleNoise = new ReadNoise[0];

    /**
     * Builds a crossbar per weight matrix (in layer order, variability from {@code deviceRng}), programs the weights'
     * current values onto them and replaces the values by the effective weights.
     *
     * @param name the block's name (for messages)
     * @param stateTag the format tag of {@link #substrateState()}, distinct per block kind
     * @param weights W₁..W_L, values replaced in place by the effective weights
     * @param gemm the kernel for the noiseless part of the reads
     * @param crossbar the tiling and mapping
     * @param device the device family
     * @param dacConfig the input converter
     * @param adcConfig the output converter
     * @param update how training steps reach the devices
     * @param trains whether the block has the stochastic pulse trains of the {@code stochastic} update mode
     *               ({@link #stochasticTrainsInPlace}, called by {@link #stepAppliedInPlace})
     * @param deviceRng (Input) variability and initial write noise; one long is then drawn to seed the updates
     * @param noiseRng (Input) one long is drawn from it to seed read noise and converter rounding
     * @throws IllegalArgumentException for the {@code stochastic} mode without trains
     */
    CrossbarSubstrate(String name, int stateTag, List<Param<FMatrixRMaj>> weights, GemmF32 gemm,
                      CrossbarConfig crossbar, DeviceConfig device, ConverterConfig dacConfig,
                      ConverterConfig adcConfig, UpdateConfig update, boolean trains, SplittableRandom deviceRng,
                      SplittableRandom noiseRng) {
        this.name = Objects.requireNonNull(name, "name");
        this.stateTag = stateTag;
        this.weights = List.copyOf(weights);
        Objects.requireNonNull(crossbar, "crossbar");
        Objects.requireNonNull(device, "device");
        this.update = Objects.requireNonNull(update, "update");
        if (update.mode() == UpdateConfig.Mode.STOCHASTIC && !trains) {
            throw new IllegalArgumentException(name + ": " + UpdateConfig.PREFIX + "mode=stochastic (per-sample "
                    + "rank-1 pulse trains) is not supported for convolutional blocks on crossbars; use "
                    + UpdateConfig.PREFIX + "mode=pulsed or program");
        }
        Objects.requireNonNull(deviceRng, "deviceRng");
        Objects.requireNonNull(noiseRng, "noiseRng");
        this.dac = new Converter(Objects.requireNonNull(dacConfig, "dacConfig"));
        this.adc = new Converter(Objects.requireNonNull(adcConfig, "adcConfig"));
        int layers = this.weights.size();
        crossbars = new CrossbarMatrix[layers + 1];
        change = new FMatrixRMaj[layers + 1];
        for (int l = 1; l <= layers; l++) {
            FMatrixRMaj w = this.weights.get(l - 1).value();
            crossbars[l] = new CrossbarMatrix(w.numRows, w.numCols, crossbar, device, gemm, deviceRng,
                    update.mode() != UpdateConfig.Mode.PROGRAM);
            if (update.mode() == UpdateConfig.Mode.PULSED) {
                change[l] = new FMatrixRMaj(w.numRows, w.numCols);
            }
        }
        this.noiseTemplate = ReadNoise.of(device, noiseRng);
        syncFromParamsInPlace(deviceRng);
        this.updateSeed = deviceRng.nextLong();
        this.noiseSeed = noiseRng.nextLong();
        this.convertSeed = mixRng(noiseSeed, -2).nextLong();
        this.phaseRng = mixRng(noiseSeed, -1);
    }

    /** A generator seeded by a SplitMix64 finaliser of (seed, counter): distinct counters give unrelated streams. */
    private static SplittableRandom mixRng(long seed, long counter) {
        long z = seed + (counter + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandom(z ^ (z >>> 31));
    }

    /** The block's name (for messages). */
    String name() {
        return name;
    }

    /** The number of weight matrices L. */
    public int layers() {
        return crossbars.length - 1;
    }

    /** The crossbar holding Wₗ, 1 ≤ l ≤ L. */
    public CrossbarMatrix crossbar(int l) {
        if (l < 1) {
            throw new ArrayIndexOutOfBoundsException(l);
        }
        return crossbars[l];
    }

    /** The DAC on the block's inputs. */
    public Converter dac() {
        return dac;
    }

    /** The ADC on the block's outputs. */
    public Converter adc() {
        return adc;
    }

    /** The update configuration. */
    UpdateConfig update() {
        return update;
    }

    /** Whether reads are noisy (per-sample generators are split at each phase). */
    boolean noisy() {
        return !noiseTemplate.isOff();
    }

    /**
     * Sizes the read workspaces for a batch (main thread): crossbar l reads {@code batch·rowsPerSample[l − 1]} rows.
     *
     * @param batch samples in the batch
     * @param rowsPerSample read rows per sample of each crossbar (index l − 1)
     */
    void ensureReads(int batch, int[] rowsPerSample) {
        if (sampleNoise.length < batch) {
            sampleNoise = new ReadNoise[batch];
        }
        if (noisy()) {
            for (int l = 1; l < crossbars.length; l++) {
                crossbars[l].ensureRows(batch * rowsPerSample[l - 1]);
            }
        }
    }

    /**
     * Starts a phase: a fresh phase generator and, when reads are noisy, fresh per-sample read-noise generators split
     * from it (main thread; allocates once per phase).
     *
     * @param batch samples in the batch, at most the last {@link #ensureReads}'s
     * @return read-noise samplers indexed by sample, valid until the next phase; null when reads are noiseless
     */
    ReadNoise[] newPhase(int batch) {
        phaseRng = mixRng(noiseSeed, phaseCounter++);
        if (!noisy()) {
            return null;
        }
        for (int r = 0; r < batch; r++) {
            sampleNoise[r] = noiseTemplate.withRng(phaseRng.split());
        }
        return sampleNoise;
    }

    /**
     * dst = DAC(src).
     *
     * @param src (Input) not modified
     * @param dst (Output) reshaped like src and overwritten
     */
    void dacInto(FMatrixRMaj src, FMatrixRMaj dst) {
        dst.reshape(src.numRows, src.numCols);
        System.arraycopy(src.data, 0, dst.data, 0, src.getNumElements());
        dac.quantizeInPlace(dst.data, 0, dst.getNumElements(), conversionRng(dac));
    }

    /**
     * The generator of one conversion call: each call (one crossing of the boundary) advances the conversion counter
     * and, for a converter that rounds stochastically, draws from a fresh stream seeded by (seed, counter); null for
     * one that does not draw.
     */
    private SplittableRandom conversionRng(Converter c) {
        long counter = convertCounter++;
        return c.drawsRandomNumbers() ? mixRng(convertSeed, counter) : null;
    }

    /**
     * nudge = DAC(fl(β·δ)): subtracting it from the top drive gives the same bits as adding (−β)·δ when the DAC is
     * ideal (the negation is exact).
     *
     * @param delta (Input) not modified
     * @param beta the signed β of the phase
     * @param nudge (Output) reshaped like delta and overwritten
     */
    void nudgeInto(FMatrixRMaj delta, double beta, FMatrixRMaj nudge) {
        nudge.reshape(delta.numRows, delta.numCols);
        final float b = (float) beta;
        final float[] d = delta.data, n = nudge.data;
        final int count = delta.getNumElements();
        for (int k = 0; k < count; k++) {
            n[k] = b * d[k];
        }
        dac.quantizeInPlace(n, 0, count, conversionRng(dac));
    }

    /**
     * dst = ADC(src).
     *
     * @param src (Input) not modified
     * @param dst (Output) reshaped like src and overwritten; may be src
     */
    void adcInto(FMatrixRMaj src, FMatrixRMaj dst) {
        if (dst != src) {
            dst.reshape(src.numRows, src.numCols);
            System.arraycopy(src.data, 0, dst.data, 0, src.getNumElements());
        }
        adc.quantizeInPlace(dst.data, 0, dst.getNumElements(), conversionRng(adc));
    }

    /**
     * Re-programs every crossbar from the weight params (write-verify, with write noise), then overwrites the params
     * with the effective weights.
     *
     * @param rng (Input) generator of the write noise, advanced; may be null when write-noise is 0
     */
    public void syncFromParamsInPlace(SplittableRandom rng) {
        for (int l = 1; l < crossbars.length; l++) {
            crossbars[l].programInPlace(weights.get(l - 1).value(), rng);
            crossbars[l].effectiveWeights(weights.get(l - 1).value());
        }
    }

    /** Re-programs the devices from the params with the next update generator (after a checkpoint replaced them). */
    @Override
    public void paramsChangedInPlace() {
        syncFromParamsInPlace(mixRng(updateSeed, updateCounter++));
    }

    /**
     * Applies a training step to the devices: advances the device clock by {@code step-seconds} (drift), then
     * re-programs ({@code program}), pulses the optimiser's change, i.e. the params' values minus the effective
     * weights ({@code pulsed}), or runs the trains ({@code stochastic}); writes the effective weights back.
     *
     * @param lr the learning rate of the step (used by the stochastic trains)
     */
    @Override
    public void stepAppliedInPlace(double lr) {
        SplittableRandom rng = mixRng(updateSeed, updateCounter++);
        if (update.stepSeconds() > 0) {
            double t = crossbars[1].time() + update.stepSeconds();
            for (int l = 1; l < crossbars.length; l++) {
                crossbars[l].driftInPlace(t);
            }
        }
        switch (update.mode()) {
            case PROGRAM -> {
                syncFromParamsInPlace(rng);
                return;
            }
            case PULSED -> {
                boolean stochastic = update.rounding() == UpdateConfig.Rounding.STOCHASTIC;
                for (int l = 1; l < crossbars.length; l++) {
                    FMatrixRMaj w = weights.get(l - 1).value();
                    crossbars[l].effectiveWeights(change[l]);
                    float[] d = change[l].data;
                    for (int k = 0; k < d.length; k++) {
                        d[k] = w.data[k] - d[k];
                    }
                    pulses += crossbars[l].pulseUpdateInPlace(change[l], update.maxPulses(), stochastic, rng);
                }
            }
            case STOCHASTIC -> pulses += stochasticTrainsInPlace(lr, rng);
            default -> throw new IllegalStateException(update.mode().toString());
        }
        for (int l = 1; l < crossbars.length; l++) {
            crossbars[l].effectiveWeights(weights.get(l - 1).value());
        }
    }

    /**
     * Applies stochastic pulse trains (the {@code stochastic} update mode); only called when the block was built with
     * trains.
     *
     * @param lr the learning rate of the step
     * @param rng (Input) the update's generator, advanced
     * @return the device pulses issued
     */
    long stochasticTrainsInPlace(double lr, SplittableRandom rng) {
        throw new IllegalStateException(name + ": no stochastic pulse trains");
    }

    /** True in the {@code stochastic} update mode: the pulse trains form the update in the array. */
    @Override
    public boolean updatesInArray() {
        return update.mode() == UpdateConfig.Mode.STOCHASTIC;
    }

    /** Device pulses issued by updates since construction (or as restored). */
    @Override
    public long pulsesApplied() {
        return pulses;
    }

    /** The counters and every crossbar's device state, tagged with the block kind's format tag. */
    @Override
    public byte[] substrateState() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(stateTag);
            out.writeInt(layers());
            out.writeLong(phaseCounter);
            out.writeLong(updateCounter);
            out.writeLong(pulses);
            for (int l = 1; l < crossbars.length; l++) {
                crossbars[l].writeState(out);
            }
            out.writeLong(convertCounter);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Restores what {@link #substrateState()} wrote and writes the effective weights into the params.
     *
     * @param state (Input) the bytes, not modified
     * @throws IllegalArgumentException if state is null, or was not written by a block of this kind and size
     */
    @Override
    public void restoreSubstrateState(byte[] state) {
        if (state == null) {
            throw new IllegalArgumentException(name + ": no device state to restore");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            int tag = in.readInt();
            int l0 = in.readInt();
            if (tag != stateTag || l0 != layers()) {
                throw new IllegalArgumentException(name + ": the stored device state is not that of this block");
            }
            long pc = in.readLong(), uc = in.readLong(), pu = in.readLong();
            for (int l = 1; l < crossbars.length; l++) {
                crossbars[l].readState(in);
            }
            // the conversion counter follows; states written before conversions had their own stream lack it
            long cc = in.available() == 0 ? 0 : in.readLong();
            if (in.available() != 0) {
                throw new IllegalArgumentException(name + ": the stored device state has " + in.available()
                        + " bytes too many for this block's crossbars");
            }
            convertCounter = cc;
            phaseCounter = pc;
            updateCounter = uc;
            pulses = pu;
        } catch (EOFException e) {
            throw new IllegalArgumentException(name + ": the stored device state is too short for this block's "
                    + "crossbars");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int l = 1; l < crossbars.length; l++) {
            crossbars[l].effectiveWeights(weights.get(l - 1).value());
        }
    }
}
