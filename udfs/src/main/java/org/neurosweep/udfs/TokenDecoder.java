package org.neurosweep.udfs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;
import org.neurosweep.text.Tokenizer;

/**
 * {@code ns_decode(model, ids)}: the text of token ids (an array, or one id) with a model's tokenizer, special tokens
 * kept (so that an end-of-text id shows as such). {@code model} is a name configured as
 * {@code spark.neurosweep.tokenizer.<name> = <model folder or tokenizer.json>} in the Spark configuration, or such a
 * path itself (on every executor's local disk). Each executor JVM loads a tokenizer once and keeps it.
 */
final class TokenDecoder {

    static final String CONF_PREFIX = "spark.neurosweep.tokenizer.";

    /** Loaded tokenizers of this JVM, by the path they were loaded from; kept for the JVM's life. */
    private static final Map<Path, Tokenizer> CACHE = new ConcurrentHashMap<>();

    private TokenDecoder() {
    }

    static String decode(String model, Object ids) {
        if (model == null || ids == null) {
            return null;
        }
        int[] tokens;
        if (ids instanceof Number id) {
            tokens = new int[] {id.intValue()};
        } else {
            double[] v = VectorMath.values((List<?>) ids);
            if (v == null) {
                return null;
            }
            tokens = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                tokens[i] = (int) v[i];
            }
        }
        return CACHE.computeIfAbsent(resolve(model), Tokenizer::load).decode(tokens, false);
    }

    /** The tokenizer path for {@code model}: its configured path, else {@code model} read as a path. */
    static Path resolve(String model) {
        SparkEnv env = SparkEnv.get();
        String configured = env == null ? null : env.conf().get(CONF_PREFIX + model, null);
        Path path = Path.of(configured != null ? configured : model);
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("ns_decode: no tokenizer for '" + model + "': set " + CONF_PREFIX + model
                    + " to the model's folder" + (configured != null ? " (it is " + configured + ", which does not exist)"
                    : ", or pass the folder itself"));
        }
        return path.toAbsolutePath().normalize();
    }
}
