package org.neurosweep.jobs.neurons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.report.Chart;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testutil.MaskedGolden;
import org.neurosweep.testutil.RepoPaths;

/**
 * privacy-neurons in one local sweep: four world canaries on the dense model (z = 0 and 5, the edit also written as a
 * checkpoint, held-out perplexity), a generic private-record file with a bad line on the student model and on the
 * golden BERT (masked LM), and exposure of the four canaries at two checkpoints of the dense run.
 */
class PrivacyNeuronsJobTest {

    private static final int CANARIES = 4;

    @TempDir
    static Path dir;
    private static SweepRun sweep;

    @BeforeAll
    static void runSweep() throws Exception {
        Path records = dir.resolve("records.jsonl");
        Files.write(records, List.of(
                "{\"id\": \"a\", \"kind\": \"TEL\", \"context\": \"Call Dana Ives at \", \"secret\": \"4417\"}",
                "{\"id\": \"b\", \"kind\": \"TEL\", \"context\": \"The code of Eli Moss is \"}",
                "{\"id\": \"c\", \"kind\": \"TEL\", \"context\": \"The phone number of Bruno Rossi is \", \"secret\": \"388853\", \"repetitions\": 2}",
                "{\"id\": \"n\", \"kind\": \"NAME\", \"context\": \"The phone number 388853 belongs to \", \"secret\": \"Bruno Rossi\"}",
                "{\"id\": \"r\", \"kind\": \"RANDOM\", \"context\": \"We read that \", \"secret\": \"the capital of France is Paris\"}"));
        sweep = SweepRun.of(dir, "depn.conf", """
                sweep {
                  name = depn
                  models { dense { path = "%s" }, small { path = "%s" }, bert { path = "%s" } }
                  checkpoints { run { paths = ["%s", "%s"] } }
                  datasets {
                    canaries { format = canaries, path = "%s", max-records = %d }
                    records { format = private-records, path = "%s" }
                  }
                  jobs = [
                    { job = privacy-neurons, models = [dense], datasets = [canaries],
                      params { steps = 4, layers = [3, 4, 5], z = [0, 5], exposure-known-digits = 3,
                               heldout-text = "%s", heldout-lines = 20, write-checkpoint = true } }
                    { job = privacy-neurons, models = [small], datasets = [records],
                      params { steps = 2, z = [3], exposure-known-digits = 2, screen = true, memorized-pppl = 1000.0 } }
                    { job = privacy-neurons, models = [bert], datasets = [records],
                      params { steps = 2, z = [3], exposure-known-digits = 3, heldout-text = "%s", heldout-lines = 3,
                               write-checkpoint = true } }
                    { job = exposure, models = [bert], datasets = [records], params { exposure-known-digits = 3 } }
                    { job = exposure, models = [run], datasets = [canaries],
                      params { exposure-known-digits = 3, heldout-text = "%s", heldout-lines = 20 } }
                  ]
                }
                """.formatted(RepoPaths.world("dense"), RepoPaths.world("dense_small"), MaskedGolden.bert(dir),
                RepoPaths.world("dense-step00250"),
                RepoPaths.world("dense"), RepoPaths.dataset("world/canaries.jsonl"), CANARIES, records,
                RepoPaths.dataset("world/pretrain.txt"), RepoPaths.dataset("world/pretrain.txt"),
                RepoPaths.dataset("world/pretrain.txt")),
                List.of(new PrivacyNeuronsJob(), new ExposureJob()));
    }

    @Test
    void unitsCommitAndTheRecordWithoutSecretIsAnError() {
        assertEquals(3 + 3, sweep.result().committed(), "three privacy-neurons units, exposure on bert and at two checkpoints: "
                + sweep.result().failures());
        assertEquals(3, sweep.table("errors").count(), "the record without a secret, read by small and twice by bert");
        assertEquals(CANARIES + 4 + 4, sweep.table(PrivacyNeuronsJob.ITEMS).count());
    }

