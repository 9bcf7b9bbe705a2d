package org.neurosweep.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Exact comparisons of ND4J arrays: same type, same shape, same elements bit for bit (NaN equals NaN). */
final class TensorAssertions {

    private TensorAssertions() {
    }

    static void assertSameTensor(String what, INDArray expected, INDArray actual) {
        assertEquals(expected.dataType(), actual.dataType(), what + ": dtype");
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        if (expected.length() == 0) {
            return;
        }
        if (expected.dataType() == DataType.FLOAT) {
            assertArrayEquals(rowMajorFloats(expected), rowMajorFloats(actual), what);
        } else {
            assertArrayEquals(rowMajorLongs(expected), rowMajorLongs(actual), what);
        }
    }

    /** The elements in row-major order of the logical shape, whatever the array's layout. */
    static float[] rowMajorFloats(INDArray array) {
        return array.dup('c').data().asFloat();
    }

    static long[] rowMajorLongs(INDArray array) {
        return array.dup('c').data().asLong();
    }
}
