package org.neurosweep.report;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.neurosweep.job.TableRow;
import org.neurosweep.udfs.RankedLists;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a report figure computes from one table: SQL's {@code SELECT k1, …, m1, … FROM t WHERE filter GROUP BY k1, …
 * ORDER BY k1, …}, written as a fold that merges, so that one piece of code folds the rows of a small table read on the
 * driver ({@link #over(List)}) and each Spark partition of a large one, merged on the driver ({@link #over(Dataset)}).
 *
 * <p>Keys and measure inputs are functions of a {@link TableRow}. Measures follow SQL's aggregates: null inputs are
 * skipped, a measure with no input left is null, NaN propagates. The result is one Spark row per group, its cells the
 * keys then the measures, sorted by the keys ({@link #CELLS}: nulls first, numbers by value): the shape
 * {@link ChartData} draws. An aggregation is immutable; every method returns a new one.
 */
public final class Aggregation implements Serializable {

    /** A cell computed from a row: a key, or a measure's input. */
    @FunctionalInterface
    public interface Cell extends Serializable {
        Object of(TableRow row);
    }

    /** Which rows an aggregation folds. */
    @FunctionalInterface
    public interface Filter extends Serializable {
        boolean keeps(TableRow row);
    }

    /** A function applied to a numeric measure's result (SQL's {@code exp(sum(a) / sum(b))}, say). */
    @FunctionalInterface
    public interface Finish extends Serializable {
        double apply(double value);
    }

    /**
     * Orders rows (or key lists) cell by cell as SQL's ascending ORDER BY does: null first, numbers by value whatever
     * their type (NaN last), text by character, false before true.
     */
    public static final Comparator<List<?>> CELLS = Aggregation::compareCells;

    /** {@link #CELLS} for rows: by their cells in order. */
    public static final Comparator<Row> ROWS = (x, y) -> compareCells(cellsOf(x), cellsOf(y));

    private enum Kind { AVG, SUM, COUNT, COUNT_DISTINCT, MAX, MIN, FIRST, RATIO, MRR, MAX_BY }

    /** One aggregate: its kind, its input (and the second input of RATIO and MAX_BY), what is applied to its result. */
    private record Measure(Kind kind, Cell value, Cell other, Finish finish) implements Serializable {
        Measure finishedBy(Finish f) {
            Finish before = finish;
            return new Measure(kind, value, other, before == null ? f : x -> f.apply(before.apply(x)));
        }
    }

    private final Filter filter;
    private final List<Cell> keys;
    private final List<Measure> measures;

    private Aggregation(Filter filter, List<Cell> keys, List<Measure> measures) {
        this.filter = filter;
        this.keys = List.copyOf(keys);
        this.measures = List.copyOf(measures);
    }

    /** Groups by {@code keys} (none: the whole table is one group, as an aggregate without GROUP BY). */
    public static Aggregation groupBy(Cell... keys) {
        return new Aggregation(null, Arrays.asList(keys), List.of());
    }

    /** The cell of column {@code name}. */
    public static Cell col(String name) {
        return r -> r.get(name);
    }

    /**
     * A key shown as {@code label} but ordered by {@code orderedBy}: SQL's {@code SELECT concat('layer ', layer) …
     * ORDER BY layer}, where "layer 10" follows "layer 9". Grouping is by both.
     */
    public static Cell labelled(Cell orderedBy, Cell label) {
        return r -> new Labelled(orderedBy.of(r), label.of(r));
    }

    /** A key cell of {@link #labelled}: sorts by {@code order}, appears in the result as {@code label}. */
    private record Labelled(Object order, Object label) implements Serializable {
    }

    /** Keeps only the rows {@code f} keeps (and those the filters before it keep). */
    public Aggregation where(Filter f) {
        Filter before = filter;
        return new Aggregation(before == null ? f : r -> before.keeps(r) && f.keeps(r), keys, measures);
    }

    /** SQL {@code avg(column)}. */
    public Aggregation avg(String column) {
        return avg(col(column));
    }

    /** SQL {@code avg(value)}. */
    public Aggregation avg(Cell value) {
        return with(Kind.AVG, value, null);
    }

    /** SQL {@code sum(column)}, as a double. */
    public Aggregation sum(String column) {
        return sum(col(column));
    }

    /** SQL {@code sum(value)}, as a double. */
    public Aggregation sum(Cell value) {
        return with(Kind.SUM, value, null);
    }

    /** SQL {@code count(*)}, as a long (a double once {@link #then} applies a function). */
    public Aggregation count() {
        return with(Kind.COUNT, null, null);
    }

    /**
     * SQL {@code count(DISTINCT v1, …)}, as a long: the distinct tuples of the cells over the rows where none is null
     * ({@code count(DISTINCT CASE WHEN flag THEN id END)}: a cell that is null where the flag is false).
     */
    public Aggregation countDistinct(Cell... values) {
        Cell[] cells = values.clone();
        return with(Kind.COUNT_DISTINCT, r -> {
            Object[] tuple = new Object[cells.length];
            for (int i = 0; i < cells.length; i++) {
                tuple[i] = cells[i].of(r);
                if (tuple[i] == null) {
                    return null;
                }
            }
            return Arrays.asList(tuple);
        }, null);
    }

    /** SQL {@code max(column)}, as a double. */
    public Aggregation max(String column) {
        return max(col(column));
    }

    /** SQL {@code max(value)}, as a double. */
    public Aggregation max(Cell value) {
        return with(Kind.MAX, value, null);
    }

    /** SQL {@code min(column)}, as a double. */
    public Aggregation min(String column) {
        return with(Kind.MIN, col(column), null);
    }

    /** SQL {@code first(value)}: the value of the group's first row, null or not, as it is (not converted). */
    public Aggregation first(Cell value) {
        return with(Kind.FIRST, value, null);
    }

    /** SQL {@code first(column)}. */
    public Aggregation first(String column) {
        return first(col(column));
    }

    /** SQL {@code sum(numerator) / sum(denominator)}: null when either has no input or the denominator sums to 0. */
    public Aggregation ratio(Cell numerator, Cell denominator) {
        return with(Kind.RATIO, numerator, denominator);
    }

    /** {@code ns_mrr(rank)}: the mean of 1 / rank over the ranks (null, NaN and values below 1 are not ranks). */
    public Aggregation mrr(String rankColumn) {
        return with(Kind.MRR, col(rankColumn), null);
    }

    /** SQL {@code max_by(value, order)}: the value at the row of the greatest non-null {@code order}, as it is. */
    public Aggregation maxBy(Cell value, Cell order) {
        return with(Kind.MAX_BY, value, order);
    }

    /** Applies {@code f} to the result of the last measure (a numeric one), as SQL's {@code exp(avg(x))}. */
    public Aggregation then(Finish f) {
        List<Measure> m = new ArrayList<>(measures);
        m.set(m.size() - 1, m.get(m.size() - 1).finishedBy(f));
        return new Aggregation(filter, keys, m);
    }

    private Aggregation with(Kind kind, Cell value, Cell other) {
        List<Measure> m = new ArrayList<>(measures);
        m.add(new Measure(kind, value, other, null));
        return new Aggregation(filter, keys, m);
    }

    /** The result over rows held on the driver. */
    public List<Row> over(List<TableRow> rows) {
        Fold fold = new Fold(this);
        rows.forEach(fold::add);
        return fold.result();
    }

    /** The result over a Spark frame: each partition folded where it is, the folds merged here. */
    public List<Row> over(Dataset<Row> frame) {
        Aggregation spec = this;
        FlatMapFunction<Iterator<Row>, Fold> perPartition = rows -> {
            Fold fold = new Fold(spec);
            rows.forEachRemaining(r -> fold.add(TableRow.of(r)));
            return List.of(fold).iterator();
        };
        Fold all = new Fold(this);
        frame.toJavaRDD().mapPartitions(perPartition).collect().forEach(all::merge);
        return all.result();
    }

    /** The groups seen so far and their measures' state. */
    static final class Fold implements Serializable {
        private final Aggregation spec;
        private final Map<List<Object>, State[]> groups = new HashMap<>();

        Fold(Aggregation spec) {
            this.spec = spec;
        }

        void add(TableRow row) {
            if (spec.filter != null && !spec.filter.keeps(row)) {
                return;
            }
            Object[] key = new Object[spec.keys.size()];
            for (int i = 0; i < key.length; i++) {
                key[i] = spec.keys.get(i).of(row);
            }
            State[] states = groups.computeIfAbsent(Arrays.asList(key), k -> newStates());
            for (int i = 0; i < states.length; i++) {
                states[i].add(spec.measures.get(i), row);
            }
        }

        void merge(Fold other) {
            other.groups.forEach((key, theirs) -> {
                State[] ours = groups.computeIfAbsent(key, k -> newStates());
                for (int i = 0; i < ours.length; i++) {
                    ours[i].merge(spec.measures.get(i).kind(), theirs[i]);
                }
            });
        }

        private State[] newStates() {
            State[] s = new State[spec.measures.size()];
            Arrays.setAll(s, i -> new State());
            return s;
        }

        /** One row per group (keys, then measures), sorted by the keys. */
        List<Row> result() {
            List<List<Object>> sorted = new ArrayList<>(groups.keySet());
            sorted.sort(CELLS);
            List<Row> rows = new ArrayList<>(sorted.size());
            for (List<Object> key : sorted) {
                State[] states = groups.get(key);
                Object[] cells = Arrays.copyOf(key.toArray(), key.size() + states.length);
                for (int i = 0; i < key.size(); i++) {
                    if (cells[i] instanceof Labelled l) {
                        cells[i] = l.label();
                    }
                }
                for (int i = 0; i < states.length; i++) {
                    cells[key.size() + i] = states[i].result(spec.measures.get(i));
                }
                rows.add(RowFactory.create(cells));
            }
            return rows;
        }
    }

    /**
     * A measure's running state: {@code a} and {@code n} the sum and count of its (first) input, {@code b} and
     * {@code m} those of RATIO's denominator; {@code value} and {@code order} the FIRST and MAX_BY value kept;
     * {@code distinct} COUNT_DISTINCT's tuples.
     */
    private static final class State implements Serializable {
        double a;
        double b;
        long n;
        long m;
        Object value;
        Object order;
        Set<Object> distinct;

        void add(Measure measure, TableRow row) {
            switch (measure.kind()) {
                case COUNT -> n++;
                case COUNT_DISTINCT -> {
                    Object tuple = measure.value().of(row);
                    if (tuple != null) {
                        distinctSet().add(tuple);
                    }
                }
                case AVG, SUM -> addNumber(number(measure.value().of(row)));
                case MRR -> addNumber(RankedLists.reciprocalRank((Number) measure.value().of(row)));
                case MAX, MIN -> {
                    Double x = number(measure.value().of(row));
                    if (x != null && (n++ == 0 || keeps(measure.kind(), x, a))) {
                        a = x;
                    }
                }
                case FIRST -> {
                    if (n++ == 0) {
                        value = measure.value().of(row);
                    }
                }
                case RATIO -> {
                    addNumber(number(measure.value().of(row)));
                    Double d = number(measure.other().of(row));
                    if (d != null) {
                        b += d;
                        m++;
                    }
                }
                case MAX_BY -> {
                    Object o = measure.other().of(row);
                    if (o != null && (order == null || compareCell(o, order) > 0)) {
                        order = o;
                        value = measure.value().of(row);
                    }
                }
            }
        }

        private Set<Object> distinctSet() {
            if (distinct == null) {
                distinct = new HashSet<>();
            }
            return distinct;
        }

        private void addNumber(Double x) {
            if (x != null) {
                a += x;
                n++;
            }
        }

        /** Whether {@code x} replaces {@code current} as the MAX's or MIN's value (NaN is the greatest, as in SQL). */
        private static boolean keeps(Kind kind, double x, double current) {
            int c = Double.compare(x, current);
            return kind == Kind.MAX ? c > 0 : c < 0;
        }

        void merge(Kind kind, State other) {
            switch (kind) {
                case COUNT -> n += other.n;
                case COUNT_DISTINCT -> {
                    if (other.distinct != null) {
                        distinctSet().addAll(other.distinct);
                    }
                }
                case AVG, SUM, MRR, RATIO -> {
                    a += other.a;
                    n += other.n;
                    b += other.b;
                    m += other.m;
                }
                case MAX, MIN -> {
                    if (other.n > 0 && (n == 0 || keeps(kind, other.a, a))) {
                        a = other.a;
                    }
                    n += other.n;
                }
                case FIRST -> {
                    if (n == 0) {
                        value = other.value;
                    }
                    n += other.n;
                }
                case MAX_BY -> {
                    if (other.order != null && (order == null || compareCell(other.order, order) > 0)) {
                        order = other.order;
                        value = other.value;
                    }
                }
            }
        }

        Object result(Measure measure) {
            Object raw = switch (measure.kind()) {
                case COUNT -> n;
                case COUNT_DISTINCT -> distinct == null ? 0L : (long) distinct.size();
                case AVG, MRR -> n == 0 ? null : a / n;
                case SUM, MAX, MIN -> n == 0 ? null : a;
                case RATIO -> n == 0 || m == 0 || b == 0 ? null : a / b;
                case FIRST, MAX_BY -> value;
            };
            if (measure.finish() == null || raw == null) {
                return raw;
            }
            return measure.finish().apply(((Number) raw).doubleValue());
        }
    }

    private static List<Object> cellsOf(Row r) {
        Object[] cells = new Object[r.length()];
        Arrays.setAll(cells, r::get);
        return Arrays.asList(cells);
    }

    private static Double number(Object v) {
        return v == null ? null : ((Number) v).doubleValue();
    }

    private static int compareCells(List<?> x, List<?> y) {
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            int c = compareCell(x.get(i), y.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareCell(Object x, Object y) {
        if (x instanceof Labelled a && y instanceof Labelled b) {
            return compareCell(a.order(), b.order());
        }
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
        }
        if (x instanceof Number a && y instanceof Number b) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        if (x instanceof Comparable a && x.getClass() == y.getClass()) {
            return a.compareTo(y);
        }
        return x.toString().compareTo(y.toString());
    }
}
