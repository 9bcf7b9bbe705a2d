package org.neurosweep.methods.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The t-test p-values against closed forms of Student's t (1 and 2 degrees of freedom) and the spec's example. */
class CorrelationTest {

    @Test
    void pValuesMatchClosedForms() {
        for (double r : new double[] {0.1, 0.5, -0.8, 0.99}) {
            double t1 = Math.abs(r) * Math.sqrt(1 / (1 - r * r));             // n = 3: Cauchy
            assertEquals(1 - 2 / Math.PI * Math.atan(t1), Correlation.pValue(r, 3), 1e-10, "df 1, r " + r);
            double t2 = Math.abs(r) * Math.sqrt(2 / (1 - r * r));             // n = 4
            assertEquals(1 - t2 / Math.sqrt(2 + t2 * t2), Correlation.pValue(r, 4), 1e-10, "df 2, r " + r);
        }
        double p = Correlation.pValue(0.68, 24);
        assertTrue(p > 2e-4 && p < 3.5e-4, "the spec: r = 0.68 over 24 layers gives p about 3e-4, got " + p);
        assertEquals(1.0, Correlation.pValue(0, 30), 1e-12);
    }

    @Test
    void pearsonAndSpearmanOfPairs() {
        Correlation c = Correlation.of(new double[] {1, 2, 3, 4, 5}, new double[] {1, 4, 9, 16, 100});
        assertEquals(1.0, c.spearman(), 1e-12, "monotone");
        assertTrue(c.pearson() > 0.7 && c.pearson() < 1);
        assertEquals(0.0, c.spearmanP(), 0.0);
        assertTrue(Double.isNaN(Correlation.of(new double[] {1, 2}, new double[] {2, 1}).pearson()), "too few pairs");
    }
}
