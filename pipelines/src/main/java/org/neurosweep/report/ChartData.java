package org.neurosweep.report;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Turns collected query rows into chart data: the shape every report section needs, so sections are a query and a
 * call. Labels are the cells' text; numbers are doubles, a null cell NaN (not drawn).
 */
public final class ChartData {

    private ChartData() {
    }

    /** Rows (series, x, y), in x order within a series: one {@link Chart.Series} per series value, in first-seen order. */
    public static List<Chart.Series> series(List<Row> rows) {
        Map<String, List<Row>> bySeries = groupBy(rows, 0);
        List<Chart.Series> out = new ArrayList<>();
        bySeries.forEach((name, points) -> out.add(new Chart.Series(name,
                points.stream().mapToDouble(r -> number(r, 1)).toArray(), points.stream().mapToDouble(r -> number(r, 2)).toArray())));
        return out;
    }

    /** Rows (category, series, value): grouped bars, categories and series in first-seen order; missing pairs NaN. */
    public static Chart.Bars bars(String title, String yLabel, List<Row> rows) {
        List<String> categories = distinct(rows, 0);
        List<String> series = distinct(rows, 1);
        double[][] values = nanMatrix(series.size(), categories.size());
        for (Row r : rows) {
            values[series.indexOf(label(r, 1))][categories.indexOf(label(r, 0))] = number(r, 2);
        }
        return new Chart.Bars(title, yLabel, categories, series, values);
    }

    /** Rows (row, column, value): a heat map, rows in first-seen order, columns in numeric order when numbers. */
    public static Chart.Heatmap heatmap(String title, String xLabel, String yLabel, List<Row> rows) {
        List<String> rowLabels = distinct(rows, 0);
        List<Object> columnKeys = new ArrayList<>(rows.stream().map(r -> r.get(1)).distinct().toList());
        columnKeys.sort(Comparator.comparing((Object k) -> k instanceof Number n ? n.doubleValue() : 0.0).thenComparing(String::valueOf));
        List<String> columns = columnKeys.stream().map(String::valueOf).toList();
        double[][] values = nanMatrix(rowLabels.size(), columns.size());
        for (Row r : rows) {
            values[rowLabels.indexOf(label(r, 0))][columns.indexOf(label(r, 1))] = number(r, 2);
        }
        return new Chart.Heatmap(title, xLabel, yLabel, columns, rowLabels, values);
    }

    /**
     * Rows whose first cell names a chart (a model, say): one chart per name, in first-seen order, made by {@code chart}
     * from the name and the rows without their first cell.
     */
    public static List<Chart> perName(List<Row> rows, BiFunction<String, List<Row>, Chart> chart) {
        return groupBy(rows, 0).entrySet().stream()
                .map(e -> chart.apply(e.getKey(), e.getValue().stream().map(ChartData::rest).toList())).toList();
    }

    /**
     * The rows with only the cells at {@code keep}, in that order: the keys an aggregation groups or sorts by but a chart
     * does not show, dropped.
     */
    public static List<Row> pick(List<Row> rows, int... keep) {
        return rows.stream().map(r -> {
            Object[] cells = new Object[keep.length];
            for (int i = 0; i < keep.length; i++) {
                cells[i] = r.get(keep[i]);
            }
            return RowFactory.create(cells);
        }).toList();
    }

    /** The row without its first cell. */
    private static Row rest(Row r) {
        Object[] cells = new Object[r.length() - 1];
        for (int i = 1; i < r.length(); i++) {
            cells[i - 1] = r.get(i);
        }
        return RowFactory.create(cells);
    }

    /** Cell {@code i} as a double; NaN when null. */
    public static double number(Row r, int i) {
        return r.isNullAt(i) ? Double.NaN : ((Number) r.get(i)).doubleValue();
    }

    /** Cell {@code i} as text; "null" when null. */
    public static String label(Row r, int i) {
        return String.valueOf(r.get(i));
    }

    /** Rows grouped by the label of cell {@code i}, groups in first-seen order, rows in their order. */
    public static Map<String, List<Row>> groupBy(List<Row> rows, int i) {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        rows.forEach(r -> groups.computeIfAbsent(label(r, i), k -> new ArrayList<>()).add(r));
        return groups;
    }

    private static List<String> distinct(List<Row> rows, int i) {
        return rows.stream().map(r -> label(r, i)).distinct().toList();
    }

    private static double[][] nanMatrix(int rows, int columns) {
        double[][] m = new double[rows][columns];
        for (double[] row : m) {
            java.util.Arrays.fill(row, Double.NaN);
        }
        return m;
    }
}
