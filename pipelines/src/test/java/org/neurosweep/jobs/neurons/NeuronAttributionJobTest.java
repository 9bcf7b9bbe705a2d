package org.neurosweep.jobs.neurons;

import static org.apache.spark.sql.functions.countDistinct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.report.Chart;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testutil.MaskedGolden;
import org.neurosweep.testutil.RepoPaths;

/**
 * neuron-attribution in one local sweep: the dense student model over paraphrased English and French facts (one
 * per relation), the OLMoE model over English facts (one per relation), and a dataset with a bad line.
 */
class NeuronAttributionJobTest {

    private static final int LAYERS = 3;
    private static final int TEMPLATES = 3;
    private static final int RELATIONS = 4;

    @TempDir
    static Path dir;
    private static SweepRun sweep;

    @BeforeAll
    static void runSweep() throws Exception {
        Path paraphrases = RepoPaths.dataset("world/mlama-paraphrase");
        Path broken = dir.resolve("broken/en");
        Files.createDirectories(broken);
        Files.copy(paraphrases.resolve("en/templates.jsonl"), broken.resolve("templates.jsonl"));
        List<String> facts = Files.readAllLines(paraphrases.resolve("en/P36.jsonl")).subList(0, 1);
        Files.write(broken.resolve("P36.jsonl"), List.of(facts.get(0), "{\"uuid\": \"no-subject\"}"));
        sweep = SweepRun.of(dir, "kn.conf", """
                sweep {
                  name = kn
                  models { small { path = "%s" }, olmoe { path = "%s" }, bert { path = "%s" } }
                  datasets {
                    facts { format = mlama, path = "%s", max-records = 1 }
                    english { format = mlama, path = "%s", max-records = 1 }
                    broken { format = mlama, path = "%s" }
                    lrp2 {
                      format = mlama-corpus, path = "%s", max-records = 1
                      options { mlama = mlama-paraphrase, corpus = pretrain.txt, corpus-templates = world_kb.json }
                    }
                  }
                  jobs = [
                    { job = neuron-attribution, models = [small], datasets = [facts],
                      params { steps = 4, languages = [en, fr], store-top = 5, bag-min-prompts = 2 } }
                    { job = neuron-attribution, models = [olmoe], datasets = [english, broken],
                      params { steps = 4, languages = [en], layers = [0, 2], store-top = 5, overlap-top = 0 } }
                    { job = neuron-attribution, models = [bert], datasets = [english],
                      params { steps = 2, languages = [en], store-top = 5, overlap-top = 0 } }
                    { job = neuron-attribution, models = [small], datasets = [lrp2],
                      params { steps = 4, languages = [en, fr], store-top = 5, bag-min-prompts = 2, lrp2 = ["fr:1-3"],
                               lrp2-max-sentences = 50 } }
                  ]
                }
                """.formatted(RepoPaths.world("dense_small"), RepoPaths.world("moe_shallow"), MaskedGolden.bert(dir),
                paraphrases, paraphrases, dir.resolve("broken"), RepoPaths.dataset("world")), List.of(new NeuronAttributionJob()));
    }

    @Test
    void everyUnitCommitsAndTheBadLineIsAnError() {
        assertEquals(5, sweep.result().committed(), sweep.result().failures().toString());
        Dataset<Row> errors = sweep.table("errors");
        assertEquals(1, errors.count(), "the fact without sub_label");
    }

    @Test
    void diagnosticsCoverEveryPromptAndLayerAndAreConsistent() {
        Dataset<Row> d = sweep.table(NeuronAttributionJob.DIAGNOSTICS).where("model_id = 'small' and dataset = 'facts'");
        assertEquals(2L * RELATIONS * TEMPLATES * LAYERS, d.count(), "2 languages x 4 relations x 3 templates x 3 layers");
        for (Row r : d.collectAsList()) {
            double drop = r.getDouble(r.fieldIndex("p_full")) - r.getDouble(r.fieldIndex("p_zero_layer"));
            assertEquals(r.getDouble(r.fieldIndex("sum_attr")) - drop, r.getDouble(r.fieldIndex("completeness_gap")), 1e-9);
            assertEquals(List.of(-1), r.getList(r.fieldIndex("experts")));
        }
        assertEquals(d.select("uuid", "language", "template_idx").distinct().count(),
                d.select("uuid", "language", "template_idx", "p_full").distinct().count(), "p_full is the prompt's, in every layer");
    }