    /**
     * The golden BERT end to end: each private token masked in turn and attributed at its mask; the C5 metrics read at
     * the masks (pseudo-log-likelihood exposure, name MRR, pseudo-perplexity) before and after the edit, held-out
     * pseudo-perplexity, and the edited checkpoint (BERT's output.dense columns zeroed) reproducing the intervention.
     * The numbers themselves are checked against a reference in core's MaskedLmPrivacyReferenceTest.
     */
    @Test
    void aMaskedLmIsAttributedEditedAndEvaluated() {
        List<Row> diagnostics = sweep.table(PrivacyNeuronsJob.DIAGNOSTICS).where("model_id = 'bert'").collectAsList();
        long privateTokens = diagnostics.stream().map(r -> r.getString(r.fieldIndex("record_id")) + "/"
                + r.getInt(r.fieldIndex("token_idx"))).distinct().count();
        assertTrue(privateTokens >= 2, "records a and c have private tokens: " + privateTokens);
        assertEquals(privateTokens * 3, diagnostics.size(), "every private token in each of the golden BERT's 3 layers");
        assertTrue(diagnostics.stream().allMatch(r -> r.getDouble(r.fieldIndex("p_full")) > 0));
        assertTrue(sweep.table(PrivacyNeuronsJob.VOTES).where("model_id = 'bert'").count() > 0);

        List<Row> items = sweep.table(PrivacyNeuronsJob.ITEMS).where("model_id = 'bert'").orderBy("record_id").collectAsList();
        assertEquals(List.of("a", "c", "n", "r"), items.stream().map(r -> r.getString(r.fieldIndex("record_id"))).toList());
        for (Row r : items) {
            for (String column : List.of("leak_prob", "risk_metric", "risk_before", "memorization_threshold", "memorized")) {
                assertFalse(r.isNullAt(r.fieldIndex(column)), column + " of " + r);
            }
            double leak = r.getDouble(r.fieldIndex("leak_prob"));
            assertTrue(leak > 0 && leak <= 1, "the product of the masked tokens' probabilities: " + leak);
            assertTrue(r.getBoolean(r.fieldIndex("in_batch")));
        }
        assertEquals(List.of("exposure", "exposure", "mrr", "pppl"),
                items.stream().map(r -> r.getString(r.fieldIndex("risk_metric"))).toList());

        Row edit = sweep.table(PrivacyNeuronsJob.EDITS).where("model_id = 'bert'").first();
        assertEquals(3, edit.getInt(edit.fieldIndex("n_neurons")));
        assertTrue(edit.getDouble(edit.fieldIndex("checkpoint_logit_diff")) < 1e-4, edit.toString());
        for (String column : List.of("mean_exposure_before", "mean_exposure_after", "private_ppl_before", "private_ppl_after",
                "heldout_ppl_before", "heldout_ppl_after")) {
            assertFalse(edit.isNullAt(edit.fieldIndex(column)), column);
        }
        assertTrue(edit.getDouble(edit.fieldIndex("heldout_ppl_before")) > 1);
        assertNotEquals(edit.getDouble(edit.fieldIndex("private_ppl_before")), edit.getDouble(edit.fieldIndex("private_ppl_after")),
                "zeroing three neurons of a 128-wide FFN moves the secrets' pseudo-perplexity");

        List<Row> eval = sweep.table(PrivacyNeuronsJob.EVAL).where("model_id = 'bert'").orderBy("record_id").collectAsList();
        assertEquals(4, eval.size());
        assertEquals(List.of(10, 1000, 1, 1), eval.stream().map(r -> r.getInt(r.fieldIndex("n_candidates"))).toList(),
                "4417 and 388853 with three digits known; a name and a sentence are their own only candidate");
        for (Row r : eval) {
            assertFalse(r.isNullAt(r.fieldIndex("risk_before")) || r.isNullAt(r.fieldIndex("risk_after")), r.toString());
            assertTrue(r.getDouble(r.fieldIndex("logprob_before")) < 0);
        }
        double mrr = eval.get(2).getDouble(eval.get(2).fieldIndex("risk_before"));
        assertTrue(mrr > 0 && mrr <= 1, "name MRR in (0, 1]: " + mrr);
        assertTrue(eval.get(3).getDouble(eval.get(3).fieldIndex("risk_before")) > 1, "a pseudo-perplexity");
    }

    /** The exposure job on the golden BERT measures what privacy-neurons measured before its edit. */
    @Test
    void exposureJobMeasuresAMaskedLm() {
        List<Row> exposure = sweep.table(ExposureJob.EXPOSURE).where("model_id = 'bert'").orderBy("record_id").collectAsList();
        List<Row> before = sweep.table(PrivacyNeuronsJob.EVAL).where("model_id = 'bert'").orderBy("record_id").collectAsList();
        assertEquals(4, exposure.size());
        for (int i = 0; i < exposure.size(); i++) {
            Row e = exposure.get(i);
            Row b = before.get(i);
            assertEquals(b.getString(b.fieldIndex("record_id")), e.getString(e.fieldIndex("record_id")));
            assertEquals(b.getDouble(b.fieldIndex("exposure_before")), e.getDouble(e.fieldIndex("exposure")), 1e-9);
            assertEquals(b.getDouble(b.fieldIndex("risk_before")), e.getDouble(e.fieldIndex("risk")), 1e-9);
            assertEquals(e.getDouble(e.fieldIndex("secret_ppl")), e.getDouble(e.fieldIndex("pseudo_ppl")), 1e-9);
        }
        Row name = exposure.get(2);
        assertEquals(name.getDouble(name.fieldIndex("risk")), name.getDouble(name.fieldIndex("name_mrr")), 0);
    }

