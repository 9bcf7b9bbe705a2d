package org.neurosweep.udfs;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * SQL functions for analysts of NeuroSweep tables (vectors are {@code array<float>} columns):
 * <pre>
 *   ns_argmax(v)                    int           index of the largest element
 *   ns_topk(v, k)                   array&lt;int&gt;    indices of the k largest, largest first
 *   ns_rank(v, i)                   int           1 + #elements strictly larger than v[i]
 *   ns_cosine(a, b)                 double        cosine similarity (null for a zero vector)
 *   ns_l2(v)                        double        Euclidean norm
 *   ns_patch_strength(p, z, icl)    double        (p − z) / (icl − z), null when icl = z
 * </pre>
 * Register them once per session: {@code NeuroSweepFunctions.register(spark)}, or for every session through
 * {@code spark.sql.extensions} (docs/udfs.md).
 */
public final class NeuroSweepFunctions {
    private NeuroSweepFunctions() {
    }

    public static void register(SparkSession spark) {
        var udf = spark.udf();
        udf.register("ns_argmax", (UDF1<Seq<Number>, Integer>) v -> VectorMath.argmax(list(v)), DataTypes.IntegerType);
        udf.register("ns_topk", (UDF2<Seq<Number>, Integer, int[]>) (v, k) -> VectorMath.topK(list(v), k),
                DataTypes.createArrayType(DataTypes.IntegerType, false));
        udf.register("ns_rank", (UDF2<Seq<Number>, Integer, Integer>) (v, i) -> VectorMath.rank(list(v), i),
                DataTypes.IntegerType);
        udf.register("ns_cosine", (UDF2<Seq<Number>, Seq<Number>, Double>) (a, b) -> VectorMath.cosine(list(a), list(b)),
                DataTypes.DoubleType);
        udf.register("ns_l2", (UDF1<Seq<Number>, Double>) v -> VectorMath.l2(list(v)), DataTypes.DoubleType);
        udf.register("ns_patch_strength", (UDF3<Double, Double, Double, Double>) VectorMath::normalizedStrength,
                DataTypes.DoubleType);
    }

    private static List<Number> list(Seq<Number> v) {
        return v == null ? null : CollectionConverters.asJava(v);
    }
}
