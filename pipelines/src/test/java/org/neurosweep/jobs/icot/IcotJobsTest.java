package org.neurosweep.jobs.icot;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.methods.icl.CompositeSources;
import org.neurosweep.methods.icl.EncodedPrompt;
import org.neurosweep.methods.icl.IclExample;
import org.neurosweep.methods.icl.NextToken;
import org.neurosweep.methods.icl.NextTokenScorer;
import org.neurosweep.methods.icl.PromptSampler;
import org.neurosweep.methods.icl.Target;
import org.neurosweep.methods.icl.TargetTally;
import org.neurosweep.methods.icl.TaskPart;
import org.neurosweep.methods.icl.TaskPools;
import org.neurosweep.methods.icl.TokenText;
import org.apache.spark.sql.Encoders;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.data.Shard;
import org.neurosweep.methods.neurons.FactPrompt;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testutil.LongContext;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The five internal-CoT jobs in one local[2] sweep over the dense world model (cross-task patching over the small one):
 * two world composite tasks, four prompts each, and two TRACE items. The jobs rebuild the same prompts from the same
 * parameters, so the method's properties (docs/methods/internal-cot.md) can be checked across their tables.
 */
class IcotJobsTest {

    private static final int LAYERS = 6;
    private static final int TASKS = 2;
    private static final int PROMPTS = 4;
    private static final int TRACE_ITEMS = 2;
    /**
     * Cross-task patching runs on the small world model: the dense one gets every step of these tasks right, or every
     * one wrong, with and without demonstrations, so its S(l) would be undefined everywhere and its few-shot and
     * zero-shot accuracies would not tell the step's validation prompts from others.
     */
    private static final String PATCH_MODEL = "dense_small";
    private static final int PATCH_LAYERS = 3;
    private static final int PATCH_PROMPTS = 8;
    private static final int PATCH_SHOTS = 3;
    private static final int SEED = 0;
    private static final double TRAIN_FRACTION = 0.3;

    @TempDir
    static Path dir;
    private static SweepRun sweep;

    @BeforeAll
    static void runSweep() throws Exception {
        sweep = SweepRun.of(dir, "icot.conf", """
                sweep {
                  name = icot
                  models {
                    dense { path = "%s" }
                    small { path = "%s" }
                    dense_long { path = "%s" }
                  }
                  datasets {
                    world { format = world-composite, path = "%s", max-records = %d }
                    trace { format = trace, path = "%s", max-records = %d }
                    facts { format = mlama, path = "%s", max-records = 1 }
                  }
                  jobs = [
                    { job = composite-eval, models = [dense], datasets = [world], params { prompts = %d, shots = 3 } }
                    { job = context-mask, models = [dense], datasets = [world], params { prompts = %d, shots = 3 } }
                    { job = logit-lens, models = [dense], datasets = [world],
                      params { prompts = %d, shots = 3, norms = [final_scale, per_layer_norm], top-k = 3 } }
                    { job = logit-lens, models = [dense], datasets = [facts], params { top-k = 3 } }
                    { job = cross-task-patch, models = [small], datasets = [world],
                      params { prompts = %d, shots = %d, vector-prompts = 3, store-vectors = true } }
                    { job = trace-decode, models = [dense_long], datasets = [trace],
                      params { template = plain, max-new-tokens = 3, layers-from = [0, %d] } }
                    { job = trace-decode, models = [dense], datasets = [trace],
                      params { template = plain, max-new-tokens = 3, layers-from = [0], lens = false } }
                  ]
                }
                """.formatted(RepoPaths.world("dense"), RepoPaths.world(PATCH_MODEL), LongContext.copy(RepoPaths.world("dense"), dir),
                RepoPaths.dataset("world/composite.jsonl"), TASKS, RepoPaths.dataset("internal-cot/2024_trace_evaluation.jsonl"),
                TRACE_ITEMS, RepoPaths.dataset("world/mlama"), PROMPTS, PROMPTS, PROMPTS, PATCH_PROMPTS, PATCH_SHOTS, LAYERS),
                List.of(new CompositeEvalJob(), new ContextMaskJob(), new LogitLensJob(), new CrossTaskPatchJob(),
                        new TraceDecodeJob()));
    }

