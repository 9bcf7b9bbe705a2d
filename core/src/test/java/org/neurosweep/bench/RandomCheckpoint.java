package org.neurosweep.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.tensor.SafetensorsWriter;

/**
 * A checkpoint folder of random weights (config.json + model.safetensors, hub tensor names) of a Llama, a Gemma-2
 * or a BERT masked LM, so that a benchmark loads its model through the normal loading path. Weights ~ N(0, 0.02²) as
 * HF initialises them, norm scales 1 (Gemma's stored 0, its scale being 1 + w), biases 0.
 *
 * @param family "llama", "gemma2" or "bert"
 * @param d      hidden size
 * @param ffn    intermediate size (a gated MLP's width for Llama and Gemma-2, the plain MLP's for BERT)
 */
record RandomCheckpoint(String family, int vocab, int d, int layers, int heads, int kvHeads, int ffn) {

    private static final double INIT_STD = 0.02;

    /** The ~110M-parameter shape of the runtime benchmark: d 768, 12 layers, 12 heads, ffn 2048, vocab 32000. */
    static RandomCheckpoint llama110m() {
        return sized110m("llama");
    }

    /**
     * The same size in {@code family}'s shape: Gemma-2 with the Llama's widths (GeGLU of width 2048, soft-capping,
     * alternating sliding layers), BERT with a plain MLP of width 3072 (as many weights as the gated 2048).
     */
    static RandomCheckpoint sized110m(String family) {
        return family.equals("bert") ? new RandomCheckpoint("bert", 32000, 768, 12, 12, 12, 3072)
                : new RandomCheckpoint(family, 32000, 768, 12, 12, 12, 2048);
    }

    private boolean bert() {
        return family.equals("bert");
    }

    /** Parameters of the projections every token multiplies through (the lm head included, the embedding not). */
    long matmulParameters() {
        long dh = d / heads;
        long attention = (long) d * heads * dh * 2 + (long) d * kvHeads * dh * 2;
        long mlp = (bert() ? 2L : 3L) * d * ffn;
        long head = (long) d * vocab + (bert() ? (long) d * d : 0);          // BERT's MLM transform
        return layers * (attention + mlp) + head;
    }

    /** All parameters, the embedding and the norm scales included. */
    long parameters() {
        return matmulParameters() + (long) vocab * d + (2L * layers + 1) * d;
    }

    /** Writes config.json and model.safetensors into {@code dir}, weights drawn with {@code seed}. */
    Path writeTo(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode()
                .put("model_type", family).put("vocab_size", vocab).put("hidden_size", d)
                .put("num_hidden_layers", layers).put("num_attention_heads", heads).put("num_key_value_heads", kvHeads)
                .put("intermediate_size", ffn).put("max_position_embeddings", 4096).put("torch_dtype", "float32");
        switch (family) {
            case "llama" -> config.put("hidden_act", "silu").put("rms_norm_eps", 1e-6).put("rope_theta", 10000.0)
                    .put("tie_word_embeddings", false);
            case "gemma2" -> config.put("head_dim", d / heads).put("query_pre_attn_scalar", d / heads)
                    .put("sliding_window", 4096).put("rms_norm_eps", 1e-6);   // softcaps, layer types: HF's defaults
            case "bert" -> config.put("hidden_act", "gelu").put("layer_norm_eps", 1e-12).put("max_position_embeddings", 512);
            default -> throw new IllegalArgumentException("no random checkpoint for family " + family);
        }
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
        Nd4j.getRandom().setSeed(seed);
        new SafetensorsWriter().write(dir.resolve("model.safetensors"), bert() ? bertTensors() : decoderTensors());
        return dir;
    }

    // model.* tensors of a Llama or Gemma-2
    private Map<String, INDArray> decoderTensors() {
        boolean gemma = family.equals("gemma2");
        String[] norms = gemma ? new String[] {"input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm",
            "post_feedforward_layernorm"} : new String[] {"input_layernorm", "post_attention_layernorm"};
        INDArray unitScale = gemma ? Nd4j.zeros(DataType.FLOAT, d) : Nd4j.ones(DataType.FLOAT, d);
        long dh = d / heads;
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        tensors.put("model.embed_tokens.weight", normal(vocab, d));
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            for (String norm : norms) {
                tensors.put(p + norm + ".weight", unitScale);
            }
            tensors.put(p + "self_attn.q_proj.weight", normal(heads * dh, d));
            tensors.put(p + "self_attn.k_proj.weight", normal(kvHeads * dh, d));
            tensors.put(p + "self_attn.v_proj.weight", normal(kvHeads * dh, d));
            tensors.put(p + "self_attn.o_proj.weight", normal(d, heads * dh));
            tensors.put(p + "mlp.gate_proj.weight", normal(ffn, d));
            tensors.put(p + "mlp.up_proj.weight", normal(ffn, d));
            tensors.put(p + "mlp.down_proj.weight", normal(d, ffn));
        }
        tensors.put("model.norm.weight", unitScale);
        if (!gemma) {
            tensors.put("lm_head.weight", normal(vocab, d));
        }
        return tensors;
    }

    // bert.* and cls.* tensors of a BERT masked LM (decoder tied to the word embeddings)
    private Map<String, INDArray> bertTensors() {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        String e = "bert.embeddings.";
        tensors.put(e + "word_embeddings.weight", normal(vocab, d));
        tensors.put(e + "position_embeddings.weight", normal(512, d));
        tensors.put(e + "token_type_embeddings.weight", normal(2, d));
        layerNorm(tensors, e + "LayerNorm");
        for (int l = 0; l < layers; l++) {
            String p = "bert.encoder.layer." + l + ".";
            for (String proj : new String[] {"attention.self.query", "attention.self.key", "attention.self.value",
                "attention.output.dense"}) {
                linear(tensors, p + proj, d, d);
            }
            layerNorm(tensors, p + "attention.output.LayerNorm");
            linear(tensors, p + "intermediate.dense", ffn, d);
            linear(tensors, p + "output.dense", d, ffn);
            layerNorm(tensors, p + "output.LayerNorm");
        }
        linear(tensors, "cls.predictions.transform.dense", d, d);
        layerNorm(tensors, "cls.predictions.transform.LayerNorm");
        tensors.put("cls.predictions.bias", Nd4j.zeros(DataType.FLOAT, vocab));
        return tensors;
    }

    private static void linear(Map<String, INDArray> tensors, String name, long out, long in) {
        tensors.put(name + ".weight", normal(out, in));
        tensors.put(name + ".bias", Nd4j.zeros(DataType.FLOAT, out));
    }

    private void layerNorm(Map<String, INDArray> tensors, String name) {
        tensors.put(name + ".weight", Nd4j.ones(DataType.FLOAT, d));
        tensors.put(name + ".bias", Nd4j.zeros(DataType.FLOAT, d));
    }

    /** A temporary folder holding this checkpoint (seed 1); closing deletes it. */
    Scratch writeToTemp() throws IOException {
        Path dir = Files.createTempDirectory("neurosweep-bench-model");
        writeTo(dir, 1);
        return new Scratch(dir);
    }

    /** A checkpoint folder in the temporary directory, deleted on close. */
    record Scratch(Path dir) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private static INDArray normal(long rows, long cols) {
        return Nd4j.randn(DataType.FLOAT, rows, cols).muli(INIT_STD);
    }
}
