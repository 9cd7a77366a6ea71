package org.ffebm.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Properties;

/**
 * Per-operation energy and time figures of the hybrid analog/digital machine (DESIGN §5, "the cost model"), with
 * pure functions that turn counts (MACs, bytes, conversions, device reads, pulses, relaxation steps) into picojoules
 * and nanoseconds. Meant to be changed in what-if runs; the defaults are published figures or transparent
 * derivations, one line per figure below. Where a figure was taken from a paper without re-reading the paper's table
 * during this work it says "as recalled"; check it before relying on the absolute value.
 *
 * <p>Defaults (value, unit, source, derivation):
 * <ul>
 *   <li>{@code mac-pj.fp32} = 4.6 pJ/MAC: M. Horowitz, "Computing's energy problem (and what we can do about it)",
 *       ISSCC 2014 Digest, pp. 10–14, 45 nm, 0.9 V: fp32 mult 3.7 pJ + fp32 add 0.9 pJ. Not scaled to a newer
 *       node.</li>
 *   <li>{@code mac-pj.bf16} = 0.98 pJ/MAC: derived here, bf16 is not in Horowitz 2014. fp16 add 0.4 pJ (Horowitz)
 *       kept for the add; the multiply scaled from Horowitz's fp16 mult 1.1 pJ by the square of the significand
 *       widths (an array multiplier's area and switching grow as p²), bf16 p = 8 vs fp16 p = 11:
 *       1.1·(8/11)² = 0.58 pJ; 0.58 + 0.4 = 0.98 pJ.</li>
 *   <li>{@code mac-pj.fp16} = 1.5 pJ/MAC: Horowitz ISSCC 2014, 45 nm: fp16 mult 1.1 pJ + fp16 add 0.4 pJ.</li>
 *   <li>{@code mac-pj.int8} = 0.3 pJ/MAC: Horowitz ISSCC 2014, 45 nm: int8 mult 0.2 pJ + 32-bit int add 0.1 pJ
 *       (the accumulator of an int8 dot product is 32 bits wide; the 8-bit add, 0.03 pJ, would overflow).</li>
 *   <li>{@code sram-pj-per-byte} = 1.25 pJ/B: Horowitz ISSCC 2014, 45 nm: 5 pJ per 32-bit read from an 8 KB SRAM
 *       array, divided by 4 bytes. (DRAM, 640 pJ per 32 bits in the same table, is not modelled.)</li>
 *   <li>{@code adc-fom-fj} = 20 fJ/conversion-step: Walden figure of merit FOM = P/(2^ENOB·f_s), so that one
 *       conversion costs FOM·2^bits (8 bits: 5.12 pJ). Chosen here at twice the 9.7 fJ/conversion-step of the
 *       SAR ADC of Verbruggen et al. (250 MS/s, ENOB 9.45), one of the best SAR designs listed in B. E. Jonsson's
 *       ADC survey update (converterpassion.wordpress.com, 2012), since a per-column converter is not a record
 *       design; the record then stood at 4.4 fJ (van Elzakker et al., ISSCC 2008). Current data to update it:
 *       B. Murmann, "ADC Performance Survey 1997–2023", github.com/bmurmann/ADC-survey.</li>
 *   <li>{@code adc-pj-override} = none: a measured energy per conversion that replaces FOM·2^bits when set.</li>
 *   <li>{@code dac-fom-fj} = 1 fJ per level: derived here (no DAC survey comparable to Murmann's): a
 *       binary-weighted capacitive DAC switches 2^bits unit capacitors, E ≈ 2^bits·C_u·V² with C_u = 1 fF and a
 *       1 V driver swing, i.e. 1 fJ per level (8 bits: 0.256 pJ).</li>
 *   <li>{@code device-read-pj} = 0.032 pJ per device read: derived here, E = V²·G·t with read voltage V = 0.2 V
 *       (small enough not to disturb the device; an assumption), G = 10 µS (g_max of analog-sim's default device,
 *       so an upper bound) and t = 80 ns (the read time below): 0.04·1e-5·8e-8 J = 3.2e-14 J.</li>
 *   <li>{@code pulse-pj} = 0.01 pJ per programming pulse: derived here, E = V²·G·t with a 1 V, 1 ns pulse (the
 *       update pulse of the RPU specification, T. Gokmen &amp; Y. Vlasov, "Acceleration of deep neural network
 *       training with resistive cross-point devices: design considerations", Front. Neurosci. 10:333 (2016),
 *       Table 1, as recalled) into G = 10 µS: 1·1e-5·1e-9 J = 1e-14 J. It matches the &lt; 10 fJ per pulse
 *       device target quoted by S. Yu ("Binary neural network and its implementation with 16 Mb RRAM macro chip",
 *       ASU talk, 2017).</li>
 *   <li>{@code relax-step-ns} = 80 ns per relaxation step (one crossbar read with integration and settling):
 *       the 80 ns integration time of the single-tile performance estimate of W. Haensch, T. Gokmen, R. Puri, "The
 *       next generation of deep learning hardware: analog computing", Proc. IEEE 107(1):108–122 (2019), Fig. 8, read
 *       in a secondary summary of that paper (the same figure as the forward/backward cycle of Gokmen &amp; Vlasov
 *       2016, as recalled). The same estimate assumes one 200 MS/s ADC at 23 pJ per sample shared by 16 columns: a
 *       far costlier converter than the Walden default above; try {@code adc-pj-override=23} to see its
 *       effect.</li>
 *   <li>{@code adc-ns} = 4 ns per conversion: 1/(250 MS/s), the sample rate of the Verbruggen et al. SAR above.</li>
 *   <li>{@code dac-ns} = 1 ns per conversion: derived here, an assumption of one 1 GHz clock to switch and settle the
 *       capacitive DAC above (it drives the row, whose settling is in {@code relax-step-ns}).</li>
 *   <li>{@code pulse-ns} = 1 ns per pulse slot: the 1 ns update pulse of Gokmen &amp; Vlasov 2016 (as recalled).
 *       Assumption: all devices pulsed in the same slot (a whole array, rows and columns driven in parallel as in
 *       the RPU update) take one slot, so time counts slots, not pulses.</li>
 *   <li>{@code digital-mac-per-ns} = 64 MAC/ns: derived here, an assumption of a 64-lane MAC array at 1 GHz for the
 *       digital co-processor; the same rate for every number format.</li>
 * </ul>
 *
 * @param macFp32Pj energy per fp32 multiply-accumulate, pJ, &ge; 0 ({@code ffebm.cost.mac-pj.fp32})
 * @param macBf16Pj energy per bf16 multiply-accumulate, pJ, &ge; 0 ({@code ffebm.cost.mac-pj.bf16})
 * @param macFp16Pj energy per fp16 multiply-accumulate, pJ, &ge; 0 ({@code ffebm.cost.mac-pj.fp16})
 * @param macInt8Pj energy per int8 multiply-accumulate, pJ, &ge; 0 ({@code ffebm.cost.mac-pj.int8})
 * @param sramPjPerByte energy per byte read from or written to on-chip SRAM, pJ, &ge; 0
 *                      ({@code ffebm.cost.sram-pj-per-byte})
 * @param adcFomFj Walden figure of merit of the ADC, fJ per conversion-step, &ge; 0 ({@code ffebm.cost.adc-fom-fj})
 * @param adcPjOverride when present, the energy per ADC conversion in pJ regardless of bits, &ge; 0
 *                      ({@code ffebm.cost.adc-pj-override}; empty = absent)
 * @param dacFomFj energy per level of the DAC, fJ, so one conversion costs dacFomFj·2^bits, &ge; 0
 *                 ({@code ffebm.cost.dac-fom-fj})
 * @param deviceReadPj energy per device and crossbar read (one relaxation step), pJ, &ge; 0
 *                     ({@code ffebm.cost.device-read-pj})
 * @param pulsePj energy per programming pulse on one device, pJ, &ge; 0 ({@code ffebm.cost.pulse-pj})
 * @param relaxStepNs time per relaxation step of a crossbar, ns, &ge; 0 ({@code ffebm.cost.relax-step-ns})
 * @param adcNs time per ADC conversion, ns, &ge; 0 ({@code ffebm.cost.adc-ns})
 * @param dacNs time per DAC conversion, ns, &ge; 0 ({@code ffebm.cost.dac-ns})
 * @param pulseNs time per pulse slot, ns, &ge; 0 ({@code ffebm.cost.pulse-ns})
 * @param digitalMacPerNs digital throughput, MAC per ns, &gt; 0 ({@code ffebm.cost.digital-mac-per-ns})
 * @param idealConverterBits the resolution at which an ideal converter of the simulation (0 bits: no quantisation)
 *                           is costed, 1..{@value #MAX_BITS} ({@code ffebm.cost.ideal-converter-bits}, default 8: a
 *                           simulation without converter effects still pays for the crossings a chip would have)
 * @param digitalBlocks what-if placement: the energy blocks computed on the digital co-processor instead of a
 *                      crossbar, by name ({@code ffebm.cost.digital-blocks}, comma-separated, default none). Such a
 *                      block has no conversions; its relaxation steps cost digital MACs and SRAM weight reads. Only a
 *                      block simulated without a crossbar can be placed there (the scheduler checks)
 */
