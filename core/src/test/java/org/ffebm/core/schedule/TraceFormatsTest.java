package org.ffebm.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace's file formats and the ledger's means, on events written by hand. */
class TraceFormatsTest {

    @TempDir
    Path tmp;

    private static TraceEvent event(String ctx, long step, int seq, String block, Phase phase, Domain domain,
                                    int samples, double pj, double ns) {
        return new TraceEvent(ctx, step, seq, block, phase, domain, samples, 10, 20, 30, 40, 50, 6, 70, pj, 0, ns);
    }

    @Test
    void csvAndJsonLinesHaveOneFieldPerHeaderColumnInOrder() {
        TraceEvent e = new TraceEvent("train", 3, 2, "eb1", Phase.RELAX_NUDGE_PLUS, Domain.ANALOG, 64, 1, 2, 3, 4, 5,
                6, 7, 8.5, 9.25, 10.0);
        String[] header = TraceEvent.CSV_HEADER.split(",");
        String[] cells = e.csv().split(",");
        assertEquals(header.length, cells.length);
        assertEquals(List.of("train", "3", "2", "eb1", "relax-nudge-plus", "analog", "64", "1", "2", "3", "4", "5",
                "6", "7", "8.5", "9.25", "10.0"), List.of(cells));
        String json = e.jsonLine();
        int at = 0;
        for (int i = 0; i < header.length; i++) {
            String cell = i < 6 && i != 1 && i != 2 ? '"' + cells[i] + '"' : cells[i];
            String field = '"' + header[i] + "\":" + cell;
            int k = json.indexOf(field, at);
            assertTrue(k > at || (i == 0 && k == 1), field + " in order in " + json);
            at = k;
        }
        assertTrue(json.startsWith("{") && json.endsWith("}") && !json.contains("\n"), json);
    }

    @Test
    void traceFileWritesTheHeaderOnceAndALinePerEvent() throws IOException {
        Path csv = tmp.resolve("t.csv");
        try (TraceFile f = new TraceFile(csv, false)) {
            f.accept(event("train", 0, 0, "F1", Phase.DIGITAL_FORWARD, Domain.DIGITAL, 2, 1, 1));
            f.accept(event("train", 0, 1, "E1", Phase.RELAX_FREE, Domain.ANALOG, 2, 1, 1));
        }
        try (TraceFile f = new TraceFile(csv, true)) {
            f.accept(event("train", 1, 0, "F1", Phase.DIGITAL_FORWARD, Domain.DIGITAL, 2, 1, 1));
        }
        List<String> lines = Files.readAllLines(csv);
        assertEquals(4, lines.size(), "header + 3 events, the header not repeated on append");
        assertEquals(TraceEvent.CSV_HEADER, lines.get(0));
        Path jsonl = tmp.resolve("t.jsonl");
        try (TraceFile f = new TraceFile(jsonl, false)) {
            assertTrue(f.json());
            f.accept(event("inference", 0, 0, "F1", Phase.DIGITAL_FORWARD, Domain.DIGITAL, 2, 1, 1));
        }
        assertEquals(1, Files.readAllLines(jsonl).size(), "JSON lines have no header");
    }

    @Test
    void ledgerMeansArePerTrainingStepAndPerInferenceSample() {
        CostLedger l = new CostLedger();
        for (int step = 0; step < 2; step++) {
            l.accept(event("train", step, 0, "E1", Phase.RELAX_FREE, Domain.ANALOG, 4, 100 + step, 10));
            l.accept(event("train", step, 1, "E1", Phase.ADC_OUTPUT, Domain.CONVERSION, 4, 20, 2));
            l.accept(event("train", step, 2, "F2", Phase.DIGITAL_FORWARD, Domain.DIGITAL, 4, 30, 3));
        }
        // two inference batches of 4 and 2 samples
        l.accept(event("inference", 0, 0, "E1", Phase.RELAX_FREE, Domain.ANALOG, 4, 40, 8));
        l.accept(event("inference", 0, 1, "E1", Phase.ADC_OUTPUT, Domain.CONVERSION, 4, 8, 4));
        l.accept(event("inference", 1, 0, "E1", Phase.RELAX_FREE, Domain.ANALOG, 2, 20, 4));
        assertEquals(2, l.trainSteps());
        assertEquals(6, l.inferenceSamples());
        Map<Domain, Double> e = l.energyPjByDomain(Scheduler.TRAIN);
        assertEquals(100.5, e.get(Domain.ANALOG), 1e-12);
        assertEquals(20, e.get(Domain.CONVERSION), 1e-12);
        assertEquals(30, e.get(Domain.DIGITAL), 1e-12);
        assertEquals(15, l.timeNsByDomain(Scheduler.TRAIN).values().stream().mapToDouble(Double::doubleValue).sum(),
                1e-12);
        assertEquals(60.0 / 6, l.energyPjByDomain(Scheduler.INFERENCE).get(Domain.ANALOG), 1e-12);
        assertEquals(3, l.lastTrainStep().size());
        assertEquals(1, l.lastTrainStep().get(0).step());
        String[] csv = l.phasesCsv().split("\n");
        assertEquals(CostLedger.PHASES_CSV_HEADER, csv[0]);
        assertEquals("train,E1,relax-free,analog,100.5,10.0", csv[1].substring(0, csv[1].indexOf(",10.0") + 5));
        assertEquals(1 + 3 + 2, csv.length, "one line per (context, block, phase)");
    }
}
