package org.neurosweep.jobs.moe;

import java.util.ArrayList;
import java.util.List;
import org.neurosweep.data.BadRecord;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.RowSink;
import org.neurosweep.methods.moe.RelationSample;
import org.neurosweep.model.ModelConfig;

/**
 * The samples of a unit that tokenize to a non-empty prompt and object, with their prompt ids and target tokens (the
 * first token of the object text); the others become errors rows.
 */
record EncodedSamples(List<RelationSample> samples, List<int[]> prompts, int[] targets) {

    static EncodedSamples of(List<RelationSample> all, ModelHandle model, RowSink out) {
        List<RelationSample> kept = new ArrayList<>();
        List<int[]> prompts = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        List<BadRecord> bad = new ArrayList<>();
        for (RelationSample s : all) {
            int[] ids = model.tokenizer().encode(s.prompt());
            int[] object = model.tokenizer().encode(s.objectText());
            if (ids.length == 0 || object.length == 0) {
                bad.add(new BadRecord(s.sampleId(), 0,
                        "empty prompt or object after tokenization: \"" + s.prompt() + "\" / \"" + s.objectText() + "\""));
                continue;
            }
            kept.add(s);
            prompts.add(ids);
            targets.add(object[0]);
        }
        out.badRecords(bad);
        return new EncodedSamples(kept, prompts, targets.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The padding id of left-padded micro-batches (masked out, so any valid id works). */
    static int padId(ModelConfig config) {
        return config.padTokenId() != null ? config.padTokenId() : 0;
    }

    /** The longest prompt in tokens (1 when there is none), for the micro-batch estimate. */
    int longestPrompt() {
        return prompts.stream().mapToInt(p -> p.length).max().orElse(1);
    }
}
