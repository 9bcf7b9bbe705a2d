package org.neurosweep.data;

import java.nio.file.Path;

/**
 * A two-hop question of the world corpus ({@code composite.jsonl}): {@code input} asks for {@code output}, reached
 * through the {@code bridge} entity; {@code hop1} and {@code hop2} name the two relations (e.g. capital, currency) and
 * {@code task} their composition. Test-split questions never appear in the pretraining text.
 */
public record CompositeQuestion(String task, String input, String bridge, String output, String hop1, String hop2, String split) {

    public static ReadResult<CompositeQuestion> read(Path file, Shard shard) {
        return JsonLines.read(file, shard, json -> new CompositeQuestion(
                json.text("task"), json.text("input"), json.text("bridge"), json.text("output"),
                json.text("hop1"), json.text("hop2"), json.text("split")));
    }
}
