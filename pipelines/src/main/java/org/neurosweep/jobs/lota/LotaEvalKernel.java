package org.neurosweep.jobs.lota;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.ReadResult;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.quant.GptqCheckpoint;
import org.neurosweep.text.PromptFormat;
import org.neurosweep.train.InstructionExamples;

/**
 * One {@code lota-eval} unit: loads one variant of a committed lota-qaf unit (the quantized and merged ones packed,
 * quantized-resident, as the run does) and scores it on the unit's shard with {@link LotaEvaluation}.
 */
final class LotaEvalKernel implements Kernel {

    /** Value equality lets every task of an executor reuse one kernel. */
    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new LotaEvalKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Params p = unit.params();
        Path run = CommittedLotaRun.unit(Path.of(p.getString(LotaEvalJob.LOTA_FROM)), p.getString(LotaEvalJob.LOTA_UNIT));
        ModelHandle handle = in.model();
        Path base = LotaQafKernel.localFolder(handle.ref().uri());
        GptqCheckpoint.Settings baseQuantization = GptqCheckpoint.settings(base);
        // the run quantized a 16-bit base into quantized/, or adapted a GPTQ base as it is
        Path quantized = baseQuantization == null ? run.resolve(LotaQafKernel.QUANTIZED) : base;
        GptqCheckpoint.Settings q = GptqCheckpoint.settings(quantized);
        if (q == null) {
            throw new IllegalArgumentException("lota-eval: " + quantized + " is not a GPTQ checkpoint");
        }
        String variant = p.getString(LotaEvalJob.VARIANT);
        Supplier<CausalLM> model = switch (variant) {
            case "bf16" -> {
                if (baseQuantization != null) {
                    throw new IllegalArgumentException("lota-eval: variant bf16: the model " + base
                            + " is a GPTQ checkpoint, the run had no 16-bit model");
                }
                yield handle::model;
            }
            case "gptq" -> () -> GptqCheckpoint.loadPacked(quantized);
            case "lota_merged" -> () -> GptqCheckpoint.loadPacked(run.resolve(LotaQafKernel.MERGED));
            case "lora_gptq" -> {
                Path lora = run.resolve(LotaQafKernel.LORA);
                if (!Files.isDirectory(lora)) {
                    throw new IllegalArgumentException("lota-eval: variant lora_gptq: " + run
                            + " has no lora/ checkpoint (the run had lora-baseline = false)");
                }
                yield () -> CausalLM.load(lora);
            }
            default -> throw new IllegalArgumentException("lota-eval: unknown variant " + variant);
        };

        ModelConfig config = handle.config();
        int eos = LotaQafKernel.endOfText(handle);
        int pad = config.padTokenId() != null ? config.padTokenId() : eos;
        ReadResult<InstructionExample> read = InstructionExample.read(in.dataset(), unit.dataset().shard());
        out.badRecords(read.badRecords());
        List<InstructionExample> records = LotaEvaluation.heldOut(unit.dataset().limit(read.records()),
                p.getString(LotaSettings.EVAL_SPLIT), p.getInt(LotaSettings.EVAL_EXAMPLES));
        int longest = InstructionExamples.of(records, handle.tokenizer(), PromptFormat.INSTRUCTION, eos).stream()
                .mapToInt(e -> e.tokens().length).max().orElse(1);
        new LotaEvaluation(records, handle.tokenizer(), eos, pad, p.getInt(LotaSettings.MAX_NEW_TOKENS), q.bits(),
                q.groupSize(), unit.dataset().name(), run.getFileName().toString(), in.microBatch(ForwardFootprint.bytes(config, longest, longest)),
                out.table(LotaEvaluation.TABLE)).run(variant, model);
    }
}
