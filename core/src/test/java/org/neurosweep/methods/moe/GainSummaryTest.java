package org.neurosweep.methods.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/methods/moe-attribution.md step 5 on hand-computed values, and the paper's Qwen1.5-MoE stages. */
class GainSummaryTest {

    @Test
    void thePapersStagesOfA24LayerModel() {
        assertEquals(List.of(new GainSummary.Stage("early", 1, 13), new GainSummary.Stage("middle", 14, 19),
                new GainSummary.Stage("late", 20, 24)), GainSummary.stages(24, List.of(13 / 24.0, 19 / 24.0)));
        assertEquals(List.of(new GainSummary.Stage("stage1", 1, 2), new GainSummary.Stage("stage2", 3, 4)),
                GainSummary.stages(4, List.of(0.5)));
        assertThrows(IllegalArgumentException.class, () -> GainSummary.stages(4, List.of(0.6, 0.5)));
    }

    @Test
    void gainsPeakEfficiencyAndShares() {
        // two samples of a 4-layer model
        List<double[]> ffn = List.of(new double[] {0.5, -0.5, 1, 2}, new double[] {0, 3, 1, 0});
        List<double[]> attn = List.of(new double[] {1, 0, 0, 0}, new double[] {0, 0, 0, -2});
        GainSummary s = GainSummary.of(4, ffn, attn, GainSummary.stages(4, List.of(0.5)));
        assertEquals((3 + 4) / 2.0, s.ffnGain(), 1e-12);
        assertEquals((1 - 2) / 2.0, s.attnGain(), 1e-12);
        assertEquals((4 / 4.0 + 2 / 4.0) / 2, s.peakGainPosition(), 1e-12, "argmax layers 4 and 2 (1-indexed)");
        assertEquals(3.5 / 4, s.layerEfficiency(), 1e-12);
        assertEquals(3.0 / 7, s.stages().get(0).share(), 1e-12, "layers 1-2: 0.5 - 0.5 + 0 + 3");
        assertEquals(4.0 / 7, s.stages().get(1).share(), 1e-12);
        assertEquals(3.5 / 7.5, s.stages().get(0).positiveShare(), 1e-12, "negative gains left out");
        assertTrue(Double.isNaN(GainSummary.of(4, List.of(), List.of(), List.of()).ffnGain()));
    }
}
