package org.neurosweep.jobs.distill;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.neurosweep.data.Canary;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.ReadResult;
import org.neurosweep.data.Shard;
import org.neurosweep.job.DatasetSlice;
import org.neurosweep.job.RowSink;
import org.neurosweep.text.PromptFormat;

/**
 * The {@code distill-corpus} dataset format: a folder holding an instruction file ({@code {id, category, instruction,
 * input, output, split}} JSONL; option {@code instructions}, default {@code instruct.jsonl}) and optionally a canary
 * registry ({@code {name, secret, repetitions, prefix, text}} JSONL; option {@code canaries}, default
 * {@code canaries.jsonl}; {@code ""} = none). Records of split {@code train-split} (default {@code train}) are the
 * training prompts, cut by the slice's shard and record limit; those of {@code eval-split} (default {@code test}) the
 * held-out evaluation, cut by the job's {@code eval-items}. Prompts are rendered with option {@code prompt-format}
 * (default the world corpus's instruction template).
 */
record DistillCorpus(List<InstructionExample> train, List<InstructionExample> eval, List<Canary> canaries,
                     PromptFormat format) {

    static final String FORMAT = "distill-corpus";

    static DistillCorpus read(Path folder, DatasetSlice slice, int evalItems, RowSink out) {
        Path instructions = folder.resolve(slice.options().getOrDefault("instructions", "instruct.jsonl"));
        String trainSplit = slice.options().getOrDefault("train-split", "train");
        String evalSplit = slice.options().getOrDefault("eval-split", "test");
        ReadResult<InstructionExample> train = InstructionExample.read(instructions, slice.shard());
        out.badRecords(train.badRecords());
        List<InstructionExample> trainRecords = slice.limit(train.records().stream()
                .filter(e -> trainSplit.equals(e.split())).toList());
        List<InstructionExample> evalRecords = InstructionExample.read(instructions, Shard.all()).records().stream()
                .filter(e -> evalSplit.equals(e.split())).toList();
        if (evalItems > 0 && evalRecords.size() > evalItems) {
            evalRecords = evalRecords.subList(0, evalItems);
        }
        String canaryFile = slice.options().getOrDefault("canaries", "canaries.jsonl");
        List<Canary> canaries = List.of();
        if (!canaryFile.isEmpty() && Files.exists(folder.resolve(canaryFile))) {
            ReadResult<Canary> read = Canary.read(folder.resolve(canaryFile), Shard.all());
            out.badRecords(read.badRecords());
            canaries = read.records();
        }
        if (trainRecords.isEmpty()) {
            throw new IllegalArgumentException(instructions + ": no records of split '" + trainSplit + "' in "
                    + slice.label());
        }
        PromptFormat format = PromptFormat.of(slice.options().getOrDefault("prompt-format",
                PromptFormat.INSTRUCTION.template()));
        return new DistillCorpus(trainRecords, evalRecords, canaries, format);
    }

    String prompt(InstructionExample e) {
        return format.render(e.instruction(), e.input());
    }
}
