package org.neurosweep.jobs.distill;

import java.util.List;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.Params;
import org.neurosweep.methods.pad.McqJudge;

/**
 * The parameters of PAD's two passes before training, shared by the jobs that run them: sampling and diversity
 * selection ({@code pad-sample}, and {@code pad-distill} with {@code samples = self}), teacher scoring ({@code pad-score},
 * and {@code pad-distill} with {@code scores = self}).
 */
final class PadParams {

    static final String SAMPLES_PER_PROMPT = "samples";
    static final String RESPONSES = "responses";
    static final String TEMPERATURE = "temperature";
    static final String TOP_P = "top-p";
    static final String SAMPLE_TOKENS = "sample-tokens";
    static final String ALPHA = "alpha";
    static final String MCQ_FILTER = "mcq-filter";
    static final String MCQ_TEMPLATE = "mcq-template";
    static final String MCQ_CANDIDATE_TOKENS = "mcq-candidate-tokens";
    /** pad-score and pad-distill: the folder of a committed pad_samples (or {@code self} in pad-distill). */
    static final String SAMPLES_FROM = "samples-from";
    /** pad-distill: the folder of a committed pad_teacher_scores, or {@code self}. */
    static final String SCORES_FROM = "scores-from";
    /** pad-score and pad-distill: the model_id whose samples to read; empty = the only one in the folder. */
    static final String SAMPLED_BY = "sampled-by";
    static final String SELF = "self";

    private PadParams() {
    }

    static List<ParamSpec> sampling() {
        return List.of(
                ParamSpec.of(SAMPLES_PER_PROMPT, ParamType.INT, 5, "responses the student samples per prompt (seeds 0..samples−1)"),
                ParamSpec.of(RESPONSES, ParamType.INT, 4, "responses kept per prompt by diversity selection (n; 2..7)"),
                ParamSpec.of(TEMPERATURE, ParamType.DOUBLE, 1.0, "sampling temperature (the released scripts' 1.0; a review reports 0.8)"),
                ParamSpec.of(TOP_P, ParamType.DOUBLE, 0.95, "sampling nucleus mass"),
                ParamSpec.of(SAMPLE_TOKENS, ParamType.INT, 64, "new tokens per sampled response at most (stops at end-of-text)"));
    }

    static List<ParamSpec> scoring() {
        return List.of(
                ParamSpec.of(ALPHA, ParamType.DOUBLE, 0.0, "α: teacher score = α ℓ_T + (1 − α) MCQ score (the released run: 0)"),
                ParamSpec.of(MCQ_FILTER, ParamType.BOOLEAN, true, "train only on prompts with some mean win probability > 0.5 and some ≤ 0.5"),
                ParamSpec.of(MCQ_TEMPLATE, ParamType.STRING, McqJudge.DEFAULT_TEMPLATE, "the judging prompt, with slots {query}, {a}, {b}"),
                ParamSpec.of(MCQ_CANDIDATE_TOKENS, ParamType.INT, 2500, "each candidate is cut to this many tokens in the judging prompt"));
    }

    static ParamSpec samplesFrom(Object fallback) {
        return ParamSpec.of(SAMPLES_FROM, ParamType.STRING, fallback, "the folder of a committed pad_samples (e.g. "
                + "out/pad_samples/run=R, written by pad-sample)" + (fallback == null ? "" : "; self = sample in this unit"));
    }

    static ParamSpec sampledBy() {
        return ParamSpec.of(SAMPLED_BY, ParamType.STRING, "", "the model_id of the student whose samples are read; "
                + "empty = the only model in the folder");
    }

    static void validateSampling(String job, Params p) {
        int responses = p.getInt(RESPONSES);
        DistillParams.require(job, responses < 2 || responses > 7, RESPONSES, "must be in 2..7 (n! rankings)");
        DistillParams.require(job, p.getInt(SAMPLES_PER_PROMPT) < responses, SAMPLES_PER_PROMPT, "must be ≥ responses");
        DistillParams.require(job, !(p.getDouble(TEMPERATURE) > 0), TEMPERATURE, "must be > 0");
        DistillParams.require(job, !(p.getDouble(TOP_P) > 0 && p.getDouble(TOP_P) <= 1), TOP_P, "must be in (0, 1]");
        DistillParams.require(job, p.getInt(SAMPLE_TOKENS) < 1, SAMPLE_TOKENS, "must be ≥ 1");
    }

    static void validateScoring(String job, Params p) {
        DistillParams.require(job, !(p.getDouble(ALPHA) >= 0 && p.getDouble(ALPHA) <= 1), ALPHA, "must be in [0, 1]");
        DistillParams.require(job, p.getInt(MCQ_CANDIDATE_TOKENS) < 1, MCQ_CANDIDATE_TOKENS, "must be ≥ 1");
        for (String slot : List.of("{query}", "{a}", "{b}")) {
            DistillParams.require(job, !p.getString(MCQ_TEMPLATE).contains(slot), MCQ_TEMPLATE, "lacks the slot " + slot);
        }
    }
}
