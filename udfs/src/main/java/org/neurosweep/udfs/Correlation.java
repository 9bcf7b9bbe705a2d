package org.neurosweep.udfs;

import java.io.Serializable;
import java.util.Arrays;
import java.util.function.ToDoubleBiFunction;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;
import org.neurosweep.methods.evaluation.CurveStatistics;
import scala.Tuple2;

/**
 * {@code ns_pearson(x, y)} and {@code ns_spearman(x, y)} as aggregates: the correlation of the group's (x, y) pairs,
 * computed by core's {@link CurveStatistics} (Spearman: Pearson of average ranks, ties sharing their mean rank). Pairs
 * with a null or NaN member are skipped; null with fewer than two pairs or a constant x or y. The buffer holds the
 * group's pairs (16 bytes each): meant for the per-checkpoint and per-layer groups of these tables, not for groups of
 * millions of rows (Spark's {@code corr} streams, but is neither NaN-aware nor rank-based). Public only because Spark
 * encodes the buffer class, which must be public.
 */
public final class Correlation extends Aggregator<Tuple2<Double, Double>, Correlation.Pairs, Double> {

    private final ToDoubleBiFunction<double[], double[]> statistic;

    private Correlation(ToDoubleBiFunction<double[], double[]> statistic) {
        this.statistic = statistic;
    }

    static Correlation pearson() {
        return new Correlation((ToDoubleBiFunction<double[], double[]> & Serializable) CurveStatistics::pearson);
    }

    static Correlation spearman() {
        return new Correlation((ToDoubleBiFunction<double[], double[]> & Serializable) CurveStatistics::spearman);
    }

    /** The (x, y) pairs seen so far: the first {@code n} entries of {@code x} and {@code y}. */
    public static final class Pairs implements Serializable {
        private double[] x = new double[8];
        private double[] y = new double[8];
        private int n;

        Pairs add(double a, double b) {
            if (n == x.length) {
                x = Arrays.copyOf(x, 2 * n);
                y = Arrays.copyOf(y, 2 * n);
            }
            x[n] = a;
            y[n] = b;
            n++;
            return this;
        }
    }

    @Override
    public Pairs zero() {
        return new Pairs();
    }

    @Override
    public Pairs reduce(Pairs b, Tuple2<Double, Double> xy) {
        Double x = xy._1();
        Double y = xy._2();
        return x == null || y == null || x.isNaN() || y.isNaN() ? b : b.add(x, y);
    }

    @Override
    public Pairs merge(Pairs a, Pairs b) {
        for (int i = 0; i < b.n; i++) {
            a.add(b.x[i], b.y[i]);
        }
        return a;
    }

    @Override
    public Double finish(Pairs b) {
        if (b.n < 2) {
            return null;
        }
        double r = statistic.applyAsDouble(Arrays.copyOf(b.x, b.n), Arrays.copyOf(b.y, b.n));
        return Double.isNaN(r) ? null : r;
    }

    @Override
    public Encoder<Pairs> bufferEncoder() {
        return Encoders.javaSerialization(Pairs.class);
    }

    @Override
    public Encoder<Double> outputEncoder() {
        return Encoders.DOUBLE();
    }
}
