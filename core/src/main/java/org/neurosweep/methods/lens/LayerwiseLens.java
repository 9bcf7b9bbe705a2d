package org.neurosweep.methods.lens;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.icl.NextTokenScorer;
import org.neurosweep.methods.icl.PromptBatch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Layer-wise decoding (docs/methods/internal-cot.md §5): runs prompts once, captures the chosen components of every
 * layer at the positions of interest, and projects them all through the {@link LogitLens} in one GEMM per micro-batch.
 * Positions count from the end of each prompt: −1 is the last token t*, −2 the one before.
 */
public final class LayerwiseLens {

    /**
     * One projected vector.
     *
     * @param prompt   index in the prompt list
     * @param position position of interest, counted from the end (−1 = last token)
     */
    public record Reading(int prompt, int position, LensComponent component, int layer, LensReadout readout) {
    }

    private final CausalLM model;
    private final LogitLens lens;
    private final int padId;

    public LayerwiseLens(CausalLM model, int padId) {
        this.model = model;
        this.lens = new LogitLens(Unembedding.of(model));
        this.padId = padId;
    }

    /**
     * Projects {@code components} of every layer at {@code positions} of each of {@code prompts} with {@code norm};
     * readings go to {@code out} prompt by prompt, then by position, component and layer.
     *
     * @throws IllegalArgumentException when a position is not a token of some prompt
     */
    public void read(List<int[]> prompts, int[] positions, List<LensComponent> components, LensNorm norm,
                     int microBatch, Consumer<Reading> out) {
        read(prompts, positions, components, norm, microBatch, (batch, first) -> Hooks.none(), out);
    }

    /** {@link #read}, with {@code interventions} (e.g. a context mask) active in every forward. */
    public void read(List<int[]> prompts, int[] positions, List<LensComponent> components, LensNorm norm,
                     int microBatch, NextTokenScorer.BatchHooks interventions, Consumer<Reading> out) {
        for (int from = 0; from < prompts.size(); from += microBatch) {
            List<int[]> rows = prompts.subList(from, Math.min(prompts.size(), from + microBatch));
            PromptBatch batch = PromptBatch.leftPadded(rows, padId);
            Hooks hooks = capturing(interventions.of(batch, from), absolutePositions(batch, positions, from), components);
            Captures captures;
            try (Forward f = model.forward(batch.batch(), hooks, null)) {
                captures = f.captures();
            }
            project(captures, batch.size(), positions, components, norm, from, out);
        }
    }

    /**
     * {@code prompt} as the lens reads it: unchanged for a causal LM ({@code mask} empty), whose last position predicts
     * the answer; followed by the mask token for a masked LM, so that position −1 is its answer position.
     */
    public static int[] withAnswerSlot(int[] prompt, OptionalInt mask) {
        if (mask.isEmpty()) {
            return prompt;
        }
        int[] ids = Arrays.copyOf(prompt, prompt.length + 1);
        ids[prompt.length] = mask.getAsInt();
        return ids;
    }

    /**
     * Adds to {@code hooks} the captures {@link #project} reads: {@code components} of every layer and the last
     * layer's output, at the sequence indices {@code absolute}.
     */
    public Hooks capturing(Hooks hooks, int[] absolute, List<LensComponent> components) {
        int layers = model.config().numLayers();
        hooks.captureAt(absolute, HookNames.residPost(layers - 1));
        for (LensComponent c : components) {
            for (int l = 0; l < layers; l++) {
                hooks.captureAt(absolute, c.hook(l));
            }
        }
        return hooks;
    }

    /**
     * Projects what {@link #capturing} captured in one forward of {@code b} rows ({@code positions} in the order
     * the absolute indices were given); row r is reported as prompt {@code firstPrompt + r}.
     */
    public void project(Captures captures, int b, int[] positions, List<LensComponent> components, LensNorm norm,
                        int firstPrompt, Consumer<Reading> out) {
        int layers = model.config().numLayers();
        int p = positions.length;
        long d = lens.unembedding().hiddenSize();
        List<INDArray> parts = new ArrayList<>();
        for (LensComponent c : components) {
            for (int l = 0; l < layers; l++) {
                parts.add(captures.get(c.hook(l)).castTo(DataType.FLOAT).reshape(b * p, d)); // (b·P, d)
            }
        }
        // rows of the stacked matrix: ((component · L + layer) · b + row) · P + position
        INDArray x = Nd4j.concat(0, parts.toArray(new INDArray[0])); // (C·L·b·P, d)
        INDArray scales = norm == LensNorm.FINAL_SCALE
                ? Nd4j.tile(lens.scale(captures.get(HookNames.residPost(layers - 1)).reshape(b * p, d)), parts.size())
                : lens.scale(x);
        INDArray logits = lens.logits(x, scales); // (C·L·b·P, vocab)
        for (int r = 0; r < b; r++) {
            for (int pi = 0; pi < p; pi++) {
                for (int ci = 0; ci < components.size(); ci++) {
                    for (int l = 0; l < layers; l++) {
                        long row = ((long) (ci * layers + l) * b + r) * p + pi;
                        float[] v = logits.get(NDArrayIndex.point(row), NDArrayIndex.all()).toFloatVector();
                        out.accept(new Reading(firstPrompt + r, positions[pi], components.get(ci), l, new LensReadout(v)));
                    }
                }
            }
        }
    }

    private static int[] absolutePositions(PromptBatch batch, int[] positions, int firstPrompt) {
        int[] abs = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            if (positions[i] >= 0) {
                throw new IllegalArgumentException("lens positions count from the end and must be < 0, got " + positions[i]);
            }
            abs[i] = batch.length() + positions[i];
            for (int r = 0; r < batch.size(); r++) {
                if (abs[i] < batch.padding(r)) {
                    throw new IllegalArgumentException("position " + positions[i] + " lies before the first token of prompt "
                            + (firstPrompt + r) + " (" + (batch.length() - batch.padding(r)) + " tokens)");
                }
            }
        }
        return abs;
    }
}
