package org.neurosweep.jobs.fed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.JsonLines;
import org.neurosweep.data.ReadResult;
import org.neurosweep.job.DatasetSlice;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.text.PromptFormat;

/**
 * One client's data, read from the {@code task-jsonl} format: JSONL records with a task column (option
 * {@code task-column}, default {@code category}), an instruction, an optional input, an output and an optional split
 * (options {@code instruction-column}, {@code input-column}, {@code output-column}, {@code split-column}; defaults
 * {@code instruction}, {@code input}, {@code output}, {@code split}). The client owns the records whose task equals its
 * name ({@link FewFedWeightJob#CLIENT_OPTION}; every record when the client is the whole slice). Records of split
 * {@code train-split} (default {@code train}, or all when a record has no split) form the labelled pool, in file order:
 * the first {@code shots} are the few-shot set D_k, the next {@code dev-shots} the dev set V_k, the inputs of the next
 * {@code pseudo-inputs} are unlabelled pool (their outputs are never read). Records of split {@code test-split}
 * (default {@code test}) are the test set, cut to {@code test-items}.
 */
record ClientData(String client, List<InstructionExample> fewShot, List<InstructionExample> dev,
                  List<InstructionExample> unlabelled, List<InstructionExample> test, PromptFormat format) {

    static final String FORMAT = "task-jsonl";

    static ClientData read(Path file, DatasetSlice slice, Params p, RowSink out) {
        var o = slice.options();
        String taskColumn = o.getOrDefault("task-column", "category");
        String instruction = o.getOrDefault("instruction-column", "instruction");
        String input = o.getOrDefault("input-column", "input");
        String output = o.getOrDefault("output-column", "output");
        String split = o.getOrDefault("split-column", "split");
        String trainSplit = o.getOrDefault("train-split", "train");
        String testSplit = o.getOrDefault("test-split", "test");
        String client = o.get(FewFedWeightJob.CLIENT_OPTION);
        ReadResult<InstructionExample> read = JsonLines.read(file, slice.shard(), json -> {
            String in = json.optionalText(input);
            return new InstructionExample(json.has("id") ? json.text("id") : "", json.text(taskColumn),
                    json.text(instruction), in == null ? "" : in, json.optionalText(output), json.optionalText(split));
        });
        out.badRecords(read.badRecords());
        List<InstructionExample> pool = new ArrayList<>();
        List<InstructionExample> test = new ArrayList<>();
        for (InstructionExample e : read.records()) {
            if (client != null && !client.equals(e.category())) {
                continue;
            }
            if (e.split() == null || trainSplit.equals(e.split())) {
                pool.add(e);
            } else if (testSplit.equals(e.split())) {
                test.add(e);
            }
        }
        int shots = p.getInt(FewFedWeightJob.SHOTS);
        int devShots = p.getInt(FewFedWeightJob.DEV_SHOTS);
        int pseudo = p.getInt(FewFedWeightJob.PSEUDO_INPUTS);
        List<InstructionExample> fewShot = labelled(cut(pool, 0, shots), file, client);
        if (fewShot.isEmpty()) {
            throw new IllegalArgumentException(file + ": client '" + (client == null ? slice.label() : client)
                    + "' has no records of split '" + trainSplit + "' (task column '" + taskColumn + "')");
        }
        String name = client == null ? slice.label() : client;
        List<InstructionExample> dev = labelled(cut(pool, shots, devShots), file, client);
        if (dev.isEmpty()) {
            throw new IllegalArgumentException(file + ": client '" + name + "' has " + pool.size() + " records of split '"
                    + trainSplit + "', none left for its dev set after " + shots + " shots");
        }
        return new ClientData(name, fewShot, dev,
                cut(pool, shots + devShots, pseudo),
                labelled(test.subList(0, Math.min(test.size(), p.getInt(FewFedWeightJob.TEST_ITEMS))), file, client),
                PromptFormat.of(o.getOrDefault("prompt-format", PromptFormat.INSTRUCTION.template())));
    }

    private static List<InstructionExample> cut(List<InstructionExample> pool, int from, int n) {
        return pool.subList(Math.min(from, pool.size()), Math.min(from + n, pool.size()));
    }

    private static List<InstructionExample> labelled(List<InstructionExample> records, Path file, String client) {
        for (InstructionExample e : records) {
            if (e.output() == null) {
                throw new IllegalArgumentException(file + ": record " + e.id() + " of client '" + client
                        + "' is used as a labelled pair but has no output");
            }
        }
        return records;
    }

    String prompt(InstructionExample e) {
        return format.render(e.instruction(), e.input());
    }
}
