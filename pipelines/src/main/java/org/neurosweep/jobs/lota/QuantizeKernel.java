package org.neurosweep.jobs.lota;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.PatternSyntaxException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.ReadResult;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.model.CausalLM;
import org.neurosweep.quant.Gptq;
import org.neurosweep.quant.GptqCheckpoint;
import org.neurosweep.quant.GptqModel;
import org.neurosweep.quant.LotaQaf;
import org.neurosweep.quant.QuantizedLinear;
import org.neurosweep.quant.ZeroFormat;
import org.neurosweep.text.PromptFormat;
import org.neurosweep.train.InstructionExamples;
import org.neurosweep.train.LmExample;

/**
 * One {@code quantize} unit: a private copy of the model (GPTQ replaces its weights layer by layer), the calibration
 * token sequences of the unit's records, the quantized layers written as the GPTQ checkpoint {@code quantized/}, and
 * one {@code quantize_layer} row per projection.
 */
final class QuantizeKernel implements Kernel {

    /** Value equality lets every task of an executor reuse one kernel. */
    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new QuantizeKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        try {
            quantize(unit, in, out);
        } catch (IOException e) {
            throw new UncheckedIOException("quantize: " + e.getMessage(), e);
        }
    }

    private static void quantize(WorkUnit unit, UnitInputs in, RowSink out) throws IOException {
        Params p = unit.params();
        String method = p.getString(QuantizeJob.METHOD);
        int bits = p.getInt(QuantizeJob.BITS);
        int groupSize = p.getInt(QuantizeJob.GROUP_SIZE);
        require(method.equals("rtn") || method.equals("gptq"), QuantizeJob.METHOD + " must be rtn or gptq, got '" + method + "'");
        require(List.of(2, 3, 4, 8).contains(bits), QuantizeJob.BITS + " must be 2, 3, 4 or 8, got " + bits);
        require(p.getInt(QuantizeJob.CALIBRATION_EXAMPLES) >= 1, QuantizeJob.CALIBRATION_EXAMPLES + " must be >= 1");
        Predicate<String> targets;
        try {
            targets = LotaQaf.targets(p.getString(QuantizeJob.TARGETS));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("quantize: " + QuantizeJob.TARGETS + " is not a regular expression: "
                    + e.getDescription());
        }
        ZeroFormat format = ZeroFormat.ofConfig(p.getString(QuantizeJob.ZERO_FORMAT));
        ModelHandle handle = in.model();
        Path folder = LotaQafKernel.localFolder(handle.ref().uri());
        if (GptqCheckpoint.settings(folder) != null) {
            throw new IllegalArgumentException("quantize: " + folder + " is already a GPTQ checkpoint");
        }
        CausalLM model = CausalLM.load(folder);
        Map<String, INDArray> original = new TreeMap<>();
        model.parameters().forEach((name, v) -> {
            if (targets.test(name)) {
                original.put(LotaQaf.module(name), v.value().transpose().dup('c'));
            }
        });

        Map<String, QuantizedLinear> layers = new TreeMap<>();
        Map<String, GptqModel.Layer> reports = Map.of();
        boolean actOrder = false;
        if (method.equals("gptq")) {
            actOrder = p.getBoolean(QuantizeJob.ACT_ORDER);
            reports = GptqModel.quantize(model, targets, calibration(unit, in, out, handle),
                    new Gptq.Settings(bits, groupSize, p.getDouble(QuantizeJob.DAMPENING), actOrder,
                            p.getInt(QuantizeJob.BLOCK_SIZE)));
            reports.forEach((module, r) -> layers.put(module, r.quantized()));
        } else {
            layers.putAll(LotaQaf.quantize(model, targets, bits, groupSize));
        }
        Path checkpoint = out.artifacts().local("quantized");
        GptqCheckpoint.save(model, layers, folder, checkpoint, format);
        String uri = out.artifacts().uri("quantized");
        TableRows rows = out.table(QuantizeJob.TABLE);
        for (Map.Entry<String, QuantizedLinear> e : layers.entrySet()) {
            INDArray w = original.get(e.getKey());
            double rel = w.distance2(e.getValue().weight()) / w.norm2Number().doubleValue();
            GptqModel.Layer r = reports.get(e.getKey());
            rows.add(null, LotaAudit.layerIndex(e.getKey()), e.getKey(), method, bits, groupSize, actOrder,
                    r == null ? null : r.calibrationRows(), rel, r == null ? null : r.outputError(),
                    r == null ? null : r.rtnOutputError(), uri);
        }
    }

    // prompt + response tokens of the first calibration-examples records of the calibration split
    private static List<int[]> calibration(WorkUnit unit, UnitInputs in, RowSink out, ModelHandle handle) {
        Params p = unit.params();
        ReadResult<InstructionExample> read = InstructionExample.read(in.dataset(), unit.dataset().shard());
        out.badRecords(read.badRecords());
        String split = p.getString(QuantizeJob.CALIBRATION_SPLIT);
        List<InstructionExample> records = unit.dataset().limit(read.records()).stream()
                .filter(e -> split.isEmpty() || split.equals(e.split())).limit(p.getInt(QuantizeJob.CALIBRATION_EXAMPLES))
                .toList();
        if (records.isEmpty()) {
            throw new IllegalArgumentException("quantize: no instruction records of split '" + split + "' in "
                    + unit.dataset().name() + " to calibrate GPTQ with");
        }
        return InstructionExamples.of(records, handle.tokenizer(), PromptFormat.INSTRUCTION,
                LotaQafKernel.endOfText(handle)).stream().map(LmExample::tokens).toList();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("quantize: " + message);
        }
    }
}
