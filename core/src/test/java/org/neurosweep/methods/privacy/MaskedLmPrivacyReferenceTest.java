package org.neurosweep.methods.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.data.PrivateRecord;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.evaluation.Perplexity;
import org.neurosweep.methods.neurons.NeuronEditor;
import org.neurosweep.methods.neurons.NeuronId;
import org.neurosweep.methods.neurons.PrivacyAttribution.PrivateTokens;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.TokenPredictor;
import org.neurosweep.testutil.MaskedGolden;
import org.neurosweep.text.Tokenizer;

/**
 * The masked-LM privacy metrics on the golden BERT against {@code scripts/reference/mlm_privacy.py} (its own
 * float64 BertForMaskedLM forward, checked there against Hugging Face's logits to 1e-6; output in
 * {@code reference/mlm_privacy.json}), with no neuron edited and with seven FFN neurons zeroed: each private token's
 * log-probability at its own mask, the secret's pseudo-log-likelihood and pseudo-perplexity, name MRR with each word
 * masked, exact exposure over 100 candidates by pseudo-log-likelihood, DEPN's per-digit approximation (defined for
 * one secret, null for the other, whose digits merge with the space before them) and the held-out line's
 * pseudo-perplexity.
 */
class MaskedLmPrivacyReferenceTest {

    /**
     * Per-token log-probabilities: the runtime computes in fp32, the reference in float64; the golden BERT's fp32 logits
     * agree with Hugging Face's to about 1e-6, so 1e-4 (the fixtures' fp32 tolerance) leaves a margin of 100.
     */
    private static final double LP_TOLERANCE = 1e-4;
    /** Ranks compare exactly: the reference records how far the nearest competitor is; it must exceed the fp32 noise. */
    private static final double MIN_GAP = 1e-4;

    @TempDir
    static Path temp;
    private static JsonNode reference;
    private static CausalLM model;
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = MaskedLmPrivacyReferenceTest.class.getResourceAsStream("/reference/mlm_privacy.json")) {
            assertNotNull(in, "reference/mlm_privacy.json: run scripts/reference/mlm_privacy.py");
            reference = new ObjectMapper().readTree(in);
        }
        Path dir = MaskedGolden.bert(temp);
        model = CausalLM.load(dir);
        tokenizer = Tokenizer.load(dir);
        assertEquals(MaskedGolden.MASK, reference.get("mask_id").asInt());
        assertTrue(reference.get("hf_logits_max_abs_diff").asDouble() < 1e-5, "the reference's forward is Hugging Face's");
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"before", "after"})
    void maskedLmRiskMetricsMatchTheReference(String condition) {
        List<NeuronId> zeroed = new ArrayList<>();
        reference.get("zeroed_neurons").forEach(n -> zeroed.add(new NeuronId(n.get(0).asInt(), NeuronId.DENSE, n.get(1).asInt())));
        Hooks hooks = condition.equals("before") ? Hooks.none() : NeuronEditor.zeroing(model.config(), zeroed);
        JsonNode expected = reference.get(condition);
        SecretRanking ranking = new SecretRanking(model, tokenizer, 8);
        assertTrue(ranking.predictor().masked());
        Perplexity perplexity = Perplexity.orPseudoPerplexity(model, tokenizer, reference.get("end_of_text_id").asInt(), 8);
        MemorizationRisk risk = new MemorizationRisk(ranking.predictor(), tokenizer);
        JsonNode heldout = expected.get("heldout");

        for (JsonNode r : expected.get("records")) {
            String id = r.get("id").asText();
            PrivateTokens t = PrivateTokens.of(new PrivateRecord(id, r.get("kind").asText(), r.get("context").asText(),
                    r.get("secret").asText(), null), tokenizer);
            assertArrayEquals(ints(r.get("ids")), t.ids(), id + ": the reference's BPE tokenizes as the runtime does");
            assertEquals(List.of(r.get("from").asInt(), r.get("to").asInt()), List.of(t.from(), t.to()), id);

            // each private token at its own mask
            List<TokenPredictor.Query> tokens = new ArrayList<>();
            for (int i = t.from(); i < t.to(); i++) {
                tokens.add(TokenPredictor.Query.token(t.ids(), i));
            }
            double[] lp = ranking.predictor().logProbs(tokens, hooks);
            double[] want = StreamSupport.stream(r.get("token_logprobs").spliterator(), false)
                    .mapToDouble(JsonNode::asDouble).toArray();
            assertArrayEquals(want, lp, LP_TOLERANCE, id + " " + condition);

            // the leakage measurement and the C5 metrics
            int known = r.has("exposure") ? r.get("exposure").get("known_digits").asInt() : 0;
            Leakage leak = Leakage.measure(ranking, perplexity, List.of(t), List.of(heldout.get("text").asText()), hooks, known);
            assertEquals(-r.get("pseudo_log_likelihood").asDouble(), leak.secretNll()[0], LP_TOLERANCE * t.count(), id);
            MemorizationRisk.Risk assessed = risk.assess(List.of(t), leak, hooks,
                    new MemorizationRisk.Thresholds(10, 0.4, 2.5)).get(0);
            double pppl = r.get("pseudo_perplexity").asDouble();
            assertEquals(pppl, assessed.pseudoPerplexity(), LP_TOLERANCE * pppl, id + " pseudo-perplexity");
            if (r.has("name_mrr")) {
                assertTrue(r.get("min_logit_gap").asDouble() > MIN_GAP, "a near-tie would make the ranks fragile");
                assertEquals(r.get("name_mrr").asDouble(), assessed.nameMrr(), 1e-12, id + " name MRR");
                assertEquals(MemorizationRisk.Metric.MRR, assessed.metric());
            }
            if (r.has("exposure")) {
                JsonNode e = r.get("exposure");
                SecretRanking.Result exact = leak.exact().get(0);
                assertTrue(e.get("min_score_gap").asDouble() > MIN_GAP * t.count(), "a near-tie would make the rank fragile");
                assertEquals(e.get("n_candidates").asInt(), exact.candidates());
                assertEquals(e.get("rank").asInt(), exact.rank(), id + " exact rank by pseudo-log-likelihood");
                assertEquals(e.get("exposure").asDouble(), exact.exposure(), 1e-9);
                assertEquals(e.get("secret_logprob").asDouble(), exact.secretLogProb(), LP_TOLERANCE * t.count());
                assertEquals(e.get("mean_logprob").asDouble(), exact.meanLogProb(), LP_TOLERANCE * t.count());
                JsonNode a = r.get("exposure_approx");
                SecretRanking.Approximation approx = leak.approx().get(0);
                if (a.isNull()) {
                    assertNull(approx, id + ": a digit merges with the space before it; no approximation");
                } else {
                    assertTrue(a.get("min_logit_gap").asDouble() > MIN_GAP);
                    assertNotNull(approx, id + ": one token per digit, the approximation is defined");
                    assertArrayEquals(ints(a.get("digit_ranks")), approx.digitRanks());
                    assertEquals(a.get("exposure").asDouble(), approx.exposure(), 1e-9);
                }
            }
            double heldoutPpl = heldout.get("pseudo_perplexity").asDouble();
            assertEquals(heldoutPpl, leak.heldoutPpl(), LP_TOLERANCE * heldoutPpl, "held-out pseudo-perplexity");
        }
    }

    private static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }
}
