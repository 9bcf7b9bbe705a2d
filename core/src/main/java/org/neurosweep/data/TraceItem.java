package org.neurosweep.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A TRACE complex-instruction evaluation item (IOPO; {@code 2024_trace_evaluation.jsonl}). {@code messages} is the chat
 * prompt, whose user turn is {@code description\nconstraints\n# Inputs:\ninput\n}; {@code constraints} lists the
 * numbered constraints, split one per entry in {@code constraintSplits}, and {@code constraintTypes} (the file's
 * {@code levels2}) gives each constraint's type (e.g. 输出格式约束, output format). Both lists have
 * {@code constraints_num} entries. {@code input} is the literal {@code "NULL"} when the item has none: see {@link #inputText()}.
 */
public record TraceItem(String id, List<ChatMessage> messages, String type, String description, String constraints,
                        String input, List<String> constraintSplits, List<String> constraintTypes, String category) {

    /** The file's marker for an item without input. */
    public static final String NO_INPUT = "NULL";

    public TraceItem {
        messages = List.copyOf(messages);
        constraintSplits = List.copyOf(constraintSplits);
        constraintTypes = List.copyOf(constraintTypes);
    }

    /** The input, empty when the file says {@value #NO_INPUT}. */
    public Optional<String> inputText() {
        return NO_INPUT.equals(input) ? Optional.empty() : Optional.of(input);
    }

    public static ReadResult<TraceItem> read(Path file, Shard shard) {
        return JsonLines.read(file, shard, TraceItem::fromJson);
    }

    static TraceItem fromJson(JsonRecord json) throws InvalidRecordException {
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonRecord m : json.recordList("messages")) {
            messages.add(new ChatMessage(m.text("role"), m.text("content")));
        }
        int count = json.integer("constraints_num");
        List<String> splits = json.textList("constraints_splits");
        List<String> types = json.textList("levels2");
        if (splits.size() != count || types.size() != count) {
            throw new InvalidRecordException("constraints_num is " + count + " but constraints_splits has " + splits.size()
                    + " and levels2 " + types.size() + " entries");
        }
        return new TraceItem(json.text("id"), messages, json.text("type"), json.text("description"), json.text("constraints"),
                json.text("input"), splits, types, json.text("category"));
    }
}
