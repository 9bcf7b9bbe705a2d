package org.neurosweep.data;

import java.nio.file.Path;

/**
 * An instruction record, one per line of a JSONL file, in either of two layouts: the world corpus's
 * {@code {id, category, instruction, input, output, split}} or the HexaInst-style
 * {@code {id, category, source, origin_dataset, instruction, input, reference_output}}. {@code id}, {@code category}
 * and {@code instruction} are required strings; {@code input} may be missing or null (read as {@code ""}); one of
 * {@code output} or {@code reference_output} must be present as a key, its value may be null (no reference answer);
 * {@code split} ({@code train}/{@code test}), {@code source} ({@code ai}/{@code human}) and {@code origin_dataset}
 * are optional (null when absent).
 */
public record InstructionExample(String id, String category, String instruction, String input, String output, String split,
                                 String source, String originDataset) {

    /** A record of the world layout (no source, no origin dataset). */
    public InstructionExample(String id, String category, String instruction, String input, String output, String split) {
        this(id, category, instruction, input, output, split, null, null);
    }

    public static ReadResult<InstructionExample> read(Path file, Shard shard) {
        return JsonLines.read(file, shard, json -> {
            String input = json.optionalText("input");
            return new InstructionExample(json.text("id"), json.text("category"), json.text("instruction"),
                    input == null ? "" : input, output(json), json.optionalText("split"), json.optionalText("source"),
                    json.optionalText("origin_dataset"));
        });
    }

    private static String output(JsonRecord json) throws InvalidRecordException {
        if (json.has("output")) {
            return json.optionalText("output");
        }
        if (json.has("reference_output")) {
            return json.optionalText("reference_output");
        }
        throw new InvalidRecordException("missing required key 'output' (or 'reference_output')");
    }
}
