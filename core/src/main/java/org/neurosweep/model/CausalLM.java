package org.neurosweep.model;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.Hooks;

/**
 * A language model: token ids in, logits out, with hook points (DESIGN.md) along the way. A causal LM's logits at a
 * position predict the next token; a masked LM's ({@link ModelConfig#causal()} false, BERT) predict the token at that
 * position (the [MASK] positions are the answer positions), and it takes no KV cache.
 * Implementations are immutable after loading and safe to use from several threads at once (each forward runs in
 * its own thread-local workspace).
 */
public interface CausalLM {

    ModelConfig config();

    /**
     * Runs {@code batch} through the model. With a {@code cache} (may be null) the batch continues the cached
     * tokens and is appended to the cache. Ops record on the thread's {@link org.neurosweep.autograd.Tape} when one
     * is open, so gradients with respect to parameters and watched hook points work. Close the result.
     *
     * @throws ContextLengthException when the cached and new positions together exceed the model's context
     *                                ({@code max_position_embeddings}, when the config gives one)
     */
    Forward forward(Batch batch, Hooks hooks, KvCache cache);

    /** Every hook-point name this model fires (see {@link org.neurosweep.hook.HookNames}). */
    Set<String> hookNames();

    /** A plain forward: no hooks, no cache. */
    default Forward forward(Batch batch) {
        return forward(batch, Hooks.none(), null);
    }

    /** An empty cache sized for this model. */
    default KvCache newCache(int batch, int capacity) {
        return KvCache.allocate(config(), batch, capacity);
    }

    /**
     * The weights by hub tensor name. Projection matrices are held transposed, (in, out) f-order; a tied
     * unembedding shares the embedding's Var.
     */
    Map<String, Var> parameters();

    /** Loads a model folder (config.json + safetensors, single or sharded) with frozen weights. */
    static CausalLM load(Path dir) {
        return ModelLoader.load(dir.toString(), false);
    }

    /** Loads a model folder given as a local path or a Hadoop URI (hdfs://, s3a://, file:). */
    static CausalLM load(String folder) {
        return ModelLoader.load(folder, false);
    }
}
