package org.neurosweep.autograd;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Rotary position embedding, HF rotate_half convention: on the first {@code rotaryDims} dims of each
 * head, x·cos + rotate_half(x)·sin with rotate_half(x1, x2) = (−x2, x1); the remaining dims pass
 * through (GPT-NeoX partial rotary). The caller computes cos and sin (including any scaling).
 */
public final class Rope {

    private Rope() {
    }

    /**
     * x (b, heads, t, dh); cos, sin (b or 1, t, rotaryDims), shared by all heads → (b, heads, t, dh).
     */
    public static Var rope(Var x, INDArray cos, INDArray sin, int rotaryDims) {
        long[] s = x.shape();
        if (x.rank() != 4 || rotaryDims % 2 != 0 || rotaryDims > s[3] || rotaryDims <= 0) {
            throw new IllegalArgumentException("rope: x " + Arrays.toString(s) + " with rotaryDims " + rotaryDims);
        }
        if (!Arrays.equals(cos.shape(), sin.shape()) || cos.rank() != 3 || cos.size(1) != s[2]
                || cos.size(2) != rotaryDims || (cos.size(0) != 1 && cos.size(0) != s[0])) {
            throw new IllegalArgumentException("rope: cos " + Arrays.toString(cos.shape()) + " / sin "
                    + Arrays.toString(sin.shape()) + " do not fit x " + Arrays.toString(s)
                    + " with rotaryDims " + rotaryDims);
        }
        int half = rotaryDims / 2;
        INDArray c4 = cos.reshape('c', cos.size(0), 1, s[2], rotaryDims);   // (b|1, 1, t, rot)
        INDArray s4 = sin.reshape('c', sin.size(0), 1, s[2], rotaryDims);
        INDArray c1 = lastDims(c4, 0, half), c2 = lastDims(c4, half, rotaryDims);
        INDArray s1 = lastDims(s4, 0, half), s2 = lastDims(s4, half, rotaryDims);

        INDArray xv = x.value();
        INDArray out = xv.dup('c');
        rotate(out, lastDims(xv, 0, half), lastDims(xv, half, rotaryDims), c1, c2, s1.neg(), s2, half, rotaryDims);
        return Tape.op(out, g -> {
            // the transposed rotation: gx1 = g1·c1 + g2·s2, gx2 = g2·c2 − g1·s1
            INDArray gx = g.dup('c');
            rotate(gx, lastDims(g, 0, half), lastDims(g, half, rotaryDims), c1, c2, s2, s1.neg(), half, rotaryDims);
            x.accumulateOwned(gx);
        }, x);
    }

    /** In {@code out} (a copy of (v1, v2, rest)): o1 = v1·c1 + v2·a, o2 = v2·c2 + v1·b. */
    private static void rotate(INDArray out, INDArray v1, INDArray v2, INDArray c1, INDArray c2,
                               INDArray a, INDArray b, int half, int rot) {
        INDArray o1 = lastDims(out, 0, half);
        INDArray o2 = lastDims(out, half, rot);
        o1.muli(c1).addi(v2.mul(a));
        o2.muli(c2).addi(v1.mul(b));
    }

    private static INDArray lastDims(INDArray a, long from, long to) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }
}
