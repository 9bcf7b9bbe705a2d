package org.neurosweep.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;

/**
 * A multiple-choice item from generic JSONL {@code {question, choices, answer}} with at least two choices.
 * {@code answer} in the file may be a 0-based index, a letter ({@code "A"} = first choice) or the text of a choice;
 * here it is always the 0-based index of the correct choice.
 */
public record MultipleChoiceItem(String question, List<String> choices, int answer) {

    public MultipleChoiceItem {
        choices = List.copyOf(choices);
    }

    public static ReadResult<MultipleChoiceItem> read(Path file, Shard shard) {
        return JsonLines.read(file, shard, MultipleChoiceItem::fromJson);
    }

    static MultipleChoiceItem fromJson(JsonRecord json) throws InvalidRecordException {
        String question = json.text("question");
        List<String> choices = json.textList("choices");
        if (choices.size() < 2) {
            throw new InvalidRecordException("key 'choices' must hold at least 2 choices, found " + choices.size());
        }
        return new MultipleChoiceItem(question, choices, answerIndex(json.node("answer"), choices));
    }

    private static int answerIndex(JsonNode answer, List<String> choices) throws InvalidRecordException {
        if (answer.isIntegralNumber()) {
            if (!answer.canConvertToInt() || answer.intValue() < 0 || answer.intValue() >= choices.size()) {
                throw new InvalidRecordException("answer index " + answer + " is outside [0, " + choices.size() + ")");
            }
            return answer.intValue();
        }
        if (!answer.isTextual()) {
            throw JsonRecord.wrongType("answer", "an index, a letter or a choice", answer);
        }
        String text = answer.textValue();
        int byText = choices.indexOf(text);
        if (byText >= 0) {
            return byText;
        }
        if (text.length() == 1 && text.charAt(0) >= 'A' && text.charAt(0) < 'A' + choices.size()) {
            return text.charAt(0) - 'A';
        }
        throw new InvalidRecordException("answer \"" + text + "\" is neither a letter A.." + (char) ('A' + choices.size() - 1)
                + " nor one of the choices");
    }
}
