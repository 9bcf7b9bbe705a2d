package org.neurosweep.bench;

import java.util.List;
import java.util.Random;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.GenerationSettings;
import org.neurosweep.model.generate.Generator;

/**
 * Greedy generation of one row after a long prompt: KV cache against recomputing the whole sequence per token. The
 * cached loop is bound by reading the weights once per token (single-token products are GEMVs, {@code MatrixVector}).
 */
final class DecodeBenchmark {

    record Result(int context, int newTokens, double cached, double recomputed) {
        double speedup() {
            return recomputed / cached;
        }
    }

    private DecodeBenchmark() {
    }

    static Result run(CausalLM model, int context, int newTokens) {
        Random random = new Random(29);
        int[] prompt = random.ints(context, 0, model.config().vocabSize()).toArray();
        Generator generator = new Generator(model);
        GenerationSettings cached = GenerationSettings.greedy(newTokens);
        GenerationSettings recomputed = cached.withKvCache(false);
        // the cached loop: one warm-up run, best of 3 (a few seconds each); recomputing: one run (tens of seconds),
        // its forward already warm from the prefill and the forward benchmark
        Timing withCache = Timing.of(1, 3, () -> generator.generate(List.of(prompt), cached));
        generator.generate(List.of(prompt), GenerationSettings.greedy(2).withKvCache(false));
        Timing withoutCache = Timing.of(0, 1, () -> generator.generate(List.of(prompt), recomputed));
        return new Result(context, newTokens, withCache.best(), withoutCache.best());
    }
}
