package org.neurosweep.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template with {@code {instruction}} and {@code {input}} slots, filled verbatim in one pass (text that itself
 * contains {@code {input}} is not substituted again). An empty input is not special-cased: the prompt keeps the
 * empty line, as Python's {@code f"...{r['input']}..."} does in the world models' training script.
 */
public final class PromptFormat {

    private static final Pattern SLOT = Pattern.compile("\\{(instruction|input)}");

    /** The instruction format the world models were tuned on (and HexaInst-style evaluation uses). */
    public static final PromptFormat INSTRUCTION = of("### Instruction:\n{instruction}\n### Input:\n{input}\n### Response:\n");

    private final String template;
    /** Alternating literal text and slot names: literal, slot, literal, ..., literal. */
    private final List<String> parts;

    private PromptFormat(String template, List<String> parts) {
        this.template = template;
        this.parts = parts;
    }

    /** A format from a template; it must contain the {@code {instruction}} slot ({@code {input}} is optional). */
    public static PromptFormat of(String template) {
        List<String> parts = new ArrayList<>();
        Matcher m = SLOT.matcher(template);
        int literalStart = 0;
        boolean hasInstruction = false;
        while (m.find()) {
            parts.add(template.substring(literalStart, m.start()));
            parts.add(m.group(1));
            hasInstruction |= m.group(1).equals("instruction");
            literalStart = m.end();
        }
        parts.add(template.substring(literalStart));
        if (!hasInstruction) {
            throw new IllegalArgumentException("prompt template has no {instruction} slot: \"" + template + "\"");
        }
        return new PromptFormat(template, List.copyOf(parts));
    }

    /** The prompt for one example; the model's response is expected to follow it. */
    public String render(String instruction, String input) {
        if (instruction == null || input == null) {
            throw new IllegalArgumentException("instruction and input must not be null (use \"\" for no input)");
        }
        StringBuilder prompt = new StringBuilder(template.length() + instruction.length() + input.length());
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            prompt.append(i % 2 == 0 ? part : part.equals("instruction") ? instruction : input);
        }
        return prompt.toString();
    }

    public String template() {
        return template;
    }

    @Override
    public String toString() {
        return "PromptFormat[" + template.replace("\n", "\\n") + "]";
    }
}
