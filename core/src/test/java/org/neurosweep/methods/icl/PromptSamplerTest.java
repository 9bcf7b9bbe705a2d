package org.neurosweep.methods.icl;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptSamplerTest {

    private static final List<IclExample> POOL = IntStream.range(0, 20)
            .mapToObj(i -> new IclExample("x" + i, "y" + i, "a" + i, null)).toList();

    @Test
    void promptsFollowThePapersFormat() {
        IclPrompt p = new IclPrompt(0, List.of(IclExample.single("flawed", "Perfect"), IclExample.single("slow", "Fast")),
                IclExample.single("cold", "Hot"));
        assertEquals("Q: flawed\nA: Perfect\n\nQ: slow\nA: Fast\n\nQ: cold\nA:", p.icl());
        assertEquals("Q: cold\nA:", p.zeroShot());
        assertTrue(p.icl().endsWith(p.zeroShot()), "the few-shot prompt ends with the zero-shot prompt");
    }

    @Test
    void samplesDistinctRecordsDeterministically() {
        List<IclPrompt> a = PromptSampler.sample(POOL, 5, 30, 3);
        assertEquals(a, PromptSampler.sample(POOL, 5, 30, 3), "same seed, same prompts");
        assertNotEquals(a, PromptSampler.sample(POOL, 5, 30, 4), "another seed, other prompts");
        for (IclPrompt p : a) {
            Set<IclExample> used = new HashSet<>(p.demos());
            used.add(p.query());
            assertEquals(6, used.size(), "5 demonstrations and a query, all distinct");
        }
        assertEquals(IntStream.range(0, 30).boxed().toList(), a.stream().map(IclPrompt::promptId).toList());
        assertTrue(a.stream().map(IclPrompt::query).distinct().count() > 10, "queries spread over the pool");
    }

    @Test
    void aPoolTooSmallForTheShotsIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PromptSampler.sample(POOL.subList(0, 5), 5, 1, 0));
        assertTrue(e.getMessage().contains("5 records"), e.getMessage());
    }

    @Test
    void splitPartitionsInFileOrder() {
        PromptSampler.Split<IclExample> s = PromptSampler.split(POOL, 0.3, 7);
        assertEquals(6, s.train().size());
        assertEquals(14, s.validation().size());
        List<IclExample> union = new ArrayList<>(s.train());
        union.addAll(s.validation());
        assertEquals(Set.copyOf(POOL), Set.copyOf(union));
        assertEquals(POOL.stream().filter(s.train()::contains).toList(), s.train(), "train part keeps file order");
        assertEquals(s, PromptSampler.split(POOL, 0.3, 7));
        assertNotEquals(s.train(), PromptSampler.split(POOL, 0.3, 8).train());
    }
}
