package org.ffebm.core.schedule;

import java.util.List;
import java.util.Objects;
import org.ffebm.core.block.WeightShape;
import org.ffebm.core.config.CostConfig;

/**
 * The co-design cost model (DESIGN §5): turns the operation counts of each phase into modelled energy and time, from
 * the per-operation figures of {@link CostConfig} and the layout of the weights on crossbar tiles. Every formula the
 * {@link Scheduler} applies is here; B is the batch, S the relaxation steps summed over the batch's samples.
 *
 * <p>Analog energy block (the default placement), weights W₁..W_L with Pₗ reads per sample (output pixels of a
 * convolution, 1 for a dense layer), d devices per weight (2 for differential pairs, 1 against a reference):
 * <ul>
 *   <li>one relaxation step of one sample reads every device of every layer, forward, and every Wₗ with l &ge; 2 a
 *       second time transposed (the feedback): R = d·Σₗ |Wₗ|·Pₗ·(1 + [l &ge; 2]) device reads. A relaxation phase
 *       costs S·R·{@code device-read-pj} and takes S·{@code relax-step-ns}: the array relaxes one sample at a time,
 *       and a convolution's replicas (one per output pixel) relax in parallel.</li>
 *   <li>the ∇u read: B·d·|W₁|·P₁ device reads, B·{@code relax-step-ns}.</li>
 *   <li>DAC of u and ADC of ∇u: every tile row of W₁ has its own converters on its columns, so
 *       B·|u|·⌈rows(W₁)/R_tile⌉ conversions (the partial sums of ∇u from each tile row are converted, then added
 *       digitally: those adds are not counted); DAC of each nudge and ADC of the output: B·|s_L| conversions; ADC of
 *       the states after each nudged phase: B·Σₗ|sₗ|. Energy
 *       per conversion from the bits (the converter's, or {@code ideal-converter-bits} for an ideal one); time
 *       B·{@code dac-ns} or B·{@code adc-ns}: the converters of one crossing work in parallel, samples one after
 *       another.</li>
 *   <li>the EP estimate is digital: B·Σₗ |Wₗ|·Pₗ·(1 + [l &ge; 2]) fp32 MACs (the outer products of the differences),
 *       except for a block whose substrate forms the update in the array (stochastic pulse trains,
 *       {@code Substrate#updatesInArray}): no estimate is charged, and its weights are left out of the optimiser's
 *       parameter count (its biases stay digital).</li>
 *   <li>pulses: n·{@code pulse-pj}; the rows of a tile are pulsed one after another with all their columns at once, so
 *       the time is ⌈n/(T·C_tile)⌉ slots of {@code pulse-ns} for T tiles (a mean-rate estimate, a lower bound when
 *       pulses are uneven). Write-verify programming ({@code program} mode) is not costed.</li>
 * </ul>
 * An energy block placed on the co-processor ({@code ffebm.cost.digital-blocks}) has no conversions; its relaxation
 * costs S·R/d fp32 MACs and the same number of 4-byte SRAM weight reads, its ∇u read B·|W₁|·P₁ of each.
 *
 * <p>Digital blocks: B·m MACs in the block's number format plus B·b SRAM bytes (m, b the block's counts per sample);
 * the backward pass 2·m MACs for a block with parameters whose input gradient is needed, m otherwise (0 when neither
 * the input gradient nor parameters are needed), and 2·b bytes. The loss: B·|o| fp32 MACs. The optimiser: 6 fp32 MACs
 * and 28 SRAM bytes per parameter for Adam (moments, bias corrections and the step; p, g, m, v read, p, m, v
 * written), 2 MACs and 20 bytes for SGD with momentum. Time of any digital phase: MACs/{@code digital-mac-per-ns}.
 */
public final class CostModel {

    /** MACs per parameter of an Adam step. */
    static final int ADAM_MACS = 6;
    /** SRAM bytes per parameter of an Adam step: 7 float accesses. */
    static final int ADAM_BYTES = 28;
    /** MACs per parameter of an SGD step with momentum. */
    static final int SGD_MACS = 2;
    /** SRAM bytes per parameter of an SGD step: 5 float accesses. */
    static final int SGD_BYTES = 20;
    /** Bytes of one fp32 weight read by an energy block placed on the co-processor. */
    static final int WEIGHT_BYTES = 4;

    private final CostConfig cost;
    private final int tileRows;
    private final int tileCols;
    private final int devicesPerWeight;

    /**
     * @param cost the per-operation figures and the placement
     * @param tileRows R_tile, rows (outputs) per crossbar tile, &ge; 1
     * @param tileCols C_tile, columns (inputs) per tile, &ge; 1
     * @param devicesPerWeight d: 2 for differential pairs, 1 against a reference conductance
     * @throws IllegalArgumentException for a tile size &lt; 1 or d not 1 or 2
     */
    public CostModel(CostConfig cost, int tileRows, int tileCols, int devicesPerWeight) {
        this.cost = Objects.requireNonNull(cost, "cost");
        if (tileRows < 1 || tileCols < 1) {
            throw new IllegalArgumentException("tile size must be >= 1x1, was " + tileRows + "x" + tileCols);
        }
        if (devicesPerWeight != 1 && devicesPerWeight != 2) {
            throw new IllegalArgumentException("devices per weight must be 1 or 2, was " + devicesPerWeight);
        }
        this.tileRows = tileRows;
        this.tileCols = tileCols;
        this.devicesPerWeight = devicesPerWeight;
    }

