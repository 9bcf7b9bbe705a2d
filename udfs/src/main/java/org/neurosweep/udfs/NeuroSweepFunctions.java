package org.neurosweep.udfs;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The SQL functions for analysts of NeuroSweep tables, in one catalogue that both ways of installing them read:
 * {@link NeuroSweepExtensions} ({@code spark.sql.extensions}, for spark-sql, spark-shell, PySpark, notebooks and the
 * engine's sessions) and {@link #register} (an existing session). docs/udfs.md gives each signature with an example.
 *
 * <p>Arrays are SQL arrays of any numeric type; numbers of any numeric type. A null argument, or an array with a null
 * element, gives null (SQL's unknown); NaN elements propagate into sums and are skipped by orderings and correlations.
 */
public final class NeuroSweepFunctions {

    /** One function: its SQL name, the usage line {@code DESCRIBE FUNCTION} shows, and its implementation. */
    public record Definition(String name, String usage, UserDefinedFunction function) {
    }

    private static final List<Definition> ALL = List.of(
            def("ns_argmax", "ns_argmax(v) - index (0-based) of the largest non-NaN element of v",
                    (UDF1<Seq<?>, Integer>) v -> VectorMath.argmax(list(v)), IntegerType),
            def("ns_topk", "ns_topk(v, k) - indices of the k largest non-NaN elements of v, largest first",
                    (UDF2<Seq<?>, Number, int[]>) (v, k) -> k == null ? null : VectorMath.topK(list(v), k.intValue()),
                    createArrayType(IntegerType, false)),
            def("ns_rank", "ns_rank(v, i) - 1 + the number of elements of v strictly larger than v[i] (i 0-based)",
                    (UDF2<Seq<?>, Number, Integer>) (v, i) -> i == null ? null : VectorMath.rank(list(v), i.intValue()),
                    IntegerType),
            def("ns_token_rank", "ns_token_rank(list, x) - 1-based position of x in the ranked list; null when absent",
                    (UDF2<Seq<?>, Object, Integer>) (l, x) -> RankedLists.position(list(l), x), IntegerType),
            def("ns_reciprocal_rank", "ns_reciprocal_rank(rank) - 1/rank; null for a rank below 1",
                    (UDF1<Number, Double>) RankedLists::reciprocalRank, DoubleType),
            def("ns_exposure", "ns_exposure(rank, space) - log2(space) - log2(rank), the exposure of a secret in bits",
                    (UDF2<Number, Number, Double>) RankedLists::exposure, DoubleType),
            def("ns_topk_overlap", "ns_topk_overlap(a, b, k) - |first k of a ∩ first k of b| / k, k cut to the shorter list",
                    (UDF3<Seq<?>, Seq<?>, Number, Double>) (a, b, k) -> k == null ? null
                            : RankedLists.topkOverlap(list(a), list(b), k.intValue()), DoubleType),
            def("ns_jaccard", "ns_jaccard(a, b) - |A ∩ B| / |A ∪ B| of the arrays as sets",
                    (UDF2<Seq<?>, Seq<?>, Double>) (a, b) -> RankedLists.jaccard(list(a), list(b)), DoubleType),
            def("ns_cosine", "ns_cosine(a, b) - cosine similarity; null for a zero vector",
                    (UDF2<Seq<?>, Seq<?>, Double>) (a, b) -> VectorMath.cosine(list(a), list(b)), DoubleType),
            def("ns_l2", "ns_l2(v) - Euclidean norm",
                    (UDF1<Seq<?>, Double>) v -> VectorMath.l2(list(v)), DoubleType),
            def("ns_entropy", "ns_entropy(p) - Shannon entropy of a probability array, nats",
                    (UDF1<Seq<?>, Double>) p -> Distributions.entropy(list(p)), DoubleType),
            def("ns_kl", "ns_kl(p, q) - Kullback-Leibler divergence KL(p || q), nats",
                    (UDF2<Seq<?>, Seq<?>, Double>) (p, q) -> Distributions.kl(list(p), list(q)), DoubleType),
            def("ns_js", "ns_js(p, q) - Jensen-Shannon divergence, nats (at most ln 2)",
                    (UDF2<Seq<?>, Seq<?>, Double>) (p, q) -> Distributions.js(list(p), list(q)), DoubleType),
            def("ns_decode", "ns_decode(model, ids) - text of a token id or array of ids with the model's tokenizer",
                    (UDF2<String, Object, String>) (m, ids) -> TokenDecoder.decode(m, ids instanceof Seq<?> s ? list(s) : ids),
                    StringType),
            def("ns_patch_strength", "ns_patch_strength(acc_patched, acc_zero, acc_icl) - (p - z) / (icl - z); null when icl = z",
                    (UDF3<Double, Double, Double, Double>) VectorMath::normalizedStrength, DoubleType),
            named("ns_mrr", "ns_mrr(rank) - aggregate: mean of 1/rank over ranks >= 1",
                    functions.udaf(new RankAggregates.MeanReciprocalRank(), Encoders.DOUBLE())),
            named("ns_hit_at_k", "ns_hit_at_k(rank, k) - aggregate: fraction of ranks (>= 1) that are <= k",
                    functions.udaf(new RankAggregates.HitAtK(), Encoders.tuple(Encoders.DOUBLE(), Encoders.DOUBLE()))),
            named("ns_pearson", "ns_pearson(x, y) - aggregate: Pearson correlation, null/NaN pairs skipped",
                    functions.udaf(Correlation.pearson(), Encoders.tuple(Encoders.DOUBLE(), Encoders.DOUBLE()))),
            named("ns_spearman", "ns_spearman(x, y) - aggregate: Spearman rank correlation, null/NaN pairs skipped",
                    functions.udaf(Correlation.spearman(), Encoders.tuple(Encoders.DOUBLE(), Encoders.DOUBLE()))));

    private NeuroSweepFunctions() {
    }

    /** Every function, in the order of docs/udfs.md. */
    public static List<Definition> all() {
        return ALL;
    }

    /** Registers every function in {@code spark} (temporary functions; registering again replaces them). */
    public static void register(SparkSession spark) {
        ALL.forEach(d -> spark.udf().register(d.name(), d.function()));
    }

    private static Definition def(String name, String usage, UDF1<?, ?> f, DataType type) {
        return named(name, usage, functions.udf(f, type));
    }

    private static Definition def(String name, String usage, UDF2<?, ?, ?> f, DataType type) {
        return named(name, usage, functions.udf(f, type));
    }

    private static Definition def(String name, String usage, UDF3<?, ?, ?, ?> f, DataType type) {
        return named(name, usage, functions.udf(f, type));
    }

    private static Definition named(String name, String usage, UserDefinedFunction f) {
        return new Definition(name, usage, f.withName(name));
    }

    private static List<?> list(Seq<?> v) {
        return v == null ? null : CollectionConverters.asJava(v);
    }
}
