package org.neurosweep.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.neurosweep.autograd.PrimitiveGradientTest.randn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Forward values of the primitives against scalar reference loops written from the formulas. */
class PrimitiveForwardTest {

    private static final double EPS = 1e-12;

    private static Var c(INDArray a) {
        return Var.constant(a);
    }

    @Test
    void linearIsOneAffineMapOverAllTokens() {
        INDArray x = randn(1, 2, 3, 4), w = randn(2, 4, 5).dup('f'), b = randn(3, 5);
        INDArray y = Linear.linear(c(x), c(w), c(b)).value();
        assertArrayEquals(new long[] {2, 3, 5}, y.shape());
        for (int i = 0; i < 2; i++) {
            for (int t = 0; t < 3; t++) {
                for (int o = 0; o < 5; o++) {
                    double s = b.getDouble(o);
                    for (int k = 0; k < 4; k++) {
                        s += x.getDouble(i, t, k) * w.getDouble(k, o);
                    }
                    assertEquals(s, y.getDouble(i, t, o), EPS);
                }
            }
        }
    }

    @Test
    void rmsNormMatchesHfFormula() {
        INDArray x = randn(1, 2, 6), gamma = randn(2, 6);
        INDArray y = Norms.rmsNorm(c(x), c(gamma), 1e-5).value();
        for (int r = 0; r < 2; r++) {
            double ms = 0;
            for (int k = 0; k < 6; k++) {
                ms += x.getDouble(r, k) * x.getDouble(r, k) / 6;
            }
            for (int k = 0; k < 6; k++) {
                assertEquals(x.getDouble(r, k) / Math.sqrt(ms + 1e-5) * gamma.getDouble(k), y.getDouble(r, k), EPS);
            }
        }
    }

    @Test
    void layerNormStandardizesThenScales() {
        INDArray x = randn(3, 4, 8);
        INDArray y = Norms.layerNorm(c(x), c(Nd4j.ones(DataType.DOUBLE, 8)), c(Nd4j.zeros(DataType.DOUBLE, 8)), 0).value();
        INDArray mean = y.mean(1), var = y.var(false, 1);
        for (int r = 0; r < 4; r++) {
            assertEquals(0, mean.getDouble(r), 1e-12);
            assertEquals(1, var.getDouble(r), 1e-10);
        }
    }

