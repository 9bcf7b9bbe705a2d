package org.neurosweep.jobs.distill;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.Planner;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.Chart;
import org.neurosweep.report.SupportsReport;

/**
 * {@code pad-score}, PAD step 2 as map units (docs/methods/pad-distill.md): per (teacher, prompt slice) the teacher
 * scores the selected responses of a committed {@code pad_samples} (param {@code samples-from}): mean
 * log-probabilities, pairwise MCQ judging, calibration and the filter. Its committed {@code pad_teacher_scores} feeds
 * {@code pad-distill} (param {@code scores-from}).
 */
public final class PadScoreJob implements MapJob, NeedsDataset, SupportsHeadlines, SupportsReport {

    static final String TEACHER_SCORES = "pad_teacher_scores";
    static final String MCQ_PAIRS = "pad_mcq_pairs";

    private static final TableSchema TEACHER_SCORES_TABLE = TableSchema.of(TEACHER_SCORES,
            "the teacher's scores of every selected response of every kept prompt (example_id = the prompt's id)",
            Column.required("response_idx", ColumnType.INT, "index among the selected responses"),
            Column.required("teacher_model", ColumnType.STRING, "the teacher's name in the sweep"),
            Column.required("sum_logp", ColumnType.DOUBLE, "Σ log π_T of the response tokens (end-of-text included), nats"),
            Column.required("avg_logp", ColumnType.DOUBLE, "ℓ_T: the mean of the same"),
            Column.required("mcq_score", ColumnType.DOUBLE, "m_i = log of the response's mean pairwise win probability"),
            Column.required("mcq_win_prob", ColumnType.DOUBLE, "exp(mcq_score)"),
            Column.required("teacher_score", ColumnType.DOUBLE, "α ℓ_T + (1 − α) m_i (the teacher reward before β)"),
            Column.required("kept_by_filter", ColumnType.BOOLEAN, "the prompt passed the MCQ filter (or the filter is off): it is trained on"));

    private static final TableSchema MCQ_PAIRS_TABLE = TableSchema.of(MCQ_PAIRS,
            "the teacher's pairwise judgement of every pair of selected responses (example_id = the prompt's id)",
            Column.required("i", ColumnType.INT, "response shown as A)"),
            Column.required("j", ColumnType.INT, "response shown as B) (i < j; no position swap)"),
            Column.required("p_a", ColumnType.DOUBLE, "1e-8 + probability mass of the top-20 answer tokens naming A"),
            Column.required("p_b", ColumnType.DOUBLE, "the same for B"),
            Column.required("p_other", ColumnType.DOUBLE, "1 − p_a − p_b, clipped at 0"));

    @Override
    public String name() {
        return "pad-score";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "PAD step 2: teacher log-probabilities and pairwise MCQ scores of committed samples (feeds pad-distill)";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(TEACHER_SCORES_TABLE, MCQ_PAIRS_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> specs = new ArrayList<>(PadParams.scoring());
        specs.add(PadParams.samplesFrom(null));
        specs.add(PadParams.sampledBy());
        return specs;
    }

    @Override
    public Planner planner() {
        return spec -> {
            spec.grid().forEach(p -> {
                PadParams.validateScoring(name(), p);
                DistillParams.require(name(), p.getString(PadParams.SAMPLES_FROM).isBlank(), PadParams.SAMPLES_FROM,
                        "must name the folder of a committed pad_samples");
            });
            return Planner.grid().plan(spec);
        };
    }

    @Override
    public Set<String> formats() {
        return Set.of(DistillCorpus.FORMAT);
    }

    @Override
    public KernelFactory kernels() {
        return new PadScoreKernel.Factory();
    }

    /** Per teacher: prompts scored, those kept by the filters, and the mean ℓ_T of the responses (nats per token). */
    @Override
    public List<String> headlines(TableReader tables) {
        return DistillParams.perModelHeadlines(tables, TEACHER_SCORES, "kept_by_filter", "avg_logp",
                "%s: %d prompts scored, %d kept by the filters; mean ℓ_T %.3f nats per token");
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return DistillFigures.padScores(tables);
    }
}
