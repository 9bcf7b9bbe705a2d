package org.neurosweep.methods.pad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.GradCheck;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.Shard;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.model.generate.Continuation;
import org.neurosweep.model.generate.ContinuationScorer;
import org.neurosweep.model.generate.Sampling;
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

/** PAD on the world models: sequence scores, sampling, the judge, and a short run whose ranking loss falls. */
class PadTrainingTest {

    private static final int END_OF_TEXT = 0;
    private static final int PAD = 1;

    @Test
    void sequenceScoresAreTheMeanResponseLogProbWithItsGradient() {
        CausalLM model = ModelLoader.load(RepoPaths.world("dense_small").toString(), false);
        List<LmExample> seqs = List.of(LmExample.of(new int[] {0, 40, 41}, new int[] {50, 51, 0}),
                LmExample.of(new int[] {0, 42}, new int[] {60, 0}));
        CausalLmBatch batch = CausalLmBatch.of(seqs, PAD, LossMask.RESPONSE_ONLY);
        double[] scores;
        try (Forward f = model.forward(batch.input())) {
            scores = SequenceScores.meanLogProbs(f.logits(), batch).value().toDoubleVector();
        }
        var reference = new ContinuationScorer(model, 2, ContinuationScorer.Padding.RIGHT).score(List.of(
                new Continuation(new int[] {0, 40, 41}, new int[] {50, 51, 0}), new Continuation(new int[] {0, 42}, new int[] {60, 0})));
        assertArrayEquals(new double[] {reference.get(0).mean(), reference.get(1).mean()}, scores, 1e-5);

        INDArray logits = Nd4j.getRandomFactory().getNewRandomInstance(1).nextGaussian('c', new long[] {2, 6, 7}).castTo(DataType.DOUBLE);
        CausalLmBatch small = CausalLmBatch.of(List.of(LmExample.of(new int[] {1, 2}, new int[] {3, 4, 5, 6}),
                LmExample.of(new int[] {1, 2, 3}, new int[] {6, 0})), PAD, LossMask.RESPONSE_ONLY);
        assertTrue(GradCheck.maxRelError(in -> SequenceScores.meanLogProbs(in[0], small), logits) < 1e-6);
    }

    @Test
    void theObjectiveOptimizesTheChosenLossAndReportsBoth() {
        CausalLM model = ModelLoader.load(RepoPaths.world("dense_small").toString(), false);
        List<PadExample> prompts = List.of(
                new PadExample("a", new int[] {0, 40, 41}, List.of(new int[] {50, 0}, new int[] {51, 52, 0}, new int[] {53}),
                        new double[] {-1.0, -2.0, -0.5}),
                new PadExample("b", new int[] {0, 42}, List.of(new int[] {60, 61, 0}, new int[] {62, 0}, new int[] {63, 0}),
                        new double[] {-3.0, -1.0, -2.0}));
        for (PadObjective.Kind kind : PadObjective.Kind.values()) {
            PadObjective objective = new PadObjective(model, PAD, 2.0, kind, 3);
            double loss;
            try (Trainer.Scope scope = new Trainer.Scope()) {
                loss = objective.loss(prompts, scope).value().getDouble(0);
            }
            PadObjective.Diagnostics d = objective.drain().get(0);
            assertEquals(kind == PadObjective.Kind.JS ? d.js() : d.vanilla(), loss, 0.0, kind + " is the optimized loss");
            assertEquals(2 + 3 + 1 + 3 + 2 + 2, d.tokens(), "response tokens of both prompts");
            assertTrue(objective.drain().isEmpty(), "drained");
        }
    }

