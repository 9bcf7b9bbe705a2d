package org.neurosweep.methods.neurons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.data.MlamaFact;
import org.neurosweep.data.MlamaTemplate;
import org.neurosweep.data.PrivateRecord;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.hook.Select;
import org.neurosweep.methods.attribution.RiemannGrid;
import org.neurosweep.methods.neurons.PrivacyAttribution.PrivateTokens;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.testutil.MaskedGolden;
import org.neurosweep.text.Tokenizer;

/**
 * Knowledge and privacy neurons of a masked LM (the golden BERT) are attributed at the mask, DEPN's and Dai et al.'s
 * answer position, not at the input's last position: the cloze keeps the template's tail after the mask, and the
 * probabilities the attribution reports with the layer's activation intact and zeroed at the mask are those of
 * independent forwards read at the mask.
 */
class MaskedAnswerPositionTest {
    private static final int MASK = MaskedGolden.MASK;

    @TempDir
    static Path temp;
    private static CausalLM bert;
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        Path dir = MaskedGolden.bert(temp);
        bert = CausalLM.load(dir);
        tokenizer = Tokenizer.load(dir);
    }

    @Test
    void knowledgeNeuronsOfAClozeAreReadAtTheMask() {
        OptionalInt mask = tokenizer.answerMask(bert.config().causal(), bert.config().modelType());
        assertEquals(MASK, mask.getAsInt());
        MlamaFact fact = new MlamaFact("f", 0, null, "France", null, "Paris", "P36", "en", true);
        FactPrompt p = FactPrompt.of(fact, 0, new MlamaTemplate("en", "P36", "The capital of [X] is [Y] .", "capital"),
                tokenizer, mask);
        assertEquals(MASK, p.ids()[p.answer()]);
        assertTrue(p.answer() < p.ids().length - 1, "the template's tail follows the mask: " + Arrays.toString(p.ids()));
        assertEquals("The capital of France is [MASK] .", p.prompt());
        assertEquals(tokenizer.encode(" Paris")[0], p.target());

        int layer = 1;
        LayerAttribution a = new NeuronAttribution(bert).attribute(p.ids(), p.answer(), p.target(), new int[] {layer}, 4,
                RiemannGrid.LEFT).layers().get(0);
        assertEquals(probability(p.ids(), p.answer(), p.target(), Hooks.none()), a.pFull(), 1e-6);
        assertEquals(probability(p.ids(), p.answer(), p.target(),
                Hooks.none().zero(HookNames.mlpPost(layer), Select.at(p.answer()))), a.pZero(), 1e-6);
        // the last position (the tail's ".") would give another probability
        assertTrue(Math.abs(probability(p.ids(), p.ids().length - 1, p.target(), Hooks.none()) - a.pFull()) > 1e-6);
    }

    @Test
    void privateTokensAreMaskedOneAtATimeAndReadAtTheirOwnPosition() {
        PrivateTokens t = PrivateTokens.of(new PrivateRecord("r", "TEL", "The phone number of Bruno Rossi is ", "5301", null),
                tokenizer);
        PrivacyAttribution.RecordAttribution a = new PrivacyAttribution(new NeuronAttribution(bert), OptionalInt.of(MASK))
                .attribute(t, new int[] {0, 2}, 2, RiemannGrid.LEFT, 0.1);
        assertEquals(t.count(), a.perToken().size());
        for (int i = 0; i < t.count(); i++) {
            int position = t.from() + i;
            int[] masked = t.ids().clone();
            masked[position] = MASK;
            double expected = probability(masked, position, t.ids()[position], Hooks.none());
            assertEquals(expected, a.perToken().get(i).pFull(), 1e-6, "private token " + i);
            assertEquals(expected, a.perToken().get(i).layers().get(1).pFull(), 1e-6);
        }
    }

    // p(target) from the logits at `position` of one forward of `ids` under `hooks`
    private static double probability(int[] ids, int position, int target, Hooks hooks) {
        try (Forward f = bert.forward(Batch.of(ids).logitsAt(LogitsAt.all()), hooks, null)) {
            INDArray logits = f.logits().value().get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(position)).castTo(DataType.DOUBLE);
            return Transforms.softmax(logits.reshape(1, logits.length()), false).getDouble(0, target);
        }
    }
}
