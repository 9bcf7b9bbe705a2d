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
 * A Llama checkpoint folder of random weights (config.json + model.safetensors, hub tensor names), so that a
 * benchmark loads its model through the normal loading path. Weights ~ N(0, 0.02²) as HF initialises them, norm
 * scales 1.
 *
 * @param d      hidden size
 * @param ffn    intermediate size
 */
record RandomCheckpoint(int vocab, int d, int layers, int heads, int kvHeads, int ffn) {

    private static final double INIT_STD = 0.02;

    /** The ~110M-parameter shape of the runtime benchmark: d 768, 12 layers, 12 heads, ffn 2048, vocab 32000. */
    static RandomCheckpoint llama110m() {
        return new RandomCheckpoint(32000, 768, 12, 12, 12, 2048);
    }

    /** Parameters of the projections every token multiplies through (the lm head included, the embedding not). */
    long matmulParameters() {
        long dh = d / heads;
        long attention = (long) d * heads * dh * 2 + (long) d * kvHeads * dh * 2;
        long mlp = 3L * d * ffn;
        return layers * (attention + mlp) + (long) d * vocab;
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
                .put("model_type", "llama").put("vocab_size", vocab).put("hidden_size", d)
                .put("num_hidden_layers", layers).put("num_attention_heads", heads).put("num_key_value_heads", kvHeads)
                .put("intermediate_size", ffn).put("hidden_act", "silu").put("rms_norm_eps", 1e-6)
                .put("max_position_embeddings", 4096).put("rope_theta", 10000.0).put("tie_word_embeddings", false)
                .put("torch_dtype", "float32");
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);

        Nd4j.getRandom().setSeed(seed);
        long dh = d / heads;
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        tensors.put("model.embed_tokens.weight", normal(vocab, d));
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            tensors.put(p + "input_layernorm.weight", Nd4j.ones(DataType.FLOAT, d));
            tensors.put(p + "post_attention_layernorm.weight", Nd4j.ones(DataType.FLOAT, d));
            tensors.put(p + "self_attn.q_proj.weight", normal(heads * dh, d));
            tensors.put(p + "self_attn.k_proj.weight", normal(kvHeads * dh, d));
            tensors.put(p + "self_attn.v_proj.weight", normal(kvHeads * dh, d));
            tensors.put(p + "self_attn.o_proj.weight", normal(d, heads * dh));
            tensors.put(p + "mlp.gate_proj.weight", normal(ffn, d));
            tensors.put(p + "mlp.up_proj.weight", normal(ffn, d));
            tensors.put(p + "mlp.down_proj.weight", normal(d, ffn));
        }
        tensors.put("model.norm.weight", Nd4j.ones(DataType.FLOAT, d));
        tensors.put("lm_head.weight", normal(vocab, d));
        new SafetensorsWriter().write(dir.resolve("model.safetensors"), tensors);
        return dir;
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
