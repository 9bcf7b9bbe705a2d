package org.neurosweep.methods.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.Generation;
import org.neurosweep.model.generate.GenerationSettings;
import org.neurosweep.model.generate.Generator;
import org.neurosweep.text.PromptFormat;
import org.neurosweep.text.Tokenizer;

/**
 * Instruction following by exact match (data/README.md, the {@code instruct} figures): the prompt rendered with the
 * instruction format, greedy decoding of at most {@code maxNewTokens} tokens that stops at {@code stopToken} (not
 * part of the answer), the answer decoded without special tokens and stripped of surrounding whitespace, compared
 * with the reference output exactly. Prompts run in left-padded micro-batches of similar length. Thread-safe.
 */
public final class InstructionExactMatch {

    /** One example's answer and whether it matched. */
    public record Outcome(InstructionExample example, String answer, int generatedTokens, boolean correct) {
    }

    private final Generator generator;
    private final Tokenizer tokenizer;
    private final PromptFormat format;
    private final GenerationSettings settings;
    private final int stopToken;
    private final int microBatch;

    public InstructionExactMatch(CausalLM model, Tokenizer tokenizer, PromptFormat format, int maxNewTokens,
                                 int stopToken, int microBatch) {
        if (microBatch < 1) {
            throw new IllegalArgumentException("micro-batch must be >= 1, got " + microBatch);
        }
        this.generator = new Generator(model);
        this.tokenizer = tokenizer;
        this.format = format;
        this.settings = GenerationSettings.greedy(maxNewTokens).withStopTokens(stopToken);
        this.stopToken = stopToken;
        this.microBatch = microBatch;
    }

    /** One outcome per example, in order. */
    public List<Outcome> run(List<InstructionExample> examples) {
        int[][] prompts = tokenizer.encodeBatch(examples.stream()
                .map(e -> format.render(e.instruction(), e.input())).toList());
        int[] order = IntStream.range(0, prompts.length).boxed().sorted(Comparator.comparingInt(i -> prompts[i].length))
                .mapToInt(Integer::intValue).toArray();
        Outcome[] out = new Outcome[examples.size()];
        for (int from = 0; from < order.length; from += microBatch) {
            int[] rows = Arrays.copyOfRange(order, from, Math.min(from + microBatch, order.length));
            List<int[]> batch = new ArrayList<>(rows.length);
            for (int r : rows) {
                batch.add(prompts[r]);
            }
            Generation g = generator.generate(batch, settings);
            for (int k = 0; k < rows.length; k++) {
                int[] tokens = answerTokens(g.tokens(k));
                String answer = strip(tokenizer.decode(tokens));
                InstructionExample e = examples.get(rows[k]);
                out[rows[k]] = new Outcome(e, answer, tokens.length, answer.equals(e.output()));
            }
        }
        return List.of(out);
    }

    // the generated tokens before the stop token
    private int[] answerTokens(int[] generated) {
        int end = 0;
        while (end < generated.length && generated[end] != stopToken) {
            end++;
        }
        return Arrays.copyOf(generated, end);
    }

    /** Python's {@code str.strip()}: removes leading and trailing whitespace, Unicode spaces included. */
    static String strip(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }
}
