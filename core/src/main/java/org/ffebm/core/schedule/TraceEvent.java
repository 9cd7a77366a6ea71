package org.ffebm.core.schedule;

/**
 * One phase of one block, as the {@link Scheduler} ran it, with its operation counts and the modelled energy and time
 * of the {@link CostModel}. Counts cover the whole batch.
 *
 * @param context {@code train} for a training step, {@code inference} for a forward pass without training
 * @param step the training step (0-based, counted over the run), or the inference pass's index
 * @param seq the event's position within its step, from 0
 * @param block the block's name ({@code optimiser} for the optimiser step)
 * @param phase the phase
 * @param domain where the cost is spent
 * @param samples the samples of the batch
 * @param macs digital multiply-accumulates (0 for analog and conversion phases)
 * @param bytes SRAM bytes moved by digital phases
 * @param deviceReads device reads: devices conducting × steps, summed over samples (analog phases)
 * @param relaxSteps relaxation steps summed over samples (relaxation phases)
 * @param conversions DAC or ADC conversions
 * @param bits the converters' modelled resolution (0 when there are no conversions)
 * @param pulses programming pulses
 * @param energyPj modelled energy, pJ
 * @param startNs modelled start time within the step, ns (phases run one after another)
 * @param timeNs modelled duration, ns
 */
public record TraceEvent(String context, long step, int seq, String block, Phase phase, Domain domain, int samples,
                         long macs, long bytes, long deviceReads, long relaxSteps, long conversions, int bits,
                         long pulses, double energyPj, double startNs, double timeNs) {

    /** The CSV header matching {@link #csv()}. */
    public static final String CSV_HEADER = "context,step,seq,block,phase,domain,samples,macs,bytes,device_reads,"
            + "relax_steps,conversions,bits,pulses,energy_pj,start_ns,time_ns";

    /** The event as one CSV line (no newline), columns as {@link #CSV_HEADER}. */
    public String csv() {
        return String.join(",", context, Long.toString(step), Integer.toString(seq), block, phase.key(),
                domain.key(), Integer.toString(samples), Long.toString(macs), Long.toString(bytes),
                Long.toString(deviceReads), Long.toString(relaxSteps), Long.toString(conversions),
                Integer.toString(bits), Long.toString(pulses), number(energyPj), number(startNs), number(timeNs));
    }

    /** The event as one JSON object on one line (no newline), keys as the CSV columns. */
    public String jsonLine() {
        StringBuilder b = new StringBuilder(320);
        b.append("{\"context\":\"").append(escape(context)).append("\",\"step\":").append(step)
                .append(",\"seq\":").append(seq).append(",\"block\":\"").append(escape(block))
                .append("\",\"phase\":\"").append(phase.key()).append("\",\"domain\":\"").append(domain.key())
                .append("\",\"samples\":").append(samples).append(",\"macs\":").append(macs)
                .append(",\"bytes\":").append(bytes).append(",\"device_reads\":").append(deviceReads)
                .append(",\"relax_steps\":").append(relaxSteps).append(",\"conversions\":").append(conversions)
                .append(",\"bits\":").append(bits).append(",\"pulses\":").append(pulses)
                .append(",\"energy_pj\":").append(number(energyPj)).append(",\"start_ns\":")
                .append(number(startNs)).append(",\"time_ns\":").append(number(timeNs)).append('}');
        return b.toString();
    }

    /** A finite number as Java writes it; JSON has no NaN or infinity, so those become null (never expected). */
    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
