package org.neurosweep.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The architecture of a checkpoint, read from its HF {@code config.json} in either spelling (hub: {@code rope_theta}/
 * {@code rope_scaling}/{@code torch_dtype}; newer: {@code rope_parameters}/{@code dtype}). A key the file lacks takes
 * the default of the family's HF config class ({@link FamilyDefaults}).
 *
 * @param modelType         HF {@code model_type}; one of {@link ArchitectureRegistry#supportedTypes()}
 * @param headDim           per-head width; {@code hidden_size / num_attention_heads} unless {@code head_dim} is given
 * @param intermediateSize  dense FFN width (for Mixtral/OLMoE also the expert width, see {@link MoeConfig})
 * @param normEps           {@code rms_norm_eps}, or {@code layer_norm_eps} (GPT-NeoX, BERT), {@code layer_norm_epsilon} (BLOOM)
 * @param qkvBias           q/k/v projections carry a bias (Qwen2, GPT-NeoX, {@code attention_bias})
 * @param outputBias        o_proj carries a bias ({@code attention_bias}; GPT-NeoX's {@code dense})
 * @param mlpBias           FFN projections carry a bias ({@code mlp_bias}; GPT-NeoX)
 * @param slidingWindow     keys further than this many positions back are masked, on {@code slidingLayers}; 0 = none
 * @param clipQkv           OLMoE: q, k, v are clamped to [-clip, clip]; null = no clipping
 * @param parallelResidual  GPT-NeoX: attention and MLP read the same residual; sequential otherwise
 * @param moe               routing settings of a sparse model; null for a dense one
 * @param dtype             the stored weight dtype ({@code dtype} or {@code torch_dtype}); compute is fp32
 * @param maxPositions      {@code max_position_embeddings} (or the family's HF default); 0 where the family states
 *                          none (BLOOM: ALiBi has no position table)
 * @param padTokenId        null when the config names none
 * @param positions         rotary, ALiBi (BLOOM) or learned absolute (BERT)
 * @param causal            false for a bidirectional encoder (BERT masked LM): no causal mask, no KV cache, no generation
 * @param attentionScale    the factor of q·kᵀ: head_dim^-1/2, Gemma-2's query_pre_attn_scalar^-1/2
 * @param attnSoftcap       Gemma-2: scores become cap·tanh(scores / cap) before the mask; null = none
 * @param finalSoftcap      Gemma-2: the same on the output logits; null = none
 * @param typeVocabSize     BERT's token-type (segment) embeddings; 0 elsewhere
 */
public record ModelConfig(String modelType, int vocabSize, int hiddenSize, int numLayers, int numHeads,
                          int numKvHeads, int headDim, int intermediateSize, Activation activation, double normEps,
                          RopeConfig rope, int maxPositions, boolean tieWordEmbeddings, boolean qkvBias,
                          boolean outputBias, boolean mlpBias, int slidingWindow, Set<Integer> slidingLayers,
                          Double clipQkv, boolean parallelResidual, MoeConfig moe, String dtype, Integer padTokenId,
                          List<Integer> eosTokenIds, PositionEncoding positions, boolean causal, double attentionScale,
                          Double attnSoftcap, Double finalSoftcap, int typeVocabSize) {

    /** How token positions enter the model. */
    public enum PositionEncoding {
        /** RoPE on q and k (most families). */
        ROTARY,
        /** BLOOM: a per-head linear bias on the attention scores, slope_h · key position. */
        ALIBI,
        /** BERT: a learned absolute position embedding added to the token embedding. */
        LEARNED
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelConfig {
        slidingLayers = Set.copyOf(slidingLayers);
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** The sliding-window width of {@code layer}, 0 when it attends to the whole prefix. */
    public int window(int layer) {
        return slidingLayers.contains(layer) ? slidingWindow : 0;
    }

    public boolean isMoe() {
        return moe != null;
    }

    /** Reads {@code config.json}; {@code path} is the file or the model folder holding it. */
    public static ModelConfig read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new ModelConfigException(file + ": no such config file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new ModelConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Parses config JSON; {@code origin} only names the source in error messages. */
    public static ModelConfig parse(InputStream json, String origin) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new ModelConfigException(origin + ": not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ModelConfigException(origin + ": not a JSON object");
        }
        return from(new ConfigJson(root, origin));
    }

    private static ModelConfig from(ConfigJson file) {
        String type = file.requireString("model_type");
        if (!ArchitectureRegistry.supportedTypes().contains(type)) {
            throw file.error("model_type", "has unsupported value '" + type + "'; supported: "
                    + String.join(", ", ArchitectureRegistry.supportedTypes()));
        }
        ConfigJson json = file.withDefaults(FamilyDefaults.of(type));
        boolean neox = type.equals("gpt_neox");
        boolean bloom = type.equals("bloom");
        boolean bert = type.equals("bert");
        int hidden = json.requireInt(json.firstSet("hidden_size", "n_embed"));
        String headsKey = json.firstSet("num_attention_heads", "n_head");
        int heads = json.requireInt(headsKey);
        int kvHeads = json.integer("num_key_value_heads", heads);
        if (!json.has("head_dim") && hidden % heads != 0) {
            throw json.error(headsKey, "(" + heads + ") does not divide hidden_size (" + hidden + ")");
        }
        int headDim = json.integer("head_dim", hidden / heads);
        if (heads % kvHeads != 0) {
            throw json.error("num_key_value_heads", "(" + kvHeads + ") does not divide num_attention_heads (" + heads + ")");
        }
        boolean attentionBias = bloom || bert || json.bool("attention_bias", false);
        boolean qkvBias = switch (type) {
            case "qwen2" -> true;
            case "qwen2_moe" -> json.bool("qkv_bias", true);
            default -> attentionBias;
        };
        boolean outputBias = !type.startsWith("qwen2") && attentionBias;
        PositionEncoding positions = positions(json, type);
        RopeConfig rope = RopeConfig.read(json);
        if (positions == PositionEncoding.ROTARY && (rope.rotaryDim(headDim) % 2 != 0 || rope.rotaryDim(headDim) == 0)) {
            throw json.error("rope_parameters", "gives " + rope.rotaryDim(headDim)
                    + " rotary dimensions for head_dim " + headDim + "; need an even number > 0");
        }
        MoeConfig moe = MoeConfig.read(json, type);
        if (moe != null && (moe.topK() < 1 || moe.topK() > moe.numExperts())) {
            throw json.error("num_experts_per_tok", "(" + moe.topK() + ") must lie in 1.." + moe.numExperts());
        }
        int layers = json.requireInt(json.firstSet("num_hidden_layers", "n_layer"));
        int window = slidingWindow(json, type);
        Set<Integer> slidingLayers = slidingLayers(json, type, layers);
        Double clip = type.equals("olmoe") && json.has("clip_qkv") ? json.requireDouble("clip_qkv") : null;
        if (bloom && json.bool("apply_residual_connection_post_layernorm", false)) {
            throw json.error("apply_residual_connection_post_layernorm", "= true is not supported (no released BLOOM uses it)");
        }
        if (json.bool("use_bidirectional_attention", false)) {
            throw json.error("use_bidirectional_attention", "= true is not supported for " + type);
        }
        double scale = type.equals("gemma2") ? 1.0 / Math.sqrt(json.requireDouble("query_pre_attn_scalar"))
                : 1.0 / Math.sqrt(headDim);
        return new ModelConfig(type, json.requireInt("vocab_size"), hidden, layers, heads, kvHeads, headDim,
                bloom ? 4 * hidden : json.requireInt("intermediate_size"), activation(json, type),
                json.requireDouble(json.firstSet("rms_norm_eps", "layer_norm_eps", "layer_norm_epsilon")), rope,
                json.integer("max_position_embeddings", 0), json.bool("tie_word_embeddings", false), qkvBias,
                outputBias, neox || bloom || bert || json.bool("mlp_bias", false), window,
                window == 0 ? Set.of() : slidingLayers, clip,
                neox && json.bool("use_parallel_residual", true), moe,
                json.string("dtype", json.string("torch_dtype", "float32")),
                json.has("pad_token_id") ? json.requireInt("pad_token_id") : null, json.intList("eos_token_id"),
                positions, !bert, scale, softcap(json, type, "attn_logit_softcapping"),
                softcap(json, type, "final_logit_softcapping"), bert ? json.requireInt("type_vocab_size") : 0);
    }

    private static PositionEncoding positions(ConfigJson json, String type) {
        return switch (type) {
            case "bloom" -> PositionEncoding.ALIBI;
            case "bert" -> {
                String kind = json.string("position_embedding_type", "absolute");
                if (!kind.equals("absolute")) {
                    throw json.error("position_embedding_type", "has unsupported value '" + kind + "'; supported: absolute");
                }
                yield PositionEncoding.LEARNED;
            }
            default -> PositionEncoding.ROTARY;
        };
    }

    // the FFN nonlinearity: BLOOM's is fixed (tanh GELU); Gemma names it hidden_activation (hidden_act in early saves)
    private static Activation activation(ConfigJson json, String type) {
        return switch (type) {
            case "bloom" -> Activation.GELU_TANH;
            case "gemma", "gemma2" -> Activation.parse(json, json.firstSet("hidden_activation", "hidden_act"),
                    Activation.GELU_TANH);
            default -> Activation.parse(json, "hidden_act", Activation.SILU);
        };
    }

    // Gemma-2's tanh soft-capping of attention scores or final logits: null when the family has none or it is unset
    private static Double softcap(ConfigJson json, String type, String key) {
        if (!type.equals("gemma2") || !json.has(key)) {
            return null;
        }
        double cap = json.requireDouble(key);
        if (!(cap > 0)) {
            throw json.error(key, "must be > 0 (or null for no soft-capping), found " + cap);
        }
        return cap;
    }

    // Mistral/Mixtral/Gemma-2: sliding_window applies when set; the Qwen families: only with use_sliding_window
    private static int slidingWindow(ConfigJson json, String type) {
        boolean applies = switch (type) {
            case "mistral", "mixtral", "gemma2" -> true;
            case "qwen2", "qwen2_moe", "qwen3", "qwen3_moe" -> json.bool("use_sliding_window", false);
            default -> false;
        };
        int window = applies ? json.integer("sliding_window", 0) : 0;
        if (window < 0) {
            throw json.error("sliding_window", "must be positive, found " + window);
        }
        return window;
    }

    // layer_types names the sliding layers when present (one entry per layer); otherwise the family's rule: Qwen's
    // "layers from max_window_layers on", Gemma-2's "every other layer, from layer 0", all layers elsewhere
    private static Set<Integer> slidingLayers(ConfigJson json, String type, int layers) {
        Set<Integer> sliding = new HashSet<>();
        List<String> types = json.stringList("layer_types");
        if (!types.isEmpty() && types.size() != layers) {
            throw json.error("layer_types", "lists " + types.size() + " layers but num_hidden_layers is " + layers);
        }
        int first = type.startsWith("qwen") ? json.integer("max_window_layers", 0) : 0;
        for (int l = 0; l < layers; l++) {
            boolean slides;
            if (types.isEmpty()) {
                slides = type.equals("gemma2") ? l % 2 == 0 : l >= first;
            } else if (types.get(l).equals("sliding_attention") || types.get(l).equals("full_attention")) {
                slides = types.get(l).equals("sliding_attention");
            } else {
                throw json.error("layer_types", "entry " + l + " is '" + types.get(l)
                        + "'; supported: sliding_attention, full_attention");
            }
            if (slides) {
                sliding.add(l);
            }
        }
        return sliding;
    }
}
