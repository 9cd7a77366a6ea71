package org.ffebm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The three progress modes: what each writes between the epoch lines. */
class ProgressTest {

    private static String run(Progress.Mode mode, long lineNanos) {
        StringWriter out = new StringWriter();
        Progress p = new Progress(new PrintWriter(out), mode, 64, lineNanos);
        for (int b = 1; b <= 3; b++) {
            p.batch(1, 2, b, 10, 0.5, 0.75, 32.0);
        }
        p.clear();
        return out.toString();
    }

    @Test
    void aLogGetsPlainLinesWithTheFiguresAndTheTimeLeft() {
        String s = run(Progress.Mode.LINES, 0);
        String[] lines = s.split("\n");
        assertEquals(3, lines.length, s);
        assertFalse(s.contains("\r"), "no carriage returns in a log: " + s);
        // batch 1 of 10 in epoch 1 of 2: 9 + 10 batches of 64 samples left at 32 samples/s = 38 s
        assertEquals("  epoch 1/2 batch  1/10: loss 0.5000 acc  75.00% 32 samples/s ETA 0:38", lines[0]);
        assertTrue(lines[2].startsWith("  epoch 1/2 batch  3/10:"), lines[2]);
    }

    @Test
    void linesAreRateLimited() {
        assertEquals("", run(Progress.Mode.LINES, 3_600_000_000_000L), "nothing within the first interval");
    }

    @Test
    void quietWritesNothingAndATerminalGetsTheBar() {
        assertEquals("", run(Progress.Mode.OFF, 0));
        String bar = run(Progress.Mode.BAR, 0);
        assertTrue(bar.startsWith("\repoch 1/2 batch  1/10 ["), bar);
        assertTrue(bar.endsWith("\r"), "the bar is erased: " + bar);
    }

    @Test
    void modeFollowsQuietAndTheTerminal() {
        assertEquals(Progress.Mode.OFF, Progress.Mode.of(true, true));
        assertEquals(Progress.Mode.BAR, Progress.Mode.of(false, true));
        assertEquals(Progress.Mode.LINES, Progress.Mode.of(false, false));
    }
}
