package org.neurosweep.methods.sparse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.testutil.RepoPaths;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComponentAblationTest {

    private final CausalLM moe = CausalLM.load(RepoPaths.world("moe_deep"));
    private final ComponentLayout layout = ComponentLayout.of(moe.config());

    @Test
    void randomControlsHaveTheSizeOfTheSetPerBlockAndLayer() {
        // neurons 3, 5 of layer 0's expert 0; neuron 7 of layer 2's shared expert
        ComponentLayout.Block shared2 = layout.blocks().stream()
                .filter(b -> b.layer() == 2 && b.expert() == ComponentLayout.SHARED).findFirst().orElseThrow();
        int[] set = {3, 5, shared2.offset() + 7};
        int[] random = ComponentAblation.randomNeuronsLike(layout, set, 11);
        assertEquals(3, random.length);
        assertEquals(2, Arrays.stream(random).filter(i -> i < layout.blocks().get(0).width()).count());
        assertEquals(1, Arrays.stream(random).filter(i -> layout.blockOf(i).equals(shared2)).count());
        assertArrayEquals(random, ComponentAblation.randomNeuronsLike(layout, set, 11), "seeded");
        int[] experts = {layout.expertIndex(1, 2), layout.expertIndex(1, 6), layout.expertIndex(4, 0)};
        int[] randomExperts = ComponentAblation.randomExpertsLike(layout, experts, 5);
        assertEquals(2, Arrays.stream(randomExperts).filter(i -> layout.experts().get(i).layer() == 1).distinct().count());
        assertEquals(1, Arrays.stream(randomExperts).filter(i -> layout.experts().get(i).layer() == 4).count());
    }

    @Test
    void zeroedNeuronsAreZeroAndDroppedExpertsGetNoToken() {
        ComponentLayout.Block shared = layout.blocks().stream()
                .filter(b -> b.layer() == 1 && b.expert() == ComponentLayout.SHARED).findFirst().orElseThrow();
        Hooks hooks = ComponentAblation.zeroNeurons(layout, new int[] {shared.offset() + 4, shared.offset() + 9})
                .capture(HookNames.sharedPost(1));
        Batch batch = Batch.of(new int[] {5, 17, 300, 42, 8});
        try (Forward f = moe.forward(batch, hooks, null)) {
            INDArray post = f.captures().get(HookNames.sharedPost(1));
            for (int t = 0; t < 5; t++) {
                assertEquals(0.0, post.getFloat(0, t, 4), 0.0);
                assertEquals(0.0, post.getFloat(0, t, 9), 0.0);
                assertNotEquals(0f, post.getFloat(0, t, 5));
            }
        }
        int chosen;
        try (Forward f = moe.forward(batch, new Hooks().capture(HookNames.routing(3)), null)) {
            chosen = f.captures().routing(HookNames.routing(3)).ids().getInt(0, 0, 0);    // token 0's first expert
        }
        int[] dropped = {layout.expertIndex(3, chosen)};
        Hooks drop = ComponentAblation.dropExperts(layout, dropped).capture(HookNames.routing(3));
        boolean sawDropped = false;
        try (Forward f = moe.forward(batch, drop, null)) {
            INDArray ids = f.captures().routing(HookNames.routing(3)).ids();
            INDArray weights = f.captures().routing(HookNames.routing(3)).weights();
            for (int t = 0; t < 5; t++) {
                for (int s = 0; s < ids.size(2); s++) {
                    if (ids.getInt(0, t, s) == chosen) {
                        sawDropped = true;
                        assertEquals(0.0, weights.getFloat(0, t, s), 0.0, "a dropped expert's weight is 0");
                    } else {
                        assertNotEquals(0f, weights.getFloat(0, t, s));
                    }
                }
            }
        }
        assertTrue(sawDropped, "dropping keeps the routing, with weight 0");
    }
}
