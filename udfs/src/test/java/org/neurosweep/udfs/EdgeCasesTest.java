package org.neurosweep.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.neurosweep.testutil.RepoPaths;

/**
 * The edge cases of every function, as one table: a null argument or element, an empty array, NaN, and k beyond the
 * array. The table must name every function of the catalogue under "null", every function taking an array under
 * "empty" and "NaN" (token ids, being integers, have no NaN), and every function taking k under "k beyond", so a new
 * function cannot be added without its edge cases.
 */
class EdgeCasesTest {

    private static final String NULL = "null";
    private static final String NAN = "NaN";

    /** One call: its edge, the SQL expression (or a whole query for aggregates), and what it must give. */
    private record Case(String function, String edge, String sql, Object expected) {
    }

    private static final String D = "CAST(NULL AS ARRAY<DOUBLE>)";
    private static final String I = "CAST(NULL AS ARRAY<INT>)";
    private static final String ED = "CAST(array() AS ARRAY<DOUBLE>)";
    private static final String EI = "CAST(array() AS ARRAY<INT>)";
    private static final String N = "CAST('NaN' AS DOUBLE)";

    private static List<Case> cases() {
        String dense = RepoPaths.world("dense").toString();
        List<Case> c = new ArrayList<>();
        // null arguments and null elements give null
        c.add(new Case("ns_argmax", NULL, "ns_argmax(" + D + ")", null));
        c.add(new Case("ns_argmax", NULL, "ns_argmax(array(1D, NULL))", null));
        c.add(new Case("ns_topk", NULL, "ns_topk(" + D + ", 2)", null));
        c.add(new Case("ns_topk", NULL, "ns_topk(array(1D), CAST(NULL AS INT))", null));
        c.add(new Case("ns_rank", NULL, "ns_rank(" + D + ", 0)", null));
        c.add(new Case("ns_rank", NULL, "ns_rank(array(1D), CAST(NULL AS INT))", null));
        c.add(new Case("ns_rank", NULL, "ns_rank(array(1D, NULL), 0)", null));
        c.add(new Case("ns_token_rank", NULL, "ns_token_rank(" + I + ", 1)", null));
        c.add(new Case("ns_token_rank", NULL, "ns_token_rank(array(1, 2), CAST(NULL AS INT))", null));
        c.add(new Case("ns_token_rank", NULL, "ns_token_rank(array(1, NULL), 1)", null));
        c.add(new Case("ns_reciprocal_rank", NULL, "ns_reciprocal_rank(CAST(NULL AS INT))", null));
        c.add(new Case("ns_exposure", NULL, "ns_exposure(CAST(NULL AS INT), 1024)", null));
        c.add(new Case("ns_exposure", NULL, "ns_exposure(1, CAST(NULL AS INT))", null));
        c.add(new Case("ns_topk_overlap", NULL, "ns_topk_overlap(" + I + ", array(1), 1)", null));
        c.add(new Case("ns_topk_overlap", NULL, "ns_topk_overlap(array(1), array(1), CAST(NULL AS INT))", null));
        c.add(new Case("ns_jaccard", NULL, "ns_jaccard(array(1), " + I + ")", null));
        c.add(new Case("ns_cosine", NULL, "ns_cosine(" + D + ", array(1D))", null));
        c.add(new Case("ns_cosine", NULL, "ns_cosine(array(1D, NULL), array(1D, 1D))", null));
        c.add(new Case("ns_l2", NULL, "ns_l2(" + D + ")", null));
        c.add(new Case("ns_entropy", NULL, "ns_entropy(" + D + ")", null));
        c.add(new Case("ns_entropy", NULL, "ns_entropy(array(0.5D, NULL))", null));
        c.add(new Case("ns_kl", NULL, "ns_kl(array(1D), " + D + ")", null));
        c.add(new Case("ns_js", NULL, "ns_js(" + D + ", array(1D))", null));
        c.add(new Case("ns_js", NULL, "ns_js(array(0.5D, NULL), array(0.5D, 0.5D))", null));
        c.add(new Case("ns_decode", NULL, "ns_decode(CAST(NULL AS STRING), 1)", null));
        c.add(new Case("ns_decode", NULL, "ns_decode('" + dense + "', array(36, NULL))", null));
        c.add(new Case("ns_patch_strength", NULL, "ns_patch_strength(CAST(NULL AS DOUBLE), 0.2D, 1D)", null));
        c.add(new Case("ns_patch_strength", NULL, "ns_patch_strength(0.6D, 0.2D, CAST(NULL AS DOUBLE))", null));
        c.add(new Case("ns_mrr", NULL, "SELECT ns_mrr(r) FROM VALUES (CAST(NULL AS INT)), (NULL) AS t(r)", null));
        c.add(new Case("ns_hit_at_k", NULL, "SELECT ns_hit_at_k(r, 1) FROM VALUES (CAST(NULL AS INT)) AS t(r)", null));
        c.add(new Case("ns_hit_at_k", NULL, "SELECT ns_hit_at_k(r, CAST(NULL AS INT)) FROM VALUES (1) AS t(r)", null));
        c.add(new Case("ns_pearson", NULL, "SELECT ns_pearson(x, y) FROM VALUES (1D, NULL), (2D, NULL), (NULL, 3D) AS t(x, y)", null));
        c.add(new Case("ns_spearman", NULL, "SELECT ns_spearman(x, y) FROM VALUES (1D, NULL), (2D, NULL), (NULL, 3D) AS t(x, y)", null));
        // empty arrays, and aggregates over no row
        c.add(new Case("ns_argmax", "empty", "ns_argmax(" + ED + ")", null));
        c.add(new Case("ns_topk", "empty", "ns_topk(" + ED + ", 3)", List.of()));
        c.add(new Case("ns_rank", "empty", "ns_rank(" + ED + ", 0)", new Error("ns_rank: index 0 outside a vector of 0")));
        c.add(new Case("ns_token_rank", "empty", "ns_token_rank(" + EI + ", 1)", null));
        c.add(new Case("ns_topk_overlap", "empty", "ns_topk_overlap(" + EI + ", " + EI + ", 2)", null));
        c.add(new Case("ns_jaccard", "empty", "ns_jaccard(" + EI + ", " + EI + ")", null));
        c.add(new Case("ns_jaccard", "empty", "ns_jaccard(" + EI + ", array(1))", 0.0));
        c.add(new Case("ns_cosine", "empty", "ns_cosine(" + ED + ", " + ED + ")", null));
        c.add(new Case("ns_l2", "empty", "ns_l2(" + ED + ")", 0.0));
        c.add(new Case("ns_entropy", "empty", "ns_entropy(" + ED + ")", null));
        c.add(new Case("ns_kl", "empty", "ns_kl(" + ED + ", " + ED + ")", null));
        c.add(new Case("ns_js", "empty", "ns_js(" + ED + ", " + ED + ")", null));
        c.add(new Case("ns_decode", "empty", "ns_decode('" + dense + "', " + EI + ")", ""));
        c.add(new Case("ns_mrr", "empty", "SELECT ns_mrr(r) FROM VALUES (1) AS t(r) WHERE r > 1", null));
        c.add(new Case("ns_hit_at_k", "empty", "SELECT ns_hit_at_k(r, 1) FROM VALUES (1) AS t(r) WHERE r > 1", null));
        c.add(new Case("ns_pearson", "empty", "SELECT ns_pearson(x, y) FROM VALUES (1D, 1D) AS t(x, y) WHERE x > 1", null));
        c.add(new Case("ns_spearman", "empty", "SELECT ns_spearman(x, y) FROM VALUES (1D, 1D) AS t(x, y) WHERE x > 1", null));
        // NaN: skipped by orderings and aggregates, propagated into sums, not a rank; equal to itself as in Spark SQL
        c.add(new Case("ns_argmax", NAN, "ns_argmax(array(" + N + ", 1D))", 1));
        c.add(new Case("ns_topk", NAN, "ns_topk(array(" + N + ", 1D, 2D), 2)", List.of(2, 1)));
        c.add(new Case("ns_rank", NAN, "ns_rank(array(1D, " + N + ", 2D), 0)", 2));
        c.add(new Case("ns_rank", NAN, "ns_rank(array(1D, " + N + "), 1)", null));
        c.add(new Case("ns_token_rank", NAN, "ns_token_rank(array(1D, " + N + "), " + N + ")", 2));
        c.add(new Case("ns_reciprocal_rank", NAN, "ns_reciprocal_rank(" + N + ")", null));
        c.add(new Case("ns_exposure", NAN, "ns_exposure(" + N + ", 1024)", null));
        c.add(new Case("ns_exposure", NAN, "ns_exposure(1, " + N + ")", null));
        c.add(new Case("ns_topk_overlap", NAN, "ns_topk_overlap(array(" + N + ", 1D), array(" + N + ", 2D), 1)", 1.0));
        c.add(new Case("ns_jaccard", NAN, "ns_jaccard(array(" + N + ", 1D), array(" + N + "))", 0.5));
        c.add(new Case("ns_cosine", NAN, "ns_cosine(array(" + N + ", 1D), array(1D, 1D))", Double.NaN));
        c.add(new Case("ns_l2", NAN, "ns_l2(array(" + N + ", 1D))", Double.NaN));
        c.add(new Case("ns_entropy", NAN, "ns_entropy(array(" + N + ", 0.5D))", Double.NaN));
        c.add(new Case("ns_kl", NAN, "ns_kl(array(" + N + ", 0.5D), array(0.5D, 0.5D))", Double.NaN));
        c.add(new Case("ns_js", NAN, "ns_js(array(0.5D, 0.5D), array(" + N + ", 0.5D))", Double.NaN));
        c.add(new Case("ns_patch_strength", NAN, "ns_patch_strength(" + N + ", 0.2D, 1D)", Double.NaN));
        c.add(new Case("ns_mrr", NAN, "SELECT ns_mrr(r) FROM VALUES (1D), (" + N + "), (4D) AS t(r)", (1 + 0.25) / 2));
        c.add(new Case("ns_hit_at_k", NAN, "SELECT ns_hit_at_k(r, 1) FROM VALUES (1D), (" + N + "), (4D) AS t(r)", 0.5));
        c.add(new Case("ns_hit_at_k", NAN, "SELECT ns_hit_at_k(r, k) FROM VALUES (1D, " + N + "), (3D, 2D) AS t(r, k)", 0.0));
        c.add(new Case("ns_pearson", NAN, "SELECT ns_pearson(x, y) FROM VALUES (1D, 2D), (2D, 4D), (" + N + ", 0D), (3D, 6D) AS t(x, y)", 1.0));
        c.add(new Case("ns_spearman", NAN, "SELECT ns_spearman(x, y) FROM VALUES (1D, 3D), (2D, " + N + "), (3D, 1D), (4D, 0D) AS t(x, y)", -1.0));
        // k beyond the array (or every rank)
        c.add(new Case("ns_topk", "k beyond", "ns_topk(array(1D, 3D), 5)", List.of(1, 0)));
        c.add(new Case("ns_topk_overlap", "k beyond", "ns_topk_overlap(array(1, 2), array(2, 3, 4), 10)", 0.5));
        c.add(new Case("ns_hit_at_k", "k beyond", "SELECT ns_hit_at_k(r, 100) FROM VALUES (3), (50) AS t(r)", 1.0));
        c.add(new Case("ns_rank", "k beyond", "ns_rank(array(1D, 2D), 2)", new Error("ns_rank: index 2 outside a vector of 2")));
        return c;
    }

