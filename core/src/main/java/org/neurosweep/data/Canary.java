package org.neurosweep.data;

import java.nio.file.Path;

/**
 * A planted private record ({@code canaries.jsonl}): {@code text} = {@code prefix} followed by the {@code secret},
 * inserted {@code repetitions} times into the pretraining corpus; used for exposure and privacy-neuron experiments.
 */
public record Canary(String name, String secret, int repetitions, String prefix, String text) {

    public static ReadResult<Canary> read(Path file, Shard shard) {
        return JsonLines.read(file, shard, json -> new Canary(
                json.text("name"), json.text("secret"), json.integer("repetitions"), json.text("prefix"), json.text("text")));
    }
}