    @Test
    void everyUnitCommits() {
        assertEquals(7, sweep.result().committed());
        assertEquals(3, sweep.result().modelLoads(), "one load per model: the jobs on dense share it");
    }

    @Test
    void compositeEvalScoresEveryPartAndKind() {
        Dataset<Row> prompts = sweep.table(CompositeEvalJob.PROMPTS_TABLE);
        assertEquals(TASKS * 3 * 2 * PROMPTS, prompts.count(), "tasks x parts x kinds x prompts");
        Dataset<Row> accuracy = sweep.table(CompositeEvalJob.ACCURACY_TABLE);
        assertEquals(TASKS * 3 * 2, accuracy.count());
        // the accuracy table is the mean of the per-prompt hits
        List<Row> joined = prompts.groupBy("task", "part", "kind").agg(avg(when(col("hit_yt"), 1.0).otherwise(0.0)).as("mean_hit"))
                .join(accuracy, new String[] {"task", "part", "kind"}).select("mean_hit", "acc_yt").collectAsList();
        for (Row r : joined) {
            assertEquals(r.getDouble(0), r.getDouble(1), 1e-12);
        }
        for (Row r : prompts.where(col("kind").equalTo("icl")).select("text", "demo_end", "tok_ids").collectAsList()) {
            assertTrue(r.getString(0).startsWith("Q: ") && r.getString(0).endsWith("\nA:"), r.getString(0));
            assertTrue(r.getInt(1) > 0 && r.getInt(1) < r.getList(2).size());
        }
    }

    @Test
    void maskingFromLayerLReproducesTheFewShotAccuracy() {
        Dataset<Row> masking = sweep.table(ContextMaskJob.TABLE);
        assertEquals(TASKS * (LAYERS + 1), masking.count(), "ℓ = 0..L per task");
        List<Row> rows = masking.where(col("layer_from").equalTo(LAYERS))
                .join(sweep.table(CompositeEvalJob.ACCURACY_TABLE).where(col("part").equalTo("composite").and(col("kind").equalTo("icl")))
                        .select(col("task"), col("acc_yt").as("icl_yt"), col("mrr_yt").as("icl_mrr")), "task")
                .select("masked", "acc_yt", "icl_yt", "mrr_yt", "icl_mrr").collectAsList();
        assertEquals(TASKS, rows.size());
        for (Row r : rows) {
            assertEquals(false, r.getBoolean(0));
            assertEquals(r.getDouble(2), r.getDouble(1), 1e-12, "no mask = the composite-eval few-shot run");
            assertEquals(r.getDouble(4), r.getDouble(3), 1e-12);
        }
    }

    @Test
    void theLensAtTheLastLayerIsTheModelsPrediction() {
        List<Row> rows = sweep.table(LogitLensJob.TARGETS_TABLE)
                .where(col("layer").equalTo(LAYERS - 1).and(col("target").equalTo("yt")).and(col("shots").equalTo(3)))
                .join(sweep.table(CompositeEvalJob.PROMPTS_TABLE).where(col("part").equalTo("composite").and(col("kind").equalTo("icl")))
                        .select(col("task"), col("prompt_id"), col("rank_yt"), col("predicted_token")), new String[] {"task", "prompt_id"})
                .select("rank", "rank_yt", "norm").collectAsList();
        assertEquals(TASKS * PROMPTS * 2, rows.size(), "both norms");
        for (Row r : rows) {
            assertEquals(r.getInt(1), r.getInt(0), "lens rank at the last layer = the model's rank (" + r.getString(2) + ")");
        }
        assertEquals(TASKS * PROMPTS * LAYERS * 2, sweep.table(LogitLensJob.TOPK_TABLE).where(col("shots").equalTo(3)).count());
        assertEquals(TASKS * LAYERS * 2, sweep.table(LogitLensJob.DECODING_TABLE).where(col("shots").equalTo(3)).count());
    }

