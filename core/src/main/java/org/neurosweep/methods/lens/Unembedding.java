package org.neurosweep.methods.lens;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;

import java.util.Map;

/**
 * What the logit lens needs of a model: the final RMSNorm's scale γ_f (d; Gemma's 1 + w), its epsilon, the
 * unembedding W_U as (d, vocab) — the lm head, or the embedding table (vocab, d) seen transposed when the two are
 * tied — and the final-logit soft-cap (Gemma-2; null = none). Defined for the RMSNorm families; the LayerNorm ones
 * (GPT-NeoX, BLOOM, BERT) are refused.
 */
public record Unembedding(INDArray gamma, INDArray weight, double eps, Double softcap) {

    private static final String FINAL_NORM = "model.norm.weight";
    private static final String LM_HEAD = "lm_head.weight";
    private static final String EMBEDDING = "model.embed_tokens.weight";

    /** @throws LensException when the model's final norm is not an RMSNorm named {@code model.norm} */
    public static Unembedding of(CausalLM model) {
        ModelConfig c = model.config();
        Map<String, Var> p = model.parameters();
        Var gamma = p.get(FINAL_NORM);
        if (gamma == null) {
            throw new LensException("model type " + c.modelType() + " has no RMSNorm '" + FINAL_NORM
                    + "': the fixed-scale logit lens (docs/methods/internal-cot.md §5) needs an RMSNorm model");
        }
        INDArray scale = gamma.value().reshape(c.hiddenSize());
        if (c.modelType().startsWith("gemma")) {
            scale = scale.add(1.0);                   // Gemma's RMSNorm scales by 1 + w
        }
        Var head = p.containsKey(LM_HEAD) ? p.get(LM_HEAD) : p.get(EMBEDDING);
        if (head == null) {
            throw new LensException("model type " + c.modelType() + " has neither '" + LM_HEAD + "' nor '" + EMBEDDING + "'");
        }
        INDArray w = head.value();
        long d = c.hiddenSize();
        long v = c.vocabSize();
        if (w.rank() != 2 || !(w.size(0) == d && w.size(1) == v || w.size(0) == v && w.size(1) == d)) {
            throw new LensException("unembedding of shape " + java.util.Arrays.toString(w.shape())
                    + " is neither (d, vocab) nor (vocab, d) for d=" + d + ", vocab=" + v);
        }
        return new Unembedding(scale, w.size(0) == d ? w : w.transpose(), c.normEps(), c.finalSoftcap());
    }

    /** Hidden size d. */
    public long hiddenSize() {
        return weight.size(0);
    }

    public long vocabSize() {
        return weight.size(1);
    }
}
