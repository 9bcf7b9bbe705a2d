package org.neurosweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.Shard;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.PromptFormat;
import org.neurosweep.text.Tokenizer;

/**
 * Instruction tuning of the world model {@code dense_small} (0.4M parameters) on the train split of
 * instruct.jsonl: the held-out (test split) response loss falls, and the saved HF checkpoint reloads
 * with identical logits.
 */
class FineTuneTest {

    private static final int PAD = 1;
    private static final int END_OF_TEXT = 0;
    private static final int STEPS = 200;

    @TempDir
    Path tmp;

    @Test
    void instructionTuningLowersHeldOutLossAndTheCheckpointReloads() throws IOException {
        Path source = RepoPaths.world("dense_small");
        CausalLM model = ModelLoader.load(source.toString(), true);
        List<LmExample> train = new ArrayList<>();
        List<LmExample> test = new ArrayList<>();
        try (Tokenizer tokenizer = Tokenizer.load(source.resolve("tokenizer.json"))) {
            for (InstructionExample e : InstructionExample.read(RepoPaths.dataset("world/instruct.jsonl"), Shard.all()).orThrow()) {
                int[] prompt = tokenizer.encode(PromptFormat.INSTRUCTION.render(e.instruction(), e.input()));
                int[] answer = tokenizer.encode(e.output());
                int[] response = java.util.Arrays.copyOf(answer, answer.length + 1);
                response[answer.length] = END_OF_TEXT;
                ("test".equals(e.split()) ? test : train).add(LmExample.of(prompt, response));
            }
        }
        CausalLmBatch heldOut = CausalLmBatch.of(test, PAD, LossMask.RESPONSE_ONLY);
        double before = loss(model, heldOut);

        AdamW adamW = new AdamW(new TreeMap<>(model.parameters()).values().stream().distinct().toList(), 0.9, 0.95, 1e-8, 0.0);
        List<StepLog> log = new Trainer<LmExample>(new TrainingConfig(STEPS, 16, 1, 1.0, 2024), adamW,
                LearningRateSchedule.cosine(2e-3, 20, STEPS, 2e-4))
                .train(train, (batch, scope) -> {
                    CausalLmBatch b = CausalLmBatch.of(batch, PAD, LossMask.RESPONSE_ONLY);
                    return b.loss(scope.keep(model.forward(b.input())).logits());
                }, step -> { });
        double after = loss(model, heldOut);
        assertEquals(STEPS, log.size());
        assertTrue(after < 0.8 * before, "held-out response loss " + before + " → " + after);

        Path checkpoint = tmp.resolve("dense_small-instruct");
        ModelCheckpoint.save(model, source, checkpoint, Map.of("training_step", STEPS));
        CausalLM reloaded = CausalLM.load(checkpoint);
        Batch probe = heldOut.input();
        try (Forward trained = model.forward(probe); Forward saved = reloaded.forward(probe)) {
            INDArray a = trained.logits().value();
            INDArray b = saved.logits().value();
            assertEquals(a, b, "logits of the reloaded checkpoint");
        }
    }

    private static double loss(CausalLM model, CausalLmBatch batch) {
        try (Forward f = model.forward(batch.input())) {
            return batch.loss(f.logits()).value().getDouble(0);
        }
    }
}
