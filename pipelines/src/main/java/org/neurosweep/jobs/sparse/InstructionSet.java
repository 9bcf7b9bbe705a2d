package org.neurosweep.jobs.sparse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.ReadResult;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.text.Tokenizer;

/**
 * The instructions of a unit, as fed to a model: the slice's records (bad lines go to the {@code errors} table) of the
 * chosen split, rendered with the formatting, tokenized without special tokens and cut to {@code maxTokens}.
 */
record InstructionSet(List<InstructionExample> examples, List<String> texts, List<int[]> tokens) {

    static InstructionSet read(WorkUnit unit, UnitInputs in, RowSink out, SparseParams params, Tokenizer tokenizer,
                               int maxPositions) {
        ReadResult<InstructionExample> read = InstructionExample.read(in.dataset(), unit.dataset().shard());
        out.badRecords(read.badRecords());
        List<InstructionExample> examples = unit.dataset().limit(read.records().stream()
                .filter(e -> params.split().isEmpty() || params.split().equals(e.split())).toList());
        List<String> texts = examples.stream().map(params.formatting()::render).toList();
        int limit = params.maxTokens() > 0 ? Math.min(params.maxTokens(), maxPositions) : maxPositions;
        List<int[]> tokens = new ArrayList<>();
        for (int[] ids : tokenizer.encodeBatch(texts)) {
            tokens.add(ids.length > limit ? Arrays.copyOf(ids, limit) : ids);
        }
        return new InstructionSet(examples, texts, tokens);
    }

    int longest() {
        return tokens.stream().mapToInt(t -> t.length).max().orElse(1);
    }
}
