package org.ffebm.app;

import java.io.PrintWriter;
import java.util.Locale;
import org.ffebm.core.train.EpochMetrics;

/**
 * Training progress on standard error, in one of three {@link Mode}s. On a terminal, a bar redrawn in place (carriage
 * return, at most {@value #REDRAWS_PER_SECOND} times a second) with the epoch, the batch, the running loss and
 * accuracy, the throughput and the time left. When the output is not a terminal (a log file, {@code nohup}), the same
 * figures as a plain line at most once every {@value #LINE_SECONDS} s, so that a long epoch shows it is alive and when
 * it will end. Then, in every mode, one line per epoch with the test figures.
 */
final class Progress {

    /** How batches are reported; epochs are reported in every mode. */
    enum Mode {
        /** A bar redrawn in place (a terminal). */
        BAR,
        /** A plain line at most every {@link #LINE_SECONDS} s (a log file). */
        LINES,
        /** Nothing between the epoch lines ({@code --quiet}). */
        OFF;

        /** BAR on a terminal, LINES otherwise; OFF when quiet. */
        static Mode of(boolean quiet, boolean interactive) {
            return quiet ? OFF : interactive ? BAR : LINES;
        }
    }

    static final int REDRAWS_PER_SECOND = 5;
    static final int LINE_SECONDS = 60;
    private static final long REDRAW_NANOS = 1_000_000_000L / REDRAWS_PER_SECOND;
    private static final int DEFAULT_COLUMNS = 100;
    /** Room kept for the figures after the bar ("loss 0.1234 acc  98.76% 12,345 samples/s ETA 1:02:03"). */
    private static final int TAIL_ROOM = 56;

    private final PrintWriter err;
    private final Mode mode;
    private final int batchSize;
    private final int columns;
    private final long lineNanos;
    private long lastDraw;
    private int drawnLength;

    /**
     * @param err (Output) where to write
     * @param mode how to report batches
     * @param batchSize samples per batch, for the time left
     */
    Progress(PrintWriter err, Mode mode, int batchSize) {
        this(err, mode, batchSize, LINE_SECONDS * 1_000_000_000L);
    }

    /** As above, with the least interval between two {@link Mode#LINES} lines (tests use 0: a line per batch). */
    Progress(PrintWriter err, Mode mode, int batchSize, long lineNanos) {
        this.err = err;
        this.mode = mode;
        this.batchSize = batchSize;
        this.columns = columns();
        this.lineNanos = lineNanos;
        this.lastDraw = System.nanoTime();
    }

    /** Whether standard error is (most likely) a terminal: the JDK's console test. */
    static boolean interactive() {
        return System.console() != null;
    }

    private static int columns() {
        try {
            String c = System.getenv("COLUMNS");
            return c == null ? DEFAULT_COLUMNS : Math.max(40, Integer.parseInt(c.trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_COLUMNS;
        }
    }

    /**
     * Redraws the bar if it is on and the last redraw is old enough (the last batch of an epoch is not forced), or
     * writes a line if lines are on and the last one is {@link #LINE_SECONDS} s old.
     */
    void batch(int epoch, int epochs, int batch, int batches, double loss, double accuracy, double samplesPerSecond) {
        if (mode == Mode.OFF) {
            return;
        }
        long now = System.nanoTime();
        if (mode == Mode.LINES ? now - lastDraw < lineNanos : drawnLength > 0 && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        long batchesLeft = (long) (batches - batch) + (long) (epochs - epoch) * batches;
        double secondsLeft = samplesPerSecond > 0 ? batchesLeft * (double) batchSize / samplesPerSecond : Double.NaN;
        int ew = Integer.toString(epochs).length(), bw = Integer.toString(batches).length();
        String head = String.format(Locale.ROOT, "epoch %" + ew + "d/%d batch %" + bw + "d/%d ", epoch, epochs, batch,
                batches);
        String tail = String.format(Locale.ROOT, " loss %.4f acc %6.2f%% %s samples/s ETA %s", loss, 100 * accuracy,
                rate(samplesPerSecond), duration(secondsLeft));
        if (mode == Mode.LINES) {
            err.println("  " + head.strip() + ":" + tail);
            err.flush();
            return;
        }
        // the bar's width depends only on fixed lengths, so that it does not jitter from one redraw to the next
        int width = Math.max(10, Math.min(30, columns - 1 - head.length() - TAIL_ROOM - 2));
        int filled = (int) Math.round(width * (double) batch / batches);
        String line = head + "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]" + tail;
        String pad = line.length() < drawnLength ? " ".repeat(drawnLength - line.length()) : "";
        err.print("\r" + line + pad);
        err.flush();
        drawnLength = line.length();
    }

    /** Clears the bar and prints the epoch's line. */
    void epoch(EpochMetrics m, int epochs) {
        clear();
        lastDraw = System.nanoTime();
        err.println(epochLine(m, epochs));
        err.flush();
    }

    /** One line with an epoch's figures. */
    static String epochLine(EpochMetrics m, int epochs) {
        return String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f acc %.2f%% | test loss %.4f acc %.2f%% | %.1f s, "
                + "%s samples/s", m.epoch(), epochs, m.trainLoss(), 100 * m.trainAccuracy(), m.testLoss(),
                100 * m.testAccuracy(), m.seconds(), rate(m.samplesPerSecond()));
    }

    /** Erases the bar, if drawn, so that the next line starts clean. */
    void clear() {
        if (drawnLength > 0) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            err.flush();
            drawnLength = 0;
        }
    }

    static String rate(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%,.0f", v) : "?";
    }

    /** {@code m:ss} or {@code h:mm:ss}; {@code ?} when unknown. */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
