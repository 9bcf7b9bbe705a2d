package org.neurosweep.methods.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.MultipleChoiceItem;
import org.neurosweep.data.Shard;
import org.neurosweep.data.TextLines;
import org.neurosweep.methods.probe.WorldEval;
import org.neurosweep.model.CausalLM;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.PromptFormat;
import org.neurosweep.text.Tokenizer;

/**
 * The evaluations of checkpoint-eval against the world models' measured figures ({@code eval/eval-NAME.json}).
 * Instruction exact match is checked on every checkpoint of both series; the 2000-line perplexity on one checkpoint
 * (scoring 2000 lines for each of the seven would dominate the suite's time), and on the others through a property.
 * The probe figures of every checkpoint are checked by {@code ExactMatchProbeTest}.
 */
class CheckpointFiguresTest {

    private static final int END_OF_TEXT = 0;

    @ParameterizedTest
    @ValueSource(strings = {"dense-step00250", "dense-step00500", "dense-step01000", "dense-step02000", "dense-step04000",
        "moe_deep-step00500", "moe_deep-step02000"})
    void instructionExactMatchReproducesTheFixture(String name) {
        CausalLM model = CausalLM.load(RepoPaths.world(name));
        List<InstructionExample> test = InstructionExample.read(RepoPaths.dataset("world/instruct.jsonl"), Shard.all())
                .orThrow().stream().filter(e -> "test".equals(e.split())).toList();
        Map<String, long[]> byCategory = new TreeMap<>();
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world(name))) {
            for (InstructionExactMatch.Outcome o : new InstructionExactMatch(model, tokenizer, PromptFormat.INSTRUCTION, 8,
                    END_OF_TEXT, 64).run(test)) {
                long[] c = byCategory.computeIfAbsent(o.example().category(), k -> new long[2]);
                c[0] += o.correct() ? 1 : 0;
                c[1]++;
                assertTrue(o.generatedTokens() <= 8);
            }
        }
        WorldEval reference = WorldEval.of(name);
        assertEquals(new TreeSet<>(reference.instructCategories()), byCategory.keySet());
        byCategory.forEach((category, c) -> assertEquals(Math.round(reference.instruct(category) * c[1]), c[0],
                name + " instruct." + category));
    }

    @Test
    void perplexityOfTheFirst2000LinesReproducesTheFixture() {
        String name = "dense-step01000";
        assertEquals(WorldEval.of(name).perplexity(), perplexity(name, 2000).perplexity(),
                1e-5 * WorldEval.of(name).perplexity());
    }

    @Test
    void laterCheckpointHasLowerPerplexityOnTheTrainingText() {
        Perplexity.Result early = perplexity("dense-step00250", 300);
        Perplexity.Result late = perplexity("dense", 300);
        assertEquals(early.tokens(), late.tokens(), "same text, same tokenizer");
        assertTrue(late.perplexity() < early.perplexity(), late.perplexity() + " vs " + early.perplexity());
    }

    @Test
    void trainedModelAnswersMultipleChoiceCapitalQuestions() {
        CausalLM model = CausalLM.load(RepoPaths.world("dense"));
        List<MultipleChoiceItem> items = MultipleChoiceItem.read(RepoPaths.dataset("world/world_mc.jsonl"), Shard.all())
                .orThrow().subList(0, 20);
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense"))) {
            List<MultipleChoiceEval.Outcome> outcomes = new MultipleChoiceEval(model, tokenizer, 64).run(items);
            long correct = 0;
            for (MultipleChoiceEval.Outcome o : outcomes) {
                int argmax = 0;
                for (int j = 1; j < o.logProbSums().length; j++) {
                    argmax = o.logProbSums()[j] > o.logProbSums()[argmax] ? j : argmax;
                }
                assertEquals(argmax, o.predicted(), "acc follows from the stored choice log-probabilities");
                assertEquals(o.item().choices().size(), o.choiceBytes().length);
                correct += o.correct() ? 1 : 0;
            }
            assertTrue(correct >= 18, "every world model knows every English fact; got " + correct + "/20");
        }
    }

    private static Perplexity.Result perplexity(String name, int lines) {
        CausalLM model = CausalLM.load(RepoPaths.world(name));
        List<String> text = TextLines.read(RepoPaths.dataset("world/pretrain.txt"), Shard.all(), lines).orThrow().stream()
                .map(TextLines.Line::text).toList();
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world(name))) {
            return Perplexity.Result.of(new Perplexity(model, tokenizer, END_OF_TEXT, 64).score(text));
        }
    }
}