    /** Functions taking an array (token ids: no NaN) and those taking a k or index. */
    private static final Set<String> ARRAY_ARGUMENT = Set.of("ns_argmax", "ns_topk", "ns_rank", "ns_token_rank", "ns_topk_overlap",
            "ns_jaccard", "ns_cosine", "ns_l2", "ns_entropy", "ns_kl", "ns_js", "ns_decode");
    private static final Set<String> NO_NAN = Set.of("ns_decode");
    private static final Set<String> K_ARGUMENT = Set.of("ns_topk", "ns_topk_overlap", "ns_hit_at_k", "ns_rank");

    @Test
    void theTableCoversEveryFunction() {
        List<Case> cases = cases();
        for (NeuroSweepFunctions.Definition d : NeuroSweepFunctions.all()) {
            Set<String> edges = new TreeSet<>(cases.stream().filter(c -> c.function().equals(d.name())).map(Case::edge).toList());
            assertTrue(edges.contains(NULL), d.name() + " has no null case");
            assertTrue(!ARRAY_ARGUMENT.contains(d.name()) || edges.contains("empty"), d.name() + " has no empty-array case");
            assertTrue(NO_NAN.contains(d.name()) || edges.contains(NAN), d.name() + " has no NaN case");
            assertTrue(!K_ARGUMENT.contains(d.name()) || edges.contains("k beyond"), d.name() + " has no k-beyond case");
        }
        Set<String> aggregates = Set.of("ns_mrr", "ns_hit_at_k", "ns_pearson", "ns_spearman");
        assertTrue(cases.stream().filter(c -> aggregates.contains(c.function())).allMatch(c -> c.edge().equals(NULL) || c.edge().equals(NAN)
                || c.sql().startsWith("SELECT")), "aggregates are whole queries");
    }

