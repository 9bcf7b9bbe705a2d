package org.neurosweep.methods.lrp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.text.Tokenizer;

/**
 * LRP2's language vectors (docs/methods/lrp2-mlama.md §4, B1): for language l and layer i = 1..L,
 * v^i_l = (1/|S_l|) Σ_s (1/|T_s|) Σ_t h^i_{s,t}, the mean over sentences of each sentence's mean residual stream
 * after block i, before the final norm ({@code blocks.(i−1).resid_post}; tap point {@code pre_final_norm}).
 * Sentences are tokenized without special tokens, so every pooled position is a text token; padding is never
 * pooled. Immutable.
 */
public final class LanguageVectors {

    /** One language's vectors and what they were pooled from. */
    public record Entry(String language, double[][] byLayer, long sentences, long tokens) {
    }

    private final int layers;
    private final Map<String, Entry> entries;

    private LanguageVectors(int layers, Map<String, Entry> entries) {
        this.layers = layers;
        this.entries = entries;
    }

    /** Vectors built from given values ({@code byLayer[i − 1]} = v^i), e.g. to check invariants. */
    public static LanguageVectors of(int layers, Collection<Entry> entries) {
        Map<String, Entry> map = new TreeMap<>();
        for (Entry e : entries) {
            if (e.byLayer().length != layers) {
                throw new IllegalArgumentException("language " + e.language() + " has vectors for " + e.byLayer().length
                        + " layers, expected " + layers);
            }
            map.put(e.language(), e);
        }
        return new LanguageVectors(layers, map);
    }

    /**
     * Runs every sentence of {@code languages} in {@code corpus} through {@code model} in micro-batches of
     * {@code microBatch} sentences (right-padded) and pools the residual stream of every layer.
     */
    public static LanguageVectors compute(CausalLM model, Tokenizer tokenizer, LanguageCorpus corpus,
                                          Collection<String> languages, int microBatch) {
        int layers = model.config().numLayers();
        String[] taps = new String[layers];
        for (int l = 0; l < layers; l++) {
            taps[l] = HookNames.residPost(l);
        }
        Hooks capture = Hooks.none().capture(taps);
        int pad = model.config().padTokenId() == null ? 0 : model.config().padTokenId();
        List<Entry> out = new ArrayList<>();
        for (String lang : languages) {
            int[][] ids = tokenizer.encodeBatch(corpus.sentences(lang));
            INDArray sums = Nd4j.zeros(DataType.DOUBLE, layers, model.config().hiddenSize());   // Σ_s u^i_s, (L, d)
            long sentences = 0;
            long tokens = 0;
            List<int[]> chunk = new ArrayList<>(microBatch);
            for (int s = 0; s <= ids.length; s++) {
                if (s < ids.length && ids[s].length > 0) {
                    chunk.add(ids[s]);
                }
                if (chunk.size() == microBatch || (s == ids.length && !chunk.isEmpty())) {
                    // only the captures are used; logits at one position per row are the least the forward computes
                    accumulate(model, Batch.rightPadded(chunk, pad).logitsAt(LogitsAt.last()), capture, taps, sums);
                    sentences += chunk.size();
                    tokens += chunk.stream().mapToLong(r -> r.length).sum();
                    chunk.clear();
                }
            }
            if (sentences == 0) {
                throw new IllegalArgumentException("no sentence of language '" + lang + "' in " + corpus.source()
                        + " has any token");
            }
            out.add(new Entry(lang, sums.divi(sentences).toDoubleMatrix(), sentences, tokens));
        }
        return of(layers, out);
    }

    // sums[i] += Σ_rows mean over the row's real tokens of h^{i+1}: one GEMM (1, b·t) x (b·t, d) per layer
    private static void accumulate(CausalLM model, Batch batch, Hooks capture, String[] taps, INDArray sums) {
        int b = batch.size();
        int t = batch.length();
        float[] weights = new float[b * t];                                 // 1/|T_s| at real tokens, 0 at padding
        for (int r = 0; r < b; r++) {
            float w = 1f / batch.realTokens(r);
            for (int j = 0; j < t; j++) {
                weights[r * t + j] = batch.isReal(r, j) ? w : 0f;
            }
        }
        INDArray weightRow = Nd4j.create(weights, new long[] {1, (long) b * t}, DataType.FLOAT);
        try (Forward forward = model.forward(batch, capture, null)) {
            for (int l = 0; l < taps.length; l++) {
                INDArray h = forward.captures().get(taps[l]);                 // (b, t, d)
                INDArray pooled = weightRow.mmul(h.reshape('c', (long) b * t, h.size(2)));   // (1, d)
                sums.getRow(l).addi(pooled.castTo(DataType.DOUBLE).reshape(h.size(2)));
            }
        }
    }

    /** L: vectors exist for layers 1..L. */
    public int layers() {
        return layers;
    }

    public Collection<Entry> entries() {
        return entries.values();
    }

    public Entry entry(String language) {
        Entry e = entries.get(language);
        if (e == null) {
            throw new IllegalArgumentException("no language vectors for '" + language + "'; have " + entries.keySet());
        }
        return e;
    }

    /** v^layer_language, layer in 1..L. */
    public double[] vector(String language, int layer) {
        if (layer < 1 || layer > layers) {
            throw new IllegalArgumentException("layer " + layer + " outside 1.." + layers);
        }
        return entry(language).byLayer()[layer - 1];
    }
}
