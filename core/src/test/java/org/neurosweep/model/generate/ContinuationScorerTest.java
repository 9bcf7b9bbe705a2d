package org.neurosweep.model.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.data.MlamaFact;
import org.neurosweep.data.MlamaTemplate;
import org.neurosweep.data.Shard;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.ContinuationScorer.Padding;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/** Continuation log-probabilities against the golden logits, and the mLAMA exact-match probe against its eval file. */
class ContinuationScorerTest {

    /** Prompt tokens kept for scoring the rest of each reference sequence. */
    private static final int PROMPT = 3;

    @ParameterizedTest
    @FieldSource("org.neurosweep.model.generate.GoldenReference#FP32_FAMILIES")
    void tokenLogProbsAreTheLogSoftmaxOfTheReferenceLogits(String family) {
        GoldenReference golden = GoldenReference.of(family);
        List<Continuation> items = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            int[] seq = golden.prompt(r);
            items.add(new Continuation(Arrays.copyOf(seq, PROMPT), Arrays.copyOfRange(seq, PROMPT, seq.length)));
        }
        double scale = maxAbs(golden.logits());
        for (Padding padding : Padding.values()) {
            List<ContinuationScore> scores = new ContinuationScorer(golden.model(), 2, padding).score(items);
            for (int r = 0; r < 3; r++) {
                int[] seq = golden.prompt(r);
                float[] lp = scores.get(r).tokenLogProbs();
                assertEquals(seq.length - PROMPT, lp.length);
                boolean greedy = true;
                double sum = 0;
                for (int i = 0; i < lp.length; i++) {
                    int position = PROMPT + i - 1;                       // the logits that predict token PROMPT + i
                    double expected = logSoftmax(golden.logits(), r, position, seq[PROMPT + i]);
                    assertEquals(expected, lp[i], 1e-4 * scale, family + " " + padding + " row " + r + " token " + i);
                    greedy &= argmax(golden.logits(), r, position) == seq[PROMPT + i];
                    sum += expected;
                }
                ContinuationScore s = scores.get(r);
                assertEquals(greedy, s.greedyMatch(), family + " " + padding + " row " + r);
                assertEquals(sum, s.sum(), 1e-4 * scale * lp.length, family + " row " + r);
                assertEquals(s.sum() / lp.length, s.mean(), 1e-12);
            }
        }
    }

    @Test
    void theReferenceGreedyContinuationIsAGreedyMatchAndAnotherTokenIsNot() {
        GoldenReference golden = GoldenReference.of("olmoe");
        int[] prompt = golden.prompt(0);
        int[] greedy = Arrays.copyOfRange(golden.greedyIds(), prompt.length, golden.greedyIds().length);
        int[] changed = greedy.clone();
        changed[3] = (changed[3] + 1) % golden.model().config().vocabSize();
        List<ContinuationScore> scores = new ContinuationScorer(golden.model(), 4, Padding.LEFT)
                .score(List.of(new Continuation(prompt, greedy), new Continuation(prompt, changed)));
        assertTrue(scores.get(0).greedyMatch());
        assertFalse(scores.get(1).greedyMatch());
        assertArrayEquals(Arrays.copyOf(scores.get(0).tokenLogProbs(), 3), Arrays.copyOf(scores.get(1).tokenLogProbs(), 3),
                1e-5f, "tokens before the change score the same");
        assertTrue(scores.get(1).tokenLogProbs()[3] < scores.get(0).tokenLogProbs()[3]);
    }

    @Test
    void tokensOutsideTheVocabularyAreRejectedWithTheirItem() {
        GoldenReference golden = GoldenReference.of("llama");
        int vocab = golden.model().config().vocabSize();
        ContinuationScorer scorer = new ContinuationScorer(golden.model(), 2, Padding.RIGHT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> scorer.score(
                List.of(new Continuation(new int[] {2}, new int[] {3}), new Continuation(new int[] {2}, new int[] {4, -1}))));
        assertTrue(e.getMessage().contains("item 1 continuation, token 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Continuation(new int[0], new int[] {vocab - 1}));
    }

    /** The probe of data/README.md: en.P36.seen and fr.P36.unseen of eval-dense.json, exactly. */
    @Test
    void mlamaExactMatchReproducesTheDenseWorldModelsEval() throws IOException {
        CausalLM model = CausalLM.load(RepoPaths.world("dense"));
        JsonNode eval = new ObjectMapper().readTree(RepoPaths.world("eval").resolve("eval-dense.json").toFile());
        MlamaDataset mlama = MlamaDataset.open(RepoPaths.dataset("world/mlama"));
        ContinuationScorer scorer = new ContinuationScorer(model, 16, Padding.RIGHT);
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense"))) {
            assertEquals(eval.get("en.P36").get("seen").asDouble(), exactMatch(mlama, tokenizer, scorer, "en", true));
            assertEquals(eval.get("fr.P36").get("unseen").asDouble(), exactMatch(mlama, tokenizer, scorer, "fr", false));
        }
    }

    // fraction of the P36 facts of language with the given seen flag whose object is the greedy continuation
    private static double exactMatch(MlamaDataset mlama, Tokenizer tokenizer, ContinuationScorer scorer, String language,
                                     boolean seen) {
        MlamaTemplate template = mlama.templates(language).orThrow().stream()
                .filter(t -> t.relation().equals("P36")).findFirst().orElseThrow();
        String prefix = template.template().substring(0, template.template().indexOf("[Y]"));
        List<Continuation> probes = new ArrayList<>();
        for (MlamaFact fact : mlama.facts(language, "P36", Shard.all()).orThrow()) {
            if (fact.seenInPretraining() == seen) {
                String prompt = prefix.replace("[X]", fact.subLabel()).stripTrailing();
                probes.add(new Continuation(tokenizer.encode(prompt), tokenizer.encode(" " + fact.objLabel())));
            }
        }
        assertFalse(probes.isEmpty(), language + " has P36 facts with seen=" + seen);
        long answered = scorer.score(probes).stream().filter(ContinuationScore::greedyMatch).count();
        return (double) answered / probes.size();
    }

    private static double logSoftmax(float[][][] logits, int row, int position, int token) {
        float[] l = logits[row][position];
        double max = Double.NEGATIVE_INFINITY;
        for (float x : l) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (float x : l) {
            sum += Math.exp(x - max);
        }
        return l[token] - max - Math.log(sum);
    }

    private static int argmax(float[][][] logits, int row, int position) {
        float[] l = logits[row][position];
        int best = 0;
        for (int v = 1; v < l.length; v++) {
            if (l[v] > l[best]) {
                best = v;
            }
        }
        return best;
    }

    private static double maxAbs(float[][][] logits) {
        double m = 0;
        for (float[][] row : logits) {
            for (float[] position : row) {
                for (float x : position) {
                    m = Math.max(m, Math.abs(x));
                }
            }
        }
        return m;
    }
}
