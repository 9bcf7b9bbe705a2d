package org.neurosweep.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NeuroSweepFunctionsTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[1]").appName("udfs-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1").getOrCreate();
        NeuroSweepFunctions.register(spark);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Row one(String sql) {
        List<Row> rows = spark.sql(sql).collectAsList();
        assertEquals(1, rows.size());
        return rows.get(0);
    }

    @Test
    void argmaxTopkAndRankAgreeOnAFloatArrayColumn() {
        Row r = one("SELECT ns_argmax(v), ns_topk(v, 2), ns_rank(v, 0), ns_rank(v, 1) "
                + "FROM (SELECT array(CAST(0.5 AS FLOAT), CAST(2.0 AS FLOAT), CAST(1.0 AS FLOAT)) AS v)");
        assertEquals(1, r.getInt(0));
        assertEquals(List.of(1, 2), r.getList(1));
        assertEquals(3, r.getInt(2));
        assertEquals(1, r.getInt(3));
    }

    @Test
    void rankCountsOnlyStrictlyLargerElements() {
        // ties share the better rank: 1 + #strictly larger
        assertEquals(1, VectorMath.rank(List.of(3f, 1f, 3f, 3f), 2));
        assertEquals(1, VectorMath.rank(List.of(3f, 1f, 3f), 0));
        assertEquals(3, VectorMath.rank(List.of(3f, 1f, 3f), 1));
    }

    @Test
    void cosineAndNormMatchTheirDefinitions() {
        Row r = one("SELECT ns_cosine(array(1.0F, 0.0F), array(1.0F, 1.0F)), ns_l2(array(3.0F, 4.0F)), "
                + "ns_cosine(array(0.0F, 0.0F), array(1.0F, 1.0F))");
        assertEquals(Math.sqrt(0.5), r.getDouble(0), 1e-12);
        assertEquals(5.0, r.getDouble(1), 1e-12);
        assertTrue(r.isNullAt(2));
    }

    @Test
    void patchStrengthIsNullWhenIclDoesNotBeatZeroShot() {
        Row r = one("SELECT ns_patch_strength(0.6D, 0.2D, 1.0D), ns_patch_strength(0.6D, 0.5D, 0.5D)");
        assertEquals(0.5, r.getDouble(0), 1e-12);
        assertTrue(r.isNullAt(1));
        assertNull(VectorMath.normalizedStrength(0.1, 0.3, 0.3));
    }

    @Test
    void nullVectorGivesNullAndANullElementIsNamed() {
        assertNull(VectorMath.argmax(null));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> VectorMath.l2(java.util.Arrays.asList(1f, null)));
        assertTrue(e.getMessage().contains("ns_l2") && e.getMessage().contains("element 1"), e.getMessage());
    }
}