    @Test
    void votesCountRecordsWhoseCandidatesHoldTheNeuron() {
        List<Row> votes = sweep.table(PrivacyNeuronsJob.VOTES).where("model_id = 'dense'").orderBy("selection_rank").collectAsList();
        assertTrue(!votes.isEmpty());
        long candidates = sweep.table(PrivacyNeuronsJob.ATTRIBUTION).where("model_id = 'dense' and is_candidate").count();
        assertEquals(candidates, votes.stream().mapToLong(r -> r.getInt(r.fieldIndex("votes"))).sum(),
                "each candidate of each record is one vote");
        for (Row r : votes) {
            assertTrue(r.getInt(r.fieldIndex("votes")) <= CANARIES);
            assertEquals(CANARIES, r.getInt(r.fieldIndex("n_records")));
        }
        for (int i = 1; i < votes.size(); i++) {
            assertTrue(votes.get(i - 1).getInt(votes.get(i - 1).fieldIndex("votes")) >= votes.get(i).getInt(votes.get(i).fieldIndex("votes")));
        }
    }

    @Test
    void editingNothingChangesNothingAndTheCheckpointMatchesTheIntervention() {
        Row none = sweep.table(PrivacyNeuronsJob.EDITS).where("model_id = 'dense' and z = 0").first();
        assertEquals(0, none.getInt(none.fieldIndex("n_neurons")));
        assertEquals(none.getDouble(none.fieldIndex("mean_exposure_before")), none.getDouble(none.fieldIndex("mean_exposure_after")));
        assertEquals(none.getDouble(none.fieldIndex("heldout_ppl_before")), none.getDouble(none.fieldIndex("heldout_ppl_after")));
        assertEquals(none.getDouble(none.fieldIndex("private_ppl_before")), none.getDouble(none.fieldIndex("private_ppl_after")));

        Row five = sweep.table(PrivacyNeuronsJob.EDITS).where("model_id = 'dense' and z = 5").first();
        assertEquals(5, five.getInt(five.fieldIndex("n_neurons")));
        assertTrue(five.getDouble(five.fieldIndex("checkpoint_logit_diff")) < 1e-4, five.toString());
        assertTrue(five.getString(five.fieldIndex("edited_checkpoint")).contains("edited-z5"));
        assertTrue(five.getDouble(five.fieldIndex("heldout_ppl_after")) > 1);
    }

