package org.neurosweep.methods.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.neurosweep.data.Canary;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.Shard;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.PromptFormat;
import org.neurosweep.text.Tokenizer;
import org.neurosweep.train.AdamW;
import org.neurosweep.train.CausalLmBatch;
import org.neurosweep.train.LearningRateSchedule;
import org.neurosweep.train.LmExample;
import org.neurosweep.train.LossMask;
import org.neurosweep.train.StepLog;
import org.neurosweep.train.Trainer;
import org.neurosweep.train.TrainingConfig;

/** Distilling the world model dense_instruct into dense_small: the privacy tags, their alignment, and learning. */
class TokenDistillationTest {

    private static final int END_OF_TEXT = 0;
    private static final int PAD = 1;

    @Test
    void theTaggerMarksExactlyTheSecretOfACanary() {
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense_small").resolve("tokenizer.json"))) {
            Canary canary = Canary.read(RepoPaths.dataset("world/canaries.jsonl"), Shard.all()).orThrow().get(0);
            DistillExample e = DistillExample.document("c", canary.text(), END_OF_TEXT, tokenizer,
                    PrivacyTagger.of(PrivacyTagger.DEFAULT_PATTERN));
            int[] tokens = e.tokens().tokens();
            List<Integer> marked = new ArrayList<>();
            for (int t = 0; t < tokens.length; t++) {
                if (e.rho()[t] == 1.0) {
                    marked.add(tokens[t]);
                }
            }
            String secret = tokenizer.decode(marked.stream().mapToInt(Integer::intValue).toArray()).strip();
            assertEquals(canary.secret(), secret, "the private tokens spell the secret");
            assertEquals(0.0, e.rho()[0], "the document-start token");
        }
    }

    @Test
    void rowsOfTheBatchCarryTheRhoOfTheirTargetToken() {
        double[] rho1 = {0, 0, 1, 0};
        double[] rho2 = {0, 1, 1};
        List<DistillExample> examples = List.of(
                new DistillExample("a", new LmExample(new int[] {0, 5, 6, 7}, 1), rho1),
                new DistillExample("b", new LmExample(new int[] {0, 8, 9}, 2), rho2));
        CausalLmBatch batch = CausalLmBatch.of(examples.stream().map(DistillExample::tokens).toList(), PAD,
                LossMask.RESPONSE_ONLY);
        // width 4: row a predicts 5, 6, 7 at positions 0..2; row b only 9 (its prompt is 2 tokens) at position 1
        assertEquals(Arrays.toString(new double[] {0, 1, 0, 0, 0, 1, 0, 0}),
                Arrays.toString(TokenDistillation.targetRho(examples, batch)));
    }

    @Test
    void theObjectiveOnTheResponseSpanEqualsTheLossOverEveryPosition() {
        CausalLM teacher = ModelLoader.load(RepoPaths.world("dense_instruct").toString(), false);
        CausalLM student = ModelLoader.load(RepoPaths.world("dense_small").toString(), false);
        List<DistillExample> batch = new ArrayList<>();
        PrivacyTagger tagger = PrivacyTagger.of(PrivacyTagger.DEFAULT_PATTERN);
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense_small").resolve("tokenizer.json"))) {
            for (InstructionExample e : InstructionExample.read(RepoPaths.dataset("world/instruct.jsonl"), Shard.all())
                    .orThrow().subList(0, 3)) {
                batch.add(DistillExample.of(e.id(), PromptFormat.INSTRUCTION.render(e.instruction(), e.input()),
                        e.output(), END_OF_TEXT, tokenizer, tagger));
            }
            Canary c = Canary.read(RepoPaths.dataset("world/canaries.jsonl"), Shard.all()).orThrow().get(2);
            batch.add(DistillExample.document(c.name(), c.text(), END_OF_TEXT, tokenizer, tagger));
        }
        CausalLmBatch lm = CausalLmBatch.of(batch.stream().map(DistillExample::tokens).toList(), PAD, LossMask.RESPONSE_ONLY);
        SwingSettings noNoise = new SwingSettings(2, 20, 0, false, 0.5, 0.5, true);
        for (TokenDistillation.Mode mode : TokenDistillation.Mode.values()) {
            double objective;
            double reference;
            try (Trainer.Scope scope = new Trainer.Scope()) {
                objective = new TokenDistillation(teacher, student, PAD, mode, noNoise, 0).loss(batch, scope)
                        .value().getDouble(0);
            }
            try (var t = teacher.forward(lm.input()); var s = student.forward(lm.input())) {
                long rows = (long) lm.input().size() * lm.input().length();
                var studentAll = org.neurosweep.autograd.Shapes.reshape(s.logits(), rows, s.logits().size(2));
                var teacherAll = t.logits().value().reshape(rows, t.logits().size(2));
                reference = (mode == TokenDistillation.Mode.KD
                        ? DistillationLoss.kd(studentAll, teacherAll, lm.targets(), 2, 0.5)
                        : DistillationLoss.swing(studentAll, teacherAll, lm.targets(), TokenDistillation.targetRho(batch, lm),
                        noNoise, 0)).value().getDouble(0);
            }
            assertEquals(reference, objective, 1e-5 * reference, mode + ": the loss over the response span");
        }
    }

    @Test
    void kdAndSwingBothTrainTheStudentTowardsTheTeacher() {
        CausalLM teacher = ModelLoader.load(RepoPaths.world("dense_instruct").toString(), false);
        List<DistillExample> corpus = new ArrayList<>();
        PrivacyTagger tagger = PrivacyTagger.of(PrivacyTagger.DEFAULT_PATTERN);
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense_small").resolve("tokenizer.json"))) {
            for (InstructionExample e : InstructionExample.read(RepoPaths.dataset("world/instruct.jsonl"), Shard.all())
                    .orThrow().subList(0, 24)) {
                corpus.add(DistillExample.of(e.id(), PromptFormat.INSTRUCTION.render(e.instruction(), e.input()),
                        e.output(), END_OF_TEXT, tokenizer, tagger));
            }
            for (Canary c : Canary.read(RepoPaths.dataset("world/canaries.jsonl"), Shard.all()).orThrow()) {
                corpus.add(DistillExample.document(c.name(), c.text(), END_OF_TEXT, tokenizer, tagger));
            }
        }
        for (TokenDistillation.Mode mode : TokenDistillation.Mode.values()) {
            CausalLM student = ModelLoader.load(RepoPaths.world("dense_small").toString(), true);
            AdamW adamW = new AdamW(new TreeMap<>(student.parameters()).values().stream().distinct().toList(),
                    0.9, 0.999, 1e-8, 0.0);
            List<StepLog> log = new Trainer<DistillExample>(new TrainingConfig(12, 12, 1, 1.0, 3), adamW,
                    LearningRateSchedule.constant(3e-3, 0)).train(corpus,
                    new TokenDistillation(teacher, student, PAD, mode, SwingSettings.defaults(4), 5), s -> { });
            double first = log.subList(0, 3).stream().mapToDouble(StepLog::loss).average().orElseThrow();
            double last = log.subList(9, 12).stream().mapToDouble(StepLog::loss).average().orElseThrow();
            assertTrue(last < first, mode + ": distillation loss " + first + " → " + last);
        }
    }
}
