package org.ffebm.analog.device;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ffebm.core.config.Props;

/**
 * A measured step-vs-conductance table, linearly interpolated: the piecewise model of aihwkit's
 * {@code PiecewiseStepDevice}, here with nodes at measured conductances instead of equally spaced ones. The table
 * lists, at strictly increasing conductances g_k (S) of the nominal device [g_min, g_max], the mean up step and the
 * mean down step (S, both &ge; 0) of one pulse, as extracted from pulse-train measurements (e.g. Gong et al., Nat.
 * Commun. 9:2102 (2018)).
 *
 * <p>A device with its own bounds [lo, hi] reads the table at the nominal conductance with the same normalized state,
 * g_nom = g_min + x(g_max − g_min) with x = (g − lo)/(hi − lo), so that bound variability stretches the curve with the
 * device. Outside [g_0, g_last] the end values hold. The asymmetry a of the configuration scales the columns by (1 ± a).
 *
 * <p>CSV format: UTF-8, one row {@code g,dg_up,dg_down} per line, an optional header line whose first field is
 * {@code g}, blank lines and lines starting with {@code #} ignored; at least 2 rows.
 */
public final class TableStep implements StepModel {

    private final double[] g;
    private final double[] up;
    private final double[] down;
    private final double gMin;
    private final double gMax;
    private final String source;

    /**
     * Builds a table from arrays (cloned).
     *
     * @param g (Input) strictly increasing conductances in siemens, at least 2, finite
     * @param up (Input) mean up step at each g, in siemens, finite and &ge; 0
     * @param down (Input) mean down step at each g, in siemens, finite and &ge; 0
     * @param gMin nominal lower bound in siemens
     * @param gMax nominal upper bound in siemens, &gt; gMin
     * @param source where the table came from, for {@link #describe()}
     * @throws IllegalArgumentException if the lengths differ, there are fewer than 2 rows, g is not strictly
     *         increasing, or a value is negative or not finite
     */
    public TableStep(double[] g, double[] up, double[] down, double gMin, double gMax, String source) {
        if (g.length != up.length || g.length != down.length) {
            throw new IllegalArgumentException("step table columns must have equal lengths, were g=" + g.length
                    + ", dg_up=" + up.length + ", dg_down=" + down.length);
        }
        if (g.length < 2) {
            throw new IllegalArgumentException("step table must have at least 2 rows, had " + g.length);
        }
        for (int k = 0; k < g.length; k++) {
            Props.requireFinite("step table g (row " + (k + 1) + ")", g[k]);
            Props.requireNonNegative("step table dg_up (row " + (k + 1) + ")", up[k]);
            Props.requireNonNegative("step table dg_down (row " + (k + 1) + ")", down[k]);
            if (k > 0 && !(g[k] > g[k - 1])) {
                throw new IllegalArgumentException("step table g must be strictly increasing, but row " + (k + 1)
                        + " has g=" + g[k] + " after g=" + g[k - 1]);
            }
        }
        if (!(gMin < gMax)) {
            throw new IllegalArgumentException("step table bounds must satisfy g-min < g-max, were " + gMin + ", "
                    + gMax);
        }
        this.g = g.clone();
        this.up = up.clone();
        this.down = down.clone();
        this.gMin = gMin;
        this.gMax = gMax;
        this.source = source;
    }

    /**
     * Reads a table from a CSV file.
     *
     * @param file the CSV file {@code g,dg_up,dg_down}
     * @param gMin nominal lower bound in siemens
     * @param gMax nominal upper bound in siemens
     * @param asymmetry a ∈ (−1, 1): the up column is scaled by (1 + a), the down column by (1 − a)
     * @return the table
     * @throws IllegalArgumentException naming the file, the line and the value if the file is missing, a line does not
     *         have 3 numeric fields, a value is negative or not finite, or g is not strictly increasing
     * @throws UncheckedIOException if the file exists but cannot be read
     */
    public static TableStep read(Path file, double gMin, double gMax, double asymmetry) {
        Props.requireOpen("asymmetry", asymmetry, -1, 1);
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            boolean first = true;
            while ((line = r.readLine()) != null) {
                n++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] f = t.split("\\s*,\\s*", -1);
                if (first && f.length > 0 && f[0].equalsIgnoreCase("g")) {
                    first = false;
                    continue;
                }
                first = false;
                if (f.length != 3) {
                    throw new IllegalArgumentException(DeviceConfig.PREFIX + "table " + file + " line " + n
                            + ": expected 3 fields g,dg_up,dg_down, was '" + t + "'");
                }
                double[] row = new double[3];
                for (int c = 0; c < 3; c++) {
                    try {
                        row[c] = Double.parseDouble(f[c]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(DeviceConfig.PREFIX + "table " + file + " line " + n
                                + ": field " + (c + 1) + " must be a number, was '" + f[c] + "'");
                    }
                }
                if (!rows.isEmpty() && !(row[0] > rows.get(rows.size() - 1)[0])) {
                    throw new IllegalArgumentException(DeviceConfig.PREFIX + "table " + file + " line " + n
                            + ": g must be strictly increasing, was " + row[0] + " after "
                            + rows.get(rows.size() - 1)[0]);
                }
                for (int c = 0; c < 3; c++) {
                    if (!Double.isFinite(row[c]) || (c > 0 && row[c] < 0)) {
                        throw new IllegalArgumentException(DeviceConfig.PREFIX + "table " + file + " line " + n
                                + ": " + (c == 0 ? "g must be finite" : "steps must be finite and >= 0") + ", was "
                                + row[c]);
                    }
                }
                rows.add(row);
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(DeviceConfig.PREFIX + "table file not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DeviceConfig.PREFIX + "table " + file + ": "
                    + e.getMessage(), e);
        }
        if (rows.size() < 2) {
            throw new IllegalArgumentException(DeviceConfig.PREFIX + "table " + file
                    + " must have at least 2 rows g,dg_up,dg_down, had " + rows.size());
        }
        double[] g = new double[rows.size()];
        double[] up = new double[rows.size()];
        double[] down = new double[rows.size()];
        for (int k = 0; k < g.length; k++) {
            g[k] = rows.get(k)[0];
            up[k] = rows.get(k)[1] * (1 + asymmetry);
            down[k] = rows.get(k)[2] * (1 - asymmetry);
        }
        return new TableStep(g, up, down, gMin, gMax, file.toString());
    }

    @Override
    public double up(double gx, double lo, double hi) {
        return interpolate(up, nominal(gx, lo, hi));
    }

    @Override
    public double down(double gx, double lo, double hi) {
        return interpolate(down, nominal(gx, lo, hi));
    }

    /** The number of rows. */
    public int rows() {
        return g.length;
    }

    private double nominal(double gx, double lo, double hi) {
        return gMin + StepModel.state(gx, lo, hi) * (gMax - gMin);
    }

    private double interpolate(double[] v, double x) {
        int n = g.length;
        if (x <= g[0]) {
            return v[0];
        }
        if (x >= g[n - 1]) {
            return v[n - 1];
        }
        int k = Arrays.binarySearch(g, x);
        if (k >= 0) {
            return v[k];
        }
        int hiK = -k - 1;
        int loK = hiK - 1;
        double t = (x - g[loK]) / (g[hiK] - g[loK]);
        return v[loK] + t * (v[hiK] - v[loK]);
    }

    @Override
    public String describe() {
        return "table: " + g.length + " rows from " + source + ", g in [" + g[0] + ", " + g[g.length - 1]
                + "] S, linear interpolation";
    }
}
