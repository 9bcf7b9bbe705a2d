package org.neurosweep.jobs.lota;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Var;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.ReadResult;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.quant.AdaptedProjections;
import org.neurosweep.quant.Gptq;
import org.neurosweep.quant.GptqCheckpoint;
import org.neurosweep.quant.GptqModel;
import org.neurosweep.quant.LoraAdapter;
import org.neurosweep.quant.LotaQaf;
import org.neurosweep.quant.QuantizedLinear;
import org.neurosweep.quant.TSignSgd;
import org.neurosweep.quant.TernaryAdapter;
import org.neurosweep.text.PromptFormat;
import org.neurosweep.train.AdamW;
import org.neurosweep.train.CausalLmBatch;
import org.neurosweep.train.CheckpointWriter;
import org.neurosweep.train.ModelCheckpoint;
import org.neurosweep.train.InstructionExamples;
import org.neurosweep.train.LearningRateSchedule;
import org.neurosweep.train.LmExample;
import org.neurosweep.train.LossMask;
import org.neurosweep.train.Optimizer;
import org.neurosweep.train.StepLog;
import org.neurosweep.train.Trainer;
import org.neurosweep.train.TrainingConfig;

/**
 * One LoTA-QAF run: quantize (or read) the base, evaluate it, adapt it with ternary factors and t-SignSGD, merge,
 * write and reload the merged checkpoint, audit and evaluate it, then train and evaluate the LoRA baseline. Each
 * model it trains is a private copy loaded from disk, never the executor's shared one. Artifacts:
 * {@code quantized/} (unless the base is already GPTQ) and {@code merged/}, both GPTQ-layout HF checkpoints, and
 * {@code lora/} (the LoRA baseline, fp32). With {@code evaluate = none} nothing is evaluated (lota-eval does it).
 */
final class LotaQafKernel implements Kernel {

    /** The unit artifacts: the quantized base (unless given as GPTQ), the merged model, the LoRA baseline. */
    static final String QUANTIZED = "quantized";
    static final String MERGED = "merged";
    static final String LORA = "lora";