    @Test
    void storedAttributionsCarryRanksAndThePromptThreshold() {
        List<Row> rows = sweep.table(NeuronAttributionJob.ATTRIBUTION)
                .where("model_id = 'small' and dataset = 'facts' and language = 'en' and relation = 'P36' and template_idx = 0").collectAsList();
        Map<String, List<Row>> byFact = rows.stream().collect(Collectors.groupingBy(r -> r.getString(r.fieldIndex("uuid"))));
        assertEquals(1, byFact.size());
        for (List<Row> prompt : byFact.values()) {
            double max = prompt.stream().mapToDouble(r -> r.getDouble(r.fieldIndex("attribution"))).max().orElseThrow();
            assertTrue(prompt.stream().anyMatch(r -> r.getInt(r.fieldIndex("rank_in_prompt")) == 1));
            assertTrue(prompt.size() >= LAYERS * 5, "at least store-top per layer");
            for (Row r : prompt) {
                boolean passes = r.getDouble(r.fieldIndex("attribution")) >= 0.2 * max && max > 0;
                assertEquals(passes, r.getBoolean(r.fieldIndex("passes_prompt_threshold")), r.toString());
                assertEquals("left", r.getString(r.fieldIndex("grid")));
            }
        }
    }

    @Test
    void knowledgeNeuronsArePassedByEnoughPrompts() {
        List<Row> kn = sweep.table(NeuronAttributionJob.KNOWLEDGE).where("model_id = 'small' and dataset = 'facts'").collectAsList();
        assertTrue(!kn.isEmpty(), "some fact has knowledge neurons");
        for (Row r : kn) {
            int votes = r.getInt(r.fieldIndex("votes"));
            int prompts = r.getInt(r.fieldIndex("n_prompts"));
            assertEquals(TEMPLATES, prompts);
            assertTrue(votes <= prompts && votes >= 2 && votes >= r.getDouble(r.fieldIndex("bag_ratio")) * prompts - 1e-9, r.toString());
        }
        // the votes are those of the stored per-prompt thresholds
        Row first = kn.get(0);
        long passing = sweep.table(NeuronAttributionJob.ATTRIBUTION).where(String.format(
                "model_id = 'small' and dataset = 'facts' and language = '%s' and uuid = '%s' and layer = %d and expert_id = %d and neuron_idx = %d "
                        + "and passes_prompt_threshold", first.getString(first.fieldIndex("language")),
                first.getString(first.fieldIndex("uuid")), first.getInt(first.fieldIndex("layer")),
                first.getInt(first.fieldIndex("expert_id")), first.getInt(first.fieldIndex("neuron_idx")))).count();
        assertEquals(first.getInt(first.fieldIndex("votes")), passing);
    }

    @Test
    void overlapComparesEveryRelationPairOfTheTwoLanguages() {
        List<Row> rows = sweep.table(NeuronAttributionJob.OVERLAP).where("dataset = 'facts'").collectAsList();
        assertEquals(RELATIONS * RELATIONS, rows.size());
        for (Row r : rows) {
            assertEquals("en", r.getString(r.fieldIndex("language_a")));
            assertEquals(20 * LAYERS, r.getInt(r.fieldIndex("n_a")), "20 per layer");
            double overlap = r.getDouble(r.fieldIndex("overlap"));
            assertEquals(r.getInt(r.fieldIndex("n_shared")) / (double) (20 * LAYERS), overlap, 1e-12);
            assertEquals(TEMPLATES, r.getInt(r.fieldIndex("n_prompts_a")));
        }
    }

