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
 * The architecture of a decoder-only checkpoint, read from its HF {@code config.json} in either spelling
 * (hub: {@code rope_theta}/{@code rope_scaling}/{@code torch_dtype}; newer: {@code rope_parameters}/{@code dtype}).
 *
 * @param modelType         HF {@code model_type}; one of {@link ArchitectureRegistry#supportedTypes()}
 * @param headDim           per-head width; {@code hidden_size / num_attention_heads} unless {@code head_dim} is given
 * @param intermediateSize  dense FFN width (for Mixtral/OLMoE also the expert width, see {@link MoeConfig})
 * @param normEps           {@code rms_norm_eps}, or {@code layer_norm_eps} for GPT-NeoX
 * @param qkvBias           q/k/v projections carry a bias (Qwen2, GPT-NeoX, {@code attention_bias})
 * @param outputBias        o_proj carries a bias ({@code attention_bias}; GPT-NeoX's {@code dense})
 * @param mlpBias           FFN projections carry a bias ({@code mlp_bias}; GPT-NeoX)
 * @param slidingWindow     keys further than this many positions back are masked, on {@code slidingLayers}; 0 = none
 * @param clipQkv           OLMoE: q, k, v are clamped to [-clip, clip]; null = no clipping
 * @param parallelResidual  GPT-NeoX: attention and MLP read the same residual; sequential otherwise
 * @param moe               routing settings of a sparse model; null for a dense one
 * @param dtype             the stored weight dtype ({@code dtype} or {@code torch_dtype}); compute is fp32
 * @param padTokenId        null when the config names none
 */
public record ModelConfig(String modelType, int vocabSize, int hiddenSize, int numLayers, int numHeads,
                          int numKvHeads, int headDim, int intermediateSize, Activation activation, double normEps,
                          RopeConfig rope, int maxPositions, boolean tieWordEmbeddings, boolean qkvBias,
                          boolean outputBias, boolean mlpBias, int slidingWindow, Set<Integer> slidingLayers,
                          Double clipQkv, boolean parallelResidual, MoeConfig moe, String dtype, Integer padTokenId,
                          List<Integer> eosTokenIds) {

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

    private static ModelConfig from(ConfigJson json) {
        String type = json.requireString("model_type");
        if (!ArchitectureRegistry.supportedTypes().contains(type)) {
            throw json.error("model_type", "has unsupported value '" + type + "'; supported: "
                    + String.join(", ", ArchitectureRegistry.supportedTypes()));
        }
        boolean neox = type.equals("gpt_neox");
        int hidden = json.requireInt("hidden_size");
        int heads = json.requireInt("num_attention_heads");
        int kvHeads = json.integer("num_key_value_heads", heads);
        if (!json.has("head_dim") && hidden % heads != 0) {
            throw json.error("num_attention_heads", "(" + heads + ") does not divide hidden_size (" + hidden + ")");
        }
        int headDim = json.integer("head_dim", hidden / heads);
        if (heads % kvHeads != 0) {
            throw json.error("num_key_value_heads", "(" + kvHeads + ") does not divide num_attention_heads (" + heads + ")");
        }
        boolean attentionBias = json.bool("attention_bias", neox);
        boolean qkvBias = switch (type) {
            case "qwen2" -> true;
            case "qwen2_moe" -> json.bool("qkv_bias", true);
            default -> attentionBias;
        };
        boolean outputBias = !type.startsWith("qwen2") && attentionBias;
        RopeConfig rope = RopeConfig.read(json);
        if (rope.rotaryDim(headDim) % 2 != 0 || rope.rotaryDim(headDim) == 0) {
            throw json.error("rope_parameters", "gives " + rope.rotaryDim(headDim)
                    + " rotary dimensions for head_dim " + headDim + "; need an even number > 0");
        }
        MoeConfig moe = MoeConfig.read(json, type);
        if (moe != null && (moe.topK() < 1 || moe.topK() > moe.numExperts())) {
            throw json.error("num_experts_per_tok", "(" + moe.topK() + ") must lie in 1.." + moe.numExperts());
        }
        int layers = json.requireInt("num_hidden_layers");
        int window = slidingWindow(json, type);
        Double clip = type.equals("olmoe") && json.has("clip_qkv") ? json.requireDouble("clip_qkv") : null;
        return new ModelConfig(type, json.requireInt("vocab_size"), hidden, layers, heads, kvHeads, headDim,
                json.requireInt("intermediate_size"),
                Activation.parse(json, "hidden_act", neox ? Activation.GELU : Activation.SILU),
                json.requireDouble(neox ? "layer_norm_eps" : "rms_norm_eps"), rope,
                json.integer("max_position_embeddings", 0), json.bool("tie_word_embeddings", false), qkvBias,
                outputBias, neox || json.bool("mlp_bias", false), window,
                window == 0 ? Set.of() : slidingLayers(json, type, layers), clip,
                neox && json.bool("use_parallel_residual", true), moe,
                json.string("dtype", json.string("torch_dtype", "float32")),
                json.has("pad_token_id") ? json.requireInt("pad_token_id") : null, json.intList("eos_token_id"));
    }

    // Mistral/Mixtral: sliding_window applies when set; Qwen2/Qwen2-MoE: only with use_sliding_window.
    private static int slidingWindow(ConfigJson json, String type) {
        boolean applies = switch (type) {
            case "mistral", "mixtral" -> true;
            case "qwen2", "qwen2_moe" -> json.bool("use_sliding_window", false);
            default -> false;
        };
        int window = applies ? json.integer("sliding_window", 0) : 0;
        if (window < 0) {
            throw json.error("sliding_window", "must be positive, found " + window);
        }
        return window;
    }

    // layer_types names the sliding layers when present; Qwen2's older rule is "layers from max_window_layers on".
    private static Set<Integer> slidingLayers(ConfigJson json, String type, int layers) {
        Set<Integer> sliding = new HashSet<>();
        List<String> types = json.stringList("layer_types");
        int first = type.startsWith("qwen2") ? json.integer("max_window_layers", 0) : 0;
        for (int l = 0; l < layers; l++) {
            boolean slides = types.isEmpty() ? l >= first : l < types.size() && types.get(l).equals("sliding_attention");
            if (slides) {
                sliding.add(l);
            }
        }
        return sliding;
    }
}
