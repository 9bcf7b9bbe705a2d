package org.neurosweep.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.CausalLM;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;

/** Saves a (trained) model in the layout of the checkpoint it was loaded from, via {@link CheckpointWriter}. */
public final class ModelCheckpoint {

    private ModelCheckpoint() {
    }

    /**
     * Writes {@code model}'s parameters under their hub names and hub layouts, with the config and tokenizer
     * of {@code sourceDir} (the folder the model was loaded from) and {@code extraConfig} merged into config.json.
     */
    public static void save(CausalLM model, Path sourceDir, Path outDir, Map<String, Object> extraConfig)
            throws IOException {
        Map<String, INDArray> tensors;
        try (TensorSource source = TensorSources.open(sourceDir)) {
            tensors = hubTensors(model.parameters(), source);
        }
        CheckpointWriter.write(outDir, tensors, sourceDir.resolve("config.json"), extraConfig, sourceDir);
    }

    /**
     * Parameters as the hub stores them, under the names the source checkpoint uses: a projection held as
     * its (in, out) f-order transpose is turned back to (out, in); a Var bound under a second name the
     * source lacks (a tied unembedding) is written under its stored name only.
     */
    public static Map<String, INDArray> hubTensors(Map<String, Var> params, TensorSource source) throws IOException {
        Map<String, INDArray> out = new TreeMap<>();
        Set<Var> written = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Var> e : new TreeMap<>(params).entrySet()) {
            String name = e.getKey();
            if (!source.contains(name)) {
                continue;
            }
            long[] hub = source.shape(name);
            INDArray value = e.getValue().value();
            INDArray laidOut = isHeldTransposed(value, hub) ? value.transpose() : value;
            if (!Arrays.equals(laidOut.shape(), hub)) {
                throw new IOException(source.location() + ": parameter '" + name + "' has shape "
                        + Arrays.toString(value.shape()) + ", the checkpoint " + Arrays.toString(hub));
            }
            out.put(name, laidOut);
            written.add(e.getValue());
        }
        for (Map.Entry<String, Var> e : params.entrySet()) {
            if (!written.contains(e.getValue())) {
                throw new IOException(source.location() + ": the model has parameter '" + e.getKey()
                        + "' that the source checkpoint lacks, so its hub name and layout are unknown");
            }
        }
        return out;
    }

    /** Projections are held (in, out) in f-order (see {@link CausalLM#parameters()}); tables and vectors as stored. */
    private static boolean isHeldTransposed(INDArray value, long[] hub) {
        if (value.rank() != 2 || hub.length != 2 || value.size(0) != hub[1] || value.size(1) != hub[0]) {
            return false;
        }
        return hub[0] != hub[1] || value.ordering() == 'f';
    }
}
