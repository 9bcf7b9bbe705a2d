package org.neurosweep.methods.icl;

import org.junit.jupiter.api.Test;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncodedPromptTest {

    @Test
    void demonstrationSpanEndsWhereTheQueryBlockBegins() {
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("tokenizer"))) {
            for (EncodedPrompt p : WorldPrompts.encoded(tokenizer, "capital_to_currency", TaskPart.COMPOSITE, 3, 10, 0)) {
                assertEquals(0, p.demoStart(), "the world tokenizer prepends no BOS");
                assertArrayEquals(p.zeroShot(), Arrays.copyOfRange(p.icl(), p.demoEnd(), p.icl().length),
                        "the tokens after the span are the zero-shot prompt");
                String demos = tokenizer.decode(Arrays.copyOfRange(p.icl(), p.demoStart(), p.demoEnd()));
                assertTrue(demos.startsWith("Q: ") && demos.endsWith("\n\n"), demos);
            }
        }
    }

    @Test
    void targetsAreFirstTokensOfTheSpacedAnswers() {
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("tokenizer"))) {
            EncodedPrompt p = WorldPrompts.encoded(tokenizer, "capital_to_currency", TaskPart.COMPOSITE, 2, 1, 5).get(0);
            IclExample q = p.prompt().query();
            assertEquals(tokenizer.encode(" " + q.output())[0], p.target(Target.YT));
            assertEquals(tokenizer.encode(" " + q.t1())[0], p.target(Target.T1));
            assertEquals(EncodedPrompt.NO_TOKEN, p.target(Target.T2), "the world corpus has no t2");
            assertEquals(List.of(p.target(Target.YT), p.target(Target.T1), EncodedPrompt.NO_TOKEN),
                    Arrays.stream(p.targetIds()).boxed().toList());
        }
    }
}
