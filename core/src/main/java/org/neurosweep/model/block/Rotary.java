package org.neurosweep.model.block;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.model.Batch;
import org.neurosweep.model.RopeConfig;

/** RoPE tables for a batch: HF's cos/sin of cat(freqs, freqs) with freqs = position · inv_freq. */
public final class Rotary {
    private final float[] inverseFrequencies;
    private final int rotaryDim;

    public Rotary(RopeConfig rope, int headDim) {
        this.inverseFrequencies = rope.inverseFrequencies(headDim);
        this.rotaryDim = rope.rotaryDim(headDim);
    }

    /** Leading head dimensions that rotate. */
    public int rotaryDim() {
        return rotaryDim;
    }

    /** {cos, sin}, each (b, t, rotaryDim), for the RoPE positions of {@code batch}. */
    public INDArray[] cosSin(Batch batch) {
        int b = batch.size();
        int t = batch.length();
        int half = rotaryDim / 2;
        float[] cos = new float[b * t * rotaryDim];
        float[] sin = new float[cos.length];
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < t; j++) {
                float p = batch.position(r, j);
                int base = (r * t + j) * rotaryDim;
                for (int i = 0; i < half; i++) {
                    float angle = p * inverseFrequencies[i];          // an fp32 product, as HF computes it
                    float c = (float) Math.cos(angle);
                    float s = (float) Math.sin(angle);
                    cos[base + i] = c;
                    cos[base + half + i] = c;
                    sin[base + i] = s;
                    sin[base + half + i] = s;
                }
            }
        }
        return new INDArray[] {Nd4j.create(cos, b, t, rotaryDim), Nd4j.create(sin, b, t, rotaryDim)};
    }
}
