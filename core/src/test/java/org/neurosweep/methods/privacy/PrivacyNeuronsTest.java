package org.neurosweep.methods.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.data.PrivateRecord;
import org.neurosweep.data.Shard;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.attribution.RiemannGrid;
import org.neurosweep.methods.neurons.NeuronAttribution;
import org.neurosweep.methods.neurons.NeuronEditor;
import org.neurosweep.methods.neurons.NeuronId;
import org.neurosweep.methods.neurons.NeuronScores;
import org.neurosweep.methods.neurons.PrivacyAttribution;
import org.neurosweep.methods.neurons.PrivacyAttribution.PrivateTokens;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.model.generate.Continuation;
import org.neurosweep.model.generate.ContinuationScore;
import org.neurosweep.model.generate.ContinuationScorer;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/**
 * DEPN on the world models: the detector sums per-token attributions, exact exposure (trie + KV cache) equals
 * scoring every candidate on its own, planted canaries are exposed and an unseen secret is not, and the two editors
 * (intervention, edited checkpoint) give the same logits.
 */
class PrivacyNeuronsTest {

    private static CausalLM dense;
    private static Tokenizer tokenizer;
    private static List<PrivateRecord> canaries;

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() {
        dense = CausalLM.load(RepoPaths.world("dense"));
        tokenizer = Tokenizer.load(RepoPaths.world("dense").resolve("tokenizer.json"));
        canaries = PrivateRecord.readCanaries(RepoPaths.dataset("world/canaries.jsonl"), Shard.all()).orThrow();
    }

    private static PrivateRecord canary(int repetitions) {
        return canaries.stream().filter(c -> c.repetitions() == repetitions).findFirst().orElseThrow();
    }

    @Test
    void detectorSumsThePrivateTokensAttributions() {
        PrivateTokens t = PrivateTokens.of(canary(32), tokenizer);
        assertTrue(t.from() >= 1 && t.count() >= 1);
        assertEquals(canary(32).context().strip(), tokenizer.decode(Arrays.copyOf(t.ids(), t.from())).strip());
        PrivacyAttribution.RecordAttribution a = new PrivacyAttribution(new NeuronAttribution(dense), OptionalInt.empty())
                .attribute(t, new int[] {0, 3, 5}, 4, RiemannGrid.LEFT, 0.1);
        assertEquals(t.count(), a.perToken().size());
        NeuronScores sum = NeuronScores.empty();
        for (NeuronAttribution.PromptAttribution p : a.perToken()) {
            sum = sum.plus(NeuronScores.of(p));
        }
        NeuronId best = a.candidates().get(0);
        assertEquals(sum.score(best), a.summed().score(best), 1e-12);
        assertEquals(a.summed().max(), a.summed().score(best), 1e-12);
        for (NeuronId n : a.candidates()) {
            assertTrue(a.summed().score(n) >= 0.1 * a.summed().max());
        }
        assertTrue(a.leakageProbability() > 0.5, "a canary seen 32 times leaks: p = " + a.leakageProbability());
    }

    @Test
    void exactRankingEqualsScoringEveryCandidateAlone() {
        PrivateRecord r = new PrivateRecord("two-digits", "TEL", "The phone number of Bruno Rossi is 3888", "53", null);
        PrivateTokens t = PrivateTokens.of(r, tokenizer);
        SecretRanking.Result trie = new SecretRanking(dense, tokenizer, 7).exact(t, 0, Hooks.none());

        SecretFormat format = SecretFormat.of("53");
        int[] prompt = Arrays.copyOf(t.ids(), t.from());
        List<Continuation> items = new ArrayList<>();
        for (int i = 0; i < format.size(); i++) {
            int[] ids = tokenizer.encode(r.context() + format.candidate(i));
            items.add(new Continuation(prompt, Arrays.copyOfRange(ids, prompt.length, ids.length)));
        }
        List<ContinuationScore> alone = new ContinuationScorer(dense, 16, ContinuationScorer.Padding.RIGHT).score(items);
        double own = alone.get(53).sum();
        int rank = 1 + (int) alone.stream().filter(s -> s.sum() > own + 1e-6).count();
        assertEquals(100, trie.candidates());
        assertEquals(own, trie.secretLogProb(), 1e-4);
        assertEquals(rank, trie.rank());
        assertEquals(alone.stream().mapToDouble(ContinuationScore::sum).average().orElseThrow(), trie.meanLogProb(), 1e-4);
    }

