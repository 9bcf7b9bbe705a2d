package org.neurosweep.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The GEMV path of single-token products equals ND4J's GEMM for every operand layout the runtime produces. */
class MatrixVectorTest {

    private static final double TOLERANCE = 1e-5;

    @Test
    void matchesGemmForBothLayoutsAndTransposes() {
        Nd4j.getRandom().setSeed(3);
        for (char order : new char[] {'c', 'f'}) {
            for (boolean transposeW : new boolean[] {false, true}) {
                INDArray w = Nd4j.randn(DataType.FLOAT, transposeW ? 37 : 53, transposeW ? 53 : 37).dup(order);
                INDArray x = Nd4j.randn(DataType.FLOAT, 1, 53);
                assertMatchesGemm(x, w, transposeW, order + " transposeW=" + transposeW);
            }
        }
    }

    @Test
    void readsViewsAtTheirOffsetAndStride() {
        Nd4j.getRandom().setSeed(4);
        INDArray tokens = Nd4j.randn(DataType.FLOAT, 6, 40);
        INDArray x = tokens.get(NDArrayIndex.interval(4, 5), NDArrayIndex.all());             // offset view (1, 40)
        INDArray wide = Nd4j.randn(DataType.FLOAT, 40, 90).dup('f');
        INDArray w = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(30, 60));             // column block, offset
        assertMatchesGemm(x, w, false, "column block of an f-order matrix");
        INDArray embedding = Nd4j.randn(DataType.FLOAT, 90, 40);                                // (V, d) c-order
        assertMatchesGemm(x, embedding.transpose(), false, "tied embedding, transposed view");
    }

    @Test
    void declinesWhatIsNotASingleFloatRow() {
        INDArray w = Nd4j.randn(DataType.FLOAT, 8, 8);
        assertNull(MatrixVector.rowTimes(Nd4j.randn(DataType.FLOAT, 2, 8), w, false), "two rows: GEMM");
        assertNull(MatrixVector.rowTimes(Nd4j.randn(DataType.DOUBLE, 1, 8), w.castTo(DataType.DOUBLE), false),
                "doubles: GEMM");
        assertNull(MatrixVector.rowTimes(Nd4j.randn(DataType.FLOAT, 1, 7), w, false), "inner sizes differ");
    }

    private static void assertMatchesGemm(INDArray x, INDArray w, boolean transposeW, String what) {
        INDArray y = MatrixVector.rowTimes(x, w, transposeW);
        assertNotNull(y, what + ": the CPU backend takes the GEMV path");
        INDArray expected = Nd4j.gemm(x.dup(), w.dup(), false, transposeW);
        assertArrayEquals(expected.shape(), y.shape(), what);
        double err = expected.sub(y).norm2Number().doubleValue() / expected.norm2Number().doubleValue();
        assertTrue(err < TOLERANCE, what + ": relative error " + err);
    }
}