    /**
     * With parameter lrp2 the unit writes the base overlap (equal to the plain unit's over the same facts) and the
     * overlap with French attributed under its projection: the French sets change, the English ones do not.
     */
    @Test
    void overlapUnderLrp2ProjectsOnlyTheNamedLanguage() {
        Dataset<Row> lrp2Unit = sweep.table(NeuronAttributionJob.OVERLAP).where("dataset = 'lrp2'");
        List<String> columns = List.of("relation_a", "relation_b", "n_shared");
        assertEquals(sweep.table(NeuronAttributionJob.OVERLAP).where("dataset = 'facts'").select("relation_a", "relation_b", "n_shared")
                        .orderBy("relation_a", "relation_b").collectAsList(),
                lrp2Unit.where("condition = 'base'").select("relation_a", "relation_b", "n_shared")
                        .orderBy("relation_a", "relation_b").collectAsList(), "the base condition is the plain attribution");
        List<Row> projected = lrp2Unit.where("condition = 'lrp2'").collectAsList();
        assertEquals(RELATIONS * RELATIONS, projected.size());
        for (Row r : projected) {
            assertTrue(r.isNullAt(r.fieldIndex("lrp2_a")), "English is never projected");
            assertEquals("1-3", r.getString(r.fieldIndex("lrp2_b")));
        }
        assertTrue(lrp2Unit.where("condition = 'base'").select(columns.get(0), columns.get(1), columns.get(2))
                        .except(lrp2Unit.where("condition = 'lrp2'").select(columns.get(0), columns.get(1), columns.get(2)))
                        .count() > 0, "the projection moves French knowledge neurons");
        List<String> lines = new NeuronAttributionJob().headlines(sweep::table);
        assertTrue(lines.stream().anyMatch(l -> l.contains("en-fr") && l.contains("(lrp2)")), lines.toString());
    }

    @Test
    void expertNeuronsComeFromTheRoutedExperts() {
        Dataset<Row> d = sweep.table(NeuronAttributionJob.DIAGNOSTICS).where("model_id = 'olmoe'");
        assertEquals((RELATIONS + 1) * TEMPLATES * 2L, d.count(), "4 facts and the broken dataset's good one, layers 0 and 2");
        for (Row r : d.collectAsList()) {
            List<Integer> experts = r.getList(r.fieldIndex("experts"));
            assertEquals(2, experts.size(), "top-2, no shared expert");
            assertTrue(experts.stream().allMatch(e -> e >= 0 && e < 8));
        }
        assertEquals(0, sweep.table(NeuronAttributionJob.ATTRIBUTION).where("model_id = 'olmoe' and expert_id < 0").count());
    }

    /** The golden BERT answers each fact's cloze at its mask: the stored prompt is the filled template around [MASK]. */
    @Test
    void aMaskedLmIsAttributedOnTheCloze() {
        Dataset<Row> d = sweep.table(NeuronAttributionJob.DIAGNOSTICS).where("model_id = 'bert'");
        assertEquals(RELATIONS * TEMPLATES * 3L, d.count(), "4 facts x 3 templates x the golden BERT's 3 layers");
        List<Row> prompts = sweep.table(NeuronAttributionJob.ATTRIBUTION).where("model_id = 'bert'").select("prompt")
                .distinct().collectAsList();
        assertEquals(RELATIONS * TEMPLATES, prompts.size());
        for (Row r : prompts) {
            String prompt = r.getString(0);
            assertTrue(prompt.contains("[MASK]") && !prompt.contains("[Y]") && !prompt.contains("[X]"), prompt);
        }
    }

    @Test
    void headlinesSummariseAndSurviveEmptyTables() {
        List<String> lines = new NeuronAttributionJob().headlines(sweep::table);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("small en:") && l.contains("per fact")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("en-fr") && l.contains("same relation")), lines.toString());
        // the counts are SQL's count(DISTINCT …): prompts per model, facts per model and language
        for (Row r : sweep.table(NeuronAttributionJob.DIAGNOSTICS).groupBy("model_id")
                .agg(countDistinct("uuid", "language", "template_idx")).collectAsList()) {
            String prompts = r.getString(0) + ": " + r.getLong(1) + " prompts attributed;";
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(prompts)), prompts + " in " + lines);
        }
        for (Row r : sweep.table(NeuronAttributionJob.KNOWLEDGE).groupBy("model_id", "language")
                .agg(countDistinct("uuid")).collectAsList()) {
            String facts = r.getString(0) + " " + r.getString(1) + ": " + r.getLong(2) + " facts with knowledge neurons,";
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(facts)), facts + " in " + lines);
        }
        assertEquals(List.of(), new NeuronAttributionJob().headlines(name -> sweep.table(name).where("false")));
        List<Chart> figures = new NeuronAttributionJob().figures(sweep::table);
        assertTrue(figures.stream().anyMatch(c -> c.title().startsWith("small: knowledge neurons by layer") && c.hasData()),
                figures.toString());
        assertTrue(figures.stream().anyMatch(c -> c.title().startsWith("small: neuron attribution by layer") && c.hasData()));
        assertTrue(figures.stream().anyMatch(c -> c.title().startsWith("small: knowledge-neuron overlap") && c.hasData()));
    }
}