    /** Value equality lets every task of an executor reuse one kernel. */
    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new LotaQafKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        try {
            adapt(unit, in, out);
        } catch (IOException e) {
            throw new UncheckedIOException("lota-qaf: " + e.getMessage(), e);
        }
    }

    private static void adapt(WorkUnit unit, UnitInputs in, RowSink out) throws IOException {
        LotaSettings s = LotaSettings.of(unit.params());
        ModelHandle handle = in.model();
        Path folder = localFolder(handle.ref().uri());
        ModelConfig config = handle.config();
        int eos = endOfText(handle);
        int pad = config.padTokenId() != null ? config.padTokenId() : eos;

        ReadResult<InstructionExample> read = InstructionExample.read(in.dataset(), unit.dataset().shard());
        out.badRecords(read.badRecords());
        List<InstructionExample> records = unit.dataset().limit(read.records());
        List<InstructionExample> trainRecords = split(records, s.trainSplit());
        List<InstructionExample> evalRecords = s.evaluateInline()
                ? LotaEvaluation.heldOut(records, s.evalSplit(), s.evalExamples()) : List.of();
        if (trainRecords.size() < s.microBatch()) {
            throw new IllegalArgumentException("lota-qaf: " + trainRecords.size() + " training records of split '"
                    + s.trainSplit() + "' in " + unit.dataset().name() + ", fewer than micro-batch " + s.microBatch());
        }
        List<LmExample> train = InstructionExamples.of(trainRecords, handle.tokenizer(), PromptFormat.INSTRUCTION, eos);

        Predicate<String> targets = LotaQaf.targets(s.targets());
        GptqCheckpoint.Settings given = GptqCheckpoint.settings(folder);
        Path quantized;
        Map<String, QuantizedLinear> layers;
        int bits = given == null ? s.bits() : given.bits();
        int groupSize = given == null ? s.groupSize() : given.groupSize();
        int longest = train.stream().mapToInt(e -> e.tokens().length).max().orElse(1);
        LotaEvaluation eval = new LotaEvaluation(evalRecords, handle.tokenizer(), eos, pad, s.maxNewTokens(), bits, groupSize,
                unit.dataset().name(), unit.id(), in.microBatch(ForwardFootprint.bytes(config, longest, longest)),
                out.table(LotaQafJob.EVAL));
        if (given == null) {
            eval.run("bf16", handle::model);
            layers = s.quantizer().gptq() ? gptq(folder, targets, train, s)
                    : LotaQaf.quantize(handle.model(), targets, s.bits(), s.groupSize());
            quantized = out.artifacts().local(QUANTIZED);
            GptqCheckpoint.save(handle.model(), layers, folder, quantized, s.zeroFormat());
        } else {
            quantized = folder;
            layers = new TreeMap<>(GptqCheckpoint.layers(folder));
            layers.keySet().removeIf(module -> !targets.test(module + ".weight"));
        }

        CausalLM model = GptqCheckpoint.load(quantized, targets);
        eval.run("gptq", () -> GptqCheckpoint.loadPacked(quantized));         // served as it is stored: codes resident
        Map<String, TernaryAdapter> adapters = LotaQaf.adapters(layers, s.adapter(), s.seed());
        AdaptedProjections adapted = new AdaptedProjections(model.parameters(), adapters,
                params -> new TSignSgd(params, s.schedule()));
        TableRows steps = out.table(LotaQafJob.TRAIN_STEP);
        List<Var> factors = adapted.inner().parameters();
        train(model, adapted, train, s, pad, (log, tokens) -> {
            TSignSgd.Report r = ((TSignSgd) adapted.inner()).lastReport();
            steps.add(null, (int) r.step(), r.sigma(), r.phase(), r.gradNorm(), r.upperCut(), log.loss(), tokens,
                    sumEvery(r.changed(), 0), sumEvery(r.changed(), 1), nonZeroShare(factors, 0),
                    nonZeroShare(factors, 1), log.millis());
        });
        LotaAudit.layerStates(adapters, s.steps(), out.table(LotaQafJob.LAYER_STATE));

        Path merged = out.artifacts().local(MERGED);
        GptqCheckpoint.save(model, LotaQaf.merge(adapters), quantized, merged, s.zeroFormat());
        CausalLM reloaded = GptqCheckpoint.load(merged, name -> false);
        LotaAudit.merge(adapters, GptqCheckpoint.layers(merged), reloaded, s.zeroFormat(),
                out.table(LotaQafJob.MERGE_AUDIT));
        eval.run("lota_merged", () -> GptqCheckpoint.loadPacked(merged));

        if (s.loraBaseline()) {
            CausalLM lora = GptqCheckpoint.load(quantized, targets);
            Map<String, LoraAdapter> loras = new LinkedHashMap<>();
            long k = 0;
            for (Map.Entry<String, QuantizedLinear> e : layers.entrySet()) {
                loras.put(e.getKey() + ".weight", LoraAdapter.init(e.getValue().weight(), s.loraRank(), s.loraAlpha(),
                        s.seed() + k++));
            }
            AdaptedProjections loraTraining = new AdaptedProjections(lora.parameters(), loras,
                    params -> new AdamW(params, 0.9, 0.999, 1e-8, 0.0));
            train(lora, loraTraining, train, s, pad, (log, tokens) -> { });
            saveLora(lora, quantized, out.artifacts().local(LORA));
            eval.run("lora_gptq", () -> lora);
        }
    }

    /**
     * Writes the LoRA baseline as a 16-bit-layout fp32 checkpoint: every weight as the trained model holds it (the
     * adapted projections W0 + (α/r)·B·A with W0 dequantized, the rest dequantized or as stored), so that a model
     * loaded from it computes the logits of the trained one bit for bit. The config is the quantized base's without
     * its quantization_config.
     */
    private static void saveLora(CausalLM lora, Path quantized, Path dir) throws IOException {
        Map<String, INDArray> tensors;
        try (org.neurosweep.tensor.TensorSource source = GptqCheckpoint.open(quantized)) {
            tensors = ModelCheckpoint.hubTensors(lora.parameters(), source);
        }
        Map<String, Object> plain = new java.util.HashMap<>();
        plain.put("quantization_config", null);
        CheckpointWriter.write(dir, tensors, quantized.resolve("config.json"), plain, quantized);
    }

    // GPTQ of a private copy of the 16-bit model, calibrated on the first training examples' tokens
    private static Map<String, QuantizedLinear> gptq(Path folder, Predicate<String> targets, List<LmExample> train,
                                                     LotaSettings s) {
        List<int[]> calibration = train.stream().limit(s.quantizer().calibrationExamples()).map(LmExample::tokens).toList();
        Map<String, QuantizedLinear> layers = new TreeMap<>();
        GptqModel.quantize(CausalLM.load(folder), targets, calibration, new Gptq.Settings(s.bits(), s.groupSize(), 0.01,
                s.quantizer().actOrder(), 128)).forEach((module, layer) -> layers.put(module, layer.quantized()));
        return layers;
    }

    /** Called after each step with the trainer's log and the step's counted response tokens. */
    private interface StepSink {
        void step(StepLog log, int tokens);
    }

    private static void train(CausalLM model, Optimizer optimizer, List<LmExample> examples, LotaSettings s, int pad,
                              StepSink sink) {
        int[] tokens = {0};
        LearningRateSchedule schedule = LearningRateSchedule.constant(s.loraLearningRate(),
                Math.min((long) Math.ceil(0.03 * s.steps()), s.steps() - 1));
        Consumer<StepLog> onStep = log -> {
            sink.step(log, tokens[0]);
            tokens[0] = 0;
        };
        new Trainer<LmExample>(new TrainingConfig(s.steps(), s.microBatch(), s.gradientAccumulation(), 0.0, s.seed()),
                optimizer, schedule).train(examples, (batch, scope) -> {
                    CausalLmBatch b = CausalLmBatch.of(batch, pad, LossMask.RESPONSE_ONLY);
                    tokens[0] += b.countedTokens();
                    return b.loss(scope.keep(model.forward(b.input())).logits());
                }, onStep);
    }

    // factors alternate A, B per adapter: the sum over those at offset (0 = A, 1 = B)
    private static long sumEvery(long[] values, int offset) {
        long sum = 0;
        for (int k = offset; k < values.length; k += 2) {
            sum += values[k];
        }
        return sum;
    }

    private static double nonZeroShare(List<Var> factors, int offset) {
        double nonZero = 0;
        double all = 0;
        for (int k = offset; k < factors.size(); k += 2) {
            INDArray v = factors.get(k).value();
            nonZero += v.neq(0.0).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).sumNumber().doubleValue();
            all += v.length();
        }
        return nonZero / all;
    }

    private static List<InstructionExample> split(List<InstructionExample> records, String split) {
        return split.isEmpty() ? records : records.stream().filter(e -> split.equals(e.split())).toList();
    }

    /** The model folder of a {@code file:} or plain-path URI; the jobs of this package quantize private copies. */
    static Path localFolder(String uri) {
        if (!uri.contains(":") || uri.startsWith("/")) {
            return Path.of(uri);
        }
        URI parsed = URI.create(uri);
        if (!"file".equalsIgnoreCase(parsed.getScheme())) {
            throw new IllegalArgumentException("lota-qaf and quantize load a private copy of the model from a local folder; "
                    + uri + " is on " + parsed.getScheme() + "://");
        }
        return Path.of(parsed);
    }

    static int endOfText(ModelHandle model) {
        if (!model.config().eosTokenIds().isEmpty()) {
            return model.config().eosTokenIds().get(0);
        }
        return model.tokenizer().eosId().orElseThrow(() -> new IllegalStateException(
                "neither config.json nor the tokenizer names an end-of-text token"));
    }
}
