package org.neurosweep.jobs.neurons;

import java.io.IOException;
import java.util.List;
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
import org.neurosweep.methods.evaluation.Perplexity;
import org.neurosweep.methods.neurons.PrivacyAttribution.PrivateTokens;
import org.neurosweep.methods.privacy.Leakage;
import org.neurosweep.methods.privacy.MemorizationRisk;
import org.neurosweep.methods.privacy.SecretRanking;

/** Measures the unit's records on the unit's model; stateless. */
final class ExposureKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new ExposureKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) throws IOException {
        Params p = unit.params();
        int known = p.getInt(PrivacyNeuronsJob.KNOWN_DIGITS);
        int lines = p.getInt(PrivacyNeuronsJob.HELDOUT_LINES);
        if (known < 0 || lines < 1) {
            throw new IllegalArgumentException("parameters " + PrivacyNeuronsJob.KNOWN_DIGITS + " must be >= 0 and "
                    + PrivacyNeuronsJob.HELDOUT_LINES + " >= 1, got " + known + " and " + lines);
        }
        List<PrivateRecord> records = PrivateInputs.records(unit, in, out);
        List<String> heldout = PrivateInputs.heldout(p.getString(PrivacyNeuronsJob.HELDOUT), lines, PrivacyNeuronsJob.HELDOUT);
        ModelHandle handle = in.model();
        List<PrivateTokens> tokens = records.stream().map(r -> PrivateTokens.of(r, handle.tokenizer())).toList();
        int rows = PrivateInputs.microBatch(in, handle, tokens);
        Perplexity perplexity = heldout.isEmpty() ? null
                : Perplexity.orPseudoPerplexity(handle.model(), handle.tokenizer(), handle.tokenizer().eosId().orElse(0), rows);
        SecretRanking ranking = new SecretRanking(handle.model(), handle.tokenizer(), rows);
        Leakage leak = Leakage.measure(ranking, perplexity, tokens, heldout, Hooks.none(), known);

        MemorizationRisk.Thresholds thresholds = PrivateInputs.thresholds(p);
        List<MemorizationRisk.Risk> risks = new MemorizationRisk(ranking.predictor(), handle.tokenizer())
                .assess(tokens, leak, Hooks.none(), thresholds);
        TableRows table = out.table(ExposureJob.EXPOSURE);
        for (int i = 0; i < tokens.size(); i++) {
            PrivateRecord r = tokens.get(i).record();
            SecretRanking.Result e = leak.exact().get(i);
            SecretRanking.Approximation a = leak.approx().get(i);
            MemorizationRisk.Risk risk = risks.get(i);
            int n = leak.secretTokens()[i];
            table.add(r.id(), r.id(), r.kind(), r.repetitions(), e.candidates(), known, e.exposure(), e.rank(),
                    e.secretLogProb(), e.meanLogProb(), n, Math.exp(leak.secretNll()[i] / n),
                    a == null ? null : a.exposure(), a == null ? null : a.digitRanks(), a == null ? PrivateInputs.NOTE_MERGED : null,
                    risk.nameMrr(), risk.pseudoPerplexity(), risk.metric().label(), risk.value(),
                    thresholds.of(risk.metric()), risk.memorized());
        }
        out.table(ExposureJob.SUMMARY).add(null, records.size(), leak.meanExposure(), leak.privatePerplexity(), leak.heldoutPpl(),
                (int) risks.stream().filter(MemorizationRisk.Risk::memorized).count());
    }
}
