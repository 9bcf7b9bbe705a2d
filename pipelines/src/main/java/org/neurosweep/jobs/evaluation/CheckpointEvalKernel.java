package org.neurosweep.jobs.evaluation;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.data.MultipleChoiceItem;
import org.neurosweep.data.ReadResult;
import org.neurosweep.data.TextLines;
import org.neurosweep.hook.Hooks;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.methods.evaluation.CapabilityScore;
import org.neurosweep.methods.evaluation.InstructionExactMatch;
import org.neurosweep.methods.evaluation.MultipleChoiceEval;
import org.neurosweep.methods.evaluation.ParameterCount;
import org.neurosweep.methods.evaluation.Perplexity;
import org.neurosweep.methods.probe.CandidateSource;
import org.neurosweep.methods.probe.FactResult;
import org.neurosweep.methods.probe.MlamaProbe;
import org.neurosweep.methods.probe.ProbeMode;
import org.neurosweep.methods.probe.ProbeSettings;
import org.neurosweep.methods.probe.RelationProbe;
import org.neurosweep.methods.probe.ScoreKind;
import org.neurosweep.methods.probe.StableHash;
import org.neurosweep.text.PromptFormat;

/** Evaluates one checkpoint on one benchmark dataset; stateless. */
final class CheckpointEvalKernel implements Kernel {

