package org.ffebm.analog.crossbar;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.analog.device.DeviceConfig;
import org.ffebm.analog.device.ReadNoise;
import org.ffebm.analog.peripheral.ConverterConfig;
import org.ffebm.core.block.Boundary;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.WeightProducts;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.TensorOps;

/**
 * The weight products of core's DHN blocks as crossbar reads (DESIGN §3): one {@link CrossbarMatrix} per weight matrix
 * Wₗ. For {@code DenseDhnBlock} ({@link #dense}) every product is one read per sample: Wₗ sₗ₋₁ and W₁u forward reads,
 * the feedback Wₗ₊₁ᵀ sₗ₊₁ an accumulating transpose read, ∇u = dS₁W₁ a transpose read; biases stay digital; the
 * {@code stochastic} update mode runs rank-1 pulse trains from the per-sample EP factors of the last backward pass
 * ({@link #gradientFactors}) and the DAC'd input. With the ideal device, ideal converters and {@code program} updates
 * the dense block gives the same bits as with {@link WeightProducts#gemm()}.
 *
 * <p>For {@code ConvDhnBlock} ({@link #factory}), the im2col mapping: each layer's
 * kernel matrix Wₗ (Cₗ × Cₗ₋₁k²) lives on one {@link CrossbarMatrix}; the convolution is a forward read per output
 * pixel (the pixel's im2col patch as voltages on the Cₗ₋₁k² columns, the Cₗ outputs the rows' currents), the
 * transposed convolution a transpose read per pixel (the Cₗ values on the rows, the patch-shaped currents on the
 * columns) followed by the block's col2im. Biases, pooling and the EP weight gradients stay digital.
 *
 * <p>Read noise: every read of every pixel row draws its own output-referred Gaussians
 * ({@link CrossbarMatrix#forward}); the draws of a sample's pixel rows come, in pixel order, from that sample's
 * generator, split from the phase's counter-seeded generator at the start of each phase (free, each nudge, the ∇u
 * read), so the noise does not depend on the thread count.
 *
 * <p>Peripherals, updates and checkpoints, for both kinds, are inherited from {@link CrossbarSubstrate}: a DAC on u
 * and on the nudge β·δ, an ADC on the output, the nudged states and ∇u (the block's {@link Boundary}, applied by the scheduler), {@code program} and {@code pulsed} updates after each optimiser
 * step (with drift), pulses counted, the device state and the generators' counters in the checkpoint. The
 * {@code stochastic} update mode (rank-1 pulse trains per sample) is dense only: a convolution's gradient is a sum
 * over every pixel of every sample, not one outer product per sample.
 *
 * <p>With the ideal device, ideal converters and {@code program} updates the reads are the back end's kernel on the
 * effective weights, which equal the digital ones, so the block gives the same bits as with
 * {@link WeightProducts#gemm()}.
 */
