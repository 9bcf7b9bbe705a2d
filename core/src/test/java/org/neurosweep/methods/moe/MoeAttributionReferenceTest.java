package org.neurosweep.methods.moe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neurosweep.methods.moe.SampleAttribution.ExpertScore;
import org.neurosweep.methods.moe.SampleAttribution.HeadScore;
import org.neurosweep.methods.moe.SampleAttribution.LayerScore;
import org.neurosweep.methods.moe.SampleAttribution.NeuronScore;
import org.neurosweep.methods.moe.SampleAttribution.Sublayer;
import org.neurosweep.model.CausalLM;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/**
 * Every level's LPIs against the outside reference {@code scripts/reference/moe_attribution.py}: PyTorch +
 * transformers, written from the method spec, run on a GPU machine (fp32 forward of the Hugging Face model, the
 * projection and the LPIs in float64); its JSON output is the test resource {@code reference/moe_attribution_reference.json}.
 * Matched per model and prompt: the prompt ids and target, the real output's rank and log-probability, the LPI of
 * every attention layer, FFN/MoE block and head, the selected routed experts (set, gate weight, router probability,
 * LPI; the others unscored), the shared expert (sigmoid gate, LPI) and the top neurons by LPI, in order, at fp32
 * tolerance.
 */
class MoeAttributionReferenceTest {

    private static final double TOLERANCE = 1e-4;
    private static final int TOP = 20;
    private static JsonNode reference;

    @BeforeAll
    static void read() throws IOException {
        try (InputStream in = MoeAttributionReferenceTest.class.getResourceAsStream("/reference/moe_attribution_reference.json")) {
            reference = new ObjectMapper().readTree(in);
        }
        assertTrue(reference.get("top_neurons").asInt() > TOP, "the reference lists more neurons than the test compares");
    }

    @ParameterizedTest
    @ValueSource(strings = {"golden/mixtral", "golden/olmoe", "golden/qwen2_moe", "world/moe_deep"})
    void everyLevelMatchesTheReference(String name) {
        Path dir = name.startsWith("world/") ? RepoPaths.world(name.substring(6)) : RepoPaths.golden(name.substring(7));
        JsonNode model = reference.get("models").get(name.substring(name.indexOf('/') + 1));
        assertNull(model.get("error"), name + ": the reference failed on this model");
        JsonNode prompts = model.get("prompts");
        CausalLM lm = CausalLM.load(dir);
        List<int[]> ids = new ArrayList<>();
        int[] targets = new int[prompts.size()];
        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            for (int i = 0; i < prompts.size(); i++) {
                JsonNode p = prompts.get(i);
                ids.add(tokenizer.encode(p.get("text").asText()));
                targets[i] = tokenizer.encode(" " + p.get("object").asText())[0];
                assertArrayEquals(ints(p.get("ids")), ids.get(i), name + ": prompt ids of " + p.get("text"));
                assertEquals(p.get("target").asInt(), targets[i], name + ": target of " + p.get("text"));
            }
        }
        List<SampleAttribution> attributed = new CrossLevelAttribution(lm, 1, TOP, 256).attribute(ids, targets, ids.size());
        for (int i = 0; i < prompts.size(); i++) {
            check(name + " prompt " + i, prompts.get(i), attributed.get(i));
        }
    }

    private static void check(String what, JsonNode ref, SampleAttribution a) {
        assertEquals(ref.get("rank").asInt(), a.output().rank(), what + ": rank");
        assertEquals(ref.get("model_logp").asDouble(), a.output().logProb(), TOLERANCE, what + ": log P(w)");
        assertEquals(ref.get("lens_logp_final").asDouble(), a.lensFinal(), TOLERANCE, what + ": lens at h_L");
        for (LayerScore s : a.layers()) {
            JsonNode lpi = ref.get(s.sublayer() == Sublayer.ATTN ? "attn_lpi" : "ffn_lpi").get(s.layer());
            assertEquals(lpi.asDouble(), s.score().lpi(), TOLERANCE, what + " " + s);
        }
        assertEquals(2 * ref.get("attn_lpi").size(), a.layers().size(), what + ": layer scores");
        int heads = ref.get("head_lpi").get(0).size();
        assertEquals(ref.get("head_lpi").size() * heads, a.heads().size(), what + ": head scores");
        for (HeadScore h : a.heads()) {
            assertEquals(ref.get("head_lpi").get(h.layer()).get(h.head()).asDouble(), h.score().lpi(), TOLERANCE, what + " " + h);
        }
        checkExperts(what, ref, a);
        checkNeurons(what, ref.get("neurons"), a.neurons());
    }

    private static void checkExperts(String what, JsonNode ref, SampleAttribution a) {
        int routedSelected = 0;
        for (ExpertScore e : a.experts()) {
            if (e.type() == ExpertType.SHARED) {
                JsonNode s = ref.get("shared").get(e.layer());
                assertEquals(s.get("gate_weight").asDouble(), e.gateWeight(), TOLERANCE, what + " shared gate " + e);
                assertEquals(s.get("lpi").asDouble(), e.score().lpi(), TOLERANCE, what + " shared " + e);
                continue;
            }
            JsonNode match = null;
            for (JsonNode r : ref.get("experts")) {
                if (r.get("layer").asInt() == e.layer() && r.get("expert").asInt() == e.expert()) {
                    match = r;
                }
            }
            assertEquals(match != null, e.selected(), what + ": selection of " + e);
            if (match == null) {
                assertNull(e.score(), what + ": an unselected expert has no score");
                continue;
            }
            routedSelected++;
            assertEquals(match.get("gate_weight").asDouble(), e.gateWeight(), TOLERANCE, what + " gate " + e);
            assertEquals(match.get("router_prob").asDouble(), e.routerProb(), TOLERANCE, what + " router prob " + e);
            assertEquals(match.get("lpi").asDouble(), e.score().lpi(), TOLERANCE, what + " " + e);
        }
        assertEquals(ref.get("experts").size(), routedSelected, what + ": selected routed experts");
        assertEquals(ref.get("shared").size(), a.experts().stream().filter(e -> e.type() == ExpertType.SHARED).count(),
                what + ": shared experts");
    }

    // the top neurons in order; a neuron's identity is compared unless its LPI ties a neighbour's within the tolerance
    private static void checkNeurons(String what, JsonNode ref, List<NeuronScore> neurons) {
        assertEquals(TOP, neurons.size(), what + ": neurons kept");
        for (int r = 0; r < neurons.size(); r++) {
            NeuronScore n = neurons.get(r);
            JsonNode e = ref.get(r);
            assertEquals(r + 1, n.rank(), what);
            assertEquals(e.get("lpi").asDouble(), n.lpi(), TOLERANCE, what + ": LPI of the neuron at rank " + (r + 1));
            boolean tied = r > 0 && Math.abs(ref.get(r - 1).get("lpi").asDouble() - e.get("lpi").asDouble()) < TOLERANCE
                    || Math.abs(ref.get(r + 1).get("lpi").asDouble() - e.get("lpi").asDouble()) < TOLERANCE;
            if (!tied) {
                String id = e.get("layer").asInt() + ":" + e.get("expert").asInt() + ":" + e.get("type").asText() + ":" + e.get("index").asInt();
                assertEquals(id, n.layer() + ":" + n.expert() + ":" + n.type().label() + ":" + n.neuron(), what + ": neuron at rank " + (r + 1));
                assertEquals(e.get("coeff").asDouble(), n.gateWeight() * n.coefficient(), TOLERANCE, what + ": gate · m_k of " + id);
            }
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
