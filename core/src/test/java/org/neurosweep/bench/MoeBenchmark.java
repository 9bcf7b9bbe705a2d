package org.neurosweep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Activation;
import org.neurosweep.model.Batch;
import org.neurosweep.model.RopeConfig;
import org.neurosweep.model.Weights;
import org.neurosweep.model.block.FeedForward;
import org.neurosweep.model.block.ForwardContext;
import org.neurosweep.model.block.GatedMlp;
import org.neurosweep.model.block.Projection;
import org.neurosweep.model.block.Rotary;
import org.neurosweep.model.block.SparseMoe;
import org.neurosweep.tensor.SafetensorsWriter;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;

/**
 * A sparse MoE FFN (E SwiGLU experts of width F, top-k, renormalised) against the dense SwiGLU FFN with the same
 * active parameters (width k·F), on the same tokens: the runtime's blocks with random weights, each call in a
 * workspace as the model runs them.
 */
final class MoeBenchmark {

    record Result(int experts, int topK, int expertWidth, int tokens, Timing moe, Timing dense) {
        double ratio() {
            return moe.best() / dense.best();
        }
    }

    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder().initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP).build();

    // until the JIT has compiled the per-expert paths: the first runs of a fresh process are ~10% slower for MoE
    private static final int WARMUPS = 40;

    private MoeBenchmark() {
    }

    static Result run(int d, int experts, int topK, int expertWidth, int batch, int length, int runs) throws IOException {
        Nd4j.getRandom().setSeed(23);
        Map<String, INDArray> hub = new LinkedHashMap<>();
        hub.put("router.weight", normal(experts, d));
        for (int e = 0; e < experts; e++) {
            putMlp(hub, "experts." + e + ".", d, expertWidth);
        }
        putMlp(hub, "dense.", d, topK * expertWidth);
        Path file = Files.createTempFile("neurosweep-bench-moe", ".safetensors");
        try {
            new SafetensorsWriter().write(file, hub);
            try (TensorSource source = TensorSources.open(file)) {
                // bound as the loader binds them: each expert's gate and up as views of one joint matrix
                Weights w = new Weights(source, false);
                GatedMlp[] routed = new GatedMlp[experts];
                for (int e = 0; e < experts; e++) {
                    String p = "experts." + e + ".";
                    routed[e] = GatedMlp.bindExpert(w, p + "gate_proj", p + "up_proj", p + "down_proj", d, expertWidth,
                            Activation.SILU);
                }
                FeedForward moe = new SparseMoe(Projection.bind(w, "router", d, experts, false), routed, topK, true,
                        null, null);
                FeedForward dense = mlp(w, "dense.", d, topK * expertWidth);
                Batch tokens = ForwardBenchmark.randomBatch(2, batch, length);
                ForwardContext ctx = new ForwardContext(tokens, Hooks.none().begin(batch, length, 0, name -> true, 1),
                        null, new Rotary(new RopeConfig(RopeConfig.Type.DEFAULT, 10000, 1, 1, 1, 0, 1), 64), Set.of(0), true,
                        null);
                Var x = Var.constant(Nd4j.randn(DataType.FLOAT, batch, length, d));
                Timing[] t = Timing.interleaved(WARMUPS, runs, inWorkspace(moe, x, ctx), inWorkspace(dense, x, ctx));
                return new Result(experts, topK, expertWidth, batch * length, t[0], t[1]);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    // one FFN call in a workspace, as the model runs its blocks
    private static Runnable inWorkspace(FeedForward ffn, Var x, ForwardContext ctx) {
        return () -> {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, "bench.ffn")) {
                ffn.forward(x, ctx, 0);
            }
        };
    }

    private static GatedMlp mlp(Weights w, String prefix, int d, int width) {
        return GatedMlp.bind(w, prefix + "gate_proj", prefix + "up_proj", prefix + "down_proj", d, width, false,
                Activation.SILU);
    }

    // hub layout (out, in), N(0, 0.02²)
    private static void putMlp(Map<String, INDArray> hub, String prefix, int d, int width) {
        hub.put(prefix + "gate_proj.weight", normal(width, d));
        hub.put(prefix + "up_proj.weight", normal(width, d));
        hub.put(prefix + "down_proj.weight", normal(d, width));
    }

    private static INDArray normal(int out, int in) {
        return Nd4j.randn(DataType.FLOAT, out, in).muli(0.02);
    }
}
