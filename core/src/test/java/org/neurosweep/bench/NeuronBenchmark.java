package org.neurosweep.bench;

import java.io.IOException;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.data.PrivateRecord;
import org.neurosweep.data.Shard;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.attribution.IntegratedGradients;
import org.neurosweep.methods.attribution.RiemannGrid;
import org.neurosweep.methods.neurons.NeuronAttribution;
import org.neurosweep.methods.neurons.PrivacyAttribution.PrivateTokens;
import org.neurosweep.methods.privacy.SecretRanking;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.model.generate.TokenPredictor;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/**
 * Knowledge-neuron attribution throughput (prompts × layers per second) on the ~110M runtime shape with m = 20, all
 * steps of a layer in one batched forward and backward; and the seconds of one exact exposure of a six-digit canary
 * (10^6 candidates) on the world dense model; a masked LM's pseudo-perplexity on the ~110M BERT shape, the T masked
 * copies of a text in one forward against T forwards of one row. Not a test;
 * {@code scripts/bench/neurons [OUT.md [--attribution-only | --masked-only]]}.
 */
public final class NeuronBenchmark {

    private static final int STEPS = 20;
    private static final int PROMPT = 16;
    private static final int MASKED_TEXT = 32;

    private final Report report = new Report();

    private NeuronBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        NeuronBenchmark bench = new NeuronBenchmark();
        String only = args.length < 2 ? "" : args[1];
        if (!only.equals("--masked-only")) {
            bench.attribution();
        }
        if (only.isEmpty()) {
            bench.exposure();
        }
        if (!only.equals("--attribution-only")) {
            bench.pseudoPerplexity();
        }
        bench.report.finish(args);
    }

    private void attribution() throws IOException {
        RandomCheckpoint shape = RandomCheckpoint.llama110m();
        try (RandomCheckpoint.Scratch scratch = shape.writeToTemp()) {
            Report.progress("knowledge-neuron attribution on a random " + shape.parameters() / 1_000_000 + "M Llama");
            CausalLM model = ModelLoader.load(scratch.dir().toString(), true);
            int[] prompt = new Random(3).ints(PROMPT, 0, shape.vocab()).toArray();
            int[] layers = IntStream.range(0, shape.layers()).toArray();
            NeuronAttribution kn = new NeuronAttribution(model);
            Timing t = Timing.of(1, 2, () -> kn.attribute(prompt, 7, layers, STEPS, RiemannGrid.LEFT));
            report.section(Report.fmt("Knowledge-neuron attribution, m = %d, %d-token prompt, %d layers", STEPS, PROMPT,
                    shape.layers()));
            report.line(Report.fmt("- one prompt, every layer (1 + %d batched passes of %d rows): %.2f s (median %.2f) "
                    + "→ **%.2f prompts × layers per second**", shape.layers(), STEPS + 1, t.best(), t.median(),
                    shape.layers() / t.best()));
            batchedVersusSequential(model, prompt);
        }
    }

    // one layer's m path points: one batched forward and backward of m rows vs m single-row forwards and backwards
    private void batchedVersusSequential(CausalLM model, int[] prompt) {
        String hook = HookNames.mlpPost(0);
        int[] pos = {prompt.length - 1};
        IntegratedGradients ig = new IntegratedGradients(model);
        long features = model.config().intermediateSize();
        INDArray points = Nd4j.rand(
                DataType.FLOAT, STEPS, 1, features);
        Timing[] t = Timing.interleaved(1, 3,
                () -> ig.gradientsAt(prompt, hook, pos, points, 7),
                () -> {
                    for (int q = 0; q < STEPS; q++) {
                        ig.gradientsAt(prompt, hook, pos, points.get(NDArrayIndex.interval(q, q + 1)).dup(), 7);
                    }
                });
        report.line(Report.fmt("- one layer's %d path points: batched (1 pass of %d rows) %.2f s, sequential (%d passes of "
                + "1 row) %.2f s (best of 3) → **%.2f×**", STEPS, STEPS, t[0].best(), STEPS, t[1].best(), t[1].best() / t[0].best()));
    }

    // a masked LM's pseudo-perplexity of one text: its T masked copies as the rows of one forward, or T forwards of one
    // row; both read the logits at each row's mask only
    private void pseudoPerplexity() throws IOException {
        RandomCheckpoint shape = RandomCheckpoint.sized110m("bert");
        try (RandomCheckpoint.Scratch scratch = shape.writeToTemp()) {
            Report.progress("pseudo-perplexity on a random " + shape.parameters() / 1_000_000 + "M BERT");
            CausalLM model = ModelLoader.load(scratch.dir().toString(), true);
            int[] text = new Random(5).ints(MASKED_TEXT, 2, shape.vocab()).toArray();
            List<TokenPredictor.Query> queries = IntStream.range(0, text.length)
                    .mapToObj(i -> TokenPredictor.Query.token(text, i)).toList();
            OptionalInt mask = OptionalInt.of(shape.vocab() - 1);
            TokenPredictor batched = new TokenPredictor(model, mask, MASKED_TEXT);
            TokenPredictor single = new TokenPredictor(model, mask, 1);
            Timing[] t = Timing.interleaved(1, 3, () -> batched.logProbs(queries, Hooks.none()),
                    () -> single.logProbs(queries, Hooks.none()));
            report.section(Report.fmt("Pseudo-perplexity of a %d-token text, random %dM BERT (%d masked copies)", MASKED_TEXT,
                    shape.parameters() / 1_000_000, MASKED_TEXT));
            report.line(Report.fmt("- one forward of %d rows %.2f s, %d forwards of 1 row %.2f s (best of 3) → **%.2f×**; "
                    + "%.0f masked tokens per second batched", MASKED_TEXT, t[0].best(), MASKED_TEXT, t[1].best(),
                    t[1].best() / t[0].best(), MASKED_TEXT / t[0].best()));
        }
    }

    private void exposure() {
        Report.progress("exact exposure of a six-digit canary on the world dense model");
        CausalLM dense = CausalLM.load(RepoPaths.world("dense"));
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense").resolve("tokenizer.json"))) {
            PrivateRecord canary = PrivateRecord.readCanaries(RepoPaths.dataset("world/canaries.jsonl"), Shard.all())
                    .orThrow().get(0);
            PrivateTokens tokens = PrivateTokens.of(canary, tokenizer);
            SecretRanking ranking = new SecretRanking(dense, tokenizer, 1024);
            SecretRanking.Result[] result = new SecretRanking.Result[1];
            Timing t = Timing.of(0, 1, () -> result[0] = ranking.exact(tokens, 0, Hooks.none()));
            report.section("Exact exposure, world dense model, 10^6 six-digit candidates, 1024 trie nodes per forward");
            report.line(Report.fmt("- %s (seen %d times): exposure %.2f of %.2f, rank %d, **%.1f s**", canary.id(),
                    canary.repetitions(), result[0].exposure(), Math.log(1e6) / Math.log(2), result[0].rank(), t.best()));
        }
    }
}
