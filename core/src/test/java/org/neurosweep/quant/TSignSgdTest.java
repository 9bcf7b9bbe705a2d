package org.neurosweep.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Var;

/** t-SignSGD: the σ schedule and quantile golden values (spec §1(g) 8, 9), ternarity and the flip bound (1, 7). */
class TSignSgdTest {

    @Test
    void scheduleMatchesTheGoldenValues() {
        TSignSgd.Schedule s = TSignSgd.Schedule.of(300);
        assertEquals(0.9502041667, s.sigma(1), 1e-10);
        assertEquals(0.9745, s.sigma(120), 1e-12);
        assertEquals(0.999, s.sigma(240), 1e-12);
        assertEquals(0.999015, s.sigma(241), 1e-12);
        assertEquals(0.99945, s.sigma(270), 1e-12);
        assertEquals(0.9999, s.sigma(300), 1e-12);
        assertEquals(1, s.phase(240));
        assertEquals(2, s.phase(241));
    }

    @Test
    void quantileMatchesTheGoldenValue() {
        float[] g = {0f, 1e-10f, 0.3f, 0.5f, 2.0f, 0.1f, 0.7f, 0.05f};
        java.util.Arrays.sort(g);
        assertEquals(0.55f, TSignSgd.quantile(g, 0.75), 1e-7f);
        assertEquals(0f, TSignSgd.quantile(g, 0.0));
        assertEquals(2.0f, TSignSgd.quantile(g, 1.0));
    }

    @Test
    void everyStepKeepsTensorsTernaryAndFlipsAtMostTheTopFraction() {
        Random random = new Random(11);
        Var a = Var.param(TernaryAdapterTest.ternary(random, 16, 200));
        Var b = Var.param(TernaryAdapterTest.ternary(random, 40, 16));
        int steps = 10;
        TSignSgd optimizer = new TSignSgd(List.of(a, b), TSignSgd.Schedule.of(steps));
        for (int t = 1; t <= steps; t++) {
            INDArray beforeA = a.value().dup();
            INDArray gradA = Nd4j.randn(DataType.FLOAT, 16, 200);
            a.addGrad(gradA);
            b.addGrad(Nd4j.randn(DataType.FLOAT, 40, 16));
            optimizer.step(123.0);
            TSignSgd.Report r = optimizer.lastReport();
            assertEquals(t, r.step());
            TernaryAdapterTest.assertTernary(a.value());
            TernaryAdapterTest.assertTernary(b.value());
            long n = a.value().length();
            assertTrue(r.changed()[0] <= Math.ceil((1 - r.sigma()) * n), "step " + t + ": " + r.changed()[0]
                    + " changes of " + n + " at sigma " + r.sigma());
            INDArray move = a.value().sub(beforeA);
            assertTrue(move.amaxNumber().doubleValue() <= 1.0, "an entry moved by more than 1");
            // every move goes against the gradient's sign
            assertEquals(0.0, move.mul(gradA).gt(0.0).castTo(DataType.FLOAT).sumNumber().doubleValue());
            assertEquals(r.changed()[0], move.neq(0.0).castTo(DataType.FLOAT).sumNumber().longValue());
            a.zeroGrad();
            b.zeroGrad();
        }
    }

    @Test
    void phaseTwoCutsTheMostExtremeGradientsWhenTheNormIsLarge() {
        Var p = Var.param(Nd4j.zeros(DataType.FLOAT, 1, 100_000));
        TSignSgd optimizer = new TSignSgd(List.of(p), new TSignSgd.Schedule(0.95, 0.999, 0.9999, 1e-9, 2, 0.5, 10, 0.99995));
        INDArray grad = Nd4j.linspace(1, 100_000, 100_000, DataType.FLOAT).reshape(1, 100_000);
        p.addGrad(grad);
        optimizer.step(0);                      // t = 1: phase 1, no cut
        assertFalse(optimizer.lastReport().upperCut());
        assertEquals(-1f, p.value().getFloat(0, 99_999));
        p.value().assign(0);
        optimizer.step(0);                      // t = 2 = T: phase 2, norm ≫ 10
        TSignSgd.Report r = optimizer.lastReport();
        assertTrue(r.upperCut());
        assertEquals(0f, p.value().getFloat(0, 99_999), "the largest gradient is cut");
        assertEquals(-1f, p.value().getFloat(0, 99_993));
    }
}
