package org.neurosweep.methods.masking;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neurosweep.data.Shard;
import org.neurosweep.data.TraceItem;
import org.neurosweep.methods.lens.LayerwiseLens;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.Generation;
import org.neurosweep.model.generate.GenerationSettings;
import org.neurosweep.model.generate.Generator;
import org.neurosweep.testutil.LongContext;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.TokenizedText;
import org.neurosweep.text.Tokenizer;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TRACE experiment, docs/methods/internal-cot.md §7, on the world dense model (its outputs are not meaningful, its
 * mechanics are).
 */
class TraceDecodingTest {

    private static List<TraceItem> subset;

    @BeforeAll
    static void readItems() {
        List<TraceItem> all = TraceItem.read(RepoPaths.dataset("internal-cot/2024_trace_evaluation.jsonl"), Shard.all()).orThrow();
        assertEquals(1042, all.size());
        subset = all.stream().filter(TracePrompt::inSubset).toList();
    }

    @Test
    void thePapersSubsetHas69Items() {
        assertEquals(69, subset.size());
    }

    @Test
    void spansCoverExactlyTheConstraintTokens() {
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("tokenizer"))) {
            for (TracePrompt.ChatTemplate template : TracePrompt.ChatTemplate.values()) {
                for (TraceItem item : subset.subList(0, 5)) {
                    TracePrompt p = TracePrompt.of(item, template, TracePrompt.MaskRange.CONSTRAINTS, tokenizer);
                    TokenizedText t = tokenizer.encodeWithOffsets(p.text());
                    assertArrayEquals(t.ids(), p.ids());
                    int charStart = p.text().indexOf(item.constraints());
                    int charEnd = charStart + item.constraints().length();
                    assertTrue(t.starts()[p.spanStart()] <= charStart && charStart < t.ends()[p.spanStart()],
                            "the first masked token holds the constraints' first character");
                    assertTrue(t.starts()[p.spanEnd() - 1] < charEnd && charEnd <= t.ends()[p.spanEnd() - 1],
                            "the last masked token holds their last character");
                    TracePrompt all = TracePrompt.of(item, template, TracePrompt.MaskRange.ALL, tokenizer);
                    assertTrue(all.spanStart() < p.spanStart() && all.spanEnd() == p.spanEnd(),
                            "range all starts at the description");
                }
            }
        }
    }

    @Test
    void maskingFromLayerLGeneratesAsTheUnmaskedModelAndFromLayer0Differently(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        CausalLM model = CausalLM.load(LongContext.copy(RepoPaths.world("dense"), dir));   // TRACE prompts exceed 256
        int layers = model.config().numLayers();
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense"))) {
            List<TracePrompt> prompts = subset.subList(0, 2).stream()
                    .map(i -> TracePrompt.of(i, TracePrompt.ChatTemplate.PLAIN, TracePrompt.MaskRange.CONSTRAINTS, tokenizer)).toList();
            GenerationSettings greedy = GenerationSettings.greedy(4);
            TraceDecoding decoding = new TraceDecoding(model);
            Generation none = decoding.generate(prompts, layers, greedy);
            Generation plain = new Generator(model).generate(prompts.stream().map(TracePrompt::ids).toList(), greedy);
            for (int r = 0; r < prompts.size(); r++) {
                assertArrayEquals(plain.tokens(r), none.tokens(r), "ℓ = L masks nothing");
            }
            List<LayerwiseLens.Reading> unmasked = new ArrayList<>();
            List<LayerwiseLens.Reading> masked = new ArrayList<>();
            LayerwiseLens lens = new LayerwiseLens(model, 1);
            decoding.lens(lens, prompts, layers, 2, unmasked::add);
            decoding.lens(lens, prompts, 0, 2, masked::add);
            assertEquals(prompts.size() * layers, masked.size());
            int token = unmasked.get(0).readout().topK(1)[0];
            assertNotEquals(unmasked.get(0).readout().logProb(token), masked.get(0).readout().logProb(token), 1e-6,
                    "the constraints feed the last position at layer 0 unless masked");
        }
    }
}
