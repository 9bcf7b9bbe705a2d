package org.neurosweep.jobs.icot;

import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.jobs.JobTables;
import org.neurosweep.methods.icl.Target;
import org.neurosweep.methods.icl.TargetTally;

import java.util.ArrayList;
import java.util.List;

/** Columns shared by the internal-CoT tables, and the row values of a {@link TargetTally}. */
final class IcotColumns {

    static final Column TASK = Column.required("task", ColumnType.STRING,
            "composite task: s1-s2 (internal-cot) or the world corpus's task name; logit-lens on factual probes (mlama): the relation file LANG/PID");
    static final Column SEED = Column.required("seed", ColumnType.INT, "prompt-sampling seed (the seed parameter)");
    static final Column SHOTS = Column.required("shots", ColumnType.INT, "demonstrations per few-shot prompt");
    static final Column PROMPT_ID = Column.required("prompt_id", ColumnType.INT,
            "index of the prompt in the set sampled for (task, part, seed); equal ids are equal prompts across jobs");

    private IcotColumns() {
    }

    /** n, then acc_yt, acc_t1, acc_t2, mrr_yt, mrr_t1, mrr_t2 (null where no prompt has that target). */
    static List<Column> scores(String what) {
        List<Column> out = new ArrayList<>();
        out.add(Column.required("n", ColumnType.INT, "prompts scored"));
        for (Target t : Target.values()) {
            out.add(Column.optional("acc_" + t.label(), ColumnType.DOUBLE, "first-token accuracy for " + t.label()
                    + " " + what + ": the argmax token's string equals that of the first token of ' ' + answer; "
                    + "null when no prompt has this target"));
        }
        for (Target t : Target.values()) {
            out.add(Column.optional("mrr_" + t.label(), ColumnType.DOUBLE, "mean reciprocal rank of the first token of "
                    + t.label() + " " + what + "; null when no prompt has this target"));
        }
        return out;
    }

    /** The values of {@link #scores} for {@code tally}. */
    static List<Object> values(TargetTally tally) {
        List<Object> out = new ArrayList<>();
        out.add(tally.prompts());
        for (Target t : Target.values()) {
            out.add(JobTables.orNull(tally.accuracy(t)));
        }
        for (Target t : Target.values()) {
            out.add(JobTables.orNull(tally.meanReciprocalRank(t)));
        }
        return out;
    }

}
