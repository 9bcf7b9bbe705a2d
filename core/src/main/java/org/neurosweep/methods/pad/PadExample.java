package org.neurosweep.methods.pad;

import java.util.ArrayList;
import java.util.List;
import org.neurosweep.train.LmExample;

/**
 * One training prompt of PAD: its tokens, its n selected responses (their tokens, end-of-turn token included when
 * the sample stopped) and the teacher's calibrated score of each (before β).
 */
public record PadExample(String promptId, int[] prompt, List<int[]> responses, double[] teacherScores) {

    public PadExample {
        if (responses.size() != teacherScores.length || responses.size() < 2) {
            throw new IllegalArgumentException("prompt " + promptId + ": need ≥ 2 responses with one teacher score each, got "
                    + responses.size() + " and " + teacherScores.length);
        }
        responses = List.copyOf(responses);
    }

    /** Prompt + response i as a sequence whose response tokens are scored. */
    public List<LmExample> sequences() {
        List<LmExample> out = new ArrayList<>(responses.size());
        for (int[] r : responses) {
            out.add(LmExample.of(prompt, r));
        }
        return out;
    }
}
