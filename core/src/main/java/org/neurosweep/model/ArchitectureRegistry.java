package org.neurosweep.model;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.neurosweep.model.family.Bert;
import org.neurosweep.model.family.Bloom;
import org.neurosweep.model.family.Gemma;
import org.neurosweep.model.family.GptNeox;
import org.neurosweep.model.family.Llama;
import org.neurosweep.model.family.Mixtral;
import org.neurosweep.model.family.Olmo2;
import org.neurosweep.model.family.Olmoe;
import org.neurosweep.model.family.Qwen2Moe;
import org.neurosweep.model.family.Qwen3;

/** HF {@code model_type} → the family definition that builds it. */
public final class ArchitectureRegistry {
    private static final Map<String, Architecture> FAMILIES;

    static {
        Map<String, Architecture> m = new TreeMap<>();
        Architecture llama = new Llama();
        m.put("llama", llama);
        m.put("mistral", llama);
        m.put("qwen2", llama);
        m.put("mixtral", new Mixtral());
        m.put("qwen2_moe", new Qwen2Moe());
        m.put("olmoe", new Olmoe());
        m.put("gpt_neox", new GptNeox());
        Architecture gemma = new Gemma();
        m.put("gemma", gemma);
        m.put("gemma2", gemma);
        m.put("bloom", new Bloom());
        m.put("bert", new Bert());
        Architecture qwen3 = new Qwen3();
        m.put("qwen3", qwen3);
        m.put("qwen3_moe", qwen3);
        m.put("olmo2", new Olmo2());
        FAMILIES = Map.copyOf(m);
    }

    private ArchitectureRegistry() {
    }

    /** The supported model types, sorted. */
    public static Set<String> supportedTypes() {
        return new TreeSet<>(FAMILIES.keySet());
    }

    /**
     * The lines {@code neurosweep jobs} starts with: the supported model types and what the masked LM among them can
     * run (docs/DESIGN.md, "What each job supports", has the whole table).
     */
    public static String supportSummary() {
        return String.join(System.lineSeparator(),
                "model types: " + String.join(", ", supportedTypes()),
                "  causal LMs (every type but bert): every job; the logit lens uses each family's own final norm and head "
                        + "(RMSNorm, or LayerNorm with bias for gpt_neox and bloom)",
                "  bert (masked LM, its [MASK] is the answer position): mlama-probe and lrp2 fill one mask per object "
                        + "token; logit-lens reads a mask appended to each prompt through the MLM head; "
                        + "neuron-attribution reads the cloze's mask; privacy-neurons and exposure read each private "
                        + "token masked in turn (exposure by pseudo-log-likelihood, name MRR, pseudo-perplexity, before "
                        + "and after the edit); jobs that score next tokens or generate refuse it with a one-line error");
    }

    /** The family of {@code modelType}, or a {@link ModelConfigException} listing the supported ones. */
    public static Architecture of(String modelType) {
        Architecture a = FAMILIES.get(modelType);
        if (a == null) {
            throw new ModelConfigException("model_type '" + modelType + "' is not supported; supported: "
                    + String.join(", ", supportedTypes()));
        }
        return a;
    }
}
