package org.neurosweep.jobs.icot;

import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.Params;

import java.util.List;

/** The prompt parameters every internal-CoT job shares, so that equal values rebuild the same prompts. */
final class IcotParams {

    static final String SEED = "seed";
    static final String SHOTS = "shots";
    static final String PROMPTS = "prompts";
    static final String SPECIAL_TOKENS = "special-tokens";

    private IcotParams() {
    }

    static List<ParamSpec> specs(int defaultPrompts) {
        return List.of(
                ParamSpec.of(SEED, ParamType.INT, 0,
                        "prompt-sampling seed (methods.icl.PromptSampler); a list is a grid axis (the paper: 0-4)"),
                ParamSpec.of(SHOTS, ParamType.INT, 5, "demonstrations per few-shot prompt"),
                ParamSpec.of(PROMPTS, ParamType.INT, defaultPrompts, "prompts per task (and per step)"),
                ParamSpec.of(SPECIAL_TOKENS, ParamType.BOOLEAN, true,
                        "encode prompts with the tokenizer's special tokens (a BOS where its template adds one)"));
    }

    static int seed(Params p) {
        return p.getInt(SEED);
    }

    static int shots(Params p) {
        return p.getInt(SHOTS);
    }

    static int prompts(Params p) {
        return p.getInt(PROMPTS);
    }

    static boolean specialTokens(Params p) {
        return p.getBoolean(SPECIAL_TOKENS);
    }
}
