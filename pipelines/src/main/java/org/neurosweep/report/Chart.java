package org.neurosweep.report;

import java.util.List;

/**
 * A figure of the run report, as data: {@link SvgCharts} draws it. Values that are NaN are left out of the drawing (a
 * gap in a line, an empty heat-map cell); a chart without any finite value is dropped from the report.
 */
public sealed interface Chart permits Chart.Line, Chart.Bars, Chart.Heatmap {

    String title();

    /** Whether the chart has at least one finite value to draw. */
    boolean hasData();

    /** One named curve: y over x, points in x order. */
    record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values and " + y.length + " y values");
            }
        }

        boolean hasData() {
            for (int i = 0; i < x.length; i++) {
                if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A vertical line at x with a short label (a phase boundary, a chosen layer). */
    record Marker(double x, String label) {
    }

    /** Curves over a shared x axis; {@code logX} draws x on a log10 scale (positive x only). */
    record Line(String title, String xLabel, String yLabel, List<Series> series, List<Marker> markers, boolean logX) implements Chart {
        public Line(String title, String xLabel, String yLabel, List<Series> series) {
            this(title, xLabel, yLabel, series, List.of(), false);
        }

        @Override
        public boolean hasData() {
            return series.stream().anyMatch(Series::hasData);
        }
    }

    /** Grouped bars: one group per category, one bar per series ({@code values[s][c]}). */
    record Bars(String title, String yLabel, List<String> categories, List<String> series, double[][] values) implements Chart {
        public Bars {
            for (double[] v : values) {
                if (v.length != categories.size()) {
                    throw new IllegalArgumentException(title + ": " + v.length + " values for " + categories.size() + " categories");
                }
            }
        }

        @Override
        public boolean hasData() {
            return finite(values);
        }
    }

    /** A matrix of values, {@code values[row][column]}, drawn as coloured cells with a colour scale. */
    record Heatmap(String title, String xLabel, String yLabel, List<String> columns, List<String> rows, double[][] values)
            implements Chart {
        public Heatmap {
            if (values.length != rows.size()) {
                throw new IllegalArgumentException(title + ": " + values.length + " value rows for " + rows.size() + " row labels");
            }
            for (double[] v : values) {
                if (v.length != columns.size()) {
                    throw new IllegalArgumentException(title + ": " + v.length + " values for " + columns.size() + " columns");
                }
            }
        }

        @Override
        public boolean hasData() {
            return finite(values);
        }
    }

    private static boolean finite(double[][] values) {
        for (double[] row : values) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    return true;
                }
            }
        }
        return false;
    }
}
