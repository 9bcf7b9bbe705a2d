package org.neurosweep.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Every primitive's backward against fp64 central differences (relative error below 1e-6). */
class PrimitiveGradientTest {

    private static final double FP64_TOLERANCE = 1e-6;

    static INDArray randn(long seed, long... shape) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian('c', shape).castTo(DataType.DOUBLE);
    }

    static void check(String what, Function<Var[], Var> f, INDArray... inputs) {
        double err = GradCheck.maxRelError(f, inputs);
        assertTrue(err < FP64_TOLERANCE, what + ": relative error " + err);
    }

    @Test
    void matmul() {
        check("2D", in -> Linear.matmul(in[0], in[1]), randn(1, 3, 4), randn(2, 4, 5));
        check("rank 3", in -> Linear.matmul(in[0], in[1]), randn(3, 2, 3, 4), randn(4, 2, 4, 2));
        check("rank 4", in -> Linear.matmul(in[0], in[1]), randn(5, 2, 2, 3, 4), randn(6, 2, 2, 4, 3));
    }

    @Test
    void linear() {
        INDArray w = randn(2, 4, 5).dup('f');
        check("bias", in -> Linear.linear(in[0], in[1], in[2]), randn(1, 2, 3, 4), w, randn(3, 5));
        check("no bias", in -> Linear.linear(in[0], in[1], null), randn(4, 3, 4), w);
        check("permuted input", in -> Linear.linear(Shapes.permute(in[0], 1, 0, 2), in[1], null), randn(5, 3, 2, 4), w);
    }

    @Test
    void broadcastingArithmetic() {
        check("add (b,t,d)+(d)", in -> Elementwise.add(in[0], in[1]), randn(1, 2, 3, 4), randn(2, 4));
        check("sub (d)-(b,t,d)", in -> Elementwise.sub(in[0], in[1]), randn(3, 4), randn(4, 2, 3, 4));
        check("mul (b,t,d)*(b,t,1)", in -> Elementwise.mul(in[0], in[1]), randn(5, 2, 3, 4), randn(6, 2, 3, 1));
        check("mul (b,t,d)*(b,t,d)", in -> Elementwise.mul(in[0], in[1]), randn(7, 2, 3, 4), randn(8, 2, 3, 4));
        check("mul (b,1,d)*(1,t,d)", in -> Elementwise.mul(in[0], in[1]), randn(9, 2, 1, 4), randn(10, 1, 3, 4));
        check("x*x", in -> Elementwise.mul(in[0], in[0]), randn(11, 3, 4));
        INDArray awayFromZero = randn(12, 3, 4);
        awayFromZero.assign(Transforms.abs(awayFromZero).addi(0.5));
        check("div", in -> Elementwise.div(in[0], in[1]), randn(13, 2, 3, 4), awayFromZero);
        check("scale", in -> Elementwise.scale(in[0], -2.5), randn(14, 3, 4));
        check("addScalar", in -> Elementwise.addScalar(Elementwise.mul(in[0], in[0]), 1.5), randn(15, 3, 4));
        check("neg", in -> Elementwise.neg(in[0]), randn(16, 3, 4));
    }

    @Test
    void reductions() {
        check("sum", in -> Reductions.sum(Elementwise.mul(in[0], in[0])), randn(1, 3, 4));
        check("mean", in -> Reductions.mean(Elementwise.mul(in[0], in[0])), randn(2, 3, 4));
        check("sum dim", in -> Reductions.sum(Elementwise.mul(in[0], in[0]), 1), randn(3, 2, 3, 4));
    }

    @Test
    void shapes() {
        check("reshape", in -> Elementwise.mul(Shapes.reshape(in[0], 6, 4), in[1]), randn(1, 2, 3, 4), randn(2, 6, 4));
        check("permute", in -> Elementwise.mul(Shapes.permute(in[0], 2, 0, 1), in[1]), randn(3, 2, 3, 4), randn(4, 4, 2, 3));
        check("slice", in -> Shapes.slice(in[0], 1, 1, 3), randn(5, 2, 4, 3));
        check("slice last", in -> Shapes.slice(in[0], -1, 0, 2), randn(6, 2, 4, 3));
        check("concat", in -> Shapes.concat(2, in[0], in[1], in[0]), randn(7, 2, 3, 2), randn(8, 2, 3, 4));
        check("indexSelect dim 0", in -> Shapes.indexSelect(in[0], 0, new int[] {3, 0, 3, 1}), randn(9, 4, 5));
        check("indexSelect dim 1", in -> Shapes.indexSelect(in[0], 1, new int[] {2, 2, 0}), randn(10, 2, 3, 4));
        check("scatterAddRows into zeros", in -> Shapes.scatterAddRows(in[0], new int[] {4, 1, 4}, 6), randn(11, 3, 5));
        check("scatterAddRows into target", in -> Shapes.scatterAddRows(in[0], new int[] {2, 0, 2}, in[1]),
                randn(12, 4, 5), randn(13, 3, 5));
        check("repeatKv", in -> Shapes.repeatKv(in[0], 3), randn(14, 2, 2, 3, 4));
    }

    @Test
    void norms() {
        check("rmsNorm", in -> Norms.rmsNorm(in[0], in[1], 1e-6), randn(1, 2, 3, 8), randn(2, 8));
        check("layerNorm", in -> Norms.layerNorm(in[0], in[1], in[2], 1e-5), randn(3, 2, 3, 8), randn(4, 8), randn(5, 8));
    }

    @Test
    void activations() {
        check("sigmoid", in -> Activations.sigmoid(in[0]), randn(1, 3, 5));
        check("silu", in -> Activations.silu(in[0]), randn(2, 3, 5));
        check("siluGated", in -> Activations.siluGated(in[0], in[1]), randn(9, 3, 5), randn(10, 3, 5));
        check("gelu", in -> Activations.gelu(in[0]), randn(3, 3, 5));
        check("geluTanh", in -> Activations.geluTanh(in[0]), randn(4, 3, 5));
        check("softcap", in -> Activations.softcap(in[0], 1.5), randn(8, 2, 3, 5).muli(3));
        check("softmax", in -> Activations.softmax(in[0]), randn(5, 2, 3, 5));
        check("logSoftmax", in -> Activations.logSoftmax(in[0]), randn(6, 2, 3, 5));
        INDArray awayFromBounds = randn(7, 4, 6);
        awayFromBounds.assign(awayFromBounds.mul(2));
        org.nd4j.linalg.indexing.BooleanIndexing.replaceWhere(awayFromBounds, 0.0,
                org.nd4j.linalg.indexing.conditions.Conditions.absLessThan(0.1)); // never at ±1 ± step
        clampFar(awayFromBounds);
        check("clamp", in -> Activations.clamp(in[0], -1.0, 1.0), awayFromBounds);
    }

    private static void clampFar(INDArray x) {
        for (long i = 0; i < x.length(); i++) {
            double v = x.getDouble(i);
            if (Math.abs(Math.abs(v) - 1.0) < 0.05) {
                x.putScalar(i, v * 1.2);
            }
        }
    }

    @Test
    void rope() {
        INDArray cos = Transforms.cos(randn(1, 1, 3, 4));
        INDArray sin = Transforms.sin(randn(2, 1, 3, 4));
        check("full rotary", in -> Rope.rope(in[0], cos, sin, 4), randn(3, 2, 2, 3, 4));
        INDArray cosB = Transforms.cos(randn(4, 2, 3, 2));
        INDArray sinB = Transforms.sin(randn(5, 2, 3, 2));
        check("partial rotary, per-batch cos", in -> Rope.rope(in[0], cosB, sinB, 2), randn(6, 2, 2, 3, 6));
    }

    @Test
    void embedding() {
        INDArray ids = Nd4j.createFromArray(new int[][] {{1, 4, 1}, {0, 4, 4}});
        check("embedding", in -> Embedding.embedding(ids, in[0]), randn(1, 5, 3));
    }

    @Test
    void attention() {
        INDArray mask = Nd4j.zeros(DataType.DOUBLE, 1, 1, 3, 3);
        mask.putScalar(new long[] {0, 0, 0, 1}, Double.NEGATIVE_INFINITY);
        mask.putScalar(new long[] {0, 0, 0, 2}, Double.NEGATIVE_INFINITY);
        mask.putScalar(new long[] {0, 0, 1, 2}, Double.NEGATIVE_INFINITY);
        check("scores", in -> Attention.scores(in[0], in[1], 0.5), randn(1, 2, 2, 3, 4), randn(2, 2, 2, 3, 4));
        check("weighted", in -> Attention.weighted(in[0], in[1]), randn(3, 2, 2, 3, 3), randn(4, 2, 2, 3, 4));
        check("masked attention", in -> {
            Var s = Attention.addMask(Attention.scores(in[0], in[1], 0.5), mask);
            return Attention.weighted(Attention.softmax(s), in[2]);
        }, randn(5, 2, 2, 3, 4), randn(6, 2, 2, 3, 4), randn(7, 2, 2, 3, 4));
        // 4 query heads over 2 kv heads: q (1, 2, 2·3, 4) stacks each kv head's 2 query heads along the query axis
        check("maskedSoftmax, grouped heads", in -> Attention.weighted(Shapes.reshape(
                Attention.maskedSoftmax(in[0], in[1], 0.5, mask, 4), 1, 2, 6, 3), in[2]),
                randn(8, 1, 2, 6, 4), randn(9, 1, 2, 3, 4), randn(10, 1, 2, 3, 4));
    }

    @Test
    void routing() {
        check("topK values", in -> Routing.topK(in[0], 2).values(), randn(1, 4, 6));
        INDArray ids = Nd4j.createFromArray(new int[][] {{0, 5}, {3, 3}, {2, 1}});
        check("gatherLastDim", in -> Routing.gatherLastDim(in[0], ids), randn(2, 3, 6));
        check("router softmax then top-k", in -> Routing.topK(Activations.softmax(in[0]), 2).values(), randn(3, 4, 6));
    }

    @Test
    void losses() {
        int[] targets = {2, -100, 0, 4};
        check("crossEntropy", in -> Losses.crossEntropy(in[0], targets, -100), randn(1, 4, 5));
        check("crossEntropySum", in -> Losses.crossEntropySum(in[0], targets, -100), randn(2, 4, 5));
        check("crossEntropyPerToken", in -> Losses.crossEntropyPerToken(in[0], targets, -100), randn(3, 4, 5));
        check("logProbsOf", in -> Losses.logProbsOf(in[0], new int[] {1, 1, 3, 0}), randn(4, 4, 5));
        int[] many = new int[Losses.LOSS_BLOCK_ROWS + 6];                  // two blocks of rows, the last partial
        for (int i = 0; i < many.length; i++) {
            many[i] = i % 7 == 3 ? -100 : i % 3;
        }
        check("crossEntropy over row blocks", in -> Losses.crossEntropy(in[0], many, -100), randn(9, many.length, 3));
        check("klDivergence", in -> Losses.klDivergence(in[0], in[1]), randn(5, 3, 5), randn(6, 3, 5));
        check("jsDivergence", in -> Losses.jsDivergence(in[0], in[1]), randn(7, 3, 5), randn(8, 3, 5));
        INDArray teacher = randn(10, 4, 5);
        check("distillationPerToken", in -> Losses.distillationPerToken(in[0], teacher, targets, -100,
                new double[] {2, 1, 0.5, 20}, new double[] {0.5, 0, 0.3, 0}, new double[] {2, 0, 0.7, 400}), randn(9, 4, 5));
    }
}