    @Test
    void everyCaseGivesWhatTheConventionsSay() {
        List<String> wrong = new ArrayList<>();
        for (Case c : cases()) {
            String sql = c.sql().startsWith("SELECT") ? c.sql() : "SELECT " + c.sql();
            if (c.expected() instanceof Error error) {
                Exception e = assertThrows(Exception.class, () -> ExtensionSession.get().sql(sql).collect(), sql);
                if (!String.valueOf(e.getMessage()).contains(error.getMessage())) {
                    wrong.add(c + ": " + e.getMessage());
                }
                continue;
            }
            Row r = ExtensionSession.get().sql(sql).first();
            Object got = r.isNullAt(0) ? null : r.get(0);
            if (got instanceof scala.collection.Seq<?> || got instanceof java.util.List<?>) {
                got = r.getList(0);
            }
            if (!matches(c.expected(), got)) {
                wrong.add(c + " gave " + got);
            }
        }
        if (!wrong.isEmpty()) {
            fail(String.join("\n", wrong));
        }
    }

    private static boolean matches(Object expected, Object got) {
        if (expected == null || got == null) {
            return expected == got;
        }
        if (expected instanceof Double e && got instanceof Double g) {
            return e.isNaN() ? g.isNaN() : Math.abs(e - g) < 1e-12;
        }
        return expected.equals(got);
    }

    @Test
    void scalarRanksAndTheirAggregatesAgreeOnWhatIsNotARank() {
        // reciprocal rank is null exactly where MRR skips a row: null, NaN, below 1
        for (String rank : List.of("CAST(NULL AS DOUBLE)", N, "0.5D")) {
            Row r = ExtensionSession.get().sql("SELECT ns_reciprocal_rank(" + rank + "), (SELECT ns_mrr(x) FROM VALUES (" + rank
                    + "), (2D) AS t(x))").first();
            assertTrue(r.isNullAt(0), rank);
            assertEquals(0.5, r.getDouble(1), 1e-12, rank);
        }
    }
}
