package org.neurosweep.methods.pad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** PAD's MCQ calibration (golden G6), diversity selection (G7) and the rank diagnostics. */
class CalibrationAndSelectionTest {

    @Test
    void g6McqGolden() {
        double[] pA = {0.7, 0.6, 0.9, 0.4, 0.8, 0.55};
        double[] pB = {0.2, 0.3, 0.05, 0.5, 0.1, 0.4};
        double[] m = McqCalibration.scores(4, pA, pB);
        assertArrayEquals(new double[] {-0.310155, -0.762140, -0.798508, -1.696449}, m, 1e-6);
        assertArrayEquals(new double[] {0.73333, 0.46667, 0.45, 0.18333}, Arrays.stream(m).map(Math::exp).toArray(), 1e-5);
        assertTrue(McqCalibration.passesFilter(m));
        assertFalse(McqCalibration.passesFilter(new double[] {Math.log(0.4), Math.log(0.3)}), "no clear winner");
        assertFalse(McqCalibration.passesFilter(new double[] {Math.log(0.6), Math.log(0.7)}), "no clear loser");
        assertEquals(0.5 * -1 + 0.5 * m[0], McqCalibration.teacherScore(0.5, -1, m[0]), 1e-15);
    }

    @Test
    void g7DiversitySelectionKeepsSampleZeroAndDistinctIndices() {
        Random random = new Random(3);
        for (int trial = 0; trial < 50; trial++) {
            List<String> samples = random.ints(5, 0, 6).mapToObj(k -> "x".repeat(k) + (char) ('a' + random.nextInt(3))).toList();
            DiversitySelection.Result r = DiversitySelection.select(samples, 4);
            assertEquals(4, r.selected().length);
            assertEquals(0, r.selected()[0]);
            assertEquals(4, Arrays.stream(r.selected()).distinct().count());
        }
    }

    @Test
    void greedyMaxMinPicksTheFarthestAndBreaksTiesByIndex() {
        // distances from "aaaa": "aaab" 1, "bbbb" 4, "aabb" 2, "aaaa" 0
        DiversitySelection.Result r = DiversitySelection.select(List.of("aaaa", "aaab", "bbbb", "aabb", "aaaa"), 3);
        // then min distances to {0, 2}: "aaab" min(1, 3) = 1, "aabb" min(2, 2) = 2, "aaaa" 0
        assertArrayEquals(new int[] {0, 2, 3}, r.selected());
        assertEquals(-1, r.minDistance()[0]);
        assertEquals(4, r.minDistance()[2]);
        assertEquals(2, r.minDistance()[3]);
        assertTrue(r.distinct());
        assertEquals(1, r.minDistance()[1], "an unchosen sample: its distance to the final selection");
        assertFalse(DiversitySelection.select(List.of("a", "a", "a"), 2).distinct(), "duplicates drop the prompt");
        DiversitySelection.Result tie = DiversitySelection.select(List.of("ab", "cb", "ad", "ab"), 2);
        assertArrayEquals(new int[] {0, 1}, tie.selected(), "samples 1 and 2 tie at distance 1: the lower index wins");
        assertEquals(3, DiversitySelection.levenshtein("kitten", "sitting"));
    }

    @Test
    void kendallTau() {
        assertEquals(1.0, RankAgreement.kendallTau(new double[] {1, 2, 3, 4}, new double[] {10, 20, 30, 40}));
        assertEquals(-1.0, RankAgreement.kendallTau(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1}));
        assertEquals(4.0 / 6, RankAgreement.kendallTau(new double[] {1, 2, 3, 4}, new double[] {1, 3, 2, 4}), 1e-15);
        assertEquals(0, RankAgreement.best(new double[] {1.0, 0.0, -1.0, 0.5}));
        assertEquals(2, RankAgreement.worst(new double[] {1.0, 0.0, -1.0, 0.5}));
    }
}