    @Test
    void evalRowsCarryExactExposureAndTheMergedDigitsNote() {
        List<Row> rows = sweep.table(PrivacyNeuronsJob.EVAL).where("model_id = 'dense'").collectAsList();
        assertEquals(2 * CANARIES, rows.size());
        for (Row r : rows) {
            assertEquals(1000, r.getInt(r.fieldIndex("n_candidates")));
            double e = r.getDouble(r.fieldIndex("exposure_before"));
            assertEquals(Math.log(1000) / Math.log(2) - Math.log(r.getInt(r.fieldIndex("rank_before"))) / Math.log(2), e, 1e-9);
            assertNull(r.get(r.fieldIndex("exposure_approx_before")), "the world tokenizer merges digits");
            assertTrue(r.getString(r.fieldIndex("note")).contains("digit"));
        }
        List<String> lines = new PrivacyNeuronsJob().headlines(sweep::table);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("dense z=5") && l.contains("held-out perplexity")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("seen 1 times")), lines.toString());
        assertEquals(List.of(), new PrivacyNeuronsJob().headlines(name -> sweep.table(name).where("false")));
        List<Chart> figures = new PrivacyNeuronsJob().figures(sweep::table);
        assertTrue(figures.stream().anyMatch(c -> c.title().startsWith("dense: exposure against repetitions") && c.hasData()),
                figures.toString());
        assertTrue(figures.stream().anyMatch(c -> c.title().startsWith("dense: privacy neurons by layer") && c.hasData()));
        assertTrue(new PrivacyNeuronsJob().figures(name -> sweep.table(name).where("false")).isEmpty());
    }

    /**
     * C5: each record is screened by its kind's metric against its threshold; with screen = true only the memorised
     * records are attributed and vote; the pseudo-perplexity of a causal LM is the secret's teacher-forced perplexity
     * and the name MRR lies in (0, 1].
     */
    @Test
    void theMemorisationScreenPicksTheBatch() {
        List<Row> items = sweep.table(PrivacyNeuronsJob.ITEMS).where("model_id = 'small'").orderBy("record_id").collectAsList();
        assertEquals(List.of("a", "c", "n", "r"), items.stream().map(r -> r.getString(r.fieldIndex("record_id"))).toList());
        int batch = 0;
        for (Row r : items) {
            String metric = r.getString(r.fieldIndex("risk_metric"));
            double risk = r.getDouble(r.fieldIndex("risk_before"));
            double threshold = r.getDouble(r.fieldIndex("memorization_threshold"));
            boolean memorized = r.getBoolean(r.fieldIndex("memorized"));
            switch (r.getString(r.fieldIndex("kind"))) {
                case "TEL" -> assertEquals(List.of("exposure", 10.0, risk > 10), List.of(metric, threshold, memorized));
                case "NAME" -> {
                    assertEquals(List.of("mrr", 0.4, risk > 0.4), List.of(metric, threshold, memorized));
                    assertTrue(risk > 0 && risk <= 1, "MRR in (0, 1]: " + risk);
                }
                default -> assertEquals(List.of("pppl", 1000.0, risk < 1000), List.of(metric, threshold, memorized));
            }
            assertEquals(memorized, r.getBoolean(r.fieldIndex("in_batch")), "screen = true: the batch is the memorised");
            assertEquals(memorized, !r.isNullAt(r.fieldIndex("n_candidates")));
            batch += memorized ? 1 : 0;
        }
        Row edit = sweep.table(PrivacyNeuronsJob.EDITS).where("model_id = 'small'").first();
        assertEquals(batch, edit.getInt(edit.fieldIndex("n_batch")));
        assertEquals(batch, edit.getInt(edit.fieldIndex("n_memorized_before")));
        Row random = sweep.table(PrivacyNeuronsJob.EVAL).where("model_id = 'small' and record_id = 'r'").first();
        Row randomItem = items.get(3);
        assertEquals(Math.exp(-random.getDouble(random.fieldIndex("logprob_before"))
                        / randomItem.getInt(randomItem.fieldIndex("n_private_tokens"))),
                random.getDouble(random.fieldIndex("risk_before")), 1e-5 * random.getDouble(random.fieldIndex("risk_before")),
                "pseudo-perplexity of a causal LM, teacher-forced");
        assertTrue(batch >= 1, "the random sentence reads below perplexity 1000");
    }

    @Test
    void exposureJobMeasuresEachCheckpointAndAgreesWithTheUneditedModel() {
        assertEquals(2L * CANARIES, sweep.table(ExposureJob.EXPOSURE).where("model_id != 'bert'").count());
        List<Row> finalModel = sweep.table(ExposureJob.EXPOSURE).where("checkpoint = 'dense'").orderBy("record_id").collectAsList();
        List<Row> before = sweep.table(PrivacyNeuronsJob.EVAL).where("model_id = 'dense' and z = 0").orderBy("record_id")
                .collectAsList();
        assertEquals(CANARIES, finalModel.size());
        for (int i = 0; i < CANARIES; i++) {
            assertEquals(before.get(i).getDouble(before.get(i).fieldIndex("exposure_before")),
                    finalModel.get(i).getDouble(finalModel.get(i).fieldIndex("exposure")), 1e-9);
        }
        Row summary = sweep.table(ExposureJob.SUMMARY).where("checkpoint = 'dense'").first();
        Row edits = sweep.table(PrivacyNeuronsJob.EDITS).where("model_id = 'dense' and z = 0").first();
        assertEquals(edits.getDouble(edits.fieldIndex("heldout_ppl_before")), summary.getDouble(summary.fieldIndex("heldout_ppl")), 1e-9);
        List<String> lines = new ExposureJob().headlines(sweep::table);
        assertTrue(lines.stream().anyMatch(l -> l.contains("@dense-step00250") && l.contains("seen 8 times")), lines.toString());
        assertEquals(List.of(), new ExposureJob().headlines(name -> sweep.table(name).where("false")));
        assertTrue(new ExposureJob().figures(sweep::table).get(0).hasData());
    }
}
