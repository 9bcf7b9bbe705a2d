package org.neurosweep.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Round-to-nearest on GPTQ's asymmetric grid, worked by hand, and its error bound. */
class RoundToNearestTest {

    @Test
    void handWorkedTwoBitGroups() {
        // row 0, group [−0.3, 0.3]: s = fp16(0.6/3) = 0.19995, z = round(1.5004) = 2; codes round(w/s) + z
        // row 0, group [0.1, 0.4]: xmin widened to 0: s = 0.4/3, z = 0
        // row 1, group of zeros: range [−1, 1], s = 2/3, z = round(1.5) = 2
        INDArray w = Nd4j.createFromArray(new float[][] {{-0.3f, 0.3f, 0.1f, 0.4f}, {0, 0, -0.5f, 0.5f}});
        QuantizedLinear q = RoundToNearest.quantize(w, 2, 2);
        assertArrayEquals(new float[] {fp16(0.2f), fp16(0.4f / 3), fp16(2f / 3), fp16(1f / 3)}, q.scales().data().asFloat());
        assertArrayEquals(new float[] {2, 0, 2, 2}, q.zeros().data().asFloat());
        // −0.3/s = −1.5004 → −2 + 2 = 0; 0.3/s → 2 + 2 = 4 → clamped 3; 0.1/(0.4/3) = 0.75 → 1; 0.4 → 3
        assertArrayEquals(new float[] {0, 3, 1, 3, 2, 2, 0, 3}, q.codes().dup('c').data().asFloat());
    }

    @Test
    void errorIsAtMostHalfAStepInsideTheRange() {
        INDArray w = Nd4j.randn(DataType.FLOAT, 48, 128).muli(0.05);
        for (int bits : new int[] {2, 3, 4, 8}) {
            QuantizedLinear q = RoundToNearest.quantize(w, bits, 64);
            INDArray error = q.weight().sub(w);
            INDArray halfStep = q.groups().expand(q.scales()).muli(0.5 + 1e-3);
            // the fp16-rounded scale and the rounded zero can push the extremes of a group one step off
            double worst = org.nd4j.linalg.ops.transforms.Transforms.abs(error, true).sub(halfStep.mul(3)).maxNumber().doubleValue();
            assertTrue(worst <= 0, bits + " bits: an entry is more than 1.5 steps off");
            double meanError = org.nd4j.linalg.ops.transforms.Transforms.abs(error, true).meanNumber().doubleValue();
            double meanStep = q.scales().meanNumber().doubleValue();
            assertTrue(meanError <= 0.3 * meanStep, bits + " bits: mean error " + meanError + " vs step " + meanStep);
        }
    }

    private static float fp16(float x) {
        return Nd4j.scalar(x).castTo(DataType.HALF).castTo(DataType.FLOAT).getFloat(0);
    }
}
