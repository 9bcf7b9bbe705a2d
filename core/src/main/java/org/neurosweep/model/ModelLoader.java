package org.neurosweep.model;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.neurosweep.quant.GptqCheckpoint;
import org.neurosweep.quant.PackedLinear;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads a model folder: config.json, then the family's weights from its (possibly sharded) safetensors. */
public final class ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);
    private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");

    private ModelLoader() {
    }

    /**
     * A local folder, a {@code file:} URI or a Hadoop URI (hdfs://, s3a://, ...). With {@code trainable} the
     * weights are parameters (gradients accumulate into them); otherwise constants. A local GPTQ folder
     * ({@code quantization_config} in config.json) loads with its quantized modules dequantized.
     */
    public static CausalLM load(String folder, boolean trainable) {
        return load(folder, trainable, new Configuration());
    }

    /** As {@link #load(String, boolean)}, reading Hadoop URIs with {@code hadoop} (the sweep's configuration). */
    public static CausalLM load(String folder, boolean trainable, Configuration hadoop) {
        Path local = localPath(folder);
        if (local != null && java.nio.file.Files.isRegularFile(local.resolve("config.json"))
                && GptqCheckpoint.settings(local) != null) {
            return GptqCheckpoint.load(local, name -> trainable);     // a GPTQ folder: its modules dequantized
        }
        ModelConfig config = readConfig(folder, hadoop);
        Architecture family = ArchitectureRegistry.of(config.modelType());
        try (TensorSource source = TensorSources.open(folder, hadoop)) {
            return load(config, family, source, trainable);
        } catch (IOException e) {
            throw new CheckpointException(folder + ": cannot open the weights: " + e.getMessage(), e);
        }
    }

    /** A model of {@code config} over the tensors of {@code source}, which the caller closes. */
    public static CausalLM load(ModelConfig config, TensorSource source, boolean trainable) {
        return load(config, ArchitectureRegistry.of(config.modelType()), source, trainable);
    }

    /** A model whose weights named by {@code trainable} (hub names) are parameters, the others constants. */
    public static CausalLM load(ModelConfig config, TensorSource source, Predicate<String> trainable) {
        return load(config, ArchitectureRegistry.of(config.modelType()), source, trainable);
    }

    /**
     * An inference model (every weight a constant) whose projections for which {@code packed} gives a layer (by hub
     * weight name; null: none) stay packed and are dequantized at use ({@link PackedLinear}); {@code packed} is asked
     * once per projection as it binds, so it can read the layer then. The other tensors come from {@code source}.
     */
    public static CausalLM loadPacked(ModelConfig config, TensorSource source, Function<String, PackedLinear> packed) {
        return load(config, ArchitectureRegistry.of(config.modelType()), source, name -> false, packed);
    }

    private static CausalLM load(ModelConfig config, Architecture family, TensorSource source, boolean trainable) {
        return load(config, family, source, name -> trainable);
    }

    private static CausalLM load(ModelConfig config, Architecture family, TensorSource source,
                                 Predicate<String> trainable) {
        return load(config, family, source, trainable, name -> null);
    }

    private static CausalLM load(ModelConfig config, Architecture family, TensorSource source,
                                 Predicate<String> trainable, Function<String, PackedLinear> packed) {
        Weights weights = new Weights(source, trainable, packed);
        CausalLM model = family.bind(config, weights);
        SortedSet<String> unused = weights.unbound();
        if (!unused.isEmpty()) {
            LOG.warn("{}: {} tensors not used by {}: {}", source.location(), unused.size(), config.modelType(), unused);
        }
        return model;
    }

    // the folder as a local path, or null when it is on a Hadoop file system
    private static Path localPath(String folder) {
        if (!URI_SCHEME.matcher(folder).matches()) {
            return Path.of(folder);
        }
        URI uri = TensorSources.toUri(folder);
        return uri.getScheme().equalsIgnoreCase("file") ? Path.of(uri) : null;
    }

    /** config.json of a local folder or {@code file:} URI (other schemes with a default configuration). */
    public static ModelConfig readConfig(String folder) {
        return readConfig(folder, new Configuration());
    }

    /** config.json of a local folder or of a Hadoop URI read with {@code hadoop}. */
    public static ModelConfig readConfig(String folder, Configuration hadoop) {
        if (!URI_SCHEME.matcher(folder).matches()) {
            return ModelConfig.read(Path.of(folder));
        }
        URI uri = TensorSources.toUri(folder);
        if (uri.getScheme().equalsIgnoreCase("file")) {
            return ModelConfig.read(Path.of(uri));
        }
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(uri), "config.json");
        try {
            FileSystem fs = file.getFileSystem(hadoop);
            try (InputStream in = fs.open(file)) {
                return ModelConfig.parse(in, file.toString());
            }
        } catch (IOException e) {
            throw new ModelConfigException(file + ": cannot read: " + e.getMessage());
        }
    }
}
