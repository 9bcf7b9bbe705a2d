package org.neurosweep.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.nd4j.linalg.api.buffer.DataType;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.data.Shard;
import org.neurosweep.methods.neurons.FactPrompt;
import org.neurosweep.methods.neurons.NeuronEditor;
import org.neurosweep.methods.neurons.NeuronId;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/**
 * Writes the runtime's side of the outside reference {@code scripts/reference/neuron_ig.py}: the world facts it
 * attributes (prompt, token ids, target, as {@link FactPrompt} builds them), and for {@code dense} and {@code moe_deep}
 * an edited checkpoint written by {@link NeuronEditor#writeEdited} (what {@code privacy-neurons} writes) with the
 * logits of the run-time intervention {@link NeuronEditor#zeroing} on a text. Not a test; run once with
 * {@code scripts/reference/neuron_ig_inputs.sh OUT}.
 */
public final class NeuronIgInputs {

    /** The text whose logits compare the reloaded checkpoint with the intervention. */
    static final String TEXT = "The phone number of Chloe Weber is 933633. The capital of France is Paris.";

    /** The edited neurons: dense FFN neurons; routed experts and the shared expert (id 8) of moe_deep. */
    static final Map<String, List<NeuronId>> EDITS = Map.of(
            "dense", List.of(new NeuronId(0, -1, 5), new NeuronId(3, -1, 100), new NeuronId(3, -1, 7), new NeuronId(5, -1, 383)),
            "moe_deep", List.of(new NeuronId(1, 2, 3), new NeuronId(1, 5, 0), new NeuronId(4, 8, 9), new NeuronId(5, 0, 17),
                    new NeuronId(5, 8, 191)));

    private NeuronIgInputs() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("text", TEXT);
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense").resolve("tokenizer.json"))) {
            json.put("facts", facts(tokenizer));
            int[] ids = tokenizer.encode(TEXT);
            json.put("text_ids", ids);
            Map<String, Object> edits = new LinkedHashMap<>();
            for (String name : List.of("dense", "moe_deep")) {
                CausalLM model = CausalLM.load(RepoPaths.world(name));
                List<NeuronId> neurons = EDITS.get(name);
                NeuronEditor.writeEdited(RepoPaths.world(name), out.resolve("edited").resolve(name), model.config(), neurons);
                float[][] logits;
                try (Forward f = model.forward(Batch.of(ids).logitsAt(LogitsAt.all()),
                        NeuronEditor.zeroing(model.config(), neurons), null)) {
                    logits = f.logits().value().castTo(DataType.FLOAT).reshape(ids.length, -1).toFloatMatrix();
                }
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("neurons", neurons.stream().map(n -> List.of(n.layer(), n.expert(), n.index())).toList());
                e.put("runtime_intervention_logits", logits);
                edits.put(name, e);
            }
            json.put("edits", edits);
        }
        new ObjectMapper().writeValue(out.resolve("inputs.json").toFile(), json);
    }

    // the first template of each English relation, for its first fact
    private static List<Map<String, Object>> facts(Tokenizer tokenizer) {
        List<Map<String, Object>> out = new ArrayList<>();
        FactPrompt.Loaded loaded = FactPrompt.load(MlamaDataset.open(RepoPaths.dataset("world/mlama")), List.of("en"),
                Shard.all(), 1, tokenizer, OptionalInt.empty());
        for (FactPrompt p : loaded.prompts()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("key", p.fact().uuid());
            f.put("prompt", p.prompt());
            f.put("answer", p.targetText());
            f.put("ids", p.ids());
            f.put("target", p.target());
            out.add(f);
        }
        return out;
    }
}
