package org.neurosweep.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** GPTQ's error compensation worked by hand, its agreement with RTN without correlations, and its error on calibration data. */
class GptqTest {

    @Test
    void diagonalHessianCompensatesNothingAndGivesTheRoundToNearestCodes() {
        // the hand-worked case of RoundToNearestTest: with H diagonal, U is diagonal and no error moves
        INDArray w = Nd4j.createFromArray(new float[][] {{-0.3f, 0.3f, 0.1f, 0.4f}, {0, 0, -0.5f, 0.5f}});
        double[] h = {1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4};
        QuantizedLinear q = Gptq.quantize(w, h, new Gptq.Settings(2, 2, 0.01, false, 128));
        assertArrayEquals(new float[] {0, 3, 1, 3, 2, 2, 0, 3}, q.codes().dup('c').data().asFloat());
        QuantizedLinear rtn = RoundToNearest.quantize(w, 2, 2);
        assertArrayEquals(rtn.scales().data().asFloat(), q.scales().data().asFloat());
        assertArrayEquals(rtn.zeros().data().asFloat(), q.zeros().data().asFloat());
    }

    @Test
    void handWorkedCompensationMovesTheNextCode() {
        // one row, one group of 4, 2 bits: max 0.6 → s = fp16(0.2) = 0.199951171875, z = 0.
        // H = [[2,1],[1,2]] ⊕ I, no dampening: H⁻¹[0,1]/H⁻¹[0,0] = −1/2, so w1 += (w0 − q̂0)/2.
        // w0 = 0.3 → code 2 (0.3/s = 1.5004), q̂0 = 0.39990234375; w1 = 0.5 − 0.0499512 = 0.4500488 → 2.2508 → code 2,
        // where round-to-nearest gives 0.5/s = 2.5006 → 3. Columns 2 and 3 are independent: codes 0 and 3.
        INDArray w = Nd4j.createFromArray(new float[][] {{0.3f, 0.5f, 0f, 0.6f}});
        double[] h = {2, 1, 0, 0, 1, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
        for (int block : new int[] {1, 2, 128}) {
            QuantizedLinear q = Gptq.quantize(w, h, new Gptq.Settings(2, 4, 0.0, false, block));
            assertArrayEquals(new float[] {2, 2, 0, 3}, q.codes().data().asFloat(), "block size " + block);
            assertEquals(0.199951171875f, q.scales().getFloat(0));
        }
        assertArrayEquals(new float[] {2, 3, 0, 3}, RoundToNearest.quantize(w, 2, 4).codes().data().asFloat());
        QuantizedLinear q = Gptq.quantize(w, h, new Gptq.Settings(2, 4, 0.0, false, 128));
        assertTrue(Gptq.outputError(w, q.weight(), h) < Gptq.outputError(w, RoundToNearest.quantize(w, 2, 4).weight(), h));
    }

    @Test
    void reconstructionErrorOnCalibrationDataIsAtMostRoundToNearests() {
        int in = 128;
        int n = 512;
        // correlated calibration inputs: X = Z·M with a random mixing M, plus a few large-scale columns
        INDArray mix = gaussian(7, in, in)
                .muli(0.3).addi(Nd4j.eye(in));
        INDArray x = gaussian(8, n, in).mmul(mix);
        x.getColumn(5).muli(8);
        INDArray w = gaussian(9, 48, in).muli(0.05);
        Hessian hessian = new Hessian(in);
        hessian.add(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 200)));
        hessian.add(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(200, n)).reshape(2, 156, in));
        assertEquals(n, hessian.rows());
        for (int bits : new int[] {2, 3, 4}) {
            double rtn = squaredOutputError(w, RoundToNearest.quantize(w, bits, 32).weight(), x);
            for (boolean actOrder : new boolean[] {false, true}) {
                QuantizedLinear q = Gptq.quantize(w, hessian.matrix(), new Gptq.Settings(bits, 32, 0.01, actOrder, 64));
                double gptq = squaredOutputError(w, q.weight(), x);
                assertTrue(gptq <= rtn, bits + " bits, act-order " + actOrder + ": GPTQ " + gptq + " > RTN " + rtn);
                assertEquals(gptq, Gptq.outputError(w, q.weight(), hessian.matrix()) * 2 * w.size(0) / 2, 1e-6 * gptq);
                assertEquals(!actOrder, q.groups().isContiguous());
                assertTrue(q.codes().minNumber().doubleValue() >= 0 && q.codes().maxNumber().doubleValue() <= q.qmax());
            }
        }
    }

    @Test
    void actOrderVisitsTheLargestHessianDiagonalFirst() {
        int in = 8;
        double[] h = new double[in * in];
        double[] diag = {1, 9, 2, 8, 3, 7, 4, 6};
        for (int i = 0; i < in; i++) {
            h[i * in + i] = diag[i];
        }
        INDArray w = gaussian(4, 3, in);
        QuantizedLinear q = Gptq.quantize(w, h, new Gptq.Settings(4, 4, 0.01, true, 128));
        // order by decreasing diagonal: 1, 3, 5, 7 | 6, 4, 2, 0
        assertArrayEquals(new int[] {1, 0, 1, 0, 1, 0, 1, 0}, q.groups().toArray());
        assertFalse(q.groups().isContiguous());
    }

    @Test
    void deadColumnsAreQuantizedAsZero() {
        INDArray w = Nd4j.createFromArray(new float[][] {{0.4f, -0.7f, 0.2f, 0.1f}});
        double[] h = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
        QuantizedLinear q = Gptq.quantize(w, h, new Gptq.Settings(4, 4, 0.01, false, 128));
        assertEquals(0.0, q.weight().getDouble(0, 1), 0.0);
    }

    private static INDArray gaussian(long seed, int rows, int cols) {
        java.util.Random rnd = new java.util.Random(seed);
        float[] v = new float[rows * cols];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) rnd.nextGaussian();
        }
        return Nd4j.createFromArray(v).reshape('c', rows, cols);
    }

    // ‖(W − Ŵ)·Xᵀ‖² / N: the layer's output error on the calibration rows
    private static double squaredOutputError(INDArray w, INDArray quantized, INDArray x) {
        INDArray diff = w.sub(quantized).castTo(DataType.DOUBLE);
        INDArray y = diff.mmul(x.castTo(DataType.DOUBLE).transpose());
        return y.muli(y).sumNumber().doubleValue() / x.size(0);
    }
}
