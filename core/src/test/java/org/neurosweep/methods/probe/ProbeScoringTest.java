package org.neurosweep.methods.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.data.DatasetException;
import org.neurosweep.data.MlamaFact;
import org.neurosweep.data.MlamaTemplate;

/** Query text, candidate pools and ranking of the mLAMA probe, without a model. */
class ProbeScoringTest {

    private static MlamaFact fact(String uuid, String subject, String object) {
        return new MlamaFact(uuid, 0, null, subject, null, object, "P36", "fr", true);
    }

    @Test
    void queryFollowsTheFixturesDefinition() {
        MlamaTemplate t = new MlamaTemplate("fr", "P36", "Le pays appelé [X] a pour capitale [Y].", "capital");
        ProbeQuery q = ProbeQuery.of(t, fact("france-P36", "France", "Paris"));
        assertEquals("Le pays appelé France a pour capitale", q.prompt(), "cut before [Y], [X] filled, right-stripped");
        assertEquals(" Paris", q.objectText("Paris"), "target = \" \" + obj_label");
        assertEquals(" Paris.", q.completion("Paris"), "the ranking scores the rest of the filled template");
    }

    @Test
    void queryJoinsObjectsWithoutSpaceWhereTheTemplateDoes() {
        MlamaTemplate joined = new MlamaTemplate("ja", "P36", "[X]の首都は[Y]です。", null);
        ProbeQuery q = ProbeQuery.of(joined, fact("japan-P36", "日本", "東京"));
        assertEquals("日本の首都は", q.prompt());
        assertEquals("東京です。", q.completion("東京"));
        ProbeQuery leading = ProbeQuery.of(new MlamaTemplate("en", "P36", "[Y] is the capital of [X].", null),
                fact("france-P36", "France", "Paris"));
        assertEquals("", leading.prompt());
        assertEquals("Paris is the capital of France.", leading.completion("Paris"));
    }

    @Test
    void poolAddsTheGoldAndSamplesDistractorsReproducibly() {
        CandidatePool pool = CandidatePool.of(List.of("Paris", "Berlin", "Rome", "Madrid", "Berlin", "Oslo", "Lima"));
        assertEquals(List.of("Paris", "Berlin", "Rome", "Madrid", "Oslo", "Lima"), pool.objects(), "distinct, first seen first");
        MlamaFact lisbon = fact("portugal-P36", "Portugal", "Lisbonne");
        assertEquals(7, pool.candidatesFor(lisbon, 0).size(), "a gold missing from the pool is added");
        List<String> three = pool.candidatesFor(lisbon, 3);
        assertEquals(3, three.size());
        assertTrue(three.contains("Lisbonne"));
        assertEquals(three, pool.candidatesFor(lisbon, 3), "seeded by the uuid");
        assertEquals(pool.objects().stream().filter(three::contains).toList(), three.subList(0, 2), "pool order kept");
        boolean differs = false;
        for (int i = 0; i < 20 && !differs; i++) {
            differs = !pool.candidatesFor(fact("x" + i, "X", "Lisbonne"), 3).equals(three);
        }
        assertTrue(differs, "other facts draw other distractors");
    }

    @Test
    void labelFileErrorsNameTheFileAndKey(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("fr.json"), "{\"P36\": {\"objects\": [\"Paris\", \"Rome\"]}}");
        assertEquals(List.of("Paris", "Rome"), CandidatePool.fromLabelFile(file, "P36").objects());
        DatasetException e = assertThrows(DatasetException.class, () -> CandidatePool.fromLabelFile(file, "P30"));
        assertTrue(e.getMessage().contains("fr.json") && e.getMessage().contains("P30.objects"), e.getMessage());
    }

    @Test
    void rankCountsTiesAgainstTheGold() {
        MlamaFact f = fact("u", "France", "Paris");
        List<String> c = List.of("Berlin", "Paris", "Rome");
        FactResult clear = FactResult.ranked(f, ScoreKind.SUM, c, new double[] {-5, -1, -3}, new int[] {1, 1, 1}, 1);
        assertEquals(1, clear.goldRank());
        assertTrue(clear.correct());
        assertEquals("Paris", clear.predicted());
        assertEquals(1.0, clear.reciprocalRank());
        FactResult tie = FactResult.ranked(f, ScoreKind.SUM, c, new double[] {-1, -1, -3}, new int[] {1, 1, 1}, 1);
        assertEquals(2, tie.goldRank());
        assertFalse(tie.correct());
        assertEquals("Berlin", tie.predicted());
        assertEquals(0.5, tie.reciprocalRank());
    }

    @Test
    void meanScoreRemovesTheLengthBias() {
        MlamaFact f = fact("u", "France", "Paris");
        List<String> c = List.of("Paris", "Saint-Pierre-et-Miquelon");
        double[] sums = {-2.0, -3.0};
        int[] tokens = {1, 6};
        assertEquals(1, FactResult.ranked(f, ScoreKind.SUM, c, sums, tokens, 0).goldRank());
        FactResult mean = FactResult.ranked(f, ScoreKind.MEAN, c, sums, tokens, 0);
        assertEquals(2, mean.goldRank(), "-2 per token loses to -0.5 per token");
        assertEquals(-2.0, mean.goldScore());
        assertNotEquals(mean.scores()[1], sums[1]);
    }

    @Test
    void tallySplitsBySeenAndSumsReciprocalRanks() {
        MlamaFact seen = fact("a", "France", "Paris");
        MlamaFact unseen = new MlamaFact("b", 1, null, "Allemagne", null, "Berlin", "P36", "fr", false);
        List<String> c = List.of("Paris", "Berlin");
        ProbeTally t = new ProbeTally()
                .add(FactResult.ranked(seen, ScoreKind.SUM, c, new double[] {-1, -2}, new int[] {1, 1}, 0))
                .add(FactResult.ranked(unseen, ScoreKind.SUM, c, new double[] {-1, -2}, new int[] {1, 1}, 1));
        assertEquals(1.0, t.cell("fr", "P36", true).accuracy());
        assertEquals(0.0, t.cell("fr", "P36", false).accuracy());
        assertEquals(0.5, t.cell("fr", "P36", false).meanReciprocalRank());
        assertEquals(2, t.cells().size());
    }
}
