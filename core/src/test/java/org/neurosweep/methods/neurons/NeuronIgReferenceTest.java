package org.neurosweep.methods.neurons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.neurosweep.methods.attribution.RiemannGrid;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/**
 * The outside reference {@code scripts/reference/neuron_ig.py} (PyTorch + transformers, its own forward from the
 * checkpoint's tensors, each α point its own forward and backward; output in {@code reference/neuron_ig_world.json}):
 * knowledge-neuron integrated gradients of every layer for four world facts on {@code dense} and {@code moe_deep}
 * (left grid, m = 20), and the edited checkpoints that {@link NeuronEditor#writeEdited} wrote, reloaded by
 * transformers, against the run-time intervention.
 *
 * <p>The reference was run on an H100 (torch 2.11, transformers 5.17, fp32) on 2026-12-06. To run it again:
 * {@code scripts/reference/neuron_ig_inputs.sh DIR}, then {@code python3 scripts/reference/neuron_ig.py --world
 * data/demo/world --inputs DIR --out DIR} where torch and transformers are installed, and copy the JSON to
 * {@code core/src/test/resources/reference/}.
 */
class NeuronIgReferenceTest {

    /** Probabilities: the fixtures' fp32 tolerance (docs/reference-format.md); the reference ran on a GPU in fp32. */
    private static final double P_TOLERANCE = 1e-4;

    private static JsonNode reference;

    @BeforeAll
    static void read() throws IOException {
        try (InputStream in = NeuronIgReferenceTest.class.getResourceAsStream("/reference/neuron_ig_world.json")) {
            assumeTrue(in != null, "reference/neuron_ig_world.json is absent: scripts/reference/neuron_ig.py has not been run");
            reference = new ObjectMapper().readTree(in);
        }
        assertTrue(reference.get("tokenizer_agrees").asBoolean(), "the reference tokenized the prompts as the runtime did");
        assertEquals(20, reference.get("steps").asInt());
        assertEquals("left", reference.get("grid").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense", "moe_deep"})
    void knowledgeNeuronAttributionsMatchTheReference(String name) {
        JsonNode model = reference.get("models").get(name);
        assertTrue(model.get("manual_vs_transformers_max_abs").asDouble() < 1e-4,
                "the reference's own forward equals transformers': " + model.get("manual_vs_transformers_max_abs"));
        CausalLM lm = CausalLM.load(RepoPaths.world(name));
        NeuronAttribution kn = new NeuronAttribution(lm);
        int[] layers = IntStream.range(0, lm.config().numLayers()).toArray();
        int facts = 0;
        for (var it = model.get("facts").fields(); it.hasNext(); facts++) {
            var entry = it.next();
            JsonNode fact = entry.getValue();
            int[] ids = ints(fact.get("ids"));
            NeuronAttribution.PromptAttribution ours = kn.attribute(ids, fact.get("target").asInt(), layers, 20, RiemannGrid.LEFT);
            assertEquals(fact.get("p_full").asDouble(), ours.pFull(), P_TOLERANCE, entry.getKey());
            double scale = 0;
            for (JsonNode layer : fact.get("layers")) {
                for (JsonNode group : layer.get("attribution")) {
                    for (JsonNode v : group) {
                        scale = Math.max(scale, Math.abs(v.asDouble()));
                    }
                }
            }
            for (int l = 0; l < layers.length; l++) {
                JsonNode ref = fact.get("layers").get(l);
                LayerAttribution got = ours.layers().get(l);
                String where = name + " " + entry.getKey() + " layer " + l;
                assertEquals(ref.get("p_zero").asDouble(), got.pZero(), P_TOLERANCE, where);
                assertEquals(ints(ref.get("experts")).length, got.groups().size(), where);
                for (int g = 0; g < got.groups().size(); g++) {
                    LayerAttribution.Group group = got.groups().get(g);
                    assertEquals(ref.get("experts").get(g).asInt(), group.expert(), where + ": the routed experts, then the shared one");
                    JsonNode expected = ref.get("attribution").get(g);
                    assertEquals(expected.size(), group.attribution().length, where);
                    for (int k = 0; k < expected.size(); k++) {
                        double diff = Math.abs(expected.get(k).asDouble() - group.attribution()[k]);
                        assertTrue(diff <= 1e-3 * scale + 1e-7, where + " expert " + group.expert() + " neuron " + k
                                + ": " + group.attribution()[k] + " vs " + expected.get(k) + " (prompt max " + scale + ")");
                    }
                }
            }
        }
        assertEquals(4, facts);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense", "moe_deep"})
    void reloadedEditedCheckpointGivesTheInterventionsLogits(String name) {
        JsonNode edited = reference.get("edited").get(name);
        assertTrue(edited.get("max_abs_reloaded_vs_runtime_intervention").asDouble() < 1e-4, edited.toString().substring(0, 300));
        assertTrue(edited.get("max_abs_reloaded_vs_reference_zeroed").asDouble() < 1e-4, "and the reference's own zeroing");
        assertTrue(edited.get("max_abs_edit_effect").asDouble() > 1e-3, "the edit changes the logits");
        List<NeuronId> neurons = new ArrayList<>();
        for (JsonNode n : edited.get("neurons")) {
            neurons.add(new NeuronId(n.get(0).asInt(), n.get(1).asInt(), n.get(2).asInt()));
        }
        CausalLM lm = CausalLM.load(RepoPaths.world(name));
        int[] ids;
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world(name).resolve("tokenizer.json"))) {
            ids = tokenizer.encode(reference.get("text").asText());
        }
        float[] ours;
        try (Forward f = lm.forward(Batch.of(ids).logitsAt(LogitsAt.last()), NeuronEditor.zeroing(lm.config(), neurons), null)) {
            ours = f.logits().value().castTo(DataType.FLOAT).reshape(-1).toFloatVector();
        }
        JsonNode theirs = edited.get("reloaded_last_logits");
        assertEquals(theirs.size(), ours.length);
        for (int v = 0; v < ours.length; v++) {
            assertEquals(theirs.get(v).asDouble(), ours[v], 1e-4, name + " token " + v);
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
