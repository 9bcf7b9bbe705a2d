package org.neurosweep.model.check;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.KvCache;
import org.neurosweep.model.LogitsAt;

/**
 * greedy_ids: prompt 0 without padding followed by greedy tokens, decoded here with the KV cache (prefill, then one
 * token per step). Must match exactly; the error is the share of generated tokens that differ.
 */
final class GreedyCheck implements TensorCheck {

    @Override
    public boolean handles(String name) {
        return name.equals("greedy_ids");
    }

    @Override
    public CheckResult check(String name, ReferenceRun run) {
        int[] expected = run.reference().load(name).toIntVector();
        int[] ids = run.inputIds()[0];
        int[] mask = run.attentionMask()[0];
        int[] prompt = java.util.stream.IntStream.range(0, ids.length).filter(j -> mask[j] == 1).map(j -> ids[j]).toArray();
        int steps = expected.length - prompt.length;
        if (steps < 0) {
            return CheckResult.fail(name, "reference holds " + expected.length + " ids, fewer than prompt 0's " + prompt.length);
        }
        int[] ours = Arrays.copyOf(prompt, expected.length);
        CausalLM model = run.model();
        KvCache cache = model.newCache(1, expected.length);
        Batch next = Batch.of(prompt);
        for (int s = 0; s < steps; s++) {
            try (Forward f = model.forward(next.logitsAt(LogitsAt.last()), org.neurosweep.hook.Hooks.none(), cache)) {
                INDArray last = f.logits().value().reshape(model.config().vocabSize());
                ours[prompt.length + s] = last.argMax(0).getInt(0);
            }
            next = Batch.continuing(cache, new int[] {ours[prompt.length + s]});
        }
        int differing = 0;
        for (int j = prompt.length; j < expected.length; j++) {
            differing += ours[j] == expected[j] ? 0 : 1;
        }
        double error = steps == 0 ? 0 : (double) differing / steps;
        return differing == 0 ? new CheckResult(name, error, CheckResult.Status.PASS, "")
                : new CheckResult(name, error, CheckResult.Status.FAIL,
                        "ours " + Arrays.toString(ours) + " vs reference " + Arrays.toString(expected));
    }
}
