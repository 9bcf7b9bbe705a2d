package org.neurosweep.model.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.KvCache;
import org.neurosweep.model.LogitsAt;

/**
 * Autoregressive decoding of a batch of prompts of any lengths, left-padded so that every row's next token sits
 * at the same sequence index. With a KV cache the prompts are run once (prefill) and every step feeds one token
 * per row; without, every step recomputes the whole sequence. The {@link Hooks} apply to every forward, prefill
 * and decoding steps alike, at the sequence indices documented on {@link Generation}.
 *
 * <p>Every row draws from its own random generator, so its tokens depend on its prompt and seed only, never on
 * the other rows of the batch. Thread-safe when the model is.
 */
public final class Generator {
    /** Spreads the per-row seeds of one base seed (the 64-bit golden ratio, as in SplittableRandom). */
    private static final long ROW_SEED_STRIDE = 0x9E3779B97F4A7C15L;

    private final CausalLM model;
    private final int padId;

    /** @throws IllegalArgumentException for a masked LM (BERT), which has no next-token distribution to decode */
    public Generator(CausalLM model) {
        if (!model.config().causal()) {
            throw new IllegalArgumentException(model.config().modelType() + " is a bidirectional masked LM: "
                    + "generation needs a causal model");
        }
        this.model = model;
        Integer pad = model.config().padTokenId();
        this.padId = pad == null ? 0 : pad;    // padding is masked out, any valid id will do
    }

    public Generation generate(List<int[]> prompts, GenerationSettings settings) {
        return generate(prompts, settings, Hooks.none());
    }

    /** Row r draws with the seed {@code settings.seed() + r · 0x9E3779B97F4A7C15}. */
    public Generation generate(List<int[]> prompts, GenerationSettings settings, Hooks hooks) {
        long[] seeds = new long[prompts.size()];
        for (int r = 0; r < seeds.length; r++) {
            seeds[r] = settings.seed() + r * ROW_SEED_STRIDE;
        }
        return generate(prompts, settings, hooks, seeds);
    }

    /** Row r draws from {@code new SplittableRandom(rowSeeds[r])}; {@code settings.seed()} is not used. */
    public Generation generate(List<int[]> prompts, GenerationSettings settings, Hooks hooks, long[] rowSeeds) {
        checkPrompts(prompts);
        if (rowSeeds.length != prompts.size()) {
            throw new IllegalArgumentException(rowSeeds.length + " row seeds for " + prompts.size() + " prompts");
        }
        int b = prompts.size();
        int maxNew = settings.maxNewTokens();
        Batch prompt = Batch.leftPadded(prompts, padId).logitsAt(LogitsAt.last());
        KvCache cache = settings.kvCache() ? model.newCache(b, prompt.length() + maxNew - 1) : null;
        TokenSampler sampler = new TokenSampler(settings.sampling());
        SplittableRandom[] rngs = new SplittableRandom[b];
        Arrays.setAll(rngs, r -> new SplittableRandom(rowSeeds[r]));

        int[][] tokens = new int[b][maxNew];
        float[][] logProbs = settings.logProbs() ? new float[b][maxNew] : null;
        int[] counts = new int[b];
        boolean[] stopped = new boolean[b];
        List<Captures> captures = new ArrayList<>();
        Batch next = prompt;
        for (int step = 0; step < maxNew; step++) {
            float[][] logits;
            try (Forward forward = model.forward(next, hooks, cache)) {
                logits = lastLogits(forward.logits().value(), b);
                captures.add(forward.captures());
            }
            boolean running = false;
            for (int r = 0; r < b; r++) {
                if (stopped[r]) {
                    continue;
                }
                int token = sampler.next(logits[r], rngs[r]);
                if (logProbs != null) {
                    logProbs[r][counts[r]] = (float) TokenSampler.logProbability(logits[r], token);
                }
                tokens[r][counts[r]++] = token;
                stopped[r] = settings.stopTokens().contains(token);
                running |= !stopped[r];
            }
            if (!running || step == maxNew - 1) {
                break;
            }
            next = cache != null ? Batch.continuing(cache, lastTokens(tokens, counts)).logitsAt(LogitsAt.last())
                    : withGenerated(prompt, tokens, step + 1);
        }
        return new Generation(trimmed(tokens, counts), logProbs == null ? null : trimmed(logProbs, counts), stopped,
                prompts.stream().mapToInt(p -> p.length).toArray(), prompt.length(), captures);
    }

    private void checkPrompts(List<int[]> prompts) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to generate from");
        }
        int vocab = model.config().vocabSize();
        for (int r = 0; r < prompts.size(); r++) {
            if (prompts.get(r).length == 0) {
                throw new IllegalArgumentException("prompt " + r + " is empty; generation needs at least one token");
            }
            TokenIds.check(prompts.get(r), vocab, "prompt " + r);
        }
    }

    // logits (b, 1, V) → b rows of V, copied to the heap in one transfer
    private static float[][] lastLogits(INDArray logits, int b) {
        int vocab = (int) logits.size(2);
        float[] flat = logits.reshape('c', new long[] {(long) b * vocab}).toFloatVector();
        float[][] rows = new float[b][];
        for (int r = 0; r < b; r++) {
            rows[r] = Arrays.copyOfRange(flat, r * vocab, (r + 1) * vocab);
        }
        return rows;
    }

    // one column: each row's latest token (a stopped row repeats its last; its outputs are ignored)
    private static int[][] lastTokens(int[][] tokens, int[] counts) {
        int[][] column = new int[tokens.length][];
        for (int r = 0; r < tokens.length; r++) {
            column[r] = new int[] {tokens[r][counts[r] - 1]};
        }
        return column;
    }

    // the left-padded prompt followed by the first n generated tokens of every row
    private static Batch withGenerated(Batch prompt, int[][] tokens, int n) {
        int b = prompt.size();
        int p = prompt.length();
        int[][] ids = new int[b][p + n];
        int[][] mask = new int[b][p + n];
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < p; j++) {
                ids[r][j] = prompt.id(r, j);
                mask[r][j] = prompt.isReal(r, j) ? 1 : 0;
            }
            for (int i = 0; i < n; i++) {
                ids[r][p + i] = tokens[r][i];
                mask[r][p + i] = 1;
            }
        }
        return Batch.masked(ids, mask).logitsAt(LogitsAt.last());
    }

    private static int[][] trimmed(int[][] rows, int[] counts) {
        int[][] out = new int[rows.length][];
        Arrays.setAll(out, r -> Arrays.copyOf(rows[r], counts[r]));
        return out;
    }

    private static float[][] trimmed(float[][] rows, int[] counts) {
        float[][] out = new float[rows.length][];
        Arrays.setAll(out, r -> Arrays.copyOf(rows[r], counts[r]));
        return out;
    }
}
