package org.neurosweep.methods.sparse;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CategorySetsTest {

    // math {1, 2, 3, 4}, code {1, 2, 5}, qa {1, 6}
    private final CategorySets sets = new CategorySets(Map.of(
            "math", Set.of(1L, 2L, 3L, 4L), "code", Set.of(1L, 2L, 5L), "qa", Set.of(1L, 6L)));

    @Test
    void membershipGeneralAndUnique() {
        assertEquals(java.util.List.of("code", "math", "qa"), sets.categories());
        assertEquals(3, sets.membership(1L));
        assertEquals(2, sets.membership(2L));
        assertEquals(0, sets.membership(7L));
        assertEquals(0b011, sets.categoryMask(2L), "code and math");
        assertArrayEquals(new int[] {4, 1, 1}, sets.membershipHistogram(), "3, 4, 5, 6 once; 2 twice; 1 thrice");
        assertEquals(Set.of(1L), sets.inAtLeast(3));
        assertEquals(Set.of(1L, 2L), sets.inAtLeast(2));
        assertEquals(Set.of(3L, 4L), sets.unique("math"));
        assertEquals(Set.of(6L), sets.unique("qa"));
        assertEquals(6, sets.union().size());
        assertEquals(java.util.List.of("code", "math"), sets.categoriesOf(2L));
    }

    @Test
    void overlapsAreJaccardAndTheAsymmetricFraction() {
        CategorySets.Overlap o = CategorySets.overlap(sets.set("math"), sets.set("code"));
        assertEquals(2, o.intersection());
        assertEquals(2.0 / 5, o.jaccard(), 1e-12);
        assertEquals(2.0 / 4, o.fractionOfA(), 1e-12);
        assertEquals(1, o.onlyInB(), "5 added");
        assertEquals(2, o.onlyInA(), "3 and 4 removed");
        CategorySets.Overlap same = CategorySets.overlap(Set.of(1L, 2L), Set.of(2L, 1L));
        assertEquals(1.0, same.jaccard());
        assertEquals(0, same.onlyInA() + same.onlyInB());
        assertTrue(Double.isNaN(CategorySets.overlap(Set.of(), Set.of()).jaccard()));
    }

    @Test
    void componentKeysRoundTrip() {
        for (int[] c : new int[][] {{0, ComponentLayout.DENSE, 0}, {31, 7, 14335}, {5, ComponentLayout.SHARED, 191}}) {
            long key = ComponentKey.of(c[0], c[1], c[2]);
            assertEquals(c[0], ComponentKey.layer(key));
            assertEquals(c[1], ComponentKey.expert(key));
            assertEquals(c[2], ComponentKey.neuron(key));
        }
    }
}
