package org.neurosweep.methods.fed;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.train.LmExample;

/**
 * The energy of a pseudo sample (x, ŷ) under the model that generated it, by teacher forcing: per response token,
 * {@code E_tok = −T · logsumexp_v(f_v / T)} of the logits f that predict it; the sample's energy is the mean over its
 * response tokens (lower = more confident). Sequences run right-padded in micro-batches; a row's energy depends only
 * on its own tokens (padding is masked), so reordering the samples reorders the energies.
 */
public final class SequenceEnergy {

    private final CausalLM model;
    private final double temperature;
    private final int microBatch;
    private final int padId;

    public SequenceEnergy(CausalLM model, double temperature, int microBatch, int padId) {
        if (!(temperature > 0) || microBatch < 1) {
            throw new IllegalArgumentException("energy needs a temperature > 0 and a micro-batch ≥ 1");
        }
        this.model = model;
        this.temperature = temperature;
        this.microBatch = microBatch;
        this.padId = padId;
    }

    /** One energy per sequence (prompt = x, the rest = ŷ, at least one response token each), in order. */
    public double[] energies(List<LmExample> samples) {
        double[] out = new double[samples.size()];
        for (int from = 0; from < samples.size(); from += microBatch) {
            List<LmExample> batch = samples.subList(from, Math.min(samples.size(), from + microBatch));
            double[] e = batch(batch);
            System.arraycopy(e, 0, out, from, e.length);
        }
        return out;
    }

    private double[] batch(List<LmExample> samples) {
        int b = samples.size();
        Batch input = Batch.rightPadded(samples.stream().map(LmExample::tokens).toList(), padId);
        int width = input.length();
        double[] energy = new double[b];
        try (Forward forward = model.forward(input)) {
            INDArray logits = forward.logits().value();                         // (b, width, V)
            long vocab = logits.size(2);
            INDArray scaled = logits.reshape('c', (long) b * width, vocab).castTo(DataType.DOUBLE).div(temperature);
            INDArray max = scaled.max(1).reshape((long) b * width, 1);
            INDArray lse = Transforms.log(Transforms.exp(scaled.subColumnVector(max), false).sum(1), false)
                    .reshape((long) b * width, 1).addi(max);                   // (b·width, 1)
            for (int r = 0; r < b; r++) {
                LmExample s = samples.get(r);
                int first = s.promptLength();
                int n = s.tokens().length - first;
                if (first < 1 || n < 1) {
                    throw new IllegalArgumentException("sample " + r + " needs a prompt and at least one response token");
                }
                double sum = 0;
                for (int j = first; j < s.tokens().length; j++) {
                    sum += -temperature * lse.getDouble((long) r * width + j - 1, 0);   // logits at j − 1 predict token j
                }
                energy[r] = sum / n;
            }
        }
        return energy;
    }
}