public final class CrossbarProducts extends CrossbarSubstrate implements WeightProducts<FMatrixRMaj>,
        Boundary<FMatrixRMaj> {

    /** The format tag of the substrate state of a conv block. */
    private static final int CONV_STATE_TAG = 0x41435842; // "ACXB"
    /** The format tag of the substrate state of a dense block. */
    private static final int DENSE_STATE_TAG = 0x41444842; // "ADHB"

    private final int[] rowsPerSample;          // index l - 1
    private final ReadNoise[][] pixelNoise;     // [1..L]: one sampler reference per read row
    private ReadNoise[][] phaseNoise;           // pixelNoise, or null while reads are noiseless
    private int batch;
    private final FMatrixRMaj uIn = new FMatrixRMaj(0, 0);
    private final FMatrixRMaj nudge = new FMatrixRMaj(0, 0);
    private final FMatrixRMaj out = new FMatrixRMaj(0, 0);
    // the per-sample EP factors of the last backward pass (dense blocks; stochastic pulse trains)
    private FMatrixRMaj epInput;
    private List<FMatrixRMaj> epDiff;
    private List<FMatrixRMaj> epMean;
    private int epBatch;
    private double epScale;
    private boolean gradientsReady;

    /**
     * Puts the weights on crossbars: builds one crossbar per Wₗ, programs the weights' values and replaces them by the
     * effective weights.
     *
     * @param ops the float32 back end (its kernel computes the noiseless part of each read)
     * @param name the block's name
     * @param weights W₁..W_L (index l − 1), values replaced by the effective weights
     * @param rowsPerSample read rows per sample of each layer (index l − 1): the output pixels of its convolution
     * @param crossbar the tiling and mapping
     * @param device the device family
     * @param dacConfig the input converter (u and β·δ)
     * @param adcConfig the output converter (output and ∇u)
     * @param update how training steps reach the devices; {@code program} or {@code pulsed}
     * @param deviceRng (Input) variability and initial write noise; one long is drawn to seed the updates
     * @param noiseRng (Input) one long is drawn to seed read noise and converter rounding
     * @throws IllegalArgumentException for the {@code stochastic} update mode, or if rowsPerSample does not have one
     *                                  entry &ge; 1 per weight
     */
    public CrossbarProducts(F32Ops ops, String name, List<Param<FMatrixRMaj>> weights, int[] rowsPerSample,
                            CrossbarConfig crossbar, DeviceConfig device, ConverterConfig dacConfig,
                            ConverterConfig adcConfig, UpdateConfig update, SplittableRandom deviceRng,
                            SplittableRandom noiseRng) {
        this(false, ops, name, weights, rowsPerSample, crossbar, device, dacConfig, adcConfig, update, deviceRng,
                noiseRng);
    }

    private CrossbarProducts(boolean dense, F32Ops ops, String name, List<Param<FMatrixRMaj>> weights,
                             int[] rowsPerSample, CrossbarConfig crossbar, DeviceConfig device,
                             ConverterConfig dacConfig, ConverterConfig adcConfig, UpdateConfig update,
                             SplittableRandom deviceRng, SplittableRandom noiseRng) {
        super(name, dense ? DENSE_STATE_TAG : CONV_STATE_TAG, weights, Objects.requireNonNull(ops, "ops").gemm(),
                crossbar, device, dacConfig, adcConfig, update, dense, deviceRng, noiseRng);
        if (rowsPerSample.length != weights.size()) {
            throw new IllegalArgumentException(name + ": " + rowsPerSample.length + " read-row counts for "
                    + weights.size() + " weights");
        }
        for (int r : rowsPerSample) {
            if (r < 1) {
                throw new IllegalArgumentException(name + ": read rows per sample must be >= 1, was " + r);
            }
        }
        this.rowsPerSample = rowsPerSample.clone();
        this.pixelNoise = new ReadNoise[weights.size() + 1][0];
    }

    /**
     * The factory for {@code ConvDhnBlock}: crossbar products with these settings.
     *
     * @param deviceRng (Input) generator handed to the block's products
     * @param noiseRng (Input) generator handed to the block's products
     * @return a factory for one block (it uses the generators once)
     * @throws IllegalArgumentException (from the factory) for a back end other than float32
     */
    public static WeightProducts.Factory<FMatrixRMaj> factory(CrossbarConfig crossbar, DeviceConfig device,
                                                              ConverterConfig dacConfig, ConverterConfig adcConfig,
                                                              UpdateConfig update, SplittableRandom deviceRng,
                                                              SplittableRandom noiseRng) {
        return factory(false, crossbar, device, dacConfig, adcConfig, update, deviceRng, noiseRng);
    }

    /**
     * The factory for core's {@code DenseDhnBlock}: crossbar products with these settings, one read row per sample,
     * every update mode (the {@code stochastic} trains use the block's per-sample EP factors). With the ideal device,
     * ideal converters and {@code program} updates the block gives the same bits as with {@link WeightProducts#gemm()}.
     *
     * @param crossbar the tiling and mapping
     * @param device the device family
     * @param dacConfig the input converter (u and β·δ)
     * @param adcConfig the output converter (output and ∇u)
     * @param update how training steps reach the devices
     * @param deviceRng (Input) variability and initial write noise; one long is then drawn to seed the updates
     * @param noiseRng (Input) one long is drawn from it to seed read noise and converter rounding
     * @return a factory for one block (it uses the generators once)
     * @throws IllegalArgumentException (from the factory) for a back end other than float32
     */
    public static WeightProducts.Factory<FMatrixRMaj> dense(CrossbarConfig crossbar, DeviceConfig device,
                                                            ConverterConfig dacConfig, ConverterConfig adcConfig,
                                                            UpdateConfig update, SplittableRandom deviceRng,
                                                            SplittableRandom noiseRng) {
        return factory(true, crossbar, device, dacConfig, adcConfig, update, deviceRng, noiseRng);
    }

    private static WeightProducts.Factory<FMatrixRMaj> factory(boolean dense, CrossbarConfig crossbar,
                                                               DeviceConfig device, ConverterConfig dacConfig,
                                                               ConverterConfig adcConfig, UpdateConfig update,
                                                               SplittableRandom deviceRng,
                                                               SplittableRandom noiseRng) {
        return (TensorOps<FMatrixRMaj> ops, String name, List<Param<FMatrixRMaj>> weights, int[] rowsPerSample) -> {
            if (!(ops instanceof F32Ops f32)) {
                throw new IllegalArgumentException("analog blocks run on the float32 back end, not " + ops.precision());
            }
            return new CrossbarProducts(dense, f32, name, weights, rowsPerSample, crossbar, device, dacConfig,
                    adcConfig, update, deviceRng, noiseRng);
        };
    }

    /**
     * Forward read of Wₗ for pixel rows [r0, r1): Y = X·Wₗᵀ plus read noise. Allocation-free.
     *
     * @param x (Input) im2col patches, (batch·Pₗ) × Cₗ₋₁k², not modified
     * @param y (Output) (batch·Pₗ) × Cₗ, rows [r0, r1) overwritten
     */
    @Override
    public void forward(int l, FMatrixRMaj x, FMatrixRMaj y, int r0, int r1) {
        crossbar(l).forward(x, 0f, y, r0, r1, phaseNoise == null ? null : phaseNoise[l]);
    }

    /**
     * Transpose read of Wₗ for pixel rows [r0, r1): Y = X·Wₗ plus read noise. Allocation-free.
     *
     * @param x (Input) (batch·Pₗ) × Cₗ, not modified
     * @param y (Output) (batch·Pₗ) × Cₗ₋₁k², rows [r0, r1) overwritten
     */
    @Override
    public void transpose(int l, FMatrixRMaj x, FMatrixRMaj y, int r0, int r1) {
        crossbar(l).transpose(x, 0f, y, r0, r1, phaseNoise == null ? null : phaseNoise[l]);
    }

    /**
     * Accumulating transpose read of Wₗ for rows [r0, r1): Y += X·Wₗ plus read noise (the dense block's feedback).
     * Allocation-free.
     */
    @Override
    public void transposeAdd(int l, FMatrixRMaj x, FMatrixRMaj y, int r0, int r1) {
        crossbar(l).transpose(x, 1f, y, r0, r1, phaseNoise == null ? null : phaseNoise[l]);
    }

    @Override
    public void ensureBatch(int rows) {
        batch = rows;
        ensureReads(rows, rowsPerSample);
        if (noisy()) {
            for (int l = 1; l < pixelNoise.length; l++) {
                if (pixelNoise[l].length < rows * rowsPerSample[l - 1]) {
                    pixelNoise[l] = new ReadNoise[rows * rowsPerSample[l - 1]];
                }
            }
        }
    }

    /** Fresh phase generators; every pixel row of a sample reads with the sample's read-noise sampler. */
    @Override
    public void startPhase() {
        gradientsReady = false;
        ReadNoise[] perSample = newPhase(batch);
        if (perSample == null) {
            phaseNoise = null;
            return;
        }
        for (int l = 1; l < pixelNoise.length; l++) {
            int p = rowsPerSample[l - 1];
            ReadNoise[] rows = pixelNoise[l];
            for (int b = 0; b < batch; b++) {
                Arrays.fill(rows, b * p, (b + 1) * p, perSample[b]);
            }
        }
        phaseNoise = pixelNoise;
    }

    /** These products are the block's boundary: its DAC and ADC. */
    @Override
    public Boundary<FMatrixRMaj> boundary() {
        return this;
    }

    @Override
    public int dacBits() {
        return dac().config().bits();
    }

    @Override
    public int adcBits() {
        return adc().config().bits();
    }

    /** DAC(u), into a buffer of these products. */
    @Override
    public FMatrixRMaj dacInput(FMatrixRMaj u) {
        dacInto(u, uIn);
        return uIn;
    }

    /** DAC(fl(β·δ)), into a buffer of these products. */
    @Override
    public FMatrixRMaj dacNudge(FMatrixRMaj delta, double beta) {
        nudgeInto(delta, beta, nudge);
        return nudge;
    }

    /** ADC(top), into a buffer of these products. */
    @Override
    public FMatrixRMaj adcOutput(FMatrixRMaj top) {
        adcInto(top, out);
        return out;
    }

    @Override
    public void adcInPlace(FMatrixRMaj values) {
        adcInto(values, values);
    }

    /** Keeps the dense block's EP factors for the stochastic pulse trains of the next update. */
    @Override
    public void gradientFactors(FMatrixRMaj input, List<FMatrixRMaj> dS, List<FMatrixRMaj> mS, int batch,
                                double paramScale) {
        epInput = input;
        epDiff = dS;
        epMean = mS;
        epBatch = batch;
        epScale = paramScale;
        gradientsReady = true;
    }

    @Override
    public void stepAppliedInPlace(double lr) {
        super.stepAppliedInPlace(lr);
        gradientsReady = false;
    }

    /** The stochastic pulse trains of the last backward's per-sample EP factors (dense blocks). */
    @Override
    long stochasticTrainsInPlace(double lr, SplittableRandom rng) {
        if (!gradientsReady) {
            throw new IllegalStateException(name() + ": a stochastic pulse update needs the EP factors of a "
                    + "backward pass first");
        }
        double eta = lr * epScale;
        int bl = update().bitLength();
        long pulses = crossbar(1).coincidenceUpdateInPlace(epDiff.get(1), epInput, epBatch, eta, bl, rng);
        for (int l = 2; l <= layers(); l++) {
            pulses += crossbar(l).coincidenceUpdateInPlace(epDiff.get(l), epMean.get(l - 1), epBatch, eta, bl, rng);
            pulses += crossbar(l).coincidenceUpdateInPlace(epMean.get(l), epDiff.get(l - 1), epBatch, eta, bl, rng);
        }
        return pulses;
    }
}
