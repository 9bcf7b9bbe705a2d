package org.neurosweep.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.neurosweep.testutil.RepoPaths;

/** Every function through SQL on the extension's session: values, nulls, empty arrays, NaN, k beyond the array. */
class NeuroSweepFunctionsTest {

    private static Row one(String sql) {
        List<Row> rows = ExtensionSession.get().sql(sql).collectAsList();
        assertEquals(1, rows.size());
        return rows.get(0);
    }

    @Test
    void theExtensionAloneInstallsEveryFunctionWithItsUsage() {
        SparkSession spark = ExtensionSession.get();
        List<String> names = spark.sql("SHOW FUNCTIONS LIKE 'ns_*'").collectAsList().stream().map(r -> r.getString(0)).toList();
        assertEquals(NeuroSweepFunctions.all().stream().map(NeuroSweepFunctions.Definition::name).sorted().toList(),
                names.stream().sorted().toList());
        String described = spark.sql("DESCRIBE FUNCTION ns_mrr").collectAsList().toString();
        assertTrue(described.contains("mean of 1/rank"), described);
        // a further session of the application has them too; register() on it replaces them with the same functions
        SparkSession other = spark.newSession();
        assertEquals(0.5, other.sql("SELECT ns_reciprocal_rank(2)").first().getDouble(0));
        NeuroSweepFunctions.register(other);
        assertEquals(0.25, other.sql("SELECT ns_reciprocal_rank(4)").first().getDouble(0));
    }

    @Test
    void argmaxTopkAndRankOnAFloatArrayColumnSkipNaN() {
        Row r = one("SELECT ns_argmax(v), ns_topk(v, 2), ns_rank(v, 0), ns_rank(v, 1), ns_topk(v, 10), ns_rank(v, 3), "
                + "ns_argmax(array(CAST('NaN' AS FLOAT))) "
                + "FROM (SELECT array(CAST(0.5 AS FLOAT), CAST(2.0 AS FLOAT), CAST(1.0 AS FLOAT), CAST('NaN' AS FLOAT)) AS v)");
        assertEquals(1, r.getInt(0));
        assertEquals(List.of(1, 2), r.getList(1));
        assertEquals(3, r.getInt(2));
        assertEquals(1, r.getInt(3));
        assertEquals(List.of(1, 2, 0), r.getList(4), "k beyond the array: every non-NaN index");
        assertTrue(r.isNullAt(5), "rank of a NaN element");
        assertTrue(r.isNullAt(6), "argmax of all NaN");
    }

    @Test
    void rankCountsOnlyStrictlyLargerElements() {
        assertEquals(1, VectorMath.rank(List.of(3f, 1f, 3f, 3f), 2));
        assertEquals(3, VectorMath.rank(List.of(3f, 1f, 3f), 1));
        var e = assertThrows(IllegalArgumentException.class, () -> VectorMath.rank(List.of(1f), 1));
        assertTrue(e.getMessage().startsWith("ns_rank: index 1 outside a vector of 1"), e.getMessage());
    }

    @Test
    void nullVectorsAndNullElementsGiveNullAndEmptyArraysTheirLimits() {
        Row r = one("SELECT ns_argmax(CAST(NULL AS ARRAY<FLOAT>)), ns_l2(array(1.0F, NULL)), ns_topk(array(1.0D, NULL), 1), "
                + "ns_argmax(CAST(array() AS ARRAY<FLOAT>)), ns_topk(CAST(array() AS ARRAY<FLOAT>), 3), "
                + "ns_l2(CAST(array() AS ARRAY<FLOAT>)), ns_cosine(array(1.0F), NULL), ns_topk(array(1.0F), NULL)");
        assertTrue(r.isNullAt(0) && r.isNullAt(1) && r.isNullAt(2));
        assertTrue(r.isNullAt(3));
        assertEquals(List.of(), r.getList(4));
        assertEquals(0.0, r.getDouble(5));
        assertTrue(r.isNullAt(6) && r.isNullAt(7));
    }

    @Test
    void cosineAndNormMatchTheirDefinitionsAndPropagateNaN() {
        Row r = one("SELECT ns_cosine(array(1.0F, 0.0F), array(1.0F, 1.0F)), ns_l2(array(3.0F, 4.0F)), "
                + "ns_cosine(array(0.0F, 0.0F), array(1.0F, 1.0F)), ns_l2(array(3, 4)), ns_l2(array(CAST('NaN' AS DOUBLE), 1D))");
        assertEquals(Math.sqrt(0.5), r.getDouble(0), 1e-12);
        assertEquals(5.0, r.getDouble(1), 1e-12);
        assertTrue(r.isNullAt(2));
        assertEquals(5.0, r.getDouble(3), 1e-12, "integer arrays too");
        assertTrue(Double.isNaN(r.getDouble(4)));
        var e = assertThrows(IllegalArgumentException.class, () -> VectorMath.cosine(List.of(1f), List.of(1f, 2f)));
        assertTrue(e.getMessage().contains("ns_cosine: arrays of length 1 and 2"), e.getMessage());
    }