    @Test
    void plantedCanariesAreExposedAndAnUnseenSecretIsNot() {
        // the full six-digit space (10^6) is the benchmark's; here the attacker knows the first two digits: 10^4
        SecretRanking ranking = new SecretRanking(dense, tokenizer, 512);
        SecretRanking.Result planted = ranking.exact(PrivateTokens.of(canary(32), tokenizer), 2, Hooks.none());
        assertEquals(10_000, planted.candidates());
        assertTrue(planted.exposure() > 10, "32 repetitions: exposure " + planted.exposure() + " of 13.3");
        PrivateRecord unseen = new PrivateRecord("unseen", "TEL", "The phone number of Zora Quill is ", "5071", null);
        SecretRanking.Result random = ranking.exact(PrivateTokens.of(unseen, tokenizer), 0, Hooks.none());
        assertTrue(random.exposure() < 6, "an unseen 4-digit secret sits near the random baseline: " + random.exposure());
    }

    @Test
    void exposureFormulaAndPerDigitApproximation() {
        assertEquals(Math.log(1e10) / Math.log(2), Exposure.of(1e10, 1), 1e-12);
        assertEquals(0.0, Exposure.of(1e10, 1e10), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Exposure.of(100, 0));
        assertEquals("0053", SecretFormat.of("1234").candidate(53));
        assertEquals("12-53", SecretFormat.of("12-34", 2).candidate(53));
        assertEquals(100, SecretFormat.of("12-34", 2).size());
        assertEquals(1234, SecretFormat.of("1234").secretIndex());
        // the world tokenizer merges digits ("Ġ299752"): no per-digit approximation for the canaries
        assertNull(new SecretRanking(dense, tokenizer, 8).perDigit(PrivateTokens.of(canary(32), tokenizer), Hooks.none()));
    }

    @Test
    void editedCheckpointGivesTheInterventionsLogits() throws Exception {
        assertEditorsAgree("dense", List.of(new NeuronId(0, -1, 5), new NeuronId(3, -1, 100), new NeuronId(3, -1, 7)));
        CausalLM moe = CausalLM.load(RepoPaths.world("moe_deep"));
        int shared = NeuronId.sharedExpert(moe.config());
        assertEditorsAgree("moe_deep", List.of(new NeuronId(1, 2, 3), new NeuronId(1, 5, 0), new NeuronId(4, shared, 9),
                new NeuronId(5, 0, 17)));
    }

    private static void assertEditorsAgree(String name, List<NeuronId> neurons) throws Exception {
        Path source = RepoPaths.world(name);
        CausalLM model = CausalLM.load(source);
        int[] ids = tokenizer.encode("The phone number of Chloe Weber is 933633. The capital of France is Paris.");
        INDArray plain = logits(model, ids, Hooks.none());
        INDArray intervened = logits(model, ids, NeuronEditor.zeroing(model.config(), neurons));
        assertTrue(plain.sub(intervened).amaxNumber().doubleValue() > 1e-4, name + ": the edit changes the logits");
        assertEquals(0.0, plain.sub(logits(model, ids, NeuronEditor.zeroing(model.config(), List.of())))
                .amaxNumber().doubleValue(), "editing no neuron is a no-op");

        Path edited = dir.resolve(name + "-edited");
        NeuronEditor.writeEdited(source, edited, model.config(), neurons);
        CausalLM reloaded = CausalLM.load(edited);
        double diff = logits(reloaded, ids, Hooks.none()).sub(intervened).amaxNumber().doubleValue();
        assertTrue(diff < 1e-4, name + ": checkpoint vs intervention " + diff);
        Path twice = dir.resolve(name + "-edited-twice");
        NeuronEditor.writeEdited(edited, twice, model.config(), neurons);
        assertArrayEquals(logits(reloaded, ids, Hooks.none()).data().asFloat(),
                logits(CausalLM.load(twice), ids, Hooks.none()).data().asFloat(), "editing is idempotent");
    }

    private static INDArray logits(CausalLM model, int[] ids, Hooks hooks) {
        try (Forward f = model.forward(Batch.of(ids).logitsAt(LogitsAt.all()), hooks, null)) {
            return f.logits().value().detach();
        }
    }
}