public record CostConfig(double macFp32Pj, double macBf16Pj, double macFp16Pj, double macInt8Pj,
                         double sramPjPerByte, double adcFomFj, OptionalDouble adcPjOverride, double dacFomFj,
                         double deviceReadPj, double pulsePj, double relaxStepNs, double adcNs, double dacNs,
                         double pulseNs, double digitalMacPerNs, int idealConverterBits, List<String> digitalBlocks) {

    /** The key prefix of this record's properties. */
    public static final String PREFIX = "ffebm.cost.";

    /** The number formats with a MAC energy, by their configuration names (digital-sim's NumberFormat keys). */
    public static final List<String> FORMATS = List.of("fp32", "bf16", "fp16", "int8");

    /** The largest converter resolution accepted by the energy functions. */
    public static final int MAX_BITS = 32;

    /**
     * Validates every figure.
     *
     * @throws IllegalArgumentException naming the key and the value: a figure negative, NaN or infinite, a null
     *         override, or a digital throughput that is not &gt; 0
     */
    public CostConfig {
        Props.requireNonNegative(PREFIX + "mac-pj.fp32", macFp32Pj);
        Props.requireNonNegative(PREFIX + "mac-pj.bf16", macBf16Pj);
        Props.requireNonNegative(PREFIX + "mac-pj.fp16", macFp16Pj);
        Props.requireNonNegative(PREFIX + "mac-pj.int8", macInt8Pj);
        Props.requireNonNegative(PREFIX + "sram-pj-per-byte", sramPjPerByte);
        Props.requireNonNegative(PREFIX + "adc-fom-fj", adcFomFj);
        if (adcPjOverride == null) {
            throw new IllegalArgumentException(PREFIX + "adc-pj-override must not be null (use OptionalDouble.empty())");
        }
        if (adcPjOverride.isPresent()) {
            Props.requireNonNegative(PREFIX + "adc-pj-override", adcPjOverride.getAsDouble());
        }
        Props.requireNonNegative(PREFIX + "dac-fom-fj", dacFomFj);
        Props.requireNonNegative(PREFIX + "device-read-pj", deviceReadPj);
        Props.requireNonNegative(PREFIX + "pulse-pj", pulsePj);
        Props.requireNonNegative(PREFIX + "relax-step-ns", relaxStepNs);
        Props.requireNonNegative(PREFIX + "adc-ns", adcNs);
        Props.requireNonNegative(PREFIX + "dac-ns", dacNs);
        Props.requireNonNegative(PREFIX + "pulse-ns", pulseNs);
        Props.requirePositive(PREFIX + "digital-mac-per-ns", digitalMacPerNs);
        if (idealConverterBits < 1 || idealConverterBits > MAX_BITS) {
            throw new IllegalArgumentException(PREFIX + "ideal-converter-bits must be in [1, " + MAX_BITS + "], was "
                    + idealConverterBits);
        }
        digitalBlocks = List.copyOf(Objects.requireNonNull(digitalBlocks, PREFIX + "digital-blocks"));
        for (String b : digitalBlocks) {
            if (b.isBlank() || !b.equals(b.trim()) || b.contains(",")) {
                throw new IllegalArgumentException(PREFIX + "digital-blocks has an invalid block name '" + b + "'");
            }
        }
    }

    /** The cited defaults of the class documentation. */
    public static CostConfig defaults() {
        return new CostConfig(4.6, 0.98, 1.5, 0.3, 1.25, 20.0, OptionalDouble.empty(), 1.0, 0.032, 0.01, 80.0, 4.0,
                1.0, 1.0, 64.0, 8, List.of());
    }

    /**
     * Energy of one multiply-accumulate in a number format.
     *
     * @param format fp32, bf16, fp16 or int8 (case and surrounding blanks ignored)
     * @return pJ per MAC
     * @throws IllegalArgumentException for another name (the message lists the valid ones)
     */
    public double macPj(String format) {
        String k = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
        return switch (k) {
            case "fp32" -> macFp32Pj;
            case "bf16" -> macBf16Pj;
            case "fp16" -> macFp16Pj;
            case "int8" -> macInt8Pj;
            default -> throw new IllegalArgumentException("unknown number format '" + format + "'; valid names: "
                    + String.join(", ", FORMATS));
        };
    }

    /** Energy of {@code macs} digital MACs in {@code format}: macs·macPj(format), pJ. */
    public double digitalEnergyPj(String format, long macs) {
        return requireCount("macs", macs) * macPj(format);
    }

    /** Time of {@code macs} digital MACs: macs/digitalMacPerNs, ns. */
    public double digitalTimeNs(long macs) {
        return requireCount("macs", macs) / digitalMacPerNs;
    }

    /** Energy of moving {@code bytes} bytes through SRAM: bytes·sramPjPerByte, pJ. */
    public double sramEnergyPj(long bytes) {
        return requireCount("bytes", bytes) * sramPjPerByte;
    }

    /**
     * Energy of one ADC conversion: the override when present, else adcFomFj·2^bits fJ.
     *
     * @param bits the resolution, 1..{@value #MAX_BITS}
     * @return pJ per conversion
     * @throws IllegalArgumentException for bits outside 1..{@value #MAX_BITS}
     */
    public double adcPjPerConversion(int bits) {
        double walden = adcFomFj * levels(bits) * 1e-3;
        return adcPjOverride.isPresent() ? adcPjOverride.getAsDouble() : walden;
    }

    /** Energy of {@code conversions} ADC conversions at {@code bits}, pJ. */
    public double adcEnergyPj(int bits, long conversions) {
        return requireCount("conversions", conversions) * adcPjPerConversion(bits);
    }

    /**
     * Energy of one DAC conversion: dacFomFj·2^bits fJ.
     *
     * @param bits the resolution, 1..{@value #MAX_BITS}
     * @return pJ per conversion
     * @throws IllegalArgumentException for bits outside 1..{@value #MAX_BITS}
     */
    public double dacPjPerConversion(int bits) {
        return dacFomFj * levels(bits) * 1e-3;
    }

    /** Energy of {@code conversions} DAC conversions at {@code bits}, pJ. */
    public double dacEnergyPj(int bits, long conversions) {
        return requireCount("conversions", conversions) * dacPjPerConversion(bits);
    }

    /** Energy of {@code deviceReads} device reads (devices × relaxation steps): deviceReads·deviceReadPj, pJ. */
    public double readEnergyPj(long deviceReads) {
        return requireCount("deviceReads", deviceReads) * deviceReadPj;
    }

    /** Energy of {@code pulses} programming pulses (each on one device): pulses·pulsePj, pJ. */
    public double pulseEnergyPj(long pulses) {
        return requireCount("pulses", pulses) * pulsePj;
    }

    /** Time of {@code steps} relaxation steps run one after another: steps·relaxStepNs, ns. */
    public double relaxTimeNs(long steps) {
        return requireCount("steps", steps) * relaxStepNs;
    }

    /** Time of {@code serialConversions} ADC conversions run one after another (parallel converters count once), ns. */
    public double adcTimeNs(long serialConversions) {
        return requireCount("serialConversions", serialConversions) * adcNs;
    }

    /** Time of {@code serialConversions} DAC conversions run one after another (parallel converters count once), ns. */
    public double dacTimeNs(long serialConversions) {
        return requireCount("serialConversions", serialConversions) * dacNs;
    }

    /** Time of {@code pulseSlots} pulse slots (devices pulsed in the same slot count once): pulseSlots·pulseNs, ns. */
    public double pulseTimeNs(long pulseSlots) {
        return requireCount("pulseSlots", pulseSlots) * pulseNs;
    }

    private static double levels(int bits) {
        if (bits < 1 || bits > MAX_BITS) {
            throw new IllegalArgumentException("bits must be in [1, " + MAX_BITS + "], was " + bits);
        }
        return Math.scalb(1.0, bits);
    }

    private static long requireCount(String name, long n) {
        if (n < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + n);
        }
        return n;
    }

    /**
     * Reads the {@code ffebm.cost.*} keys of {@code p}; absent keys take their {@link #defaults()} value, keys of
     * other sections are ignored.
     *
     * @param p (Input) the properties, not modified
     * @return the validated configuration
     * @throws IllegalArgumentException for an unknown {@code ffebm.cost.*} key, an unparsable or invalid value
     */
    public static CostConfig of(Properties p) {
        CostConfig d = defaults();
        Props.rejectUnknown(p, PREFIX, d.toProperties().stringPropertyNames());
        String override = Props.string(p, PREFIX + "adc-pj-override", "");
        OptionalDouble adcOverride = OptionalDouble.empty();
        if (!override.isEmpty()) {
            try {
                adcOverride = OptionalDouble.of(Double.parseDouble(override));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(PREFIX + "adc-pj-override must be a number or empty, was '"
                        + override + "'");
            }
        }
        return new CostConfig(
                Props.number(p, PREFIX + "mac-pj.fp32", d.macFp32Pj),
                Props.number(p, PREFIX + "mac-pj.bf16", d.macBf16Pj),
                Props.number(p, PREFIX + "mac-pj.fp16", d.macFp16Pj),
                Props.number(p, PREFIX + "mac-pj.int8", d.macInt8Pj),
                Props.number(p, PREFIX + "sram-pj-per-byte", d.sramPjPerByte),
                Props.number(p, PREFIX + "adc-fom-fj", d.adcFomFj),
                adcOverride,
                Props.number(p, PREFIX + "dac-fom-fj", d.dacFomFj),
                Props.number(p, PREFIX + "device-read-pj", d.deviceReadPj),
                Props.number(p, PREFIX + "pulse-pj", d.pulsePj),
                Props.number(p, PREFIX + "relax-step-ns", d.relaxStepNs),
                Props.number(p, PREFIX + "adc-ns", d.adcNs),
                Props.number(p, PREFIX + "dac-ns", d.dacNs),
                Props.number(p, PREFIX + "pulse-ns", d.pulseNs),
                Props.number(p, PREFIX + "digital-mac-per-ns", d.digitalMacPerNs),
                Props.integer(p, PREFIX + "ideal-converter-bits", d.idealConverterBits),
                names(Props.string(p, PREFIX + "digital-blocks", "")));
    }

    private static List<String> names(String csv) {
        List<String> out = new ArrayList<>();
        for (String part : csv.split(",", -1)) {
            String t = part.trim();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /** Writes every figure, so that {@code of(c.toProperties()).equals(c)}. */
    public Properties toProperties() {
        Properties p = new Properties();
        write(p);
        return p;
    }

    /**
     * Writes every figure into {@code p}; an absent override is written as an empty value.
     *
     * @param p (Output) modified: the {@code ffebm.cost.*} keys are set
     */
    public void write(Properties p) {
        p.setProperty(PREFIX + "mac-pj.fp32", Double.toString(macFp32Pj));
        p.setProperty(PREFIX + "mac-pj.bf16", Double.toString(macBf16Pj));
        p.setProperty(PREFIX + "mac-pj.fp16", Double.toString(macFp16Pj));
        p.setProperty(PREFIX + "mac-pj.int8", Double.toString(macInt8Pj));
        p.setProperty(PREFIX + "sram-pj-per-byte", Double.toString(sramPjPerByte));
        p.setProperty(PREFIX + "adc-fom-fj", Double.toString(adcFomFj));
        p.setProperty(PREFIX + "adc-pj-override",
                adcPjOverride.isPresent() ? Double.toString(adcPjOverride.getAsDouble()) : "");
        p.setProperty(PREFIX + "dac-fom-fj", Double.toString(dacFomFj));
        p.setProperty(PREFIX + "device-read-pj", Double.toString(deviceReadPj));
        p.setProperty(PREFIX + "pulse-pj", Double.toString(pulsePj));
        p.setProperty(PREFIX + "relax-step-ns", Double.toString(relaxStepNs));
        p.setProperty(PREFIX + "adc-ns", Double.toString(adcNs));
        p.setProperty(PREFIX + "dac-ns", Double.toString(dacNs));
        p.setProperty(PREFIX + "pulse-ns", Double.toString(pulseNs));
        p.setProperty(PREFIX + "digital-mac-per-ns", Double.toString(digitalMacPerNs));
        p.setProperty(PREFIX + "ideal-converter-bits", Integer.toString(idealConverterBits));
        p.setProperty(PREFIX + "digital-blocks", String.join(",", digitalBlocks));
    }
}
