package org.neurosweep.methods.pad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.Generation;
import org.neurosweep.model.generate.GenerationSettings;
import org.neurosweep.model.generate.Generator;
import org.neurosweep.model.generate.Sampling;

/**
 * PAD's on-policy samples: for every prompt, one response per sample seed 0..k−1, drawn by the student with the KV
 * cache, prompts x seeds batched {@code microBatch} rows at a time. Row (prompt p, seed s) draws from
 * {@code seed + 1_000_003 · p + s} mixed by the generator, so a response depends on its prompt, index and seed only,
 * never on the batch it ran in.
 */
public final class ResponseSampler {

    /** One sampled response: its tokens (the stop token included when it ended the sample). */
    public record Sample(int prompt, int seed, int[] tokens, boolean stopped) {
    }

    private final CausalLM model;
    private final GenerationSettings settings;
    private final int microBatch;

    public ResponseSampler(CausalLM model, Sampling sampling, int maxNewTokens, int stopToken, int microBatch) {
        this.model = model;
        this.settings = GenerationSettings.greedy(maxNewTokens).withSampling(sampling, 0).withStopTokens(stopToken);
        this.microBatch = microBatch;
    }

    /** {@code samples} responses per prompt, prompt-major. */
    public List<Sample> sample(List<int[]> prompts, int samples, long seed) {
        List<int[]> rows = new ArrayList<>();
        List<long[]> keys = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            for (int s = 0; s < samples; s++) {
                rows.add(prompts.get(p));
                keys.add(new long[] {p, s, seed + 1_000_003L * p + s});
            }
        }
        Generator generator = new Generator(model);
        List<Sample> out = new ArrayList<>(rows.size());
        for (int from = 0; from < rows.size(); from += microBatch) {
            int to = Math.min(rows.size(), from + microBatch);
            long[] rowSeeds = keys.subList(from, to).stream().mapToLong(k -> k[2]).toArray();
            Generation g = generator.generate(rows.subList(from, to), settings, org.neurosweep.hook.Hooks.none(), rowSeeds);
            for (int r = 0; r < to - from; r++) {
                long[] k = keys.get(from + r);
                out.add(new Sample((int) k[0], (int) k[1], Arrays.copyOf(g.tokens(r), g.tokens(r).length), g.stopped(r)));
            }
        }
        return out;
    }
}
