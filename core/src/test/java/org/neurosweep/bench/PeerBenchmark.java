package org.neurosweep.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.model.generate.GenerationSettings;
import org.neurosweep.model.generate.Generator;
import org.neurosweep.train.AdamW;
import org.neurosweep.train.CausalLmBatch;
import org.neurosweep.train.LearningRateSchedule;
import org.neurosweep.train.LmExample;
import org.neurosweep.train.LossMask;
import org.neurosweep.train.Trainer;
import org.neurosweep.train.TrainingConfig;

/**
 * NeuroSweep against libtorch in one JVM (scripts/bench/peer, issue 18): the runtime benchmark's Llama shape
 * (d 768, 12 layers, 12 heads, ffn 2048, vocab 32000, fp32, random weights) in both, on the same thread count, each
 * action of the two run in turn: the GEMM, the forward over 4×256 tokens, greedy decoding of 64 tokens after 256 at
 * batch 1 with a KV cache, and an AdamW training step. Prints the ratios NeuroSweep / libtorch in speed (above 1:
 * NeuroSweep is faster). Needs the {@code libtorch} Maven profile (the script activates it).
 */
public final class PeerBenchmark {
    private static final int BATCH = 4;
    private static final int LENGTH = 256;
    private static final int NEW_TOKENS = 64;
    private static final int TRAINING_STEPS = 3;

    private final Report report = new Report();

