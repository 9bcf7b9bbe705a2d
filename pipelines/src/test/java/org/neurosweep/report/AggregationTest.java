package org.neurosweep.report;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.neurosweep.job.TableRow;
import org.neurosweep.testjobs.TestSpark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;
import static org.neurosweep.report.Aggregation.labelled;

/** The figures' aggregations: SQL's semantics of each aggregate (nulls, NaN, empty groups), ordering, merging, Spark. */
class AggregationTest {

    private static TableRow row(Object... namesAndValues) {
        Map<String, Object> cells = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            cells.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return new TableRow(cells);
    }

    private static List<Object> cells(Row r) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < r.length(); i++) {
            out.add(r.get(i));
        }
        return out;
    }

    @Test
    void measuresSkipNullsAsSqlAggregatesDoAndAreNullWithoutInput() {
        List<TableRow> rows = List.of(row("g", "a", "x", 1.0, "y", null), row("g", "a", "x", null, "y", null),
                row("g", "a", "x", 3.0, "y", null));
        Row r = groupBy(col("g")).avg("x").sum("x").count().max("x").min("x").avg("y").sum("y").max("y").over(rows).get(0);
        assertEquals(Arrays.asList("a", 2.0, 4.0, 3L, 3.0, 1.0, null, null, null), cells(r));
    }

    @Test
    void nanPropagatesThroughMeansAndSumsAndIsTheGreatestValue() {
        List<TableRow> rows = List.of(row("x", 1.0), row("x", Double.NaN), row("x", 5.0));
        Row r = groupBy().avg("x").sum("x").max("x").min("x").over(rows).get(0);
        assertTrue(Double.isNaN(r.getDouble(0)) && Double.isNaN(r.getDouble(1)), cells(r).toString());
        assertTrue(Double.isNaN(r.getDouble(2)), "max: NaN sorts above every number, as in Spark");
        assertEquals(1.0, r.getDouble(3));
    }

    @Test
    void ratioMrrMaxByFirstAndThenFollowTheirSqlDefinitions() {
        List<TableRow> rows = List.of(
                row("n", 1, "d", 4, "rank", 1, "v", "first", "t", 10L),
                row("n", 2, "d", null, "rank", 4, "v", "latest", "t", 30L),
                row("n", null, "d", 2, "rank", null, "v", "middle", "t", 20L),
                row("n", 3, "d", 0, "rank", 0, "v", "no time", "t", null),
                row("n", 0, "d", 0, "rank", Double.NaN, "v", "x", "t", 5L));
        Row r = groupBy().ratio(col("n"), col("d")).mrr("rank").maxBy(col("v"), col("t")).first("v")
                .sum("n").then(Math::exp).over(rows).get(0);
        assertEquals(6.0 / 6.0, r.getDouble(0), "sum(n) / sum(d) over the non-null cells of each");
        assertEquals((1 + 0.25) / 2, r.getDouble(1), 1e-15, "ranks 1 and 4; null, 0 and NaN are not ranks");
        assertEquals("latest", r.get(2), "the value at the greatest non-null order");
        assertEquals("first", r.get(3));
        assertEquals(Math.exp(6), r.getDouble(4), 1e-12);
        assertNull(groupBy().ratio(col("n"), col("d")).over(List.of(row("n", 1, "d", 0))).get(0).get(0),
                "a denominator summing to 0 gives null, as SQL's division");
    }

    @Test
    void countDistinctCountsTuplesWithoutANullAndMergesAcrossParts() {
        List<TableRow> rows = List.of(row("a", 1, "b", "x"), row("a", 1, "b", "x"), row("a", 1, "b", "y"),
                row("a", 2, "b", null), row("a", null, "b", "x"), row("a", 2, "b", "x"));
        Aggregation agg = groupBy().countDistinct(col("a"), col("b")).countDistinct(col("a"))
                .countDistinct(r -> "x".equals(r.get("b")) ? r.get("a") : null);
        assertEquals(List.of(3L, 2L, 2L), cells(agg.over(rows).get(0)), "(1,x), (1,y), (2,x); 1, 2; a where b = x: 1, 2");
        Aggregation.Fold merged = new Aggregation.Fold(agg);
        for (int i = 0; i < rows.size(); i += 2) {
            Aggregation.Fold part = new Aggregation.Fold(agg);
            rows.subList(i, i + 2).forEach(part::add);
            merged.merge(part);
        }
        assertEquals(List.of(3L, 2L, 2L), cells(merged.result().get(0)));
        assertEquals(List.of(0L), cells(groupBy().countDistinct(col("a")).over(List.of(row("a", null))).get(0)));
    }

    @Test
    void groupsComeSortedByTheirKeysNullsFirstNumbersByValueLabelsByTheirOrder() {
        List<TableRow> rows = new ArrayList<>();
        for (int layer : new int[] {10, 2, 9}) {
            rows.add(row("m", "b", "layer", layer, "x", 1.0));
            rows.add(row("m", null, "layer", layer, "x", 2.0));
        }
        List<Row> out = groupBy(col("m"), labelled(col("layer"), r -> "layer " + r.get("layer"))).avg("x").over(rows);
        assertEquals(List.of(Arrays.asList(null, "layer 2", 2.0), Arrays.asList(null, "layer 9", 2.0),
                Arrays.asList(null, "layer 10", 2.0), List.of("b", "layer 2", 1.0), List.of("b", "layer 9", 1.0),
                List.of("b", "layer 10", 1.0)), out.stream().map(AggregationTest::cells).toList());
    }

    @Test
    void filtersComposeAndAGroupWithoutRowsIsAbsent() {
        List<TableRow> rows = List.of(row("g", "a", "x", 1), row("g", "b", "x", 2), row("g", "c", "x", 3));
        Aggregation agg = groupBy(col("g")).where(r -> (Integer) r.get("x") > 1).where(r -> !"c".equals(r.get("g"))).count();
        assertEquals(List.of(List.of("b", 1L)), agg.over(rows).stream().map(AggregationTest::cells).toList());
    }

    /** Every kind of measure, so that merging is checked for each. */
    private static final Aggregation ALL_KINDS = groupBy(col("g")).avg("x").sum("x").count().max("x").min("x").first("s")
            .ratio(col("x"), col("w")).mrr("x").maxBy(col("s"), col("w"));

    private static List<TableRow> mixedRows() {
        List<TableRow> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(row("g", "g" + i % 3, "x", i % 7 == 0 ? null : (double) (i % 11), "w", (long) (i * 37 % 23),
                    "s", "s" + i));
        }
        return rows;
    }

    /** Equal cells, doubles up to the rounding of a sum taken in another order. */
    private static void assertSameUpToSummationOrder(List<Row> expected, List<Row> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            List<Object> e = cells(expected.get(i));
            List<Object> a = cells(actual.get(i));
            assertEquals(e.size(), a.size());
            for (int j = 0; j < e.size(); j++) {
                if (e.get(j) instanceof Double d) {
                    assertEquals(d, (Double) a.get(j), 1e-12 * Math.abs(d), "row " + i + " cell " + j);
                } else {
                    assertEquals(e.get(j), a.get(j), "row " + i + " cell " + j);
                }
            }
        }
    }

    @Test
    void foldsOfPartsMergeToTheFoldOfTheWhole() {
        List<TableRow> rows = mixedRows();
        Aggregation.Fold merged = new Aggregation.Fold(ALL_KINDS);
        for (int from = 0; from < rows.size(); from += 13) {
            Aggregation.Fold part = new Aggregation.Fold(ALL_KINDS);
            rows.subList(from, Math.min(rows.size(), from + 13)).forEach(part::add);
            merged.merge(part);
        }
        merged.merge(new Aggregation.Fold(ALL_KINDS)); // an empty partition changes nothing
        assertSameUpToSummationOrder(ALL_KINDS.over(rows), merged.result());
    }

    @Test
    void overASparkFrameGivesWhatOverTheDriverRowsGives() {
        SparkSession spark = TestSpark.session();
        Dataset<Row> frame = spark.sql("""
                SELECT concat('g', id % 3) AS g, CASE WHEN id % 7 = 0 THEN NULL ELSE CAST(id % 11 AS DOUBLE) END AS x,
                       CAST(id * 37 % 23 AS BIGINT) AS w, concat('s', id) AS s FROM range(0, 40, 1, 3)""");
        // the same rows as mixedRows(), computed here by SQL and there by Java
        assertSameUpToSummationOrder(ALL_KINDS.over(mixedRows()), ALL_KINDS.over(frame));
        Row avg = groupBy().avg("x").over(frame).get(0);
        assertEquals(spark.sql("SELECT avg(CASE WHEN id % 7 = 0 THEN NULL ELSE CAST(id % 11 AS DOUBLE) END) FROM range(40)")
                .first().getDouble(0), avg.getDouble(0), 1e-12, "Spark's own avg");
    }
}