    /** The cited default figures on 512×512 tiles of differential pairs (analog-sim's default crossbar). */
    public static CostModel defaults() {
        return new CostModel(CostConfig.defaults(), 512, 512, 2);
    }

    public CostConfig config() {
        return cost;
    }

    /** Whether the energy block of this name is placed on the co-processor. */
    public boolean placedDigital(String block) {
        return cost.digitalBlocks().contains(block);
    }

    /** The costed resolution of a converter of {@code bits} (0 = ideal: {@code ideal-converter-bits}). */
    public int bits(int bits) {
        return bits > 0 ? bits : cost.idealConverterBits();
    }

    /**
     * Weight reads of one relaxation step of one sample, Σₗ |Wₗ|·Pₗ·(1 + [l ≥ 2]) (devices: times d): W₁ is read
     * bottom-up only, the others both ways. With an identity-coupled input the list starts at W₂, read both ways.
     *
     * @param weights the block's weights, W₁ (or W₂ with {@code identityInput}) first
     * @param identityInput whether u is coupled to s₁ by identity ({@code EnergyBlock.identityInput()})
     */
    public static long weightReadsPerStep(List<WeightShape> weights, boolean identityInput) {
        long n = 0;
        for (int l = 0; l < weights.size(); l++) {
            n += weights.get(l).macsPerProduct() * (l == 0 && !identityInput ? 1 : 2);
        }
        return n;
    }

    /** Device reads of one relaxation step of one sample: d·{@link #weightReadsPerStep}. */
    public long deviceReadsPerStep(List<WeightShape> weights, boolean identityInput) {
        return devicesPerWeight * weightReadsPerStep(weights, identityInput);
    }

    /** MACs of one ∇u read of one sample, |W₁|·P₁; 0 with an identity-coupled input (∇u is s₁'s difference). */
    public static long inputGradientMacs(List<WeightShape> weights, boolean identityInput) {
        return identityInput ? 0 : weights.get(0).macsPerProduct();
    }

    /** Device reads of one ∇u read of one sample: d·|W₁|·P₁ (0 with an identity-coupled input). */
    public long deviceReadsInputGradient(List<WeightShape> weights, boolean identityInput) {
        return devicesPerWeight * inputGradientMacs(weights, identityInput);
    }

    /**
     * The tile rows W₁ spans, ⌈rows(W₁)/R_tile⌉: the converters each input value has; 1 with an identity-coupled
     * input, whose values drive s₁'s neurons directly.
     */
    public int inputTileRows(List<WeightShape> weights, boolean identityInput) {
        return identityInput ? 1 : (weights.get(0).rows() + tileRows - 1) / tileRows;
    }

    /** The tiles of an energy block's weights, Σₗ ⌈rows/R_tile⌉·⌈cols/C_tile⌉. */
    public long tiles(List<WeightShape> weights) {
        long n = 0;
        for (WeightShape w : weights) {
            n += (long) ((w.rows() + tileRows - 1) / tileRows) * ((w.cols() + tileCols - 1) / tileCols);
        }
        return n;
    }

    /** pJ of digital work: macs·mac-pj(format) + bytes·sram-pj-per-byte. */
    public double digitalEnergyPj(String format, long macs, long bytes) {
        return cost.digitalEnergyPj(format, macs) + cost.sramEnergyPj(bytes);
    }

    /** pJ of DAC conversions at the costed resolution of {@code bits}. */
    public double dacEnergyPj(int bits, long conversions) {
        return cost.dacEnergyPj(bits(bits), conversions);
    }

    /** pJ of ADC conversions at the costed resolution of {@code bits}. */
    public double adcEnergyPj(int bits, long conversions) {
        return cost.adcEnergyPj(bits(bits), conversions);
    }

    /** ns of {@code pulses} pulses on {@code tiles} tiles: ⌈pulses/(tiles·C_tile)⌉ slots. */
    public double pulseTimeNs(long pulses, long tiles) {
        long lanes = Math.max(1, tiles) * tileCols;
        return cost.pulseTimeNs((pulses + lanes - 1) / lanes);
    }

    /** MACs per parameter of an optimiser step ({@code adam} or SGD). */
    public static int optimiserMacsPerParam(String optimiser) {
        return "adam".equals(optimiser) ? ADAM_MACS : SGD_MACS;
    }

    /** SRAM bytes per parameter of an optimiser step ({@code adam} or SGD). */
    public static int optimiserBytesPerParam(String optimiser) {
        return "adam".equals(optimiser) ? ADAM_BYTES : SGD_BYTES;
    }
}
