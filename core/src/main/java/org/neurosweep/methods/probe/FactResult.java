package org.neurosweep.methods.probe;

import java.util.List;
import org.neurosweep.data.MlamaFact;

/**
 * The outcome of probing one fact.
 *
 * @param candidates   ranking mode: the candidates in pool order; exact match: the gold object alone
 * @param logProbSums  log p(completion | prompt) per candidate (exact match: of the gold object text)
 * @param tokenCounts  tokens of each candidate's completion
 * @param goldIndex    the gold object's index in {@code candidates}
 * @param goldRank     ranking mode: 1 + the candidates other than the gold scoring at least as high (ties count
 *                     against the gold); null in exact-match mode
 * @param predicted    ranking mode: the top candidate (the gold only when it ranks first); null in exact-match mode
 * @param correct      ranking mode: rank 1 (P@1); exact match: every object token is the greedy argmax
 */
public record FactResult(MlamaFact fact, ProbeMode mode, ScoreKind scoreKind, List<String> candidates,
                         double[] logProbSums, int[] tokenCounts, int goldIndex, Integer goldRank, String predicted,
                         boolean correct) {

    public FactResult {
        candidates = List.copyOf(candidates);
    }

    /** The score the ranking used, per candidate. */
    public double[] scores() {
        double[] s = new double[logProbSums.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = scoreKind.score(logProbSums[i], tokenCounts[i]);
        }
        return s;
    }

    public double goldScore() {
        return scoreKind.score(logProbSums[goldIndex], tokenCounts[goldIndex]);
    }

    /** 1 / rank in ranking mode; null in exact-match mode. */
    public Double reciprocalRank() {
        return goldRank == null ? null : 1.0 / goldRank;
    }

    /** Ranks the gold among scored candidates (ties against the gold) and picks the prediction. */
    static FactResult ranked(MlamaFact fact, ScoreKind kind, List<String> candidates, double[] sums, int[] counts,
                             int goldIndex) {
        double gold = kind.score(sums[goldIndex], counts[goldIndex]);
        int rank = 1;
        int best = goldIndex;
        for (int c = 0; c < candidates.size(); c++) {
            if (c == goldIndex) {
                continue;
            }
            double s = kind.score(sums[c], counts[c]);
            if (s >= gold) {
                rank++;
            }
            double top = kind.score(sums[best], counts[best]);
            if (s > top || (s == top && best == goldIndex)) {
                best = c;
            }
        }
        return new FactResult(fact, ProbeMode.RANK, kind, candidates, sums, counts, goldIndex, rank,
                candidates.get(best), rank == 1);
    }
}
