package org.neurosweep.model.generate;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one call of {@link Generator#generate} does.
 *
 * @param maxNewTokens  tokens generated per row at most (a row's stop token included)
 * @param sampling      greedy or sampled decoding
 * @param seed          base seed of the per-row random generators (ignored by greedy decoding)
 * @param stopTokens    ids that end a row; the stop token is kept as the row's last token
 * @param kvCache       decode with a KV cache (prefill once, then one token per step); false recomputes the whole
 *                      sequence at every step (a reference for tests and benchmarks)
 * @param logProbs      also return log p(token) of every generated token under the model (softmax of the raw
 *                      logits, before temperature, top-k and top-p)
 */
public record GenerationSettings(int maxNewTokens, Sampling sampling, long seed, Set<Integer> stopTokens,
                                 boolean kvCache, boolean logProbs) {

    public GenerationSettings {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
        if (sampling == null) {
            throw new IllegalArgumentException("sampling must not be null; use Sampling.greedy()");
        }
        stopTokens = Set.copyOf(stopTokens);
    }

    /** Greedy decoding of up to {@code maxNewTokens}, KV cache on, no stop tokens, no log-probabilities. */
    public static GenerationSettings greedy(int maxNewTokens) {
        return new GenerationSettings(maxNewTokens, Sampling.greedy(), 0L, Set.of(), true, false);
    }

    public GenerationSettings withSampling(Sampling s, long baseSeed) {
        return new GenerationSettings(maxNewTokens, s, baseSeed, stopTokens, kvCache, logProbs);
    }

    public GenerationSettings withStopTokens(int... ids) {
        Set<Integer> stops = Arrays.stream(ids).boxed().collect(Collectors.toSet());
        return new GenerationSettings(maxNewTokens, sampling, seed, stops, kvCache, logProbs);
    }

    public GenerationSettings withKvCache(boolean on) {
        return new GenerationSettings(maxNewTokens, sampling, seed, stopTokens, on, logProbs);
    }

    public GenerationSettings withLogProbs(boolean on) {
        return new GenerationSettings(maxNewTokens, sampling, seed, stopTokens, kvCache, on);
    }
}
