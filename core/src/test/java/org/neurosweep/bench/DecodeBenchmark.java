package org.neurosweep.bench;

import java.util.List;
import java.util.Random;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.GenerationSettings;
import org.neurosweep.model.generate.Generator;

/** Greedy generation of one row after a long prompt: KV cache against recomputing the whole sequence per token. */
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
        generator.generate(List.of(prompt), GenerationSettings.greedy(2));                   // warm-up
        generator.generate(List.of(prompt), GenerationSettings.greedy(2).withKvCache(false));
        return new Result(context, newTokens, seconds(generator, prompt, cached), seconds(generator, prompt, recomputed));
    }

    private static double seconds(Generator generator, int[] prompt, GenerationSettings settings) {
        long start = System.nanoTime();
        generator.generate(List.of(prompt), settings);
        return (System.nanoTime() - start) / 1e9;
    }
}