    /**
     * Factual probes under the lens: one row per relation file (task LANG/PID), y_t the object's first token and no
     * other target; at the last layer the lens ranks it where the model itself does (a plain forward here).
     */
    @Test
    void theLensReadsFactualProbesPerRelation() {
        CausalLM model = CausalLM.load(RepoPaths.world("dense"));
        List<FactPrompt> facts;
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense").resolve("tokenizer.json"))) {
            facts = FactPrompt.load(MlamaDataset.open(RepoPaths.dataset("world/mlama")), List.of(), Shard.all(), 1, tokenizer,
                    OptionalInt.empty()).prompts();
        }
        assertEquals(16, facts.size(), "4 languages x 4 relations x the first fact, one template each");
        Dataset<Row> targets = sweep.table(LogitLensJob.TARGETS_TABLE).where(col("shots").equalTo(0));
        assertEquals(facts.size() * LAYERS, targets.count());
        assertEquals(List.of("yt"), targets.select("target").distinct().as(Encoders.STRING()).collectAsList());
        for (FactPrompt f : facts) {
            String task = f.fact().language() + "/" + f.fact().predicateId();
            Row r = targets.where(col("task").equalTo(task).and(col("layer").equalTo(LAYERS - 1)))
                    .select("token", "rank", "example_id").first();
            float[] logits;
            try (Forward forward = model.forward(Batch.of(f.ids()).logitsAt(LogitsAt.last()))) {
                logits = forward.logits().value().reshape(-1).toFloatVector();
            }
            assertEquals(f.target(), r.getInt(0), task);
            assertEquals(NextToken.rank(logits, f.target()), r.getInt(1), "lens rank at the last layer = the model's, " + task);
            assertEquals(task + "/" + f.fact().uuid() + "/t0", r.getString(2));
        }
        Dataset<Row> decoding = sweep.table(LogitLensJob.DECODING_TABLE).where(col("shots").equalTo(0));
        assertEquals(16 * LAYERS, decoding.count(), "one row per relation file and layer");
        assertEquals(0, decoding.where(col("mrr_t1").isNotNull().or(col("n").notEqual(1))).count());
    }

    @Test
    void patchingReportsTheNormalisedStrengthPerLayer() {
        Dataset<Row> patching = sweep.table(CrossTaskPatchJob.TABLE);
        assertEquals(TASKS * 2 * PATCH_LAYERS, patching.count(), "tasks x steps x layers");
        int computed = 0;
        for (Row r : patching.select("acc_icl", "acc_zero", "acc_patched", "strength").collectAsList()) {
            if (r.getDouble(0) == r.getDouble(1)) {
                assertTrue(r.isNullAt(3), "S(l) is undefined when few-shot and zero-shot accuracy are equal: " + r);
            } else {
                assertEquals((r.getDouble(2) - r.getDouble(1)) / (r.getDouble(0) - r.getDouble(1)), r.getDouble(3), 1e-12);
                computed++;
            }
        }
        assertTrue(computed > 0, "no step has different few-shot and zero-shot accuracy, so no strength was checked");

        // acc_icl and acc_zero are those of the step's own prompts, drawn from the validation part of the step's
        // records with the unit's seed and shots: recomputed here from the core methods, per task and step
        List<TaskPools> pools = CompositeSources.world(RepoPaths.dataset("world/composite.jsonl"), "test").orThrow()
                .subList(0, TASKS);
        CausalLM model = CausalLM.load(RepoPaths.world(PATCH_MODEL));
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world(PATCH_MODEL))) {
            TokenText text = new TokenText(tokenizer);
            NextTokenScorer scorer = new NextTokenScorer(model, CompositeInputs.padId(model.config(), tokenizer), PATCH_PROMPTS);
            for (TaskPools task : pools) {
                for (TaskPart step : List.of(TaskPart.S1, TaskPart.S2)) {
                    List<IclExample> validation = PromptSampler.split(task.pool(step), TRAIN_FRACTION, SEED).validation();
                    List<EncodedPrompt> prompts = PromptSampler.sample(validation, PATCH_SHOTS, PATCH_PROMPTS, SEED).stream()
                            .map(q -> EncodedPrompt.encode(tokenizer, q, true)).toList();
                    double icl = accuracy(text, scorer, prompts, EncodedPrompt::icl);
                    double zero = accuracy(text, scorer, prompts, EncodedPrompt::zeroShot);
                    List<Row> rows = patching.where(col("task").equalTo(task.task()).and(col("subtask").equalTo(step.label())))
                            .select("acc_icl", "acc_zero", "n").collectAsList();
                    assertEquals(PATCH_LAYERS, rows.size(), task.task() + " " + step.label());
                    for (Row r : rows) {
                        assertEquals(icl, r.getDouble(0), 1e-12, task.task() + " " + step.label() + ": few-shot accuracy");
                        assertEquals(zero, r.getDouble(1), 1e-12, task.task() + " " + step.label() + ": zero-shot accuracy");
                        assertEquals(PATCH_PROMPTS, r.getInt(2));
                    }
                }
            }
        }
        List<Row> vectors = sweep.table(CrossTaskPatchJob.VECTORS_TABLE).select("vector", "n_prompts").collectAsList();
        assertEquals(TASKS * PATCH_LAYERS, vectors.size());
        assertEquals(64, vectors.get(0).getList(0).size(), "d floats");
        assertEquals(3, vectors.get(0).getInt(1));
    }

    // y_t accuracy of the prompts' next token, the ids of each prompt chosen by `ids`
    private static double accuracy(TokenText text, NextTokenScorer scorer, List<EncodedPrompt> prompts,
                                   Function<EncodedPrompt, int[]> ids) {
        List<int[]> targets = prompts.stream().map(EncodedPrompt::targetIds).toList();
        List<NextToken> predictions = scorer.score(prompts.stream().map(ids).toList(), targets);
        TargetTally tally = new TargetTally(text);
        for (int i = 0; i < prompts.size(); i++) {
            tally.add(targets.get(i), predictions.get(i));
        }
        return tally.accuracy(Target.YT);
    }

    @Test
    void traceDecodeStoresGenerationsAndKeywordRanks() {
        Dataset<Row> generations = sweep.table(TraceDecodeJob.GENERATIONS_TABLE);
        assertEquals(TRACE_ITEMS * 2, generations.count(), "items x masking layers {0, L}");
        for (Row r : generations.select("span_start", "span_end", "prompt_tokens", "n_new_tokens", "constraint_types")
                .collectAsList()) {
            assertTrue(r.getInt(0) < r.getInt(1) && r.getInt(1) <= r.getInt(2), "a non-empty span inside the prompt");
            assertTrue(r.getInt(3) >= 1 && r.getInt(3) <= 3);
            assertTrue(r.getList(4).containsAll(List.of("包含约束", "输出格式约束", "语气风格约束")), "the paper's subset");
        }
        Dataset<Row> lens = sweep.table(TraceDecodeJob.LENS_TABLE);
        long constraints = generations.where(col("layer_from").equalTo(0)).select(org.apache.spark.sql.functions.size(col("constraints")))
                .collectAsList().stream().mapToLong(r -> r.getInt(0)).sum();
        assertEquals(constraints * 2 * LAYERS, lens.count(), "constraints x masking layers x lens layers");
        assertTrue(lens.where(col("best_rank").isNotNull()).count() > 0);
        List<Row> tooLong = sweep.table("errors").where(col("model_id").equalTo("dense")).select("reason").collectAsList();
        assertEquals(TRACE_ITEMS, tooLong.size(), "with the real 256-position context every TRACE item is an errors row");
        tooLong.forEach(r -> assertTrue(r.getString(0).matches("item .+: a prompt of \\d+ tokens and max-new-tokens = 3 "
                + "exceed the model's context of 256 positions"), r.getString(0)));
    }

    @Test
    void headlinesPrintLayerCurves() {
        List<String> masking = new ContextMaskJob().headlines(sweep::table);
        assertEquals(2, masking.size(), "y_t and t1 curves of the one model");
        assertEquals(LAYERS + 1, masking.get(0).substring(masking.get(0).indexOf('=') + 1).trim().split(" ").length,
                masking.get(0));
        List<String> lens = new LogitLensJob().headlines(sweep::table);
        assertEquals(LAYERS, lens.get(0).substring(lens.get(0).indexOf('=') + 1).trim().split(" ").length, lens.get(0));
        assertEquals(6, new CompositeEvalJob().headlines(sweep::table).size(), "composite, s1, s2 x icl, zero");
        assertTrue(new TraceDecodeJob().headlines(sweep::table).get(0).contains("2 generations"));
    }
}
