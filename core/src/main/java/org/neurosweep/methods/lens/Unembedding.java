package org.neurosweep.methods.lens;

import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.block.Neurons;

/**
 * What the logit lens needs of a model: its own head, which turns a final residual r (d) into logits,
 * <pre>  logits = softcap( W_U · (γ_f ⊙ c(u) / s + β_f) + b_U ),   u = T(r)</pre>
 * with the final norm's divisor s left open (the lens chooses it, {@link LensNorm}):
 * <ul>
 *   <li>T: the identity, or BERT's MLM transform GELU(W_t·r + b_t) ({@link #transform}, null = identity);</li>
 *   <li>the final norm: an RMSNorm (c(u) = u, own divisor sqrt(mean(u²) + eps); Gemma's scale is 1 + w) or a
 *       LayerNorm (GPT-NeoX's {@code final_layer_norm}, BLOOM's {@code ln_f}, BERT's transform LayerNorm:
 *       c(u) = u − mean(u), own divisor sqrt(var(u) + eps), bias β_f);</li>
 *   <li>W_U (d, vocab): the lm head, or the embedding table (vocab, d) seen transposed when they are tied; b_U the
 *       output bias (BERT) or null; the final-logit soft-cap (Gemma-2) or null.</li>
 * </ul>
 */
public record Unembedding(Transform transform, boolean centred, INDArray gamma, INDArray beta, INDArray weight,
                          INDArray bias, double eps, Double softcap) {

    /** A map of rows applied before the final norm: (n, d) → (n, d). */
    @FunctionalInterface
    public interface Transform {
        INDArray apply(INDArray rows);
    }

    /** The head of {@code model}, read from its parameters by the hub names of its family. */
    public static Unembedding of(CausalLM model) {
        ModelConfig c = model.config();
        Map<String, Var> p = model.parameters();
        String type = c.modelType();
        return switch (type) {
            case "gpt_neox" -> layerNormHead(c, p, "gpt_neox.final_layer_norm", null,
                    p.containsKey("embed_out.weight") ? "embed_out.weight" : "lm_head.weight", "gpt_neox.embed_in.weight", null);
            case "bloom" -> layerNormHead(c, p, "transformer.ln_f", null, "lm_head.weight",
                    "transformer.word_embeddings.weight", null);
            case "bert" -> layerNormHead(c, p, "cls.predictions.transform.LayerNorm", mlmTransform(c, p),
                    "cls.predictions.decoder.weight", "bert.embeddings.word_embeddings.weight", "cls.predictions.bias");
            default -> {
                INDArray gamma = required(p, type, "model.norm.weight").value().reshape(c.hiddenSize());
                if (type.startsWith("gemma")) {
                    gamma = gamma.add(1.0);                   // Gemma's RMSNorm scales by 1 + w
                }
                yield new Unembedding(null, false, gamma, null, head(c, p, "lm_head.weight", "model.embed_tokens.weight"),
                        null, c.normEps(), c.finalSoftcap());
            }
        };
    }

    /** Hidden size d. */
    public long hiddenSize() {
        return weight.size(0);
    }

    public long vocabSize() {
        return weight.size(1);
    }

    private static Unembedding layerNormHead(ModelConfig c, Map<String, Var> p, String norm, Transform transform,
                                             String lmHead, String embedding, String bias) {
        boolean tf = !p.containsKey(norm + ".weight") && p.containsKey(norm + ".gamma");   // TensorFlow-era names
        long d = c.hiddenSize();
        INDArray gamma = required(p, c.modelType(), norm + (tf ? ".gamma" : ".weight")).value().reshape(d);
        INDArray beta = required(p, c.modelType(), norm + (tf ? ".beta" : ".bias")).value().reshape(d);
        INDArray b = bias == null ? null : required(p, c.modelType(), bias).value().reshape(c.vocabSize());
        return new Unembedding(transform, true, gamma, beta, head(c, p, lmHead, embedding), b, c.normEps(), c.finalSoftcap());
    }

    // BERT's MLM transform: GELU(x · W_t + b_t), W_t bound (in, out)
    private static Transform mlmTransform(ModelConfig c, Map<String, Var> p) {
        INDArray w = required(p, c.modelType(), "cls.predictions.transform.dense.weight").value();
        INDArray b = required(p, c.modelType(), "cls.predictions.transform.dense.bias").value().reshape(1, c.hiddenSize());
        return rows -> Neurons.activate(c.activation(), Var.constant(rows.mmul(w).addiRowVector(b))).value();
    }

    // W_U as (d, vocab): the lm head (bound (d, vocab)) or the tied embedding table (vocab, d) transposed
    private static INDArray head(ModelConfig c, Map<String, Var> p, String lmHead, String embedding) {
        Var head = p.containsKey(lmHead) ? p.get(lmHead) : p.get(embedding);
        if (head == null) {
            throw new LensException("model type " + c.modelType() + " has neither '" + lmHead + "' nor '" + embedding + "'");
        }
        INDArray w = head.value();
        long d = c.hiddenSize();
        long v = c.vocabSize();
        if (w.rank() != 2 || !(w.size(0) == d && w.size(1) == v || w.size(0) == v && w.size(1) == d)) {
            throw new LensException("unembedding of shape " + Arrays.toString(w.shape())
                    + " is neither (d, vocab) nor (vocab, d) for d=" + d + ", vocab=" + v);
        }
        return w.size(0) == d ? w : w.transpose();
    }

    private static Var required(Map<String, Var> p, String type, String name) {
        Var v = p.get(name);
        if (v == null) {
            throw new LensException("model type " + type + " has no '" + name + "': the logit lens needs its final norm "
                    + "and unembedding (docs/methods/internal-cot.md §5)");
        }
        return v;
    }
}
