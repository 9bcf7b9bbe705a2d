package org.neurosweep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/**
 * The trained world models load and know what the reference implementation measured: with the mLAMA probe of
 * data/README.md (template cut before [Y], [X] filled; every token of " " + object is the argmax under teacher
 * forcing), the English capital facts (P36) are answered at exactly the eval file's rate.
 */
class WorldModelsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"dense", "moe_deep", "moe_shallow"})
    void answersTheEnglishCapitalFactsItKnows(String name) throws IOException {
        Path dir = RepoPaths.world(name);
        double expected = JSON.readTree(RepoPaths.world("eval").resolve("eval-" + name + ".json").toFile())
                .path("en.P36").path("seen").asDouble();
        CausalLM model = CausalLM.load(dir);
        List<int[]> prompts = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            tokenizer.checkCompatible(model.config().vocabSize(), dir.toString());
            String template = template(RepoPaths.dataset("world/mlama/en/templates.jsonl"), "P36");
            for (String line : Files.readAllLines(RepoPaths.dataset("world/mlama/en/P36.jsonl"))) {
                JsonNode fact = JSON.readTree(line);
                if (!fact.path("seen_in_pretraining").asBoolean()) {
                    continue;
                }
                String prompt = template.substring(0, template.indexOf("[Y]"))
                        .replace("[X]", fact.path("sub_label").asText()).stripTrailing();
                prompts.add(tokenizer.encode(prompt));
                targets.add(tokenizer.encode(" " + fact.path("obj_label").asText()));
            }
        }
        List<int[]> rows = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            int[] row = java.util.Arrays.copyOf(prompts.get(i), prompts.get(i).length + targets.get(i).length);
            System.arraycopy(targets.get(i), 0, row, prompts.get(i).length, targets.get(i).length);
            rows.add(row);
        }
        INDArray argmax = GoldenModels.logits(model, Batch.rightPadded(rows, 1)).argMax(2);     // (n, t)
        int answered = 0;
        for (int i = 0; i < rows.size(); i++) {
            boolean all = true;
            for (int j = 0; j < targets.get(i).length; j++) {
                all &= argmax.getInt(i, prompts.get(i).length - 1 + j) == targets.get(i)[j];
            }
            answered += all ? 1 : 0;
        }
        assertTrue(rows.size() >= 50, "the probe set holds the English P36 facts");
        assertEquals(expected, (double) answered / rows.size(), 1e-9, name + ": answered " + answered + " of " + rows.size());
    }

    private static String template(Path templates, String relation) throws IOException {
        for (String line : Files.readAllLines(templates)) {
            JsonNode t = JSON.readTree(line);
            if (t.path("relation").asText().equals(relation)) {
                return t.path("template").asText();
            }
        }
        throw new IllegalStateException(templates + " has no template for " + relation);
    }
}