    /** Tokens of one scored sequence, generously: a held-out line, a filled template, a prompt and its answer. */
    static final int SEQUENCE_TOKENS = 128;
    static final String ALL = "all";

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new CheckpointEvalKernel();
        }
    }

    /** The rows of one unit under construction: where they go and the identity of the benchmark. */
    private record Out(TableRows items, TableRows scores, String group, BenchmarkKind kind, Long tokensSeen, long params) {

        void item(String exampleId, String subtask, Integer tokens, Double nll, double[] choiceLogprobs, int[] choiceBytes,
                  String genText, String pred, String gold, Boolean correct, Boolean correctNorm) {
            items.add(exampleId, group, kind.column(), subtask, tokens, nll, choiceLogprobs, choiceBytes, genText, pred,
                    gold, correct, correctNorm);
        }

        void accuracy(String subtask, String metric, long correct, long n, double baseline) {
            CapabilityScore s = CapabilityScore.of(correct, n, baseline);
            scores.add(null, group, kind.column(), subtask, metric, s.value(), s.stderr(), n, baseline, s.normalized(),
                    true, tokensSeen, params);
        }

        void loss(String metric, double value, long n) {
            scores.add(null, group, kind.column(), ALL, metric, value, null, n, null, null, false, tokensSeen, params);
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink sink) {
        BenchmarkKind kind = BenchmarkKind.of(unit.dataset().format());
        long perStep = unit.params().getLong(CheckpointEvalJob.TOKENS_PER_STEP);
        Long step = unit.primaryModel().step();
        ModelHandle model = in.model();
        Out out = new Out(sink.table(CheckpointEvalJob.ITEMS), sink.table(CheckpointEvalJob.SCORES),
                kind.group(unit.dataset().options()), kind, perStep > 0 && step != null ? step * perStep : null,
                ParameterCount.activeNonEmbedding(model.config()));
        int microBatch = in.microBatch(ForwardFootprint.bytes(model.config(), SEQUENCE_TOKENS, SEQUENCE_TOKENS));
        switch (kind) {
            case PERPLEXITY -> perplexity(unit, in.dataset(), model, microBatch, sink, out);
            case PROBE -> probe(unit, in.dataset(), model, microBatch, sink, out);
            case INSTRUCTION -> instructions(unit, in.dataset(), model, microBatch, sink, out);
            case MULTIPLE_CHOICE_QA -> multipleChoice(unit, in.dataset(), model, microBatch, sink, out);
        }
    }

    private static void perplexity(WorkUnit unit, Path file, ModelHandle model, int microBatch, RowSink sink, Out out) {
        ReadResult<TextLines.Line> read = TextLines.read(file, unit.dataset().shard(), 0);
        sink.badRecords(read.badRecords());
        List<TextLines.Line> lines = unit.dataset().limit(read.records());
        List<Perplexity.LineScore> scores = new Perplexity(model.model(), model.tokenizer(), endOfText(model), microBatch)
                .score(lines.stream().map(TextLines.Line::text).toList());
        for (int i = 0; i < lines.size(); i++) {
            Perplexity.LineScore s = scores.get(i);
            if (s.tokens() > 0) {
                out.item(Long.toString(lines.get(i).number()), ALL, s.tokens(), s.nll(), null, null, null, null, null,
                        null, null);
            }
        }
        Perplexity.Result total = Perplexity.Result.of(scores);
        out.loss("perplexity", total.perplexity(), total.lines());
        out.loss("mean_nll", total.meanNll(), total.lines());
    }

    private static void probe(WorkUnit unit, Path dir, ModelHandle model, int microBatch, RowSink sink, Out out) {
        RelationProbe.Loaded loaded = RelationProbe.load(MlamaDataset.open(dir), List.of(), unit.dataset().shard(),
                CandidateSource.relationObjects());
        sink.badRecords(loaded.badRecords());
        ProbeMode mode = switch (unit.params().getString(CheckpointEvalJob.PROBE_MODE)) {
            case "exact-match" -> ProbeMode.EXACT_MATCH;
            case "rank" -> ProbeMode.RANK;
            default -> throw new IllegalArgumentException("parameter " + CheckpointEvalJob.PROBE_MODE
                    + " must be exact-match or rank, got '" + unit.params().getString(CheckpointEvalJob.PROBE_MODE) + "'");
        };
        List<RelationProbe> tasks = loaded.probes().stream().map(t -> new RelationProbe(t.template(),
                unit.dataset().limit(t.facts()), t.pool())).toList();
        List<FactResult> results = new MlamaProbe(model.model(), model.tokenizer(),
                new ProbeSettings(mode, ScoreKind.MEAN, 0, microBatch)).run(tasks, Hooks.none());
        Map<String, Tally> bySubtask = new LinkedHashMap<>();
        for (FactResult r : results) {
            String seen = r.fact().seenInPretraining() == null ? "" : r.fact().seenInPretraining() ? ".seen" : ".unseen";
            String cell = r.fact().language() + "." + r.fact().predicateId() + seen;
            double chance = mode == ProbeMode.RANK ? 1.0 / r.candidates().size() : 0;
            for (String subtask : List.of(ALL, r.fact().language(), cell)) {
                bySubtask.computeIfAbsent(subtask, k -> new Tally()).add(r.correct(), chance);
            }
            out.item(r.fact().uuid(), cell, r.tokenCounts()[r.goldIndex()], -r.logProbSums()[r.goldIndex()], null, null,
                    null, r.predicted(), r.fact().objLabel(), r.correct(), null);
        }
        bySubtask.forEach((subtask, t) -> out.accuracy(subtask, "accuracy", t.correct, t.n, t.baseline()));
    }

    private static void instructions(WorkUnit unit, Path file, ModelHandle model, int microBatch, RowSink sink, Out out) {
        ReadResult<InstructionExample> read = InstructionExample.read(file, unit.dataset().shard());
        sink.badRecords(read.badRecords());
        String split = unit.params().getString(CheckpointEvalJob.INSTRUCTION_SPLIT);
        List<InstructionExample> examples = unit.dataset().limit(read.records().stream()
                .filter(e -> split.isEmpty() || split.equals(e.split())).toList());
        PromptFormat format = PromptFormat.of(unit.dataset().options().getOrDefault("prompt-format",
                PromptFormat.INSTRUCTION.template()));
        List<InstructionExactMatch.Outcome> outcomes = new InstructionExactMatch(model.model(), model.tokenizer(), format,
                unit.params().getInt(CheckpointEvalJob.MAX_NEW_TOKENS), endOfText(model), microBatch).run(examples);
        Map<String, Tally> bySubtask = new LinkedHashMap<>();
        for (InstructionExactMatch.Outcome o : outcomes) {
            for (String subtask : List.of(ALL, o.example().category())) {
                bySubtask.computeIfAbsent(subtask, k -> new Tally()).add(o.correct(), 0);
            }
            out.item(o.example().id(), o.example().category(), null, null, null, null, o.answer(), o.answer(),
                    o.example().output(), o.correct(), null);
        }
        bySubtask.forEach((subtask, t) -> out.accuracy(subtask, "accuracy", t.correct, t.n, 0));
    }

    private static void multipleChoice(WorkUnit unit, Path file, ModelHandle model, int microBatch, RowSink sink, Out out) {
        ReadResult<MultipleChoiceItem> read = MultipleChoiceItem.read(file, unit.dataset().shard());
        sink.badRecords(read.badRecords());
        List<MultipleChoiceItem> items = unit.dataset().limit(read.records());
        List<MultipleChoiceEval.Outcome> outcomes = new MultipleChoiceEval(model.model(), model.tokenizer(), microBatch)
                .run(items);
        Tally acc = new Tally();
        Tally accNorm = new Tally();
        for (int i = 0; i < outcomes.size(); i++) {
            MultipleChoiceEval.Outcome o = outcomes.get(i);
            double chance = 1.0 / o.item().choices().size();
            acc.add(o.correct(), chance);
            accNorm.add(o.correctNorm(), chance);
            out.item(itemId(o.item()), ALL, null, null, o.logProbSums(), o.choiceBytes(), null,
                    o.item().choices().get(o.predicted()), o.item().choices().get(o.item().answer()), o.correct(),
                    o.correctNorm());
        }
        if (acc.n > 0) {
            out.accuracy(ALL, "accuracy", acc.correct, acc.n, acc.baseline());
            out.accuracy(ALL, "acc_norm", accNorm.correct, accNorm.n, accNorm.baseline());
        }
    }

    /** A stable id of a multiple-choice item (its records carry none): the hash of its question and choices. */
    static String itemId(MultipleChoiceItem item) {
        return Long.toHexString(StableHash.of(item.question() + "\u0000" + String.join("\u0000", item.choices())));
    }

    private static int endOfText(ModelHandle model) {
        if (!model.config().eosTokenIds().isEmpty()) {
            return model.config().eosTokenIds().get(0);
        }
        return model.tokenizer().eosId().orElseThrow(() -> new IllegalStateException(
                "neither config.json nor the tokenizer of " + model.ref() + " names an end-of-text token"));
    }

    /** Counts answered items and the mean chance level. */
    private static final class Tally {
        long n;
        long correct;
        double chanceSum;

        void add(boolean ok, double chance) {
            n++;
            correct += ok ? 1 : 0;
            chanceSum += chance;
        }

        double baseline() {
            return chanceSum / n;
        }
    }
}
