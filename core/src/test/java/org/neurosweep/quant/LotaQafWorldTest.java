package org.neurosweep.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.Shard;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.PromptFormat;
import org.neurosweep.text.Tokenizer;
import org.neurosweep.train.CausalLmBatch;
import org.neurosweep.train.InstructionExamples;
import org.neurosweep.train.LearningRateSchedule;
import org.neurosweep.train.LmExample;
import org.neurosweep.train.LossMask;
import org.neurosweep.train.Trainer;
import org.neurosweep.train.TrainingConfig;

/**
 * LoTA-QAF end to end on the world model {@code dense} at 2 bits, group size 64: the quantized checkpoint reloads
 * with the quantizer's weights; the adapted model at step 0 is the quantized model; t-SignSGD steps keep the factors
 * ternary and lower the training loss; the merged checkpoint reloads (also through the
 * runtime's plain loader) with logits identical bit for bit to the adapted model's.
 */
class LotaQafWorldTest {

    private static final int STEPS = 12;

    @TempDir
    Path tmp;

    @Test
    void adaptMergeAndReloadTheDenseWorldModel() throws IOException {
        Path source = RepoPaths.world("dense");
        Predicate<String> targets = LotaQaf.targets(LotaQaf.DEFAULT_TARGETS);
        Map<String, QuantizedLinear> layers = LotaQaf.quantize(CausalLM.load(source), targets, 2, 64);
        assertEquals(6 * 7, layers.size());
        Path quantized = tmp.resolve("q2");
        GptqCheckpoint.save(CausalLM.load(source), layers, source, quantized, ZeroFormat.V2);
        assertEquals(new GptqCheckpoint.Settings(2, 64, ZeroFormat.V2), GptqCheckpoint.settings(quantized));

        CausalLM model = GptqCheckpoint.load(quantized, targets);
        String down = "model.layers.3.mlp.down_proj";
        TernaryAdapterTest.assertBitwiseEqual(layers.get(down).weight(),
                model.parameters().get(down + ".weight").value().transpose());
        assertEquals(layers.get(down).codes(), GptqCheckpoint.layers(quantized).get(down).codes());

        List<LmExample> train;
        try (Tokenizer tokenizer = Tokenizer.load(source.resolve("tokenizer.json"))) {
            List<InstructionExample> records = InstructionExample.read(RepoPaths.dataset("world/instruct.jsonl"),
                    Shard.all()).orThrow().stream().filter(e -> "train".equals(e.split())).toList();
            train = InstructionExamples.of(records, tokenizer, PromptFormat.INSTRUCTION, 0);
        }
        Batch probe = CausalLmBatch.of(train.subList(0, 8), 1, LossMask.RESPONSE_ONLY).input();
        INDArray quantizedLogits = logits(model, probe);

        Map<String, TernaryAdapter> adapters = LotaQaf.adapters(layers, TernaryAdapter.Settings.of(16, true), 42);
        AdaptedProjections adapted = new AdaptedProjections(model.parameters(), adapters,
                params -> new TSignSgd(params, TSignSgd.Schedule.of(STEPS)));
        TernaryAdapterTest.assertBitwiseEqual(quantizedLogits, logits(model, probe));

        List<Double> losses = new ArrayList<>();
        new Trainer<LmExample>(new TrainingConfig(STEPS, 16, 1, 0.0, 42), adapted, LearningRateSchedule.constant(1, 0))
                .train(train, (batch, scope) -> {
                    CausalLmBatch b = CausalLmBatch.of(batch, 1, LossMask.RESPONSE_ONLY);
                    return b.loss(scope.keep(model.forward(b.input())).logits());
                }, step -> losses.add(step.loss()));
        TSignSgd.Report last = ((TSignSgd) adapted.inner()).lastReport();
        assertEquals(STEPS, last.step());
        adapters.values().forEach(a -> {
            TernaryAdapterTest.assertTernary(a.a().value());
            TernaryAdapterTest.assertTernary(a.b().value());
        });
        double early = (losses.get(0) + losses.get(1) + losses.get(2)) / 3;
        double late = (losses.get(STEPS - 1) + losses.get(STEPS - 2) + losses.get(STEPS - 3)) / 3;
        assertTrue(late < early, "training loss " + losses);

        Path merged = tmp.resolve("merged");
        GptqCheckpoint.save(model, LotaQaf.merge(adapters), quantized, merged, ZeroFormat.V2);
        CausalLM reloaded = GptqCheckpoint.load(merged, name -> false);
        TernaryAdapterTest.assertBitwiseEqual(logits(model, probe), logits(reloaded, probe));
        TernaryAdapterTest.assertBitwiseEqual(logits(model, probe), logits(CausalLM.load(merged), probe));
        assertArrayEquals(adapters.get(down + ".weight").effectiveWeight().data().asFloat(),
                reloaded.parameters().get(down + ".weight").value().transpose().dup('c').data().asFloat());
    }

    private static INDArray logits(CausalLM model, Batch batch) {
        try (Forward f = model.forward(batch)) {
            return f.logits().value().detach();
        }
    }
}
