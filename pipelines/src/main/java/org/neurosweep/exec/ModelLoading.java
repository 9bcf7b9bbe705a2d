package org.neurosweep.exec;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.text.Tokenizer;

import java.io.FileNotFoundException;
import java.io.IOException;

/** How an executor loads a model folder (any Hadoop URI) into its {@link ModelCache}. */
final class ModelLoading implements ModelCache.Loader<LoadedModel> {

    private final Configuration hadoop;
    private final LocalCopies copies;
    private final Runnable beforeFirstLoad;

    /** @param beforeFirstLoad configures the native libraries; runs before every load (it is idempotent) */
    ModelLoading(Configuration hadoop, LocalCopies copies, Runnable beforeFirstLoad) {
        this.hadoop = hadoop;
        this.copies = copies;
        this.beforeFirstLoad = beforeFirstLoad;
    }

    /** Weight bytes on disk, doubled for 16-bit storage (weights are widened to fp32 at load). */
    @Override
    public long estimateBytes(String uri) throws IOException {
        Path dir = new Path(uri);
        FileSystem fs = dir.getFileSystem(hadoop);
        long onDisk = 0;
        try {
            for (FileStatus f : fs.listStatus(dir)) {
                if (f.getPath().getName().endsWith(".safetensors") || f.getPath().getName().endsWith(".bin")) {
                    onDisk += f.getLen();
                }
            }
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("checkpoint folder not found: " + uri);
        }
        ModelConfig config = ModelLoader.readConfig(uri, hadoop);
        boolean halfWidth = config.dtype() != null && (config.dtype().contains("16"));
        return halfWidth ? 2 * onDisk : onDisk;
    }

    @Override
    public LoadedModel load(String uri) throws IOException {
        beforeFirstLoad.run();
        CausalLM model = ModelLoader.load(uri, false, hadoop);
        Tokenizer tokenizer = Tokenizer.load(copies.local(uri + "/tokenizer.json"));
        tokenizer.checkCompatible(model.config().vocabSize(), uri);
        return LoadedModel.of(model, tokenizer);
    }

    @Override
    public long bytes(LoadedModel model) {
        return model.bytes();
    }

    @Override
    public void close(LoadedModel model) {
        model.close();
    }
}
