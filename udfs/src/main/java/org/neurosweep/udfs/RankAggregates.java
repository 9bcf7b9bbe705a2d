package org.neurosweep.udfs;

import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;
import scala.Tuple2;

/**
 * Aggregates over a column of 1-based ranks: mean reciprocal rank and hit rate at k. Rows with a null or NaN rank, or a
 * rank below 1, are not counted; a group without any counted row gives null.
 */
final class RankAggregates {
    private RankAggregates() {
    }

    /** {@code ns_mrr(rank)}: the mean of 1/rank. Buffer: (sum of 1/rank, count). */
    static final class MeanReciprocalRank extends Aggregator<Double, Tuple2<Double, Long>, Double> {
        @Override
        public Tuple2<Double, Long> zero() {
            return new Tuple2<>(0.0, 0L);
        }

        @Override
        public Tuple2<Double, Long> reduce(Tuple2<Double, Long> b, Double rank) {
            Double rr = RankedLists.reciprocalRank(rank);
            return rr == null ? b : new Tuple2<>(b._1() + rr, b._2() + 1);
        }

        @Override
        public Tuple2<Double, Long> merge(Tuple2<Double, Long> a, Tuple2<Double, Long> b) {
            return new Tuple2<>(a._1() + b._1(), a._2() + b._2());
        }

        @Override
        public Double finish(Tuple2<Double, Long> b) {
            return b._2() == 0 ? null : b._1() / b._2();
        }

        @Override
        public Encoder<Tuple2<Double, Long>> bufferEncoder() {
            return Encoders.tuple(Encoders.DOUBLE(), Encoders.LONG());
        }

        @Override
        public Encoder<Double> outputEncoder() {
            return Encoders.DOUBLE();
        }
    }

    /**
     * {@code ns_hit_at_k(rank, k)}: the fraction of ranks ≤ k (k may differ per row; it usually is a constant).
     * Buffer: (hits, count). A null or NaN k does not count its row.
     */
    static final class HitAtK extends Aggregator<Tuple2<Double, Double>, Tuple2<Long, Long>, Double> {
        @Override
        public Tuple2<Long, Long> zero() {
            return new Tuple2<>(0L, 0L);
        }

        @Override
        public Tuple2<Long, Long> reduce(Tuple2<Long, Long> b, Tuple2<Double, Double> rankAndK) {
            Double rank = rankAndK._1();
            Double k = rankAndK._2();
            if (!RankedLists.isRank(rank) || k == null || k.isNaN()) {
                return b;
            }
            return new Tuple2<>(b._1() + (rank <= k ? 1 : 0), b._2() + 1);
        }

        @Override
        public Tuple2<Long, Long> merge(Tuple2<Long, Long> a, Tuple2<Long, Long> b) {
            return new Tuple2<>(a._1() + b._1(), a._2() + b._2());
        }

        @Override
        public Double finish(Tuple2<Long, Long> b) {
            return b._2() == 0 ? null : (double) b._1() / b._2();
        }

        @Override
        public Encoder<Tuple2<Long, Long>> bufferEncoder() {
            return Encoders.tuple(Encoders.LONG(), Encoders.LONG());
        }

        @Override
        public Encoder<Double> outputEncoder() {
            return Encoders.DOUBLE();
        }
    }
}
