package org.neurosweep.jobs.distill;

import java.util.List;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.methods.pad.McqCalibration;
import org.neurosweep.methods.pad.McqJudge;
import org.neurosweep.model.generate.Continuation;
import org.neurosweep.model.generate.ContinuationScore;
import org.neurosweep.model.generate.ContinuationScorer;

/**
 * PAD step 2 for one prompt's selected responses: the teacher's mean log-probabilities ℓ_T, its pairwise MCQ verdicts,
 * the calibration scores m, the teacher scores α ℓ_T + (1 − α) m (before β) and the MCQ filter.
 */
final class PadScoring {

    /** One prompt scored: the pairs (i &lt; j order), per response ℓ_T and m, the teacher scores, and the filter. */
    record Scored(String promptId, List<McqJudge.Verdict> pairs, List<ContinuationScore> logp, double[] mcq,
                  double[] scores, boolean kept) {
    }

    private final ContinuationScorer scorer;
    private final McqJudge judge;
    private final double alpha;
    private final boolean filter;

    PadScoring(ModelHandle teacher, int microBatch, Params p) {
        this.scorer = new ContinuationScorer(teacher.model(), microBatch, ContinuationScorer.Padding.RIGHT);
        this.judge = new McqJudge(teacher.model(), teacher.tokenizer(), p.getString(PadParams.MCQ_TEMPLATE),
                p.getInt(PadParams.MCQ_CANDIDATE_TOKENS), microBatch);
        this.alpha = p.getDouble(PadParams.ALPHA);
        this.filter = p.getBoolean(PadParams.MCQ_FILTER);
    }

    Scored score(InstructionExample record, int[] prompt, List<int[]> responses, List<String> texts) {
        int n = responses.size();
        List<ContinuationScore> logp = scorer.score(responses.stream().map(r -> new Continuation(prompt, r)).toList());
        List<McqJudge.Verdict> verdicts = judge.judge((record.instruction() + "\n" + record.input()).strip(), texts);
        double[] m = McqCalibration.scores(n, verdicts.stream().mapToDouble(McqJudge.Verdict::pA).toArray(),
                verdicts.stream().mapToDouble(McqJudge.Verdict::pB).toArray());
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            scores[i] = McqCalibration.teacherScore(alpha, logp.get(i).mean(), m[i]);
        }
        return new Scored(record.id(), verdicts, logp, m, scores, !filter || McqCalibration.passesFilter(m));
    }

    /** The prompt's rows in {@code pad_mcq_pairs} and {@code pad_teacher_scores}. */
    static void write(Scored s, String teacherName, RowSink out) {
        for (McqJudge.Verdict v : s.pairs()) {
            out.table(PadScoreJob.MCQ_PAIRS).add(s.promptId(), v.i(), v.j(), v.pA(), v.pB(), v.pOther());
        }
        for (int i = 0; i < s.scores().length; i++) {
            ContinuationScore l = s.logp().get(i);
            out.table(PadScoreJob.TEACHER_SCORES).add(s.promptId(), i, teacherName, l.sum(), l.mean(), s.mcq()[i],
                    Math.exp(s.mcq()[i]), s.scores()[i], s.kept());
        }
    }
}
