package org.neurosweep.methods.icl;

import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

import java.util.List;

/** Few-shot prompts over the world corpus's two-hop questions, tokenized for the world models (test fixture). */
public final class WorldPrompts {

    private WorldPrompts() {
    }

    /** {@code count} prompts of {@code shots} demonstrations of {@code part} of task {@code task} (test split). */
    public static List<EncodedPrompt> encoded(Tokenizer tokenizer, String task, TaskPart part, int shots, int count, long seed) {
        TaskPools pools = CompositeSources.world(RepoPaths.dataset("world/composite.jsonl"), "test").orThrow().stream()
                .filter(p -> p.task().equals(task)).findFirst().orElseThrow();
        return PromptSampler.sample(pools.pool(part), shots, count, seed).stream()
                .map(p -> EncodedPrompt.encode(tokenizer, p, true)).toList();
    }
}
