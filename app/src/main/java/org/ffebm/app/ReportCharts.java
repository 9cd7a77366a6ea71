package org.ffebm.app;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.ffebm.app.CostCsv.Context;
import org.ffebm.app.CostCsv.PhaseCost;
import org.ffebm.app.CostCsv.TraceEvent;
import org.ffebm.core.schedule.Domain;
import org.ffebm.core.schedule.Phase;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;

/**
 * The charts of {@code ffebm report}, drawn with JFreeChart (<a href="https://www.jfree.org/jfreechart/">
 * https://www.jfree.org/jfreechart/</a>). Domains have the same colours in both (Okabe–Ito palette, readable with
 * colour-blindness): analog blue, digital orange, conversion green. Callers set {@code java.awt.headless=true} first.
 */
final class ReportCharts {

    /** Colours by {@link Domain} ordinal. */
    static final Color[] DOMAIN_COLOURS = {new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73)};

    private static final Color GRID = new Color(0xD0D0D0);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    /** Width of a character of the bar labels, px, at most (11 pt sans-serif). */
    private static final double LABEL_PX_PER_CHAR = 7;

    private ReportCharts() {
    }

    /**
     * Energy per phase (summed over blocks), stacked by domain: one panel per training step and, if the run has
     * inference rows, one per inference sample, side by side, each in its own unit.
     *
     * @param costs (Input) the rows of {@value CostCsv#COST_PHASES}, with at least one {@code train} row
     */
    static JFreeChart energy(List<PhaseCost> costs) {
        Set<Phase> phases = EnumSet.noneOf(Phase.class);
        costs.forEach(c -> phases.add(c.phase()));
        CategoryAxis phaseAxis = new CategoryAxis("phase");
        phaseAxis.setCategoryMargin(0.25);
        phaseAxis.setLowerMargin(0.01);
        phaseAxis.setUpperMargin(0.01);
        CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(phaseAxis);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setGap(24);
        CategoryPlot first = null;
        for (Context context : Context.values()) {
            CategoryPlot panel = energyPanel(costs, context, phases);
            if (panel != null) {
                plot.add(panel);
                first = first == null ? panel : first;
            }
        }
        // each panel has the same legend items; show them once
        plot.setFixedLegendItems(first.getLegendItems());
        JFreeChart chart = new JFreeChart("Modelled energy by phase and domain", TITLE, plot, true);
        style(chart);
        return chart;
    }

    /** One context's panel (in its own unit), or null if it has no rows. */
    private static CategoryPlot energyPanel(List<PhaseCost> costs, Context context, Set<Phase> phases) {
        Map<Phase, double[]> byPhase = new EnumMap<>(Phase.class);
        phases.forEach(p -> byPhase.put(p, new double[Domain.values().length]));
        double total = 0;
        boolean any = false;
        for (PhaseCost c : costs) {
            if (c.context() == context) {
                any = true;
                byPhase.get(c.phase())[c.domain().ordinal()] += c.energyPj();
                total += c.energyPj();
            }
        }
        if (!any) {
            return null;
        }
        double max = 0;
        for (double[] e : byPhase.values()) {
            double s = 0;
            for (double x : e) {
                s += x;
            }
            max = Math.max(max, s);
        }
        String[] units = {"pJ", "nJ", ReportCommand.MICRO + "J", "mJ", "J"};
        int u = 0;
        double scale = 1;
        while (u < units.length - 1 && max / scale >= 1000) {
            scale *= 1000;
            u++;
        }
        // every panel has every phase as a column and every domain as a row, in the same order: the combined plot
        // places bars by column index and colours series by row index
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Domain d : Domain.values()) {
            for (Map.Entry<Phase, double[]> e : byPhase.entrySet()) {
                data.addValue(e.getValue()[d.ordinal()] / scale, d.key(), e.getKey().key());
            }
        }
        String per = context == Context.TRAIN ? "per training step" : "per inference sample";
        NumberAxis energyAxis = new NumberAxis("energy " + per + " (" + units[u] + "); total "
                + ReportCommand.energy(total));
        StackedBarRenderer r = new StackedBarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        r.setMaximumBarWidth(0.08);
        for (Domain d : Domain.values()) {
            r.setSeriesPaint(d.ordinal(), DOMAIN_COLOURS[d.ordinal()]);
        }
        CategoryPlot panel = new CategoryPlot(data, null, energyAxis, r);
        grid(panel);
        return panel;
    }

    /**
     * A Gantt chart of the last training step: one row per block (in order of first event, first at the top), one bar
     * per event from its start to its end, coloured by domain; time in µs on a linear axis.
     *
     * @param events (Input) the rows of {@value CostCsv#TRACE}, at least one
     * @param width the width the chart will be drawn at, px: bars wide enough get their phase's name
     */
    static JFreeChart timeline(List<TraceEvent> events, int width) {
        Map<String, Integer> rows = new LinkedHashMap<>();
        events.forEach(e -> rows.putIfAbsent(e.block(), rows.size()));
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        List<XYIntervalSeries> series = new ArrayList<>();
        for (Domain d : Domain.values()) {
            // not sorted: item i of a series is the i-th event of its domain, as the phase labels below assume
            XYIntervalSeries s = new XYIntervalSeries(d.key(), false, true);
            series.add(s);
            data.addSeries(s);
        }
        double endNs = 0;
        double energyPj = 0;
        for (TraceEvent e : events) {
            int row = rows.get(e.block());
            double start = e.startNs() / 1000;
            double end = (e.startNs() + e.timeNs()) / 1000;
            series.get(e.domain().ordinal()).add(row, row - 0.35, row + 0.35, start, start, end);
            endNs = Math.max(endNs, e.startNs() + e.timeNs());
            energyPj += e.energyPj();
        }
        SymbolAxis blockAxis = new SymbolAxis("block", rows.keySet().toArray(String[]::new));
        blockAxis.setInverted(true);
        blockAxis.setGridBandsVisible(false);
        NumberAxis timeAxis = new NumberAxis("time within the step (" + ReportCommand.MICRO + "s)");
        timeAxis.setAutoRangeIncludesZero(true);
        timeAxis.setLowerMargin(0);
        XYBarRenderer r = new XYBarRenderer();
        r.setUseYInterval(true);
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        // a darker outline separates consecutive events of one domain and keeps events shorter than a pixel visible
        r.setDrawBarOutline(true);
        for (Domain d : Domain.values()) {
            r.setSeriesPaint(d.ordinal(), DOMAIN_COLOURS[d.ordinal()]);
            r.setSeriesOutlinePaint(d.ordinal(), DOMAIN_COLOURS[d.ordinal()].darker());
            r.setSeriesOutlineStroke(d.ordinal(), new BasicStroke(1f));
        }
        // the phase's name inside bars long enough to hold it
        List<List<String>> phaseNames = new ArrayList<>(); // by series (domain ordinal), then item
        for (Domain d : Domain.values()) {
            phaseNames.add(new ArrayList<>());
        }
        for (TraceEvent e : events) {
            phaseNames.get(e.domain().ordinal()).add(e.phase().key());
        }
        double usPerPx = endNs / 1000 / (width - 150.0); // the plot area is about the chart less the block labels
        r.setDefaultItemLabelGenerator((dataset, s, item) -> {
            XYIntervalSeriesCollection c = (XYIntervalSeriesCollection) dataset;
            String name = phaseNames.get(s).get(item);
            double px = (c.getEndYValue(s, item) - c.getStartYValue(s, item)) / usPerPx;
            return px >= LABEL_PX_PER_CHAR * name.length() + 10 ? name : null;
        });
        r.setDefaultItemLabelsVisible(true);
        r.setDefaultItemLabelPaint(Color.WHITE);
        r.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        r.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.CENTER, TextAnchor.CENTER));
        r.setDefaultNegativeItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.CENTER, TextAnchor.CENTER));
        XYPlot plot = new XYPlot(data, blockAxis, timeAxis, r);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinePaint(GRID);
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        JFreeChart chart = new JFreeChart(String.format(Locale.ROOT,
                "Modelled timeline of the last training step (step %d): %s, %s, %d events", events.get(0).step(),
                ReportCommand.time(endNs), ReportCommand.energy(energyPj), events.size()), TITLE, plot, true);
        style(chart);
        return chart;
    }

    private static void grid(CategoryPlot p) {
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(GRID);
        p.setRangeGridlineStroke(new BasicStroke(1f));
        p.setDomainGridlinesVisible(false);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.TOP);
        legend.setFrame(BlockBorder.NONE);
    }

    /**
     * Writes the chart as PNG through a temporary file in the same directory, so that {@code file} is either the
     * complete chart or untouched.
     *
     * @param chart (Input) the chart
     * @param file (Output) the PNG file, replaced if it exists
     * @throws IOException if the file cannot be written
     */
    static void save(JFreeChart chart, Path file, int width, int height) throws IOException {
        RunDir.writeAtomically(file, tmp -> ChartUtils.saveChartAsPNG(tmp.toFile(), chart, width, height));
    }
}
