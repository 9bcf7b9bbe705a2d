package org.neurosweep.methods.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.neurosweep.testutil.RepoPaths;

/** The reference figures of a world model: {@code data/demo/world/eval/eval-NAME.json}. */
public record WorldEval(JsonNode json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static WorldEval of(String model) {
        try {
            return new WorldEval(JSON.readTree(Files.readAllBytes(RepoPaths.world("eval").resolve("eval-" + model + ".json"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code LANG.PID.seen} or {@code .unseen}; null when the eval file has none (no such facts). */
    public Double probe(String language, String relation, boolean seen) {
        JsonNode v = json.path(language + "." + relation).path(seen ? "seen" : "unseen");
        return v.isNumber() ? v.doubleValue() : null;
    }

    /** {@code instruct.CATEGORY}. */
    public double instruct(String category) {
        return json.path("instruct").path(category).doubleValue();
    }

    public List<String> instructCategories() {
        List<String> out = new ArrayList<>();
        json.path("instruct").fieldNames().forEachRemaining(out::add);
        return out;
    }

    public double perplexity() {
        return json.path("pretrain_text_ppl_first2000_lines").doubleValue();
    }
}
