package org.neurosweep.jobs.neurons;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.neurosweep.data.PrivateRecord;
import org.neurosweep.hook.Hooks;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.methods.attribution.RiemannGrid;
import org.neurosweep.methods.evaluation.Perplexity;
import org.neurosweep.methods.neurons.LayerAttribution;
import org.neurosweep.methods.neurons.NeuronAttribution;
import org.neurosweep.methods.neurons.NeuronEditor;
import org.neurosweep.methods.neurons.NeuronId;
import org.neurosweep.methods.neurons.NeuronVotes;
import org.neurosweep.methods.neurons.PrivacyAttribution;
import org.neurosweep.methods.neurons.PrivacyAttribution.PrivateTokens;
import org.neurosweep.methods.neurons.PrivacyAttribution.RecordAttribution;
import org.neurosweep.methods.privacy.Leakage;
import org.neurosweep.methods.privacy.MemorizationRisk;
import org.neurosweep.methods.privacy.SecretRanking;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;

/**
 * Detects the unit's privacy neurons (its records are the batch), then, per z, edits the top z and measures exposure
 * and perplexities before and after. Stateless.
 */
final class PrivacyNeuronsKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new PrivacyNeuronsKernel();
        }
    }


    /** The parameters, checked. */
    record Settings(int steps, RiemannGrid grid, List<Integer> layers, double fraction, List<Integer> z, int knownDigits,
                    String heldout, int heldoutLines, boolean writeCheckpoint, int storeTop,
                    MemorizationRisk.Thresholds thresholds, boolean screen) {

        static Settings of(Params p) {
            int steps = p.getInt(PrivacyNeuronsJob.STEPS);
            double fraction = p.getDouble(PrivacyNeuronsJob.CANDIDATE_FRACTION);
            List<Integer> z = p.getIntList(PrivacyNeuronsJob.Z);
            if (steps < 1 || !(fraction > 0 && fraction <= 1) || z.isEmpty() || z.stream().anyMatch(v -> v < 0)) {
                throw new IllegalArgumentException("parameters: steps must be >= 1 (got " + steps + "), candidate-fraction in "
                        + "(0, 1] (got " + fraction + "), z a non-empty list of sizes >= 0 (got " + z + ")");
            }
            int known = p.getInt(PrivacyNeuronsJob.KNOWN_DIGITS);
            int lines = p.getInt(PrivacyNeuronsJob.HELDOUT_LINES);
            if (known < 0 || lines < 1) {
                throw new IllegalArgumentException("parameters " + PrivacyNeuronsJob.KNOWN_DIGITS + " must be >= 0 and "
                        + PrivacyNeuronsJob.HELDOUT_LINES + " >= 1, got " + known + " and " + lines);
            }
            return new Settings(steps, RiemannGrid.parse(p.getString(PrivacyNeuronsJob.GRID), "parameter grid"),
                    p.getIntList(PrivacyNeuronsJob.LAYERS), fraction, z, known, p.getString(PrivacyNeuronsJob.HELDOUT), lines,
                    p.getBoolean(PrivacyNeuronsJob.WRITE_CHECKPOINT), p.getInt(PrivacyNeuronsJob.STORE_TOP),
                    PrivateInputs.thresholds(p), p.getBoolean(PrivacyNeuronsJob.SCREEN));
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) throws IOException {
        Settings s = Settings.of(unit.params());
        List<PrivateRecord> records = PrivateInputs.records(unit, in, out);
        ModelHandle handle = in.model();
        CausalLM model = handle.model();
        NeuronAttribution kn = new NeuronAttribution(model);
        int[] layers = kn.layers(s.layers());
        List<PrivateTokens> tokens = records.stream().map(r -> PrivateTokens.of(r, handle.tokenizer())).toList();
        OptionalInt mask = handle.tokenizer().answerMask(model.config().causal(), model.config().modelType());
        PrivacyAttribution detector = new PrivacyAttribution(kn, mask);
        int rows = PrivateInputs.microBatch(in, handle, tokens);
        SecretRanking ranking = new SecretRanking(model, handle.tokenizer(), rows);
        List<String> heldout = PrivateInputs.heldout(s.heldout(), s.heldoutLines(), PrivacyNeuronsJob.HELDOUT);
        Perplexity perplexity = heldout.isEmpty() ? null : Perplexity.orPseudoPerplexity(model, handle.tokenizer(),
                handle.tokenizer().eosId().orElse(0), rows);
        Leakage before = Leakage.measure(ranking, perplexity, tokens, heldout, Hooks.none(), s.knownDigits());
        MemorizationRisk risk = new MemorizationRisk(ranking.predictor(), handle.tokenizer());
        List<MemorizationRisk.Risk> riskBefore = risk.assess(tokens, before, Hooks.none(), s.thresholds());

        // C5: with screen, only the memorised records form the batch that detects and votes
        NeuronVotes votes = new NeuronVotes();
        for (int i = 0; i < tokens.size(); i++) {
            MemorizationRisk.Risk r = riskBefore.get(i);
            RecordAttribution a = null;
            if (!s.screen() || r.memorized()) {
                a = detector.attribute(tokens.get(i), layers, s.steps(), s.grid(), s.fraction());
                votes.add(a.candidates(), a.summed());
            }
            writeRecord(out, tokens.get(i), a, Math.exp(-before.secretNll()[i]), r, s);
        }
        writeVotes(out, votes);

        for (int z : s.z()) {
            List<NeuronId> edited = votes.top(z);
            Hooks edit = NeuronEditor.zeroing(model.config(), edited);
            Leakage after = Leakage.measure(ranking, perplexity, tokens, heldout, edit, s.knownDigits());
            List<MemorizationRisk.Risk> riskAfter = risk.assess(tokens, after, edit, s.thresholds());
            String checkpoint = null;
            Double logitDiff = null;
            if (s.writeCheckpoint()) {
                Path dir = out.artifacts().local("edited-z" + z);
                NeuronEditor.writeEdited(localFolder(unit.primaryModel().uri()), dir, model.config(), edited);
                checkpoint = out.artifacts().uri("edited-z" + z);
                logitDiff = records.isEmpty() ? null : logitDiff(model, CausalLM.load(dir), tokens.get(0), edit);
            }
            out.table(PrivacyNeuronsJob.EDITS).add(null, z, edited.size(), edited.stream().mapToInt(NeuronId::layer).toArray(),
                    edited.stream().mapToInt(NeuronId::expert).toArray(), edited.stream().mapToInt(NeuronId::index).toArray(),
                    "zero_activation", checkpoint, logitDiff, before.meanExposure(), after.meanExposure(),
                    before.privatePerplexity(), after.privatePerplexity(), before.heldoutPpl(), after.heldoutPpl(),
                    memorized(riskBefore), memorized(riskAfter), votes.voters());
            writeEval(out.table(PrivacyNeuronsJob.EVAL), z, tokens, before, after, riskBefore, riskAfter, s);
        }
    }

    private static void writeVotes(RowSink out, NeuronVotes votes) {
        List<NeuronId> ranked = votes.ranked();
        TableRows voteRows = out.table(PrivacyNeuronsJob.VOTES);
        for (int i = 0; i < ranked.size(); i++) {
            NeuronId n = ranked.get(i);
            voteRows.add(null, n.layer(), n.expert(), n.index(), votes.votes(n), votes.voters(), votes.summedScore(n), i + 1);
        }
    }

    private static int memorized(List<MemorizationRisk.Risk> risks) {
        return (int) risks.stream().filter(MemorizationRisk.Risk::memorized).count();
    }

    // the item row; with an attribution (the record is in the batch) also its attribution and diagnostics rows
    private static void writeRecord(RowSink out, PrivateTokens t, RecordAttribution a, double leakProb,
                                    MemorizationRisk.Risk risk, Settings s) {
        PrivateRecord r = t.record();
        out.table(PrivacyNeuronsJob.ITEMS).add(r.id(), r.id(), r.kind(), r.context(), r.secret(), r.repetitions(),
                t.count(), t.oneTokenPerCharacter(), leakProb, a == null ? null : a.summed().max(),
                a == null ? null : a.candidates().size(), risk.metric().label(), risk.value(),
                s.thresholds().of(risk.metric()), risk.memorized(), a != null);
        if (a == null) {
            return;
        }
        Set<NeuronId> candidates = new HashSet<>(a.candidates());
        Set<NeuronId> stored = new HashSet<>(candidates);
        a.summed().topPerLayer(s.storeTop()).values().forEach(stored::addAll);
        List<NeuronId> ranked = a.summed().ranked();
        TableRows rows = out.table(PrivacyNeuronsJob.ATTRIBUTION);
        for (int i = 0; i < ranked.size(); i++) {
            NeuronId n = ranked.get(i);
            if (stored.contains(n)) {
                rows.add(r.id(), r.id(), n.layer(), n.expert(), n.index(), a.summed().score(n), i + 1, candidates.contains(n),
                        s.steps(), s.grid().id(), "prob");
            }
        }
        TableRows diagnostics = out.table(PrivacyNeuronsJob.DIAGNOSTICS);
        for (int i = 0; i < a.perToken().size(); i++) {
            for (LayerAttribution l : a.perToken().get(i).layers()) {
                diagnostics.add(r.id(), r.id(), i, t.ids()[t.from() + i], l.layer(),
                        l.groups().stream().mapToInt(LayerAttribution.Group::expert).toArray(), l.pFull(), l.pZero(), l.sum(),
                        l.completenessGap(), s.steps(), s.grid().id());
            }
        }
    }

    private static void writeEval(TableRows rows, int z, List<PrivateTokens> tokens, Leakage before, Leakage after,
                                  List<MemorizationRisk.Risk> riskBefore, List<MemorizationRisk.Risk> riskAfter, Settings s) {
        for (int i = 0; i < tokens.size(); i++) {
            PrivateRecord r = tokens.get(i).record();
            SecretRanking.Result b = before.exact().get(i);
            SecretRanking.Result a = after.exact().get(i);
            SecretRanking.Approximation ab = before.approx().get(i);
            SecretRanking.Approximation aa = after.approx().get(i);
            rows.add(r.id(), z, r.id(), r.repetitions(), b.candidates(), s.knownDigits(), b.exposure(), a.exposure(), b.rank(),
                    a.rank(), b.secretLogProb(), a.secretLogProb(), ab == null ? null : ab.exposure(),
                    aa == null ? null : aa.exposure(), ab == null ? PrivateInputs.NOTE_MERGED : null,
                    riskBefore.get(i).metric().label(), riskBefore.get(i).value(), riskAfter.get(i).value(),
                    riskBefore.get(i).memorized(), riskAfter.get(i).memorized());
        }
    }

    // max |logits| difference between the reloaded edited checkpoint and the intervention, over the record's text
    private static double logitDiff(CausalLM model, CausalLM edited, PrivateTokens t, Hooks edit) {
        int[] ids = Arrays.copyOf(t.ids(), t.to());
        try (Forward a = model.forward(Batch.of(ids).logitsAt(LogitsAt.all()), edit, null);
             Forward b = edited.forward(Batch.of(ids).logitsAt(LogitsAt.all()))) {
            return a.logits().value().sub(b.logits().value()).amaxNumber().doubleValue();
        }
    }

    private static Path localFolder(String uri) {
        if (uri.startsWith("file:")) {
            return Path.of(URI.create(uri));
        }
        if (uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            throw new IllegalArgumentException("write-checkpoint needs a local model folder, got " + uri);
        }
        return Path.of(uri);
    }
}