    @Test
    void activationsMatchTheirDefinitions() {
        double[] xs = {-3.0, -0.7, 0.0, 0.4, 2.5};
        INDArray x = Nd4j.createFromArray(xs);
        INDArray gelu = Activations.gelu(c(x)).value();
        INDArray geluTanh = Activations.geluTanh(c(x)).value();
        INDArray silu = Activations.silu(c(x)).value();
        INDArray sigmoid = Activations.sigmoid(c(x)).value();
        INDArray clamp = Activations.clamp(c(x), -1, 1).value();
        for (int i = 0; i < xs.length; i++) {
            double v = xs[i];
            double s = 1 / (1 + Math.exp(-v));
            assertEquals(v * normalCdf(v), gelu.getDouble(i), 1e-7);
            double u = Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v);
            assertEquals(0.5 * v * (1 + Math.tanh(u)), geluTanh.getDouble(i), EPS);
            assertEquals(v * s, silu.getDouble(i), EPS);
            assertEquals(s, sigmoid.getDouble(i), EPS);
            assertEquals(Math.max(-1, Math.min(1, v)), clamp.getDouble(i), EPS);
        }
    }

    /** Φ(x) by Simpson integration of the normal density from 0: independent of erf. */
    private static double normalCdf(double x) {
        int n = 2000;
        double h = x / n, s = 0;
        for (int i = 0; i <= n; i++) {
            double t = i * h;
            double w = i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2);
            s += w * Math.exp(-t * t / 2);
        }
        return 0.5 + s * h / 3 / Math.sqrt(2 * Math.PI);
    }

    @Test
    void softmaxRowsSumToOneAndFullyMaskedRowsAreZero() {
        INDArray x = randn(1, 3, 4);
        for (int k = 0; k < 4; k++) {
            x.putScalar(1, k, Double.NEGATIVE_INFINITY);
        }
        x.putScalar(2, 0, Double.NEGATIVE_INFINITY);
        INDArray p = Activations.softmax(c(x)).value();
        assertEquals(1.0, p.getRow(0).sumNumber().doubleValue(), EPS);
        assertEquals(0.0, p.getRow(1).amaxNumber().doubleValue());
        assertEquals(1.0, p.getRow(2).sumNumber().doubleValue(), EPS);
        assertEquals(0.0, p.getDouble(2, 0));
        double z = 0;
        for (int k = 0; k < 4; k++) {
            z += Math.exp(x.getDouble(0, k));
        }
        assertEquals(Math.exp(x.getDouble(0, 2)) / z, p.getDouble(0, 2), EPS);
        INDArray lp = Activations.logSoftmax(c(x.getRow(0).reshape(1, 4))).value();
        assertEquals(x.getDouble(0, 2) - Math.log(z), lp.getDouble(0, 2), EPS);
    }

    @Test
    void ropeRotatesPairsAsRotateHalfAndPassesTheRestThrough() {
        // x (1, 1, 2, 6), rotary on the first 4 dims
        INDArray x = randn(1, 1, 1, 2, 6);
        INDArray cos = randn(2, 1, 2, 4), sin = randn(3, 1, 2, 4);
        INDArray y = Rope.rope(c(x), cos, sin, 4).value();
        for (int t = 0; t < 2; t++) {
            for (int k = 0; k < 4; k++) {
                double rotated = k < 2 ? -x.getDouble(0, 0, t, k + 2) : x.getDouble(0, 0, t, k - 2);
                double expected = x.getDouble(0, 0, t, k) * cos.getDouble(0, t, k) + rotated * sin.getDouble(0, t, k);
                assertEquals(expected, y.getDouble(0, 0, t, k), EPS);
            }
            for (int k = 4; k < 6; k++) {
                assertEquals(x.getDouble(0, 0, t, k), y.getDouble(0, 0, t, k), 0.0);
            }
        }
    }

    @Test
    void repeatKvRepeatsEachKvHeadConsecutively() {
        INDArray x = randn(1, 1, 2, 3, 4);
        INDArray y = Shapes.repeatKv(c(x), 3).value();
        assertArrayEquals(new long[] {1, 6, 3, 4}, y.shape());
        for (int h = 0; h < 6; h++) {
            assertEquals(x.getDouble(0, h / 3, 1, 2), y.getDouble(0, h, 1, 2), 0.0);
        }
    }

    @Test
    void gathersAndScatters() {
        INDArray table = randn(1, 5, 3);
        INDArray ids = Nd4j.createFromArray(new int[][] {{4, 0}, {4, 2}});
        INDArray e = Embedding.embedding(ids, c(table)).value();
        assertEquals(table.getDouble(4, 1), e.getDouble(1, 0, 1), 0.0);
        assertEquals(table.getDouble(2, 2), e.getDouble(1, 1, 2), 0.0);

        INDArray updates = randn(2, 3, 3);
        INDArray s = Shapes.scatterAddRows(c(updates), new int[] {1, 3, 1}, 4).value();
        assertEquals(updates.getDouble(0, 2) + updates.getDouble(2, 2), s.getDouble(1, 2), EPS);
        assertEquals(0.0, s.getRow(0).amaxNumber().doubleValue());

        INDArray x = randn(3, 2, 4, 3);
        INDArray sel = Shapes.indexSelect(c(x), 1, new int[] {3, 3, 0}).value();
        assertEquals(x.getDouble(1, 3, 2), sel.getDouble(1, 1, 2), 0.0);
        assertEquals(x.getDouble(0, 0, 1), sel.getDouble(0, 2, 1), 0.0);

        assertThrows(IndexOutOfBoundsException.class, () -> Embedding.embedding(Nd4j.createFromArray(new int[][] {{5}}), c(table)));
    }

    @Test
    void topKSelectsLargestFirst() {
        INDArray x = Nd4j.createFromArray(new double[][] {{0.1, 0.9, 0.3, 0.5}, {2, -1, 3, 0}});
        Routing.TopK top = Routing.topK(c(x), 2);
        assertArrayEquals(new int[] {1, 3}, top.ids().getRow(0).toIntVector());
        assertArrayEquals(new int[] {2, 0}, top.ids().getRow(1).toIntVector());
        assertEquals(0.9, top.values().value().getDouble(0, 0), 0.0);
        assertEquals(2.0, top.values().value().getDouble(1, 1), 0.0);
    }

    @Test
    void crossEntropyIsMeanNegativeLogLikelihoodOverCountedTokens() {
        INDArray logits = randn(1, 3, 5);
        int[] targets = {4, -100, 1};
        double expected = 0;
        for (int r : new int[] {0, 2}) {
            double z = 0;
            for (int k = 0; k < 5; k++) {
                z += Math.exp(logits.getDouble(r, k));
            }
            expected += Math.log(z) - logits.getDouble(r, targets[r]);
        }
        assertEquals(expected / 2, Losses.crossEntropy(c(logits), targets, -100).value().getDouble(0), EPS);
        assertEquals(expected, Losses.crossEntropySum(c(logits), targets, -100).value().getDouble(0), EPS);
        assertEquals(0.0, Losses.crossEntropyPerToken(c(logits), targets, -100).value().getDouble(1), 0.0);
    }

    @Test
    void divergencesHaveTheirDefiningProperties() {
        INDArray p = randn(1, 4, 6), q = randn(2, 4, 6);
        INDArray js = Losses.jsDivergence(c(p), c(q)).value();
        INDArray jsSwapped = Losses.jsDivergence(c(q), c(p)).value();
        INDArray shifted = Losses.jsDivergence(c(p), c(p.add(3.0))).value();
        INDArray kl = Losses.klDivergence(c(p), c(q)).value();
        for (int r = 0; r < 4; r++) {
            assertTrue(js.getDouble(r) > 0 && js.getDouble(r) <= Math.log(2));
            assertEquals(js.getDouble(r), jsSwapped.getDouble(r), EPS);
            assertEquals(0.0, shifted.getDouble(r), EPS);
            double expected = 0, zp = 0, zq = 0;
            for (int k = 0; k < 6; k++) {
                zp += Math.exp(p.getDouble(r, k));
                zq += Math.exp(q.getDouble(r, k));
            }
            for (int k = 0; k < 6; k++) {
                double pk = Math.exp(p.getDouble(r, k)) / zp, qk = Math.exp(q.getDouble(r, k)) / zq;
                expected += pk * Math.log(pk / qk);
            }
            assertEquals(expected, kl.getDouble(r), 1e-12);
        }
    }

    @Test
    void opsDoNotMutateTheirInputs() {
        INDArray x = randn(1, 2, 3, 4);
        INDArray before = x.dup();
        Var v = Var.constant(x);
        Activations.silu(v);
        Activations.gelu(v);
        Activations.softmax(v);
        Norms.rmsNorm(v, c(Nd4j.ones(DataType.DOUBLE, 4)), 1e-6);
        Elementwise.scale(v, 3);
        Rope.rope(Shapes.reshape(v, 1, 2, 3, 4), Nd4j.ones(DataType.DOUBLE, 1, 3, 4), Nd4j.ones(DataType.DOUBLE, 1, 3, 4), 4);
        assertEquals(before, x);
        assertFalse(v.requiresGrad());
    }
}
