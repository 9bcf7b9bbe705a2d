package org.neurosweep.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The invariants of LoTA-QAF's ternary adaptation and lossless merge (spec §1(g) 2–6 and the toy golden case 10). */
class TernaryAdapterTest {

    /** Spec §1(g) 10, given there in the (in, out) orientation; here transposed to the hub's (out, in). */
    @Test
    void toyMergeMatchesTheGoldenCase() {
        QuantizedLinear base = new QuantizedLinear(2, GroupIndex.of(new int[] {0, 0, 1, 1}, 2),
                hubOf(new float[][] {{0, 3}, {1, 2}, {3, 0}, {2, 1}}),
                hubOf(new float[][] {{1, 2}, {2, 1}}), hubOf(new float[][] {{0.1f, 0.2f}, {0.3f, 0.4f}}), null);
        TernaryAdapter adapter = new TernaryAdapter(base, new TernaryAdapter.Settings(2, 1.0, true),
                Nd4j.createFromArray(new float[][] {{1, 0, -1, 1}, {1, 1, -1, 0}}),
                Nd4j.createFromArray(new float[][] {{1, 1}, {-1, 1}}));
        TernaryAdapter.State s = adapter.state();
        assertEquals(hubOf(new float[][] {{2, 0}, {1, 1}, {-2, 0}, {1, -1}}), s.product());
        assertEquals(hubOf(new float[][] {{1, 0}, {0, 0}, {-1, 0}, {0, 0}}), s.markers());
        assertEquals(hubOf(new float[][] {{1, 0.5f}, {0, -0.5f}}), s.delta());
        QuantizedLinear merged = adapter.merged();
        assertEquals(hubOf(new float[][] {{1, 3}, {1, 2}, {2, 0}, {2, 1}}), merged.codes());
        assertClose(hubOf(new float[][] {{0.1f, 0.3f}, {0.1f, 0.1f}, {0, -0.6f}, {0, -0.2f}}), adapter.effectiveWeight());
        assertClose(hubOf(new float[][] {{-0.1f, 0.2f}, {0, 0}, {0.3f, -0.4f}, {0, 0}}), base.weight());
    }

    @Test
    void zeroStartEqualsTheQuantizedBase() {
        QuantizedLinear base = randomLayer(new Random(1), 3, 24, 64, 16);
        TernaryAdapter adapter = TernaryAdapter.init(base, TernaryAdapter.Settings.of(8, true), 7);
        assertTernary(adapter.a().value());
        assertEquals(0.0, adapter.b().value().norm1Number().doubleValue());
        double nonZero = adapter.a().value().neq(0.0).castTo(DataType.FLOAT).meanNumber().doubleValue();
        assertTrue(nonZero > 0.4 && nonZero < 0.7, "about 55% non-zeros after ternarizing a normal draw: " + nonZero);
        assertBitwiseEqual(base.weight(), adapter.effectiveWeight());
    }