    @Test
    void entropyKlAndJsOfProbabilityArrays() {
        Row r = one("SELECT ns_entropy(array(0.5D, 0.5D, 0D)), ns_kl(array(0.5D, 0.5D), array(0.25D, 0.75D)), "
                + "ns_kl(array(1D, 0D), array(0D, 1D)), ns_js(array(1D, 0D), array(0D, 1D)), ns_js(array(0.3D, 0.7D), array(0.3D, 0.7D)), "
                + "ns_entropy(CAST(array() AS ARRAY<DOUBLE>)), ns_kl(array(0.5D, NULL), array(0.5D, 0.5D)), "
                + "ns_entropy(array(CAST('NaN' AS DOUBLE), 1D))");
        assertEquals(Math.log(2), r.getDouble(0), 1e-12);
        assertEquals(0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75), r.getDouble(1), 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, r.getDouble(2));
        assertEquals(Math.log(2), r.getDouble(3), 1e-12, "disjoint supports: JS reaches ln 2");
        assertEquals(0.0, r.getDouble(4), 1e-12);
        assertTrue(r.isNullAt(5) && r.isNullAt(6));
        assertTrue(Double.isNaN(r.getDouble(7)));
        var neg = assertThrows(IllegalArgumentException.class, () -> Distributions.entropy(List.of(-0.1, 1.1)));
        assertTrue(neg.getMessage().startsWith("ns_entropy: element 0 is -0.1"), neg.getMessage());
        var len = assertThrows(IllegalArgumentException.class, () -> Distributions.js(List.of(1.0), List.of(0.5, 0.5)));
        assertTrue(len.getMessage().startsWith("ns_js: arrays of length 1 and 2"), len.getMessage());
    }

    @Test
    void reciprocalRankExposureAndTokenRank() {
        Row r = one("SELECT ns_reciprocal_rank(4), ns_reciprocal_rank(0), ns_reciprocal_rank(NULL), "
                + "ns_exposure(1, 1024), ns_exposure(CAST(256 AS BIGINT), 1024), ns_exposure(2048, 1024), "
                + "ns_token_rank(array(7, 3, 9), 9), ns_token_rank(array(7, 3, 9), CAST(3 AS BIGINT)), ns_token_rank(array(7), 8), "
                + "ns_token_rank(CAST(array() AS ARRAY<INT>), 1), ns_token_rank(array('a', 'b'), 'b')");
        assertEquals(0.25, r.getDouble(0));
        assertTrue(r.isNullAt(1) && r.isNullAt(2));
        assertEquals(10.0, r.getDouble(3), 1e-12);
        assertEquals(2.0, r.getDouble(4), 1e-12);
        assertTrue(r.isNullAt(5), "a rank beyond the space");
        assertEquals(3, r.getInt(6));
        assertEquals(2, r.getInt(7), "int and bigint compare by value");
        assertTrue(r.isNullAt(8) && r.isNullAt(9));
        assertEquals(2, r.getInt(10));
    }

    @Test
    void topkOverlapAndJaccardOfArrays() {
        Row r = one("SELECT ns_topk_overlap(array(1, 2, 3, 4), array(2, 1, 5, 6), 2), ns_topk_overlap(array(1, 2, 3, 4), array(2, 1, 5, 6), 4), "
                + "ns_topk_overlap(array(1, 2), array(1, 2), 10), ns_topk_overlap(CAST(array() AS ARRAY<INT>), array(1), 3), "
                + "ns_jaccard(array(1, 2, 3), array(2, 3, 4)), ns_jaccard(CAST(array() AS ARRAY<INT>), CAST(array() AS ARRAY<INT>)), "
                + "ns_jaccard(array(1, NULL), array(1))");
        assertEquals(1.0, r.getDouble(0));
        assertEquals(0.5, r.getDouble(1));
        assertEquals(1.0, r.getDouble(2), "k beyond both lists");
        assertTrue(r.isNullAt(3));
        assertEquals(0.5, r.getDouble(4));
        assertTrue(r.isNullAt(5) && r.isNullAt(6));
        var e = assertThrows(IllegalArgumentException.class, () -> RankedLists.topkOverlap(List.of(1), List.of(1), 0));
        assertTrue(e.getMessage().startsWith("ns_topk_overlap: k must be >= 1"), e.getMessage());
    }

    @Test
    void mrrAndHitAtKAggregatePerGroupSkippingNullRanks() {
        List<Row> rows = ExtensionSession.get().sql("SELECT g, ns_mrr(rank), ns_hit_at_k(rank, 2), ns_hit_at_k(rank, 100) FROM VALUES "
                + "('a', 1), ('a', 2), ('a', 4), ('a', NULL), ('b', NULL), ('c', 3) AS t(g, rank) GROUP BY g ORDER BY g").collectAsList();
        assertEquals((1 + 0.5 + 0.25) / 3, rows.get(0).getDouble(1), 1e-12);
        assertEquals(2.0 / 3, rows.get(0).getDouble(2), 1e-12);
        assertEquals(1.0, rows.get(0).getDouble(3));
        assertTrue(rows.get(1).isNullAt(1) && rows.get(1).isNullAt(2), "a group of null ranks");
        assertEquals(1.0 / 3, rows.get(2).getDouble(1), 1e-12);
        assertEquals(0.0, rows.get(2).getDouble(2));
    }

    @Test
    void pearsonAndSpearmanAggregatesSkipNullAndNaNPairs() {
        // y = x^3 is monotone: Spearman 1, Pearson below 1; the NaN and null pairs would break both if counted
        List<Row> rows = ExtensionSession.get().sql("SELECT g, ns_pearson(x, y), ns_spearman(x, y) FROM VALUES "
                + "('a', 1D, 1D), ('a', 2D, 8D), ('a', 3D, 27D), ('a', 4D, 64D), ('a', CAST('NaN' AS DOUBLE), 5D), ('a', NULL, 3D), "
                + "('b', 1D, 2D), ('c', 1D, 1D), ('c', 2D, 1D) AS t(g, x, y) GROUP BY g ORDER BY g").collectAsList();
        // numpy.corrcoef([1, 2, 3, 4], [1, 8, 27, 64])[0, 1]
        assertEquals(0.9513698557924043, rows.get(0).getDouble(1), 1e-12);
        assertEquals(1.0, rows.get(0).getDouble(2), 1e-12);
        assertTrue(rows.get(1).isNullAt(1) && rows.get(1).isNullAt(2), "one pair");
        assertTrue(rows.get(2).isNullAt(1) && rows.get(2).isNullAt(2), "constant y");
        Row ties = one("SELECT ns_spearman(x, y) FROM VALUES (1, 1), (2, 2), (3, 2), (4, 3) AS t(x, y)");
        // pandas.Series([1, 2, 3, 4]).corr(pandas.Series([1, 2, 2, 3]), method="spearman")
        assertEquals(0.9486832980505138, ties.getDouble(0), 1e-12);
    }

    @Test
    void decodeUsesTheNamedModelsTokenizer() {
        SparkSession spark = ExtensionSession.get();
        String dense = RepoPaths.world("dense").toString();
        // ids 36 and 34 are "C" and "A" in data/demo/world/dense/tokenizer.json; 0 is its end-of-text token
        Row r = spark.sql("SELECT ns_decode('" + dense + "', array(36, 34)), ns_decode('" + dense + "', 0), "
                + "ns_decode('" + dense + "', CAST(NULL AS ARRAY<INT>))").first();
        assertEquals("CA", r.getString(0));
        assertEquals("<|endoftext|>", r.getString(1));
        assertTrue(r.isNullAt(2));
        var e = assertThrows(Exception.class, () -> spark.sql("SELECT ns_decode('no_such_model', 1)").collect());
        assertTrue(e.getMessage().contains("ns_decode: no tokenizer for 'no_such_model': set spark.neurosweep.tokenizer.no_such_model"),
                e.getMessage());
    }

    @Test
    void patchStrengthIsNullWhenIclDoesNotBeatZeroShot() {
        Row r = one("SELECT ns_patch_strength(0.6D, 0.2D, 1.0D), ns_patch_strength(0.6D, 0.5D, 0.5D)");
        assertEquals(0.5, r.getDouble(0), 1e-12);
        assertTrue(r.isNullAt(1));
        assertNull(VectorMath.normalizedStrength(0.1, 0.3, 0.3));
        assertNull(VectorMath.values(Arrays.asList(1f, null)));
    }
}
