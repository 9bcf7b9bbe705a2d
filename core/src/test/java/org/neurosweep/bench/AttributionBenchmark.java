package org.neurosweep.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.methods.icl.PromptBatch;
import org.neurosweep.methods.moe.CrossLevelAttribution;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.tensor.SafetensorsWriter;

/**
 * moe-attribution's throughput (issue 10): samples/s of {@link CrossLevelAttribution} with N = 300 neurons (and the
 * neuron rows its pruned search projected), and
 * without the neuron level, on a random Mixtral-style checkpoint of the runtime benchmark's MoE shape (d 768, 12
 * heads, 16 SwiGLU experts of width 1024, top-2, vocab 32000), 32-token prompts, against a plain forward of the same
 * prompts (logits at the last position). Usage: {@code scripts/bench/attribution [layers] [prompts] [cpu]} (default
 * 12, 8); the checkpoint is fp32 (about 1.8 GB at 12 layers, written to the temporary folder and deleted). With
 * {@code cpu} (run it with {@code OMP_NUM_THREADS=1}) the times are CPU seconds of the calling thread, which then does
 * all the native work: the work of each condition, barely touched by the load of a shared machine.
 */
public final class AttributionBenchmark {

    private static final int D = 768;
    private static final int HEADS = 12;
    private static final int EXPERTS = 16;
    private static final int TOP_K = 2;
    private static final int WIDTH = 1024;
    private static final int VOCAB = 32000;
    private static final int TOKENS = 32;
    private static final int MICRO_BATCH = 8;

    private AttributionBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int layers = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        boolean cpu = args.length > 2 && args[2].equals("cpu");
        Path dir = Files.createTempDirectory("neurosweep-bench-moe-attribution");
        try {
            write(dir, layers);
            CausalLM model = CausalLM.load(dir);
            Random rng = new Random(1);
            List<int[]> prompts = new ArrayList<>();
            int[] targets = new int[n];
            for (int i = 0; i < n; i++) {
                prompts.add(rng.ints(TOKENS, 2, VOCAB).toArray());
                targets[i] = rng.nextInt(VOCAB);
            }
            Runnable forwardRun = () -> {
                for (int from = 0; from < n; from += MICRO_BATCH) {
                    PromptBatch b = PromptBatch.leftPadded(prompts.subList(from, Math.min(n, from + MICRO_BATCH)), 0);
                    try (Forward f = model.forward(b.batch())) {
                        // logits at the last position; nothing to read
                    }
                }
            };
            long[] projected = new long[1];
            // interleaved (forward, no neurons, N = 300, forward, ...) so that a shared machine's slow spells hit all alike
            Runnable[] conditions = {forwardRun,
                    () -> new CrossLevelAttribution(model, 0, 0, 512).attribute(prompts, targets, MICRO_BATCH),
                    () -> {
                        CrossLevelAttribution a = new CrossLevelAttribution(model, 0, 300, 512);
                        a.attribute(prompts, targets, MICRO_BATCH);
                        projected[0] = a.projectedNeurons();
                    }};
            Timing[] t = cpu ? Timing.interleavedCpu(1, 2, conditions) : Timing.interleaved(1, 3, conditions);
            Timing forward = t[0];
            Timing expertsOnly = t[1];
            Timing neurons = t[2];
            MachineInfo.describe().forEach(System.out::println);
            System.out.println(cpu ? "times: CPU seconds of the calling thread" : "times: wall-clock seconds");
            System.out.printf(Locale.ROOT, "shape: d %d, %d layers, %d heads, %d experts of width %d, top-%d, vocab %d; %d prompts of %d tokens%n",
                    D, layers, HEADS, EXPERTS, WIDTH, TOP_K, VOCAB, n, TOKENS);
            report("plain forward", forward, n, forward);
            report("attribution, no neuron level (top-neurons = 0)", expertsOnly, n, forward);
            report("attribution, N = 300 neurons (pruned exact search)", neurons, n, forward);
            System.out.printf(Locale.ROOT, "  neuron rows projected per sample: %.0f of %d (every neuron of the selected experts)%n",
                    projected[0] / (double) n, layers * TOP_K * WIDTH);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private static void report(String what, Timing t, int n, Timing forward) {
        System.out.printf(Locale.ROOT, "- %s: %.2f s (best) → %.2f samples/s, %.1f× the forward%n", what, t.best(),
                n / t.best(), t.best() / forward.best());
    }

    // a random Mixtral checkpoint (block_sparse_moe.experts.E.w1/w3/w2), fp32
    private static void write(Path dir, int layers) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode()
                .put("model_type", "mixtral").put("vocab_size", VOCAB).put("hidden_size", D)
                .put("num_hidden_layers", layers).put("num_attention_heads", HEADS).put("num_key_value_heads", HEADS)
                .put("intermediate_size", WIDTH).put("num_local_experts", EXPERTS).put("num_experts_per_tok", TOP_K)
                .put("hidden_act", "silu").put("rms_norm_eps", 1e-5).put("max_position_embeddings", 4096)
                .put("rope_theta", 10000.0).put("tie_word_embeddings", false).put("torch_dtype", "float32");
        json.writeValue(dir.resolve("config.json").toFile(), config);
        Nd4j.getRandom().setSeed(1);
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("model.embed_tokens.weight", normal(VOCAB, D));
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            t.put(p + "input_layernorm.weight", Nd4j.ones(DataType.FLOAT, D));
            t.put(p + "post_attention_layernorm.weight", Nd4j.ones(DataType.FLOAT, D));
            for (String proj : List.of("q_proj", "k_proj", "v_proj", "o_proj")) {
                t.put(p + "self_attn." + proj + ".weight", normal(D, D));
            }
            t.put(p + "block_sparse_moe.gate.weight", normal(EXPERTS, D));
            for (int e = 0; e < EXPERTS; e++) {
                String x = p + "block_sparse_moe.experts." + e + ".";
                t.put(x + "w1.weight", normal(WIDTH, D));
                t.put(x + "w3.weight", normal(WIDTH, D));
                t.put(x + "w2.weight", normal(D, WIDTH));
            }
        }
        t.put("model.norm.weight", Nd4j.ones(DataType.FLOAT, D));
        t.put("lm_head.weight", normal(VOCAB, D));
        new SafetensorsWriter().write(dir.resolve("model.safetensors"), t);
    }

    private static INDArray normal(long rows, long cols) {
        return Nd4j.randn(DataType.FLOAT, rows, cols).muli(0.02);
    }
}
