package org.neurosweep.jobs.icot;

import org.neurosweep.data.BadRecord;
import org.neurosweep.data.ReadResult;
import org.neurosweep.data.TraceItem;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.methods.lens.LayerwiseLens;
import org.neurosweep.methods.lens.LensReadout;
import org.neurosweep.methods.masking.TraceDecoding;
import org.neurosweep.methods.masking.TracePrompt;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.generate.Generation;
import org.neurosweep.model.generate.GenerationSettings;
import org.neurosweep.text.Tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Generates and reads the lens for the TRACE items of one unit, for every masking layer. Stateless. */
final class TraceDecodeKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new TraceDecodeKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Params p = unit.params();
        ModelHandle model = in.model();
        Tokenizer tokenizer = model.tokenizer();
        ModelConfig config = model.config();
        int layers = config.numLayers();
        TracePrompt.MaskRange range = TracePrompt.MaskRange.parse(p.getString(TraceDecodeJob.MASK_RANGE));
        TracePrompt.ChatTemplate template = TracePrompt.ChatTemplate.parse(p.getString(TraceDecodeJob.TEMPLATE));
        int maxNew = p.getInt(TraceDecodeJob.MAX_NEW_TOKENS);
        int[] layersFrom = ContextMaskKernel.layersFrom(p.getIntList(TraceDecodeJob.LAYERS_FROM), layers);

        ReadResult<TraceItem> read = TraceItem.read(in.dataset(), unit.dataset().shard());
        out.badRecords(read.badRecords());
        List<TraceItem> items = read.records().stream()
                .filter(i -> !p.getBoolean(TraceDecodeJob.SUBSET) || TracePrompt.inSubset(i)).toList();
        List<TracePrompt> prompts = new ArrayList<>();
        List<BadRecord> bad = new ArrayList<>();
        for (TraceItem item : unit.dataset().limit(items)) {
            try {
                TracePrompt prompt = TracePrompt.of(item, template, range, tokenizer);
                if (config.maxPositions() > 0 && prompt.ids().length + maxNew > config.maxPositions()) {
                    // generating past the model's context is refused by the runtime: the item is an errors row
                    bad.add(new BadRecord(in.dataset().toString(), 0, "item " + item.id() + ": a prompt of "
                            + prompt.ids().length + " tokens and max-new-tokens = " + maxNew + " exceed the model's context of "
                            + config.maxPositions() + " positions"));
                    continue;
                }
                prompts.add(prompt);
            } catch (IllegalArgumentException e) {
                bad.add(new BadRecord(in.dataset().toString(), 0, e.getMessage()));
            }
        }
        out.badRecords(bad);
        if (prompts.isEmpty()) {
            return;
        }
        int longest = prompts.stream().mapToInt(t -> t.ids().length).max().orElse(1) + maxNew;
        int microBatch = in.microBatch(ForwardFootprint.bytes(config, longest, 1));
        GenerationSettings settings = GenerationSettings.greedy(maxNew).withStopTokens(stopTokens(config, tokenizer, template));
        TraceDecoding decoding = new TraceDecoding(model.model());
        LayerwiseLens lens = p.getBoolean(TraceDecodeJob.LENS)
                ? new LayerwiseLens(model.model(), CompositeInputs.padId(config, tokenizer)) : null;
        List<int[][]> keywords = prompts.stream().map(t -> t.item().constraintSplits().stream()
                .map(c -> TracePrompt.keywordTokens(tokenizer, c)).toArray(int[][]::new)).toList();
        for (int layerFrom : layersFrom) {
            for (int from = 0; from < prompts.size(); from += microBatch) {
                List<TracePrompt> batch = prompts.subList(from, Math.min(prompts.size(), from + microBatch));
                Generation g = decoding.generate(batch, layerFrom, settings);
                for (int r = 0; r < batch.size(); r++) {
                    generationRow(out, batch.get(r), range, layerFrom, layers, maxNew, g, r, tokenizer);
                }
            }
            if (lens != null) {
                int masking = layerFrom;
                decoding.lens(lens, prompts, layerFrom, microBatch, reading -> lensRows(out, prompts.get(reading.prompt()),
                        keywords.get(reading.prompt()), range, masking, reading, tokenizer));
            }
        }
    }

    private static void generationRow(RowSink out, TracePrompt prompt, TracePrompt.MaskRange range, int layerFrom,
                                      int layers, int maxNew, Generation g, int row, Tokenizer tokenizer) {
        TraceItem item = prompt.item();
        int[] tokens = g.tokens(row);
        out.table(TraceDecodeJob.GENERATIONS_TABLE).add(item.id(), item.id(), range.label(), layerFrom, layerFrom < layers,
                layers, "greedy", maxNew, tokenizer.decode(tokens), tokens.length, g.stopped(row), prompt.ids().length,
                prompt.spanStart(), prompt.spanEnd(), item.constraintSplits(), item.constraintTypes());
    }

    private static void lensRows(RowSink out, TracePrompt prompt, int[][] keywords, TracePrompt.MaskRange range,
                                 int layerFrom, LayerwiseLens.Reading reading, Tokenizer tokenizer) {
        TraceItem item = prompt.item();
        LensReadout r = reading.readout();
        for (int c = 0; c < keywords.length; c++) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int token : keywords[c]) {
                int rank = r.rank(token);
                if (rank < bestRank) {
                    bestRank = rank;
                    best = token;
                }
            }
            boolean any = best >= 0;
            out.table(TraceDecodeJob.LENS_TABLE).add(item.id(), item.id(), range.label(), layerFrom, reading.layer(), c,
                    item.constraintTypes().get(c), keywords[c].length, any ? best : null,
                    any ? tokenizer.decode(new int[] {best}, false) : null, any ? bestRank : null, any ? r.prob(best) : null);
        }
    }

    /** The config's end-of-sequence ids, the tokenizer's, and ChatML's end of turn where the vocabulary has it. */
    private static int[] stopTokens(ModelConfig config, Tokenizer tokenizer, TracePrompt.ChatTemplate template) {
        Set<Integer> stops = new LinkedHashSet<>(config.eosTokenIds());
        tokenizer.eosId().ifPresent(stops::add);
        if (template == TracePrompt.ChatTemplate.CHATML) {
            tokenizer.tokenId("<|im_end|>").ifPresent(stops::add);
        }
        return stops.stream().mapToInt(Integer::intValue).toArray();
    }
}
