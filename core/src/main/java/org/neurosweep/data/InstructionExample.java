package org.neurosweep.data;

import java.nio.file.Path;

/**
 * A HexaInst-style instruction record, one per line of a JSONL file: {@code {id, category, instruction, input, output}}
 * (all strings; an empty input is {@code ""}) and an optional {@code split} ({@code train}/{@code test}, null when absent).
 */
public record InstructionExample(String id, String category, String instruction, String input, String output, String split) {

    public static ReadResult<InstructionExample> read(Path file, Shard shard) {
        return JsonLines.read(file, shard, json -> new InstructionExample(
                json.text("id"), json.text("category"), json.text("instruction"), json.text("input"), json.text("output"),
                json.optionalText("split")));
    }
}
