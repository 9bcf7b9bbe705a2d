package org.neurosweep.methods.lrp;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.text.Tokenizer;

/**
 * LRP2's first mechanism analysis (docs/methods/lrp2-mlama.md §4, B6.1): layer by layer, how close the sentence
 * representation of a query in language l is to that of the parallel English query, without and with the projection.
 * A query's representation at layer i is its residual stream after block i, before the final norm
 * ({@code blocks.(i−1).resid_post}), mean-pooled over the query's tokens (no special tokens; padding never pooled) —
 * the pooling of the language vectors (B1). The projected condition applies the pair's LIRP and LSRP shifts to the
 * language's query (the representation is read after the shift of that layer); English is never projected. Per layer
 * the result is the mean over the query pairs of cos(rep_l, rep_en).
 */
public final class LayerSimilarity {

    /**
     * @param pairs     query pairs compared (both queries with at least one token)
     * @param base      mean cosine per layer ({@code base[i − 1]} for layer i) without projection
     * @param projected the same with the projection; equal to {@code base} when there is none
     */
    public record Result(long pairs, double[] base, double[] projected) {
    }

    private LayerSimilarity() {
    }

    /**
     * @param queries        the language's query texts
     * @param englishQueries the parallel English texts, aligned with {@code queries}
     * @param pair           the projection of the second condition; null = none (English, or no pair chosen)
     */
    public static Result compute(CausalLM model, Tokenizer tokenizer, LanguageVectors vectors, String language,
                                 String english, List<String> queries, List<String> englishQueries, LayerPair pair,
                                 int microBatch) {
        if (queries.size() != englishQueries.size()) {
            throw new IllegalArgumentException("parallel queries differ in number: " + queries.size() + " vs "
                    + englishQueries.size());
        }
        int layers = model.config().numLayers();
        String[] taps = new String[layers];
        for (int l = 0; l < layers; l++) {
            taps[l] = HookNames.residPost(l);
        }
        Hooks plain = Hooks.none().capture(taps);
        Hooks projection = pair == null ? null : Lrp2Projection.hooks(vectors, language, english, pair).capture(taps);
        int[][] ids = tokenizer.encodeBatch(queries);
        int[][] enIds = tokenizer.encodeBatch(englishQueries);
        int pad = model.config().padTokenId() == null ? 0 : model.config().padTokenId();
        double[] base = new double[layers];
        double[] projected = new double[layers];
        long pairs = 0;
        List<int[]> chunk = new ArrayList<>();
        List<int[]> enChunk = new ArrayList<>();
        for (int s = 0; s <= ids.length; s++) {
            if (s < ids.length && ids[s].length > 0 && enIds[s].length > 0) {
                chunk.add(ids[s]);
                enChunk.add(enIds[s]);
            }
            if (chunk.size() == microBatch || (s == ids.length && !chunk.isEmpty())) {
                double[][][] en = pooled(model, Batch.rightPadded(enChunk, pad).logitsAt(LogitsAt.last()), plain, taps);
                double[][][] lang = pooled(model, Batch.rightPadded(chunk, pad).logitsAt(LogitsAt.last()), plain, taps);
                double[][][] shifted = projection == null ? lang
                        : pooled(model, Batch.rightPadded(chunk, pad).logitsAt(LogitsAt.last()), projection, taps);
                for (int r = 0; r < chunk.size(); r++) {
                    for (int l = 0; l < layers; l++) {
                        base[l] += cosine(lang[r][l], en[r][l]);
                        projected[l] += cosine(shifted[r][l], en[r][l]);
                    }
                }
                pairs += chunk.size();
                chunk.clear();
                enChunk.clear();
            }
        }
        for (int l = 0; l < layers; l++) {
            base[l] = pairs == 0 ? Double.NaN : base[l] / pairs;
            projected[l] = pairs == 0 ? Double.NaN : projected[l] / pairs;
        }
        return new Result(pairs, base, projected);
    }

    /** Cosine similarity; NaN when either vector is zero. */
    public static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < a.length; k++) {
            dot += a[k] * b[k];
            na += a[k] * a[k];
            nb += b[k] * b[k];
        }
        return na == 0 || nb == 0 ? Double.NaN : dot / Math.sqrt(na * nb);
    }

    // (row, layer, d): each row's mean over its real tokens of the residual stream after every block
    private static double[][][] pooled(CausalLM model, Batch batch, Hooks hooks, String[] taps) {
        int b = batch.size();
        int t = batch.length();
        double[][][] out = new double[b][taps.length][];
        try (Forward forward = model.forward(batch, hooks, null)) {
            for (int l = 0; l < taps.length; l++) {
                INDArray h = forward.captures().get(taps[l]);                  // (b, t, d)
                int d = (int) h.size(2);
                float[] v = h.castTo(DataType.FLOAT).dup('c').data().asFloat();
                for (int r = 0; r < b; r++) {
                    double[] mean = new double[d];
                    int n = batch.realTokens(r);
                    for (int j = 0; j < t; j++) {
                        if (batch.isReal(r, j)) {
                            int at = (r * t + j) * d;
                            for (int k = 0; k < d; k++) {
                                mean[k] += v[at + k] / (double) n;
                            }
                        }
                    }
                    out[r][l] = mean;
                }
            }
        }
        return out;
    }
}
