package org.neurosweep.jobs.probe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.methods.probe.FactResult;
import org.neurosweep.methods.probe.ProbeTally;

/** The per-fact and per-cell columns of the probe tables ({@code mlama_item_scores}, {@code lrp2_item_scores}, ...). */
final class ProbeColumns {

    /** One row per probed fact. */
    static final List<Column> ITEM = List.of(
            Column.required("language", ColumnType.STRING, "language of the query (mLAMA directory)"),
            Column.required("relation", ColumnType.STRING, "relation id, e.g. P36"),
            Column.required("uuid", ColumnType.STRING, "the fact's id, the same in every language (also example_id)"),
            Column.required("sub_label", ColumnType.STRING, "subject as filled into [X]"),
            Column.required("obj_label", ColumnType.STRING, "gold object"),
            Column.optional("seen_in_pretraining", ColumnType.BOOLEAN,
                    "whether the fact was stated in this language during pretraining; null when the dataset does not say"),
            Column.required("mode", ColumnType.STRING, "rank | exact-match"),
            Column.required("score_kind", ColumnType.STRING, "rank mode: what ranked the candidates, mean | sum"),
            Column.required("candidates", ColumnType.STRING_ARRAY,
                    "rank mode: the candidate objects in pool order; exact-match: the gold object alone"),
            Column.required("candidate_logprob_sums", ColumnType.DOUBLE_ARRAY,
                    "log p(completion | prompt) of each candidate, in nats (completion = object and the template's tail)"),
            Column.required("candidate_token_counts", ColumnType.INT_ARRAY,
                    "tokens of each candidate's completion; sum / count is the length-normalised score"),
            Column.required("gold_logprob_sum", ColumnType.DOUBLE, "log p of the gold object's completion"),
            Column.optional("gold_rank", ColumnType.INT,
                    "rank mode: 1 + candidates scoring at least as high as the gold (ties against the gold); null in exact-match"),
            Column.optional("reciprocal_rank", ColumnType.DOUBLE, "rank mode: 1 / gold_rank"),
            Column.optional("predicted", ColumnType.STRING, "rank mode: the top candidate"),
            Column.required("correct", ColumnType.BOOLEAN, "rank mode: gold_rank = 1 (P@1); exact-match: answered"));

    /** One row per language x relation x seen_in_pretraining. */
    static final List<Column> CELL = List.of(
            Column.required("language", ColumnType.STRING, "language of the queries"),
            Column.required("relation", ColumnType.STRING, "relation id"),
            Column.optional("seen_in_pretraining", ColumnType.BOOLEAN, "the facts' flag; null when the dataset has none"),
            Column.required("mode", ColumnType.STRING, "rank | exact-match"),
            Column.required("n_facts", ColumnType.LONG, "facts probed (in this unit: sum over shards)"),
            Column.required("n_correct", ColumnType.LONG, "facts answered correctly"),
            Column.required("accuracy", ColumnType.DOUBLE, "n_correct / n_facts (P@1 in rank mode)"),
            Column.optional("mrr", ColumnType.DOUBLE, "rank mode: mean reciprocal rank; null in exact-match"));

    private ProbeColumns() {
    }

    /** {@code prefix} followed by the values of {@link #ITEM} for {@code r}. */
    static Object[] item(FactResult r, Object... prefix) {
        List<Object> v = new ArrayList<>(Arrays.asList(prefix));
        v.add(r.fact().language());
        v.add(r.fact().predicateId());
        v.add(r.fact().uuid());
        v.add(r.fact().subLabel());
        v.add(r.fact().objLabel());
        v.add(r.fact().seenInPretraining());
        v.add(ProbeParams.modeName(r.mode()));
        v.add(r.scoreKind().name().toLowerCase(Locale.ROOT));
        v.add(r.candidates());
        v.add(r.logProbSums());
        v.add(r.tokenCounts());
        v.add(r.logProbSums()[r.goldIndex()]);
        v.add(r.goldRank());
        v.add(r.reciprocalRank());
        v.add(r.predicted());
        v.add(r.correct());
        return v.toArray();
    }

    /** {@code prefix} followed by the values of {@link #CELL} for {@code c}. */
    static Object[] cell(ProbeTally.Cell c, String mode, boolean ranked, Object... prefix) {
        List<Object> v = new ArrayList<>(Arrays.asList(prefix));
        v.add(c.language());
        v.add(c.relation());
        v.add(c.seen());
        v.add(mode);
        v.add(c.facts());
        v.add(c.correct());
        v.add(c.accuracy());
        v.add(ranked ? c.meanReciprocalRank() : null);
        return v.toArray();
    }
}
