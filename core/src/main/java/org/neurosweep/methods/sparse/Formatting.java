package org.neurosweep.methods.sparse;

import java.util.Arrays;
import java.util.Locale;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.text.PromptFormat;

/**
 * How an instruction record becomes the text fed to a model (recorded in every SPARCOM table): the same raw text for
 * a base and a tuned model by default, which isolates the weight change; or the tuned model's prompt format.
 */
public enum Formatting {
    /** The instruction, then a newline and the input when there is one. */
    RAW,
    /** {@link PromptFormat#INSTRUCTION}, the world instruct models' format. */
    INSTRUCTION;

    /** The parameter spelling: {@code raw} or {@code instruction}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Formatting parse(String key) {
        for (Formatting f : values()) {
            if (f.key().equals(key)) {
                return f;
            }
        }
        throw new IllegalArgumentException("formatting must be one of "
                + Arrays.stream(values()).map(Formatting::key).toList() + ", got '" + key + "'");
    }

    public String render(InstructionExample e) {
        return switch (this) {
            case RAW -> e.input().isEmpty() ? e.instruction() : e.instruction() + "\n" + e.input();
            case INSTRUCTION -> PromptFormat.INSTRUCTION.render(e.instruction(), e.input());
        };
    }
}