    @Test
    void aSampleDependsOnItsPromptAndSeedNotOnTheBatch() {
        CausalLM model = ModelLoader.load(RepoPaths.world("dense_small").toString(), false);
        List<int[]> prompts = List.of(new int[] {0, 40, 41}, new int[] {0, 42, 43, 44});
        Sampling sampling = Sampling.atTemperature(1.0).withTopP(0.95);
        var batched = new ResponseSampler(model, sampling, 6, END_OF_TEXT, 8).sample(prompts, 3, 7);
        var single = new ResponseSampler(model, sampling, 6, END_OF_TEXT, 1).sample(prompts, 3, 7);
        assertEquals(6, batched.size());
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(single.get(i).tokens(), batched.get(i).tokens(), "sample " + i);
            assertEquals(i / 3, batched.get(i).prompt());
            assertEquals(i % 3, batched.get(i).seed());
        }
    }

    @Test
    void theJudgeGivesPairProbabilitiesAndPadTrainingLowersTheRankingLoss() {
        CausalLM teacher = ModelLoader.load(RepoPaths.world("dense_instruct").toString(), false);
        CausalLM student = ModelLoader.load(RepoPaths.world("dense_small").toString(), true);
        List<PadExample> examples = new ArrayList<>();
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense_small").resolve("tokenizer.json"))) {
            McqJudge judge = new McqJudge(teacher, tokenizer, McqJudge.DEFAULT_TEMPLATE, 64, 6);
            List<McqJudge.Verdict> verdicts = judge.judge("Give the first word. red yellow", List.of("red", "yellow", "blue", "red yellow"));
            assertEquals(6, verdicts.size());
            for (McqJudge.Verdict v : verdicts) {
                assertTrue(v.pA() >= McqCalibration.FLOOR && v.pB() >= McqCalibration.FLOOR && v.pA() + v.pB() <= 1 + 1e-6);
            }
            assertEquals(0, verdicts.get(0).i());
            assertEquals(3, verdicts.get(5).j());

            // teacher scores: the teacher's own mean log-probability of 4 sampled responses (α = 1)
            ContinuationScorer teacherScorer = new ContinuationScorer(teacher, 16, ContinuationScorer.Padding.RIGHT);
            List<InstructionExample> records = InstructionExample.read(RepoPaths.dataset("world/instruct.jsonl"), Shard.all())
                    .orThrow().subList(0, 8);
            List<int[]> prompts = records.stream()
                    .map(e -> tokenizer.encode(PromptFormat.INSTRUCTION.render(e.instruction(), e.input()))).toList();
            var samples = new ResponseSampler(student, Sampling.atTemperature(1.0).withTopP(0.95), 8, END_OF_TEXT, 32)
                    .sample(prompts, 4, 1);
            for (int p = 0; p < prompts.size(); p++) {
                List<int[]> responses = new ArrayList<>();
                for (int s = 0; s < 4; s++) {
                    responses.add(samples.get(p * 4 + s).tokens());
                }
                int[] prompt = prompts.get(p);
                double[] scores = teacherScorer.score(responses.stream().map(r -> new Continuation(prompt, r)).toList())
                        .stream().mapToDouble(s -> s.mean()).toArray();
                examples.add(new PadExample(records.get(p).id(), prompt, responses, scores));
            }
        }
        AdamW adamW = new AdamW(new TreeMap<>(student.parameters()).values().stream().distinct().toList(), 0.9, 0.999, 1e-8, 0);
        PadObjective objective = new PadObjective(student, PAD, 2.0, PadObjective.Kind.JS, 4);
        List<StepLog> log = new Trainer<PadExample>(new TrainingConfig(16, 8, 1, 1.0, 1), adamW,
                LearningRateSchedule.constant(3e-3, 0)).train(examples, objective, s -> { });
        List<PadObjective.Diagnostics> diagnostics = objective.drain();
        assertEquals(16, diagnostics.size());
        assertEquals(log.get(0).loss(), diagnostics.get(0).js(), 1e-12, "the logged loss is the JS diagnostic");
        for (PadObjective.Diagnostics d : diagnostics) {
            assertTrue(d.js() >= 0 && d.js() <= Math.log(2) && d.vanilla() > 0 && Math.abs(d.kendallTau()) <= 1);
        }
        double first = log.subList(0, 3).stream().mapToDouble(StepLog::loss).average().orElseThrow();
        double last = log.subList(13, 16).stream().mapToDouble(StepLog::loss).average().orElseThrow();
        assertTrue(last < first, "JS " + first + " → " + last);
    }

}