    private PeerBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        PeerBenchmark bench = new PeerBenchmark();
        bench.run();
        bench.report.finish(args);
        System.exit(0);                                              // libtorch's pools keep non-daemon threads
    }

    private void run() throws IOException {
        int threads = Integer.parseInt(System.getenv().getOrDefault("OMP_NUM_THREADS",
                Integer.toString(Runtime.getRuntime().availableProcessors())));
        Engine torch = LibtorchLlama.engine(threads);
        torch.setRandomSeed(11);
        report.line("- libtorch: " + torch.getEngineName() + " " + torch.getVersion() + " through DJL "
                + Engine.getDjlVersion() + ", " + threads + " intra-op threads, 1 inter-op thread");
        RandomCheckpoint shape = RandomCheckpoint.llama110m();
        report.section(Report.fmt("NeuroSweep / libtorch, Llama d=%d, %d layers, %d heads, ffn %d, vocab %d (%.1fM parameters), fp32",
                shape.d(), shape.layers(), shape.heads(), shape.ffn(), shape.vocab(), shape.parameters() / 1e6));
        report.line("| figure | NeuroSweep | libtorch | NeuroSweep / libtorch (speed) |");
        report.line("|---|---|---|---|");
        Report.progress("GEMM");
        gemm(torch);
        try (RandomCheckpoint.Scratch scratch = shape.writeToTemp(); LibtorchLlama peer = new LibtorchLlama(torch, shape)) {
            Batch input = ForwardBenchmark.randomBatch(shape.vocab(), BATCH, LENGTH);
            int[][] ids = rows(input);
            inference(scratch, input, ids, shape, peer);
            // the inference model and its thread's workspaces go before the trainable copy is loaded
            Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
            System.gc();
            Report.progress("training steps");
            training(scratch, ids, input, peer, shape.vocab());
        }
    }

    private void inference(RandomCheckpoint.Scratch scratch, Batch input, int[][] ids, RandomCheckpoint shape,
                           LibtorchLlama peer) throws IOException {
        Report.progress("loading a random " + shape.parameters() / 1_000_000 + "M-parameter Llama");
        CausalLM model = CausalLM.load(scratch.dir());
        Report.progress("forward");
        Timing[] forward = Timing.interleaved(1, 5, () -> {
            try (Forward ignored = model.forward(input)) {
                // the logits are computed; nothing to read
            }
        }, () -> peer.forward(ids));
        row(Report.fmt("forward, %d×%d tokens (best of 5)", BATCH, LENGTH), forward, BATCH * LENGTH, "tokens/s");
        Report.progress("decoding");
        int[] prompt = new Random(29).ints(LENGTH, 0, shape.vocab()).toArray();
        Generator generator = new Generator(model);
        GenerationSettings greedy = GenerationSettings.greedy(NEW_TOKENS);
        Timing[] decode = Timing.interleaved(1, 3, () -> generator.generate(List.of(prompt), greedy),
                () -> peer.generate(prompt, NEW_TOKENS));
        row(Report.fmt("greedy decoding, batch 1, KV cache: %d tokens after %d, prefill included (best of 3)",
                NEW_TOKENS, LENGTH), decode, NEW_TOKENS, "tokens/s");
    }

    // the products of the forward's projections and a large square one, f-order into a preallocated result in ND4J,
    // torch.matmul of contiguous operands in libtorch
    private void gemm(Engine torch) {
        for (int[] mkn : new int[][] {{1024, 768, 768}, {2048, 2048, 2048}}) {
            GemmBenchmark.Gemm ours = GemmBenchmark.measure(mkn[0], mkn[1], mkn[2], 10);
            Timing theirs;
            try (NDManager m = torch.newBaseManager()) {
                NDArray a = m.randomNormal(new Shape(mkn[0], mkn[1]), DataType.FLOAT32);
                NDArray b = m.randomNormal(new Shape(mkn[1], mkn[2]), DataType.FLOAT32);
                theirs = Timing.of(2, 10, () -> {
                    try (NDManager step = m.newSubManager()) {
                        a.matMul(b).attach(step);
                    }
                });
            }
            double flop = 2.0 * mkn[0] * mkn[1] * mkn[2];
            report.line(Report.fmt("| GEMM %d×%d · %d×%d (best of 10) | %.1f GFLOP/s | %.1f GFLOP/s | %.2f |", mkn[0], mkn[1], mkn[1],
                    mkn[2], ours.flopRate() / 1e9, flop / theirs.best() / 1e9, theirs.best() / ours.timing().best()));
        }
    }

    // AdamW steps on the same batch: NeuroSweep's first step (its workspaces learn their sizes) and steady steps,
    // then libtorch's. Not in turn, unlike the rest: two trainers with their moments and activations in one process
    // need ~10 GB, which a shared 24 GB machine does not have (an OOM kill in a run that interleaved them)
    private void training(RandomCheckpoint.Scratch scratch, int[][] ids, Batch input, LibtorchLlama peer, int vocab) {
        double[] losses = new double[4];                            // first and last: NeuroSweep's, libtorch's
        Timing[] ours = neuroSweepSteps(scratch, input, losses);
        Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
        System.gc();
        Runnable theirs = () -> losses[3] = peer.trainingStep(ids);
        Timing theirsFirst = Timing.of(0, 1, theirs);
        losses[2] = losses[3];
        Timing theirsSteady = Timing.of(0, TRAINING_STEPS, theirs);
        row("AdamW training step, first", new Timing[] {ours[0], theirsFirst}, BATCH * LENGTH, "tokens/s");
        row(Report.fmt("AdamW training step, steady (best of %d; forward, backward, clipping, AdamW; not in turn)",
                TRAINING_STEPS), new Timing[] {ours[1], theirsSteady}, BATCH * LENGTH, "tokens/s");
        report.line("");
        report.line(Report.fmt("Losses (a check that both train the same shape on the same batch): first step %.3f and %.3f "
                + "(ln %d = %.3f), after %d steps %.3f and %.3f (NeuroSweep, libtorch).", losses[0], losses[2],
                vocab, Math.log(vocab), 1 + TRAINING_STEPS, losses[1], losses[3]));
    }

    // NeuroSweep's first and steady steps; the trainable model is unreachable once this returns
    private Timing[] neuroSweepSteps(RandomCheckpoint.Scratch scratch, Batch input, double[] losses) {
        CausalLM model = ModelLoader.load(scratch.dir().toString(), true);
        List<Var> params = new TreeMap<>(model.parameters()).values().stream().distinct().toList();
        List<LmExample> examples = AutogradBenchmark.examples(input);
        Trainer<LmExample> trainer = new Trainer<>(new TrainingConfig(1, BATCH, 1, 1.0, 1), AdamW.withDefaults(params),
                LearningRateSchedule.constant(1e-4, 0));
        Runnable ours = () -> trainer.train(examples, (batch, scope) -> {
            CausalLmBatch b = CausalLmBatch.of(batch, 0, LossMask.ALL_TOKENS);
            return b.loss(scope.keep(model.forward(b.input())).logits());
        }, log -> losses[1] = log.loss());
        Timing first = Timing.of(0, 1, ours);
        losses[0] = losses[1];
        return new Timing[] {first, Timing.of(0, TRAINING_STEPS, ours)};
    }

    private void row(String figure, Timing[] t, int units, String unit) {
        report.line(Report.fmt("| %s | %.3f s (%.0f %s; median %.3f s) | %.3f s (%.0f %s; median %.3f s) | **%.2f** |", figure,
                t[0].best(), units / t[0].best(), unit, t[0].median(), t[1].best(), units / t[1].best(), unit,
                t[1].median(), t[1].best() / t[0].best()));
    }

    private static int[][] rows(Batch batch) {
        int[][] ids = new int[batch.size()][batch.length()];
        for (int r = 0; r < ids.length; r++) {
            for (int j = 0; j < ids[r].length; j++) {
                ids[r][j] = batch.id(r, j);
            }
        }
        return ids;
    }
}
