package org.neurosweep.train;

import java.util.Arrays;
import java.util.List;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.text.PromptFormat;
import org.neurosweep.text.Tokenizer;

/**
 * Instruction records as supervised examples: the prompt rendered with a {@link PromptFormat}, the response the
 * reference output followed by the end-of-text token (so that a tuned model learns to stop), as the world models were
 * instruction-tuned.
 */
public final class InstructionExamples {

    private InstructionExamples() {
    }

    public static List<LmExample> of(List<InstructionExample> examples, Tokenizer tokenizer, PromptFormat format,
                                     int endOfText) {
        int[][] prompts = tokenizer.encodeBatch(examples.stream().map(e -> format.render(e.instruction(), e.input())).toList());
        int[][] answers = tokenizer.encodeBatch(examples.stream().map(InstructionExample::output).toList());
        LmExample[] out = new LmExample[examples.size()];
        for (int k = 0; k < out.length; k++) {
            int[] response = Arrays.copyOf(answers[k], answers[k].length + 1);
            response[answers[k].length] = endOfText;
            out[k] = LmExample.of(prompts[k], response);
        }
        return List.of(out);
    }
}
