package org.ffebm.core.schedule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link TraceSink} that sums events: per context ({@link Scheduler#TRAIN}, {@link Scheduler#INFERENCE}), per
 * (block, phase) and per {@link Domain}, with the number of training steps and of inference samples seen, so that
 * means per training step and per inference sample can be reported. It also keeps the events of the last training
 * step (for a timeline). Memory does not grow with the run's length.
 */
public final class CostLedger implements TraceSink {

    /** The sums of one (context, block, phase). */
    private static final class Row {
        final String context;
        final String block;
        final Phase phase;
        final Domain domain;
        double energyPj;
        double timeNs;
        long macs;
        long bytes;
        long deviceReads;
        long conversions;
        long pulses;
        long relaxSteps;

        Row(String context, String block, Phase phase, Domain domain) {
            this.context = context;
            this.block = block;
            this.phase = phase;
            this.domain = domain;
        }

        void add(TraceEvent e) {
            energyPj += e.energyPj();
            timeNs += e.timeNs();
            macs += e.macs();
            bytes += e.bytes();
            deviceReads += e.deviceReads();
            conversions += e.conversions();
            pulses += e.pulses();
            relaxSteps += e.relaxSteps();
        }
    }

    /** The CSV header of {@link #phasesCsv()}. */
    public static final String PHASES_CSV_HEADER = "context,block,phase,domain,energy_pj,time_ns,macs,bytes,"
            + "device_reads,conversions,pulses,relax_steps";

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private long trainSteps;
    private long lastTrainStep = -1;
    private long inferenceSamples;
    private long lastInference = -1;
    private List<TraceEvent> lastStep = new ArrayList<>();
    private List<TraceEvent> currentStep = new ArrayList<>();

    @Override
    public void accept(TraceEvent e) {
        String key = e.context() + '\u0000' + e.block() + '\u0000' + e.phase().name();
        rows.computeIfAbsent(key, k -> new Row(e.context(), e.block(), e.phase(), e.domain())).add(e);
        if (Scheduler.TRAIN.equals(e.context())) {
            if (e.step() != lastTrainStep) {
                trainSteps++;
                lastTrainStep = e.step();
                if (!currentStep.isEmpty()) {
                    lastStep = currentStep;
                    currentStep = new ArrayList<>();
                }
            }
            currentStep.add(e);
        } else if (e.step() != lastInference) {
            lastInference = e.step();
            inferenceSamples += e.samples();
        }
    }

    /** Distinct training steps seen. */
    public long trainSteps() {
        return trainSteps;
    }

    /** Samples of the inference passes seen. */
    public long inferenceSamples() {
        return inferenceSamples;
    }

    /** The events of the last training step seen (the step in progress, if it has events). */
    public List<TraceEvent> lastTrainStep() {
        return Collections.unmodifiableList(currentStep.isEmpty() ? lastStep : currentStep);
    }

    /** How many units a context's sums are divided by: training steps, or inference samples. */
    public long units(String context) {
        return Scheduler.TRAIN.equals(context) ? trainSteps : inferenceSamples;
    }

    /** Mean energy per unit of a context by domain, pJ (0 where nothing was seen). */
    public Map<Domain, Double> energyPjByDomain(String context) {
        return byDomain(context, true);
    }

    /** Mean modelled time per unit of a context by domain, ns. */
    public Map<Domain, Double> timeNsByDomain(String context) {
        return byDomain(context, false);
    }

    private Map<Domain, Double> byDomain(String context, boolean energy) {
        Map<Domain, Double> m = new EnumMap<>(Domain.class);
        for (Domain d : Domain.values()) {
            m.put(d, 0.0);
        }
        long n = units(context);
        for (Row r : rows.values()) {
            if (r.context.equals(context) && n > 0) {
                m.merge(r.domain, (energy ? r.energyPj : r.timeNs) / n, Double::sum);
            }
        }
        return m;
    }

    /**
     * The rows as CSV means: per training step for {@code train}, per inference sample for {@code inference}; header
     * {@link #PHASES_CSV_HEADER}, one line per row, each ending in a newline.
     */
    public String phasesCsv() {
        StringBuilder b = new StringBuilder(PHASES_CSV_HEADER).append('\n');
        for (Row r : rows.values()) {
            long n = units(r.context);
            if (n == 0) {
                continue;
            }
            double d = n;
            b.append(String.join(",", r.context, r.block, r.phase.key(), r.domain.key(),
                    Double.toString(r.energyPj / d), Double.toString(r.timeNs / d), Double.toString(r.macs / d),
                    Double.toString(r.bytes / d), Double.toString(r.deviceReads / d),
                    Double.toString(r.conversions / d), Double.toString(r.pulses / d),
                    Double.toString(r.relaxSteps / d))).append('\n');
        }
        return b.toString();
    }

    /** The events of {@link #lastTrainStep()} as CSV with {@link TraceEvent#CSV_HEADER}. */
    public String lastStepCsv() {
        StringBuilder b = new StringBuilder(TraceEvent.CSV_HEADER).append('\n');
        for (TraceEvent e : lastTrainStep()) {
            b.append(e.csv()).append('\n');
        }
        return b.toString();
    }

    /**
     * A summary for a run's summary file: per training step and per inference sample, energy (pJ) and modelled
     * latency (ns) by domain and in total, and the steps and samples they are means over.
     */
    public Map<String, Object> summary() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("training_steps", trainSteps);
        o.put("per_training_step", split(Scheduler.TRAIN));
        o.put("inference_samples", inferenceSamples);
        o.put("per_inference", split(Scheduler.INFERENCE));
        return o;
    }

    private Map<String, Object> split(String context) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("energy_pj", withTotal(energyPjByDomain(context)));
        o.put("latency_ns", withTotal(timeNsByDomain(context)));
        return o;
    }

    private static Map<String, Object> withTotal(Map<Domain, Double> m) {
        Map<String, Object> o = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<Domain, Double> e : m.entrySet()) {
            o.put(e.getKey().key(), e.getValue());
            total += e.getValue();
        }
        o.put("total", total);
        return o;
    }
}
