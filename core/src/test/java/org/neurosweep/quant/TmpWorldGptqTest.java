package org.neurosweep.quant;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.Shard;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.PromptFormat;
import org.neurosweep.text.Tokenizer;
import org.neurosweep.train.CausalLmBatch;
import org.neurosweep.train.InstructionExamples;
import org.neurosweep.train.LmExample;
import org.neurosweep.train.LossMask;

class TmpWorldGptqTest {
    @Test
    void compare() throws Exception {
        Path source = RepoPaths.world("dense_instruct");
        List<LmExample> train;
        List<LmExample> test;
        try (Tokenizer tokenizer = Tokenizer.load(source.resolve("tokenizer.json"))) {
            List<InstructionExample> all = InstructionExample.read(RepoPaths.dataset("world/instruct.jsonl"), Shard.all()).orThrow();
            train = InstructionExamples.of(all.stream().filter(e -> "train".equals(e.split())).toList(), tokenizer, PromptFormat.INSTRUCTION, 0);
            test = InstructionExamples.of(all.stream().filter(e -> "test".equals(e.split())).toList(), tokenizer, PromptFormat.INSTRUCTION, 0);
        }
        List<int[]> calib = train.stream().limit(32).map(LmExample::tokens).toList();
        System.out.println("RESULT bf16 ppl " + ppl(CausalLM.load(source), test));
        for (int bits : new int[] {4, 3, 2}) {
            CausalLM rtn = CausalLM.load(source);
            LotaQaf.quantize(rtn, LotaQaf.targets(LotaQaf.DEFAULT_TARGETS), bits, 64).forEach((m, q) ->
                    rtn.parameters().get(m + ".weight").value().transpose().assign(q.weight()));
            System.out.println("RESULT " + bits + " rtn ppl " + ppl(rtn, test));
            for (boolean act : new boolean[] {false, true}) {
                CausalLM g = CausalLM.load(source);
                long t0 = System.nanoTime();
                GptqModel.quantize(g, LotaQaf.targets(LotaQaf.DEFAULT_TARGETS), calib, new Gptq.Settings(bits, 64, 0.01, act, 128));
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.println("RESULT " + bits + " gptq act=" + act + " ppl " + ppl(g, test) + " (" + s + " s)");
            }
        }
    }

    private static double ppl(CausalLM model, List<LmExample> ex) {
        double nll = 0;
        long tokens = 0;
        for (int from = 0; from < ex.size(); from += 16) {
            CausalLmBatch b = CausalLmBatch.of(ex.subList(from, Math.min(from + 16, ex.size())), 1, LossMask.RESPONSE_ONLY);
            try (Forward f = model.forward(b.input())) {
                nll += b.loss(f.logits()).value().getDouble(0) * b.countedTokens();
            }
            tokens += b.countedTokens();
        }
        return Math.exp(nll / tokens);
    }
}
