package org.neurosweep.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neurosweep.data.MlamaFact;
import org.neurosweep.data.MlamaTemplate;
import org.neurosweep.hook.HookNames;
import org.neurosweep.methods.attribution.RiemannGrid;
import org.neurosweep.methods.icl.NextTokenScorer;
import org.neurosweep.methods.lens.LayerwiseLens;
import org.neurosweep.methods.lens.LensComponent;
import org.neurosweep.methods.lens.LensNorm;
import org.neurosweep.methods.neurons.FactPrompt;
import org.neurosweep.methods.neurons.LayerAttribution;
import org.neurosweep.methods.neurons.NeuronAttribution;
import org.neurosweep.methods.probe.CandidatePool;
import org.neurosweep.methods.probe.FactResult;
import org.neurosweep.methods.probe.MlamaProbe;
import org.neurosweep.methods.probe.ProbeMode;
import org.neurosweep.methods.probe.ProbeSettings;
import org.neurosweep.methods.probe.RelationProbe;
import org.neurosweep.methods.probe.ScoreKind;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.generate.Generator;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.generate.ContinuationScorer;
import org.neurosweep.text.Tokenizer;
import org.neurosweep.testutil.MaskedGolden;
import org.neurosweep.testutil.RepoPaths;

/**
 * The probe, logit-lens and neuron-attribution paths on each second-wave golden model (smoke level: the right number
 * of results, finite numbers; the golden references check the numbers). BERT is probed by mask filling, with a
 * tokenizer that names a mask token, and read at the mask by the lens and the attribution; generation refuses it.
 */
class SecondWaveFamiliesTest {
    private static final MlamaTemplate CAPITAL = new MlamaTemplate("en", "P36", "The capital of [X] is [Y] .", "capital");

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"gemma", "gemma2", "bloom", "bert_mlm", "qwen3", "qwen3_moe", "olmo2"})
    void probeLensAndAttributionRun(String family) throws IOException {
        Path dir = RepoPaths.golden(family);
        CausalLM model = CausalLM.load(dir);
        boolean masked = !model.config().causal();
        try (Tokenizer tokenizer = Tokenizer.load(masked ? MaskedGolden.bert(temp) : dir)) {
            // probe: two facts ranked among three candidates each
            List<MlamaFact> facts = List.of(fact("a", "France", "Paris"), fact("b", "Italy", "Rome"));
            RelationProbe task = new RelationProbe(CAPITAL, facts, CandidatePool.of(List.of("Paris", "Rome", "Berlin")));
            List<FactResult> results = new MlamaProbe(model, tokenizer,
                    new ProbeSettings(ProbeMode.RANK, ScoreKind.MEAN, 3, 4)).run(List.of(task), Hooks.none());
            assertEquals(2, results.size());
            for (FactResult r : results) {
                assertEquals(3, r.candidates().size());
                assertTrue(Arrays.stream(r.scores()).allMatch(s -> Double.isFinite(s) && s < 0), Arrays.toString(r.scores()));
            }

            // logit lens: one reading per prompt and layer at the answer position (BERT: a mask appended to the prompt)
            OptionalInt mask = tokenizer.answerMask(model.config().causal(), model.config().modelType());
            List<int[]> prompts = List.of(tokenizer.encode("The capital of France is"), tokenizer.encode("def f(x):"))
                    .stream().map(p -> LayerwiseLens.withAnswerSlot(p, mask)).toList();
            assertEquals(masked, prompts.get(0)[prompts.get(0).length - 1] == tokenizer.maskId().orElse(-1));
            List<LayerwiseLens.Reading> readings = new ArrayList<>();
            new LayerwiseLens(model, 1).read(prompts, new int[] {-1}, List.of(LensComponent.RESID_POST, LensComponent.MLP_OUT),
                    LensNorm.FINAL_SCALE, 2, readings::add);
            assertEquals(prompts.size() * 2 * model.config().numLayers(), readings.size());
            assertTrue(readings.stream().allMatch(r -> Double.isFinite(r.readout().logProb(7))));

            // knowledge-neuron attribution of every layer for a fact prompt (BERT: the cloze, read at its mask)
            FactPrompt fact = FactPrompt.of(facts.get(0), 0, CAPITAL, tokenizer, mask);
            NeuronAttribution kn = new NeuronAttribution(model);
            NeuronAttribution.PromptAttribution a = kn.attribute(fact.ids(), fact.answer(), fact.target(),
                    kn.layers(List.of()), 2, RiemannGrid.LEFT);
            assertEquals(model.config().numLayers(), a.layers().size());
            for (LayerAttribution l : a.layers()) {
                long neurons = l.groups().stream().mapToLong(g -> g.attribution().length).sum();
                long width = model.config().isMoe() && model.config().moe().isSparse(l.layer())
                        ? (long) model.config().moe().topK() * model.config().moe().expertIntermediateSize()
                        : model.config().intermediateSize();
                assertEquals(width, neurons, family + " layer " + l.layer());
                assertTrue(Double.isFinite(l.sum()) && l.pFull() > 0, family + " layer " + l.layer());
            }
        }
        if (masked) {
            IllegalArgumentException gen = assertThrows(IllegalArgumentException.class, () -> new Generator(model));
            assertTrue(gen.getMessage().contains("masked LM"), gen.getMessage());
            IllegalArgumentException forced = assertThrows(IllegalArgumentException.class,
                    () -> new ContinuationScorer(model, 2, ContinuationScorer.Padding.RIGHT));
            assertTrue(forced.getMessage().contains("masked LM"), forced.getMessage());
            IllegalArgumentException next = assertThrows(IllegalArgumentException.class,
                    () -> new NextTokenScorer(model, 1, 2));
            assertTrue(next.getMessage().contains("masked LM"), next.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemma", "gemma2", "bloom", "bert_mlm", "qwen3", "qwen3_moe", "olmo2"})
    void everyHookFiresAndInterventionsTakeEffect(String family) {
        CausalLM model = CausalLM.load(RepoPaths.golden(family));
        int[] ids = {5, 17, 300, 41, 9, 77, 12};
        List<String> dense = model.hookNames().stream().filter(n -> !n.contains(".moe.")).toList();
        INDArray plain;
        try (Forward f = model.forward(Batch.of(ids), new Hooks().capture(dense.toArray(new String[0])), null)) {
            for (String name : dense) {
                assertTrue(f.captures().has(name), family + " did not fire " + name);
                assertEquals(1, f.captures().get(name).size(0), name);
            }
            INDArray pattern = f.captures().get(HookNames.attnPattern(0));
            assertEquals(List.of(1L, (long) model.config().numHeads(), 7L, 7L), List.of(pattern.size(0), pattern.size(1),
                    pattern.size(2), pattern.size(3)));
            // a causal model's first query sees itself only; BERT's sees every token
            double firstRow = pattern.getDouble(0, 0, 0, 0);
            assertEquals(model.config().causal(), Math.abs(firstRow - 1) < 1e-6, family + " pattern[0][0][0] " + firstRow);
            plain = f.logits().value().detach();
        }
        try (Forward f = model.forward(Batch.of(ids), new Hooks().zeroHeads(0, 0, 1), null)) {
            assertTrue(f.logits().value().sub(plain).amaxNumber().doubleValue() > 1e-4, family + ": zeroing heads did nothing");
        }
    }

    private static MlamaFact fact(String uuid, String subject, String object) {
        return new MlamaFact(uuid, 0, null, subject, null, object, "P36", "en", true);
    }
}
