package org.neurosweep.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.tensor.DType;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;
import org.neurosweep.train.CheckpointWriter;
import org.neurosweep.train.ModelCheckpoint;

/**
 * Quantized checkpoints in the Hugging Face GPTQ layout ({@link GptqTensors} per module, the other tensors as
 * they were), with {@code quantization_config} in config.json: {@code quant_method = gptq}, {@code bits},
 * {@code group_size}, {@code desc_act} (act-order groups), {@code sym = false}, {@code checkpoint_format}
 * ({@link ZeroFormat}) and {@code lota_offsets} (modules may carry δ).
 *
 * <p>{@link #load} hands the model a view of the checkpoint in which every quantized module's {@code weight} is its
 * dequantized fp32 matrix ({@link QuantizedLinear#weight()}), so any architecture loads unchanged and every weight can
 * be read, trained and written. {@link #loadPacked} keeps the modules that bind as projections packed instead
 * ({@link PackedLinear}), for inference in a fraction of the memory with the same logits.
 */
public final class GptqCheckpoint {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The settings of a checkpoint's {@code quantization_config}. */
    public record Settings(int bits, int groupSize, ZeroFormat format) {
    }

    private GptqCheckpoint() {
    }

    /**
     * Writes {@code layers} (by module name, e.g. {@code model.layers.0.mlp.down_proj}) quantized and
     * {@code dense} (hub names and layouts) as they are, with the config and tokenizer of {@code sourceDir}.
     */
    public static void write(Path dir, Map<String, INDArray> dense, Map<String, QuantizedLinear> layers,
                             Path sourceDir, ZeroFormat format) throws IOException {
        Map<String, INDArray> tensors = new TreeMap<>(dense);
        int bits = 0;
        int groupSize = 0;
        boolean actOrder = false;
        boolean offsets = false;
        for (Map.Entry<String, QuantizedLinear> e : layers.entrySet()) {
            QuantizedLinear q = e.getValue();
            if (bits != 0 && (q.bits() != bits || q.groups().groupSize() != groupSize)) {
                throw new IllegalArgumentException("one checkpoint holds one bit width and group size; " + e.getKey()
                        + " has " + q.bits() + " bits, group size " + q.groups().groupSize());
            }
            bits = q.bits();
            groupSize = q.groups().groupSize();
            actOrder |= !q.groups().isContiguous();
            offsets |= q.delta() != null;
            tensors.remove(e.getKey() + ".weight");
            tensors.putAll(GptqTensors.encode(e.getKey(), q, format));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("quant_method", "gptq");
        config.put("bits", bits);
        config.put("group_size", groupSize);
        config.put("desc_act", actOrder);
        config.put("sym", false);
        config.put("checkpoint_format", format.configName());
        config.put("lota_offsets", offsets);
        CheckpointWriter.write(dir, tensors, sourceDir.resolve("config.json"), Map.of("quantization_config", config),
                sourceDir);
    }

    /** The {@code quantization_config} of a model folder, or null when its config.json has none. */
    public static Settings settings(Path dir) {
        Path file = dir.resolve("config.json");
        JsonNode q;
        try {
            q = JSON.readTree(file.toFile()).get("quantization_config");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (q == null || q.isNull()) {
            return null;
        }
        if (!"gptq".equals(q.path("quant_method").asText()) || !q.path("bits").canConvertToInt()
                || !q.path("group_size").canConvertToInt()) {
            throw new IllegalArgumentException(file + ": quantization_config must have quant_method \"gptq\" and "
                    + "integer bits and group_size, found " + q);
        }
        if (q.path("sym").asBoolean(false)) {
            throw new IllegalArgumentException(file + ": quantization_config.sym = true is not supported (asymmetric only)");
        }
        JsonNode format = q.get("checkpoint_format");
        return new Settings(q.get("bits").asInt(), q.get("group_size").asInt(),
                ZeroFormat.ofConfig(format == null || format.isNull() ? null : format.asText()));
    }

    /**
     * Writes {@code model} (loaded from {@code sourceDir}, 16-bit or GPTQ) with {@code layers} (by module name) in
     * place of those modules' weights, in the GPTQ layout.
     */
    public static void save(CausalLM model, Map<String, QuantizedLinear> layers, Path sourceDir, Path dir,
                            ZeroFormat format) throws IOException {
        Map<String, INDArray> dense;
        try (TensorSource source = open(sourceDir)) {
            dense = ModelCheckpoint.hubTensors(model.parameters(), source);
        }
        write(dir, dense, layers, sourceDir, format);
    }

    /** The tensors of a model folder as the runtime binds them: a GPTQ folder's modules dequantized. */
    public static TensorSource open(Path dir) throws IOException {
        Settings settings = settings(dir);
        TensorSource raw = TensorSources.open(dir);
        return settings == null ? raw : new Dequantized(raw, settings, 0);
    }

    /** Loads a GPTQ model folder; weights that {@code trainable} names are parameters. */
    public static CausalLM load(Path dir, Predicate<String> trainable) {
        Settings settings = settings(dir);
        if (settings == null) {
            throw new IllegalArgumentException(dir.resolve("config.json") + ": no quantization_config");
        }
        ModelConfig config = ModelConfig.read(dir);
        try (TensorSource source = new Dequantized(TensorSources.open(dir), settings, 0)) {
            return ModelLoader.load(config, source, trainable);
        } catch (IOException e) {
            throw new IllegalArgumentException(dir + ": cannot open the weights: " + e.getMessage(), e);
        }
    }

    /**
     * Loads a GPTQ model folder for inference (every weight a constant) with its quantized modules resident packed and
     * dequantized per projection right before its GEMM; its logits equal those of {@link #load} bit for bit. Each module
     * that binds as a projection is read straight into its packed form ({@link GptqTensors#decodePacked}) when the
     * projection binds it: no fp32 copy of its weight or codes is ever made. A quantized module the architecture does
     * not bind as a projection (none that this project writes) is dequantized at load. The unquantized tables with one
     * row per vocabulary entry (token embeddings, an untied lm_head) are held in 16 bits (bf16, else fp16) when every
     * value is exactly representable there, as with a model trained or shipped in 16 bits, and in fp32 otherwise:
     * lossless either way. Norms and biases stay fp32.
     */
    public static CausalLM loadPacked(Path dir) {
        Settings settings = settings(dir);
        if (settings == null) {
            throw new IllegalArgumentException(dir.resolve("config.json") + ": no quantization_config");
        }
        ModelConfig config = ModelConfig.read(dir);
        try (Dequantized source = new Dequantized(TensorSources.open(dir), settings, config.vocabSize())) {
            return ModelLoader.loadPacked(config, source, weight -> {
                String module = source.moduleOfWeight.get(weight);
                return module == null ? null : GptqTensors.decodePacked(source.source, module, settings.bits(),
                        settings.groupSize(), settings.format());
            });
        } catch (IOException e) {
            throw new IllegalArgumentException(dir + ": cannot open the weights: " + e.getMessage(), e);
        }
    }

    /** The quantized modules of a GPTQ model folder, decoded, by module name. */
    public static Map<String, QuantizedLinear> layers(Path dir) throws IOException {
        Settings settings = settings(dir);
        Map<String, QuantizedLinear> out = new TreeMap<>();
        try (TensorSource source = TensorSources.open(dir)) {
            for (String module : modules(source)) {
                out.put(module, GptqTensors.decode(source, module, settings.bits(), settings.groupSize(),
                        settings.format()));
            }
        }
        return out;
    }

    // t as BFLOAT16, else HALF, when the cast gives back exactly t's values (t is then freed); t itself otherwise.
    // The transient copies are freed at once rather than at a GC: at a 32000-row vocabulary they are ~100 MB each.
    private static INDArray sixteenBits(INDArray t) {
        for (DataType type : new DataType[] {DataType.BFLOAT16, DataType.HALF}) {
            INDArray narrow = t.castTo(type);
            INDArray back = narrow.castTo(t.dataType());
            INDArray differs = back.neq(t);
            boolean lossless = !differs.any();
            back.close();
            differs.close();
            if (lossless) {
                t.close();
                return narrow;
            }
            narrow.close();
        }
        return t;
    }

    private static SortedSet<String> modules(TensorSource source) {
        SortedSet<String> modules = new TreeSet<>();
        for (String name : source.names()) {
            if (name.endsWith(GptqTensors.QWEIGHT)) {
                modules.add(name.substring(0, name.length() - GptqTensors.QWEIGHT.length()));
            }
        }
        return modules;
    }

    /**
     * A checkpoint seen with every quantized module's tensors replaced by its dequantized {@code weight} (F32), and,
     * when {@code vocabRows} > 0, its other (vocabRows, ·) tables narrowed to 16 bits where that is lossless.
     */
    private static final class Dequantized implements TensorSource {
        private final TensorSource source;
        private final Settings settings;
        private final long vocabRows;
        private final SortedSet<String> names = new TreeSet<>();
        private final Map<String, String> moduleOfWeight = new LinkedHashMap<>();

        Dequantized(TensorSource source, Settings settings, long vocabRows) {
            this.source = source;
            this.settings = settings;
            this.vocabRows = vocabRows;
            SortedSet<String> modules = modules(source);
            for (String name : source.names()) {
                String module = name.substring(0, Math.max(name.lastIndexOf('.'), 0));
                if (!modules.contains(module)) {
                    names.add(name);
                }
            }
            for (String module : modules) {
                names.add(module + ".weight");
                moduleOfWeight.put(module + ".weight", module);
            }
        }

        @Override
        public String location() {
            return source.location();
        }

        @Override
        public SortedSet<String> names() {
            return names;
        }

        @Override
        public long[] shape(String name) {
            String module = moduleOfWeight.get(name);
            if (module == null) {
                return source.shape(name);
            }
            long in = source.shape(module + GptqTensors.G_IDX)[0];
            return new long[] {source.shape(module + GptqTensors.QWEIGHT)[1], in};
        }

        @Override
        public DType dtype(String name) {
            return moduleOfWeight.containsKey(name) ? DType.F32 : source.dtype(name);
        }

        @Override
        public Map<String, String> metadata() {
            return source.metadata();
        }

        @Override
        public INDArray load(String name, char order) {
            String module = moduleOfWeight.get(name);
            if (module == null) {
                INDArray t = source.load(name, order);
                return vocabRows > 0 && t.rank() == 2 && t.size(0) == vocabRows ? sixteenBits(t) : t;
            }
            return GptqTensors.decode(source, module, settings.bits(), settings.groupSize(), settings.format())
                    .weight().dup(order);
        }

        @Override
        public void close() {
            source.close();
        }
    }
}
