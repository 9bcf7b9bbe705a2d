package org.neurosweep.methods.sparse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.Shard;
import org.neurosweep.model.CausalLM;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The counts against scripts/reference/sparse_components.py (PyTorch + transformers, fp32, one instruction at a time):
 * per category of the world instructions (raw text), every neuron's active count, every expert's routed count and
 * routing-weight sum, and the shared expert's gate sum. A neuron's count may differ from the reference only by the
 * tokens on which its gate pre-activation lies within 1e-4 of zero there (float rounding may flip its sign), and, in
 * an MoE model, by the tokens whose k-th and (k+1)-th router probabilities lie within 1e-4 at its layer or an
 * earlier one (a flip there reroutes the token, which changes everything after it); routed counts only by the latter.
 */
class FrequencyCounterTest {

    private static JsonNode reference;
    private static List<InstructionExample> instructions;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = FrequencyCounterTest.class.getResourceAsStream("/reference/sparse_components_world.json")) {
            reference = new ObjectMapper().readTree(in);
        }
        instructions = InstructionExample.read(RepoPaths.dataset("world/instruct.jsonl"), Shard.all()).orThrow();
    }

    @ParameterizedTest
    @CsvSource({"dense, gate", "dense, product", "dense_instruct, gate", "moe_deep, gate", "moe_deep, product",
        "moe_deep_instruct, gate"})
    void categoryCountsMatchTheReference(String name, String criterion) {
        CausalLM model = CausalLM.load(RepoPaths.world(name));
        FrequencyCounter counter = new FrequencyCounter(model, ActivationCriterion.parse(criterion), 1);
        ComponentLayout layout = counter.layout();
        int differing = 0;
        int flippable = 0;
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world(name))) {
            for (Map.Entry<String, List<int[]>> category : byCategory(tokenizer).entrySet()) {
                JsonNode ref = reference.get("models").get(name).get(category.getKey());
                ComponentCounts pooled = new ComponentCounts(layout);
                counter.count(category.getValue(), 16, (i, c) -> pooled.add(c));
                assertEquals(ref.get("n_tokens").asLong(), pooled.tokens(), name + " " + category.getKey() + " tokens");
                for (ComponentLayout.Block b : layout.blocks()) {
                    String key = b.layer() + "." + b.expert();
                    JsonNode expected = ref.get(criterion + "." + key);
                    JsonNode nearZero = ref.get("near_zero." + key);
                    int ties = tiesUpTo(ref, b.layer());
                    for (int k = 0; k < b.width(); k++) {
                        int diff = Math.abs(pooled.active()[b.offset() + k] - expected.get(k).asInt());
                        assertTrue(diff <= nearZero.get(k).asInt() + ties,
                                name + " " + category.getKey() + " neuron " + key + "." + k + ": " + pooled.active()[b.offset() + k]
                                        + " vs " + expected.get(k).asInt());
                        differing += diff == 0 ? 0 : 1;
                        flippable += nearZero.get(k).asInt() + ties;
                    }
                }
                for (ComponentLayout.Expert e : layout.experts()) {
                    int ties = tiesUpTo(ref, e.layer());
                    assertEquals(ref.get("routed." + e.layer()).get(e.expert()).asInt(), pooled.routed()[e.index()], ties,
                            name + " " + category.getKey() + " routed " + e);
                    assertEquals(ref.get("weight_sum." + e.layer()).get(e.expert()).asDouble(), pooled.weightSum(e.index()),
                            1e-3 + ties, name + " weight sum " + e);
                }
                for (ComponentLayout.Block b : layout.blocks()) {
                    if (b.expert() == ComponentLayout.SHARED) {
                        assertEquals(ref.get("shared_gate_sum." + b.layer()).asDouble(), pooled.sharedGateSum(b.layer()),
                                1e-3 + tiesUpTo(ref, b.layer()), name + " shared gate sum of layer " + b.layer());
                    }
                }
            }
        }
        assertTrue(differing <= flippable, differing + " neurons differ, " + flippable + " token activations near zero");
    }

    /** Micro-batches pad their shorter rows; padding must not count, so any micro-batch gives the same counts. */
    @ParameterizedTest
    @CsvSource({"dense", "moe_deep"})
    void countsDoNotDependOnTheMicroBatch(String name) {
        CausalLM model = CausalLM.load(RepoPaths.world(name));
        FrequencyCounter counter = new FrequencyCounter(model, ActivationCriterion.GATE, 1);
        List<int[]> sequences;
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world(name))) {
            sequences = new ArrayList<>(byCategory(tokenizer).get("knowledge_qa").subList(0, 9));
        }
        sequences.add(new int[0]);
        List<ComponentCounts> one = countAll(counter, sequences, 1);
        List<ComponentCounts> five = countAll(counter, sequences, 5);
        for (int i = 0; i < sequences.size(); i++) {
            assertEquals(sequences.get(i).length, one.get(i).tokens());
            assertArrayEquals(one.get(i).active(), five.get(i).active(), name + " sequence " + i);
            assertArrayEquals(one.get(i).routed(), five.get(i).routed(), name + " sequence " + i);
        }
        assertEquals(0, java.util.Arrays.stream(one.get(9).active()).sum(), "an empty sequence counts nothing");
    }

    /** The MoE frequency denominator is every token: an expert neuron is active at most on the tokens routed to it. */
    @Test
    void expertNeuronsCountOnlyOnTokensRoutedToTheirExpert() {
        CausalLM model = CausalLM.load(RepoPaths.world("moe_deep"));
        FrequencyCounter counter = new FrequencyCounter(model, ActivationCriterion.GATE, 1);
        ComponentLayout layout = counter.layout();
        List<int[]> sequences;
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("moe_deep"))) {
            sequences = byCategory(tokenizer).get("translation").subList(0, 12);
        }
        int topK = model.config().moe().topK();
        for (ComponentCounts c : countAll(counter, sequences, 4)) {
            int routedSlots = 0;
            for (ComponentLayout.Expert e : layout.experts()) {
                routedSlots += c.routed()[e.index()];
            }
            assertEquals(topK * layout.layers() * c.tokens(), routedSlots, "k experts per token and layer");
            for (ComponentLayout.Block b : layout.blocks()) {
                int limit = b.expert() == ComponentLayout.SHARED ? (int) c.tokens()
                        : c.routed()[layout.expertIndex(b.layer(), b.expert())];
                for (int k = 0; k < b.width(); k++) {
                    assertTrue(c.active()[b.offset() + k] <= limit, "neuron " + b + "." + k);
                }
            }
        }
    }

    private static List<ComponentCounts> countAll(FrequencyCounter counter, List<int[]> sequences, int microBatch) {
        ComponentCounts[] out = new ComponentCounts[sequences.size()];
        counter.count(sequences, microBatch, (i, c) -> out[i] = c);
        return List.of(out);
    }

    // tokens of a category whose routing was a near tie in layers 0..layer (0 for a dense model)
    private static int tiesUpTo(JsonNode ref, int layer) {
        int ties = 0;
        for (int l = 0; l <= layer; l++) {
            JsonNode n = ref.get("near_ties." + l);
            ties += n == null ? 0 : n.asInt();
        }
        return ties;
    }

    private static Map<String, List<int[]>> byCategory(Tokenizer tokenizer) {
        Map<String, List<int[]>> out = new LinkedHashMap<>();
        for (InstructionExample e : instructions) {
            out.computeIfAbsent(e.category(), c -> new ArrayList<>()).add(tokenizer.encode(Formatting.RAW.render(e)));
        }
        return out;
    }
}
