package org.neurosweep.model;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Activations;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Embedding;
import org.neurosweep.autograd.Linear;
import org.neurosweep.autograd.Linear16;
import org.neurosweep.autograd.Shapes;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.HookRun;
import org.neurosweep.hook.Hooks;
import org.neurosweep.hook.Layout;
import org.neurosweep.model.block.Alibi;
import org.neurosweep.model.block.DecoderBlock;
import org.neurosweep.model.block.ForwardContext;
import org.neurosweep.model.block.Norm;
import org.neurosweep.model.block.Rotary;

/**
 * The transformer every family assembles: embedding ({@link Embedder}), blocks, final norm and unembedding
 * ({@link Head}). Causal decoders and bidirectional encoders (BERT masked LM, {@link ModelConfig#causal()} false:
 * no causal mask and no KV cache) share it.
 *
 * <p>Each forward runs in a thread-local ND4J workspace that its {@link Forward} holds until closed. Without a
 * recording tape, each block also runs in an inner workspace whose memory is reused by the next block, so
 * inference keeps one block's intermediates alive, not all of them.
 */
public final class Transformer implements CausalLM {
    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.2)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policySpill(SpillPolicy.REALLOCATE)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .build();
    /**
     * A taped forward's workspace (its own name, so that inference and training forwards in one thread keep their
     * own sizes): it holds every intermediate the backward needs, the largest allocation of a training step, and
     * successive steps on one batch shape need the same, so it is sized exactly (no 20% headroom: ~0.4 GB at the
     * 134M shape); a longer batch spills once and reallocates.
     */
    private static final WorkspaceConfiguration TAPED = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.STRICT)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policySpill(SpillPolicy.REALLOCATE)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .build();
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * Token ids → the first residual stream: table rows times {@code scale} (Gemma: √d rounded to the stored dtype;
     * 1 elsewhere) are the {@code embed} hook; {@code after} (null = none) continues from there with the forward's
     * context (BLOOM: LayerNorm; BERT: + position and token-type embeddings, LayerNorm).
     *
     * @param table (vocab, d)
     */
    public record Embedder(Var table, double scale, BiFunction<Var, ForwardContext, Var> after) {
    }

    /**
     * The final norm (BERT: the MLM head's transform, dense + GELU + LayerNorm, whose output the {@code final_norm}
     * hook sees), the unembedding (d, vocab) f-order or null when tied to the embedding table, an output bias or
     * null, and Gemma-2's final-logit soft-cap or null.
     */
    public record Head(Norm finalNorm, Var unembedding, Var bias, Double softcap) {
    }

    private final ModelConfig config;
    private final Embedder embedder;
    private final List<DecoderBlock> blocks;
    private final Head head;
    private final Rotary rotary;
    private final float[] alibiSlopes;
    private final Set<Integer> windows;
    private final Set<String> hookNames;
    private final Map<String, Var> parameters;

    public Transformer(ModelConfig config, Embedder embedder, List<DecoderBlock> blocks, Head head,
                       Map<String, Var> parameters) {
        this.config = config;
        this.embedder = embedder;
        this.blocks = List.copyOf(blocks);
        this.head = head;
        this.rotary = config.positions() == ModelConfig.PositionEncoding.ROTARY
                ? new Rotary(config.rope(), config.headDim()) : null;
        this.alibiSlopes = config.positions() == ModelConfig.PositionEncoding.ALIBI ? Alibi.slopes(config.numHeads()) : null;
        Set<Integer> w = new HashSet<>();
        for (int l = 0; l < config.numLayers(); l++) {
            w.add(config.window(l));
        }
        this.windows = Set.copyOf(w);
        this.hookNames = hookNamesOf(config);
        this.parameters = Map.copyOf(parameters);
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public Map<String, Var> parameters() {
        return parameters;
    }

    @Override
    public Set<String> hookNames() {
        return hookNames;
    }

    @Override
    public Forward forward(Batch batch, Hooks hooks, KvCache cache) {
        int cached = cache == null ? 0 : cache.length();
        if (config.maxPositions() > 0 && cached + batch.length() > config.maxPositions()) {
            throw new ContextLengthException(cached, batch.length(), config.maxPositions());
        }
        if (cache != null) {
            if (!config.causal()) {
                throw new IllegalArgumentException(config.modelType() + " is a bidirectional masked LM: it has no KV "
                        + "cache and cannot generate");
            }
            cache.checkFits(batch);
        }
        int[] depth = DEPTH.get();
        boolean taped = Tape.isRecording();
        String outerId = (taped ? "neurosweep.forward.taped." : "neurosweep.forward.") + depth[0];
        String blockId = "neurosweep.block." + depth[0];
        MemoryWorkspace workspace = Nd4j.getWorkspaceManager().getAndActivateWorkspace(taped ? TAPED : WORKSPACE, outerId);
        depth[0]++;
        try {
            HookRun run = hooks.begin(batch.size(), batch.length(), cache == null ? 0 : cache.length(),
                    hookNames::contains, config.numLayers());
            ForwardContext ctx = new ForwardContext(batch, run, cache, rotary, windows, config.causal(), alibiSlopes);
            Var h = Embedding.embedding(batch.idArray(), embedder.table());
            if (h.value().dataType() != DataType.FLOAT) {                  // a 16-bit table: its rows widened, exactly
                h = Var.constant(h.value().castTo(DataType.FLOAT));
            }
            if (embedder.scale() != 1.0) {
                h = Elementwise.scale(h, embedder.scale());
            }
            h = run.at(HookNames.EMBED, Layout.TOKENS, h);
            if (embedder.after() != null) {
                h = embedder.after().apply(h, ctx);
            }
            for (DecoderBlock block : blocks) {
                if (!taped) {
                    try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, blockId)) {
                        h = Var.constant(block.forward(h, ctx).value().leverageTo(outerId));
                    }
                } else {
                    h = block.forward(h, ctx);
                }
            }
            Var normed = run.at(HookNames.FINAL_NORM, Layout.TOKENS, head.finalNorm().apply(h));
            int[][] positions = batch.logitsAt().select(batch);
            Var logits = run.atLogits(unembed(normed, positions, batch), positions);
            if (cache != null) {
                cache.advance(batch);
            }
            return new Forward(batch, logits, positions, run.captures(), run.watched(), () -> {
                workspace.close();
                depth[0]--;
            });
        } catch (RuntimeException | Error e) {
            workspace.close();
            depth[0]--;
            throw e;
        }
    }

    // normed (b, t, d) → logits (b, n, V) at the selected token indices, soft-capped when the family does
    private Var unembed(Var normed, int[][] positions, Batch batch) {
        Var logits = project(normed, positions, batch);
        return head.softcap() == null ? logits : Activations.softcap(logits, head.softcap());
    }

    private Var project(Var normed, int[][] positions, Batch batch) {
        Var w = head.unembedding() != null ? head.unembedding()
                : Shapes.permute(embedder.table(), 1, 0);                                   // (d, V), f-order view
        if (batch.logitsAt().isAll()) {
            return unembedding(normed, w);
        }
        int b = batch.size();
        int t = batch.length();
        int n = positions[0].length;
        int[] flat = new int[b * n];
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < n; j++) {
                if (positions[r][j] < 0) {
                    throw new IllegalArgumentException("batch row " + r + " has no real token to take logits at");
                }
                flat[r * n + j] = r * t + positions[r][j];
            }
        }
        Var rows = Shapes.indexSelect(Shapes.reshape(normed, (long) b * t, config.hiddenSize()), 0, flat);
        return Shapes.reshape(unembedding(rows, w), b, n, config.vocabSize());
    }

    // x·W + bias with W (d, V): fp32, or 16-bit in a quantized-resident model (GptqCheckpoint.loadPacked)
    private Var unembedding(Var x, Var w) {
        return w.value().dataType() == DataType.FLOAT ? Linear.linear(x, w, head.bias()) : Linear16.linear(x, w, head.bias());
    }

    private static Set<String> hookNamesOf(ModelConfig config) {
        Set<String> names = new HashSet<>(List.of(HookNames.EMBED, HookNames.FINAL_NORM, HookNames.LOGITS));
        for (int l = 0; l < config.numLayers(); l++) {
            HookNames.Layer n = HookNames.layer(l);
            names.addAll(List.of(n.residPre, n.residMid, n.residPost, n.attnIn, n.mlpIn, n.attnQ, n.attnK, n.attnV, n.attnScores,
                    n.attnPattern, n.attnHeadOut, n.attnOut, n.mlpOut));
            if (config.isMoe() && config.moe().isSparse(l)) {
                names.addAll(List.of(n.routerLogits, n.routing));
                for (int e = 0; e < config.moe().numExperts(); e++) {
                    names.add(n.expertPre(e));
                    names.add(n.expertPost(e));
                    names.add(n.expertOut(e));
                }
                if (config.moe().hasSharedExpert()) {
                    names.addAll(List.of(n.sharedPre, n.sharedPost, n.sharedOut, n.sharedGate));
                }
            } else {
                names.addAll(List.of(n.mlpPre, n.mlpPost));
            }
        }
        return Set.copyOf(names);
    }
}