    /** Spec §1(g) 3 and 4 over random ternary factors and codes crowded at 0 and qmax. */
    @Test
    void markersStayOnTheGridAndOnlyFireBeyondOmega() {
        Random random = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int bits = 2 + trial % 3;
            QuantizedLinear base = randomLayer(random, bits, 16, 32, 8);
            int rank = 4 + trial % 5;
            TernaryAdapter adapter = new TernaryAdapter(base, new TernaryAdapter.Settings(rank, 1 + trial % 3, true),
                    ternary(random, rank, 32), ternary(random, 16, rank));
            TernaryAdapter.State s = adapter.state();
            float[] q = base.codes().data().asFloat();
            float[] m = s.markers().data().asFloat();
            float[] p = s.product().data().asFloat();
            double omega = adapter.settings().omega();
            for (int k = 0; k < q.length; k++) {
                assertTrue(q[k] + m[k] >= 0 && q[k] + m[k] <= base.qmax(), "Q + M off the grid at " + k);
                assertTrue(Math.abs(m[k]) <= 1);
                if (Math.abs(p[k]) <= omega) {
                    assertEquals(0f, m[k], "a marker with |P| <= omega at " + k);
                }
            }
        }
    }

    /** Spec §1(g) 5: the merged (Q', s, z, δ), through the GPTQ layout and back, rebuilds W_eff bit for bit. */
    @Test
    void mergeIsLosslessThroughThePackedLayout() {
        Random random = new Random(5);
        for (int bits : new int[] {2, 3, 4, 8}) {
            QuantizedLinear base = randomLayer(random, bits, 32, 64, 32);
            TernaryAdapter adapter = new TernaryAdapter(base, new TernaryAdapter.Settings(8, 2, true),
                    ternary(random, 8, 64), ternary(random, 32, 8));
            INDArray trained = adapter.effectiveWeight();
            QuantizedLinear merged = adapter.merged();
            assertTrue(merged.codes().sub(base.codes()).amaxNumber().doubleValue() <= 1.0, "a code moved by more than 1");
            for (ZeroFormat format : ZeroFormat.values()) {
                QuantizedLinear shifted = format == ZeroFormat.V1 ? withZerosAtLeastOne(merged) : merged;
                INDArray expected = format == ZeroFormat.V1 ? shifted.weight() : trained;
                QuantizedLinear reread = GptqTensors.decode(new MapTensorSource(
                        GptqTensors.encode("m", shifted, format)), "m", bits, 32, format);
                assertBitwiseEqual(shifted.codes(), reread.codes());
                assertBitwiseEqual(expected, reread.weight());
            }
        }
    }

    /** Spec §1(g) 6: the markers pass gradients straight through, boundary masks ignored. */
    @Test
    void markersPassGradientsStraightThrough() {
        Random random = new Random(9);
        QuantizedLinear base = randomLayer(random, 2, 8, 16, 8);
        INDArray c = Nd4j.rand(DataType.FLOAT, 8, 16).subi(0.5);
        TernaryAdapter plain = new TernaryAdapter(base, new TernaryAdapter.Settings(4, 1, false),
                ternary(random, 4, 16), ternary(random, 8, 4));
        INDArray scalesPerColumn = base.groups().expand(base.scales());
        assertClose(c.mul(scalesPerColumn), plain.productGradient(c));

        // with the residual: each entry also gets (1/(ω g)) Σ over its group of s · ∂L/∂W
        TernaryAdapter residual = new TernaryAdapter(base, new TernaryAdapter.Settings(4, 1, true),
                plain.a().value(), plain.b().value());
        INDArray g = residual.productGradient(c);
        for (int o = 0; o < 8; o++) {
            for (int i = 0; i < 16; i++) {
                int group = i / 8;
                double sum = 0;
                for (int j = group * 8; j < group * 8 + 8; j++) {
                    sum += c.getDouble(o, j) * base.scales().getDouble(o, group);
                }
                double expected = c.getDouble(o, i) * base.scales().getDouble(o, group) + sum / (1.0 * 8);
                assertEquals(expected, g.getDouble(o, i), 1e-6);
            }
        }
    }

    @Test
    void omegaAtOrAboveTheRankIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TernaryAdapter.Settings(32, 48, true));
    }

    // ---- helpers

    /** (in, out) rows as the spec writes them → the hub's (out, in), c-order. */
    static INDArray hubOf(float[][] inOut) {
        return Nd4j.createFromArray(inOut).transpose().dup('c');
    }

    /** Codes with a third at 0, a third at qmax, the rest uniform; zeros in [1, qmax]; fp16-like positive scales. */
    static QuantizedLinear randomLayer(Random random, int bits, int out, int in, int groupSize) {
        int qmax = (1 << bits) - 1;
        float[] codes = new float[out * in];
        for (int k = 0; k < codes.length; k++) {
            int pick = random.nextInt(3);
            codes[k] = pick == 0 ? 0 : pick == 1 ? qmax : random.nextInt(qmax + 1);
        }
        int groups = in / groupSize;
        float[] zeros = new float[out * groups];
        float[] scales = new float[out * groups];
        for (int k = 0; k < zeros.length; k++) {
            zeros[k] = 1 + random.nextInt(qmax);
            scales[k] = (float) (0.001 + 0.05 * random.nextDouble());
        }
        return new QuantizedLinear(bits, GroupIndex.contiguous(in, groupSize),
                Nd4j.createFromArray(codes).reshape('c', out, in), Nd4j.createFromArray(zeros).reshape('c', out, groups),
                Nd4j.createFromArray(scales).reshape('c', out, groups).castTo(DataType.HALF).castTo(DataType.FLOAT), null);
    }

    static INDArray ternary(Random random, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int k = 0; k < v.length; k++) {
            v[k] = random.nextInt(3) - 1;
        }
        return Nd4j.createFromArray(v).reshape('c', rows, cols);
    }

    private static QuantizedLinear withZerosAtLeastOne(QuantizedLinear q) {
        return new QuantizedLinear(q.bits(), q.groups(), q.codes(), org.nd4j.linalg.ops.transforms.Transforms.max(
                q.zeros(), 1.0, true), q.scales(), q.delta());
    }

    static void assertTernary(INDArray x) {
        for (float v : x.dup('c').data().asFloat()) {
            assertTrue(v == -1f || v == 0f || v == 1f, "not ternary: " + v);
        }
    }

    static void assertBitwiseEqual(INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.dup('c').data().asFloat(), actual.dup('c').data().asFloat());
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.dup('c').data().asFloat(), actual.dup('c').data().asFloat(), 1e-6f);
    }
}
