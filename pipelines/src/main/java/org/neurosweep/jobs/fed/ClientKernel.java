package org.neurosweep.jobs.fed;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.methods.distill.TokenDistillation;
import org.neurosweep.methods.evaluation.InstructionExactMatch;
import org.neurosweep.methods.fed.FedExample;
import org.neurosweep.methods.fed.LocalTraining;
import org.neurosweep.methods.fed.ModelWeights;
import org.neurosweep.methods.fed.PseudoWeights;
import org.neurosweep.methods.fed.SequenceEnergy;
import org.neurosweep.methods.pad.ResponseSampler;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.model.generate.Sampling;
import org.neurosweep.text.Tokenizer;
import org.neurosweep.train.InstructionExamples;
import org.neurosweep.train.LmExample;
import org.neurosweep.train.StepLog;

/**
 * One client in one round: receive the global model, score it on the dev and test sets, make pseudo data with it
 * (FewFedWeight only: greedy or sampled decoding with the KV cache over the client's inputs, energies under the
 * global model, energy weights), train locally from it, score the local model, and send the update (artifact
 * {@code update.bin}) and the report ({@code report.ser}). In the evaluation round after the last aggregation only
 * the global model is scored. The client's records never leave the unit; the audit sample of pseudo pairs is written
 * to {@code fed_pseudo_samples}.
 */
final class ClientKernel implements Kernel {

    static final String UPDATE = "update.bin";
    static final String REPORT = "report.ser";

    /** The round's kernels: the global state and the round ride in the factory (Spark's task binary). */
    record Factory(FedState state, int round) implements KernelFactory {
        @Override
        public Kernel create() {
            return new ClientKernel(state, round);
        }
    }

    private final FedState state;
    private final int round;

    ClientKernel(FedState state, int round) {
        this.state = state;
        this.round = round;
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) throws Exception {
        Params p = unit.params();
        ModelHandle handle = in.model();
        Tokenizer tokenizer = handle.tokenizer();
        ClientData data = ClientData.read(in.dataset(), unit.dataset(), p, out);
        int endOfText = endOfText(handle);
        int padId = handle.config().padTokenId() == null ? endOfText : handle.config().padTokenId();
        int maxTokens = p.getInt(FewFedWeightJob.PSEUDO_TOKENS);
        int longest = longest(data, tokenizer) + maxTokens;
        int microBatch = in.microBatch(ForwardFootprint.bytes(handle.config(), longest, longest));
        Scorer scorer = new Scorer(p.getString(FewFedWeightJob.SCORE), tokenizer, data, endOfText, padId, microBatch);

        CausalLM global = globalModel(handle, in);
        double devGlobal = scorer.score(global, data.dev());
        Double testGlobal = data.test().isEmpty() ? null : scorer.score(global, data.test());
        if (unit.round() == p.getInt(FewFedWeightJob.ROUNDS)) {
            write(out, new ClientReport(data.client(), data.fewShot().size(), 0, data.dev().size(), data.test().size(),
                    null, null, null, null, null, null, devGlobal, null, testGlobal, null, 0), null);
            return;
        }
        List<FedExample> train = new ArrayList<>();
        InstructionExamples.of(data.fewShot(), tokenizer, data.format(), endOfText).forEach(e -> train.add(FedExample.fewShot(e)));
        PseudoFigures pseudo = FewFedWeightJob.METHOD_FEDAVG.equals(p.getString(FewFedWeightJob.METHOD))
                ? PseudoFigures.NONE : pseudoData(global, data, tokenizer, endOfText, padId, microBatch, p, unit, train, out);

        CausalLM local = ModelLoader.load(handle.ref().uri(), true);
        ModelWeights.of(global).applyTo(local);
        long start = System.nanoTime();
        int steps = (int) Math.ceil(p.getDouble(FewFedWeightJob.LOCAL_EPOCHS) * train.size() / p.getInt(FewFedWeightJob.MICRO_BATCH));
        List<StepLog> logs = new LocalTraining(p.getString(FewFedWeightJob.OPTIMIZER), p.getDouble(FewFedWeightJob.LEARNING_RATE),
                Math.max(1, steps), p.getInt(FewFedWeightJob.MICRO_BATCH), p.getDouble(FewFedWeightJob.MU), seed(p, data.client()))
                .train(local, train, padId);
        long millis = (System.nanoTime() - start) / 1_000_000;
        FaultInjection.afterTraining(p, data.client(), unit.round());
        ClientReport report = new ClientReport(data.client(), data.fewShot().size(), pseudo.n(), data.dev().size(),
                data.test().size(), pseudo.energyMean(), pseudo.energyStd(), pseudo.wMin(), pseudo.wMax(), pseudo.wMean(),
                scorer.score(local, data.dev()), devGlobal, data.test().isEmpty() ? null : scorer.score(local, data.test()),
                testGlobal, logs.get(logs.size() - 1).loss(), millis);
        write(out, report, ModelWeights.of(local));
    }

    /** The received global model: the cached checkpoint before the first aggregation, else a private copy. */
    private CausalLM globalModel(ModelHandle handle, UnitInputs in) throws IOException {
        if (state.isPretrained()) {
            return handle.model();
        }
        ModelWeights weights = state.weights();
        if (weights == null) {
            try (InputStream s = in.open(state.location())) {
                weights = ModelWeights.read(s, state.location());
            }
        }
        CausalLM copy = ModelLoader.load(handle.ref().uri(), false);
        weights.applyTo(copy);
        return copy;
    }

    /** Summary figures of a client's pseudo data; all null when it made none. */
    record PseudoFigures(int n, Double energyMean, Double energyStd, Double wMin, Double wMax, Double wMean) {
        static final PseudoFigures NONE = new PseudoFigures(0, null, null, null, null, null);
    }

    private PseudoFigures pseudoData(CausalLM global, ClientData data, Tokenizer tokenizer, int endOfText, int padId,
                                     int microBatch, Params p, WorkUnit unit, List<FedExample> train, RowSink out) {
        List<InstructionExample> pool = new ArrayList<>(data.fewShot());
        pool.addAll(data.unlabelled());
        List<int[]> prompts = pool.stream().map(e -> tokenizer.encode(data.prompt(e))).toList();
        double temperature = p.getDouble(FewFedWeightJob.PSEUDO_TEMPERATURE);
        Sampling sampling = temperature == 0 ? Sampling.greedy() : Sampling.atTemperature(temperature);
        List<ResponseSampler.Sample> drawn = new ResponseSampler(global, sampling, p.getInt(FewFedWeightJob.PSEUDO_TOKENS),
                endOfText, microBatch).sample(prompts, 1, seed(p, data.client()));
        List<LmExample> pairs = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            pairs.add(LmExample.of(prompts.get(i), drawn.get(i).tokens()));
        }
        double[] energies = new SequenceEnergy(global, p.getDouble(FewFedWeightJob.ENERGY_TEMPERATURE), microBatch, padId)
                .energies(pairs);
        PseudoWeights.Weights w = PseudoWeights.of(energies, p.getDouble(FewFedWeightJob.W_MAX));
        TableRows audit = out.table(FewFedWeightJob.PSEUDO_SAMPLES);
        int audited = p.getInt(FewFedWeightJob.AUDIT_SAMPLES);
        for (int i = 0; i < pairs.size(); i++) {
            train.add(FedExample.pseudo(pairs.get(i), w.clipped()[i]));
            if (i < audited) {
                ResponseSampler.Sample s = drawn.get(i);
                int[] response = s.stopped() ? Arrays.copyOf(s.tokens(), s.tokens().length - 1) : s.tokens();
                audit.add(pool.get(i).id(), unit.round(), data.client(), data.prompt(pool.get(i)), tokenizer.decode(response),
                        s.tokens().length, energies[i], w.unclipped()[i], w.clipped()[i], i < data.fewShot().size());
            }
        }
        double mean = Arrays.stream(energies).average().orElse(Double.NaN);
        double std = Math.sqrt(Arrays.stream(energies).map(e -> (e - mean) * (e - mean)).average().orElse(Double.NaN));
        return new PseudoFigures(pairs.size(), mean, std, Arrays.stream(w.clipped()).min().orElse(Double.NaN),
                Arrays.stream(w.clipped()).max().orElse(Double.NaN), Arrays.stream(w.clipped()).average().orElse(Double.NaN));
    }

    private static void write(RowSink out, ClientReport report, ModelWeights update) throws IOException {
        try (OutputStream os = Files.newOutputStream(out.artifacts().local(REPORT));
             ObjectOutputStream oos = new ObjectOutputStream(os)) {
            oos.writeObject(report);
        }
        if (update != null) {
            try (OutputStream os = Files.newOutputStream(out.artifacts().local(UPDATE))) {
                update.write(os);
            }
        }
    }

    /** The client's seed in this round: the job's seed mixed with the round and the client's name. */
    private long seed(Params p, String client) {
        return p.getLong(FewFedWeightJob.SEED) * 1_000_003L + round * 7_919L + client.hashCode();
    }

    private static int longest(ClientData data, Tokenizer tokenizer) {
        List<InstructionExample> all = new ArrayList<>(data.fewShot());
        all.addAll(data.dev());
        all.addAll(data.unlabelled());
        all.addAll(data.test());
        return all.stream().mapToInt(e -> tokenizer.encode(data.prompt(e) + (e.output() == null ? "" : e.output())).length + 1)
                .max().orElse(1);
    }

    private static int endOfText(ModelHandle model) {
        if (!model.config().eosTokenIds().isEmpty()) {
            return model.config().eosTokenIds().get(0);
        }
        return model.tokenizer().eosId().orElseThrow(() -> new IllegalStateException(
                "neither config.json nor the tokenizer of " + model.ref() + " names an end-of-text token"));
    }

    /**
     * The client's task metric in [0, 1]: {@code exact-match} (greedy answer equals the reference, at most
     * {@code pseudo-tokens} new tokens) or {@code token-likelihood} (exp of minus the mean response-token NLL of the
     * references, end-of-text included: the geometric-mean probability of a reference token). NaN for an empty set.
     */
    private record Scorer(String metric, Tokenizer tokenizer, ClientData data, int endOfText, int padId, int microBatch) {
        double score(CausalLM model, List<InstructionExample> items) {
            if (items.isEmpty()) {
                return Double.NaN;
            }
            if (FewFedWeightJob.SCORE_EXACT.equals(metric)) {
                List<InstructionExactMatch.Outcome> o = new InstructionExactMatch(model, tokenizer, data.format(), 16,
                        endOfText, microBatch).run(items);
                return o.stream().filter(InstructionExactMatch.Outcome::correct).count() / (double) o.size();
            }
            List<LmExample> refs = InstructionExamples.of(items, tokenizer, data.format(), endOfText);
            return Math.exp(-TokenDistillation.responseNll(model, refs, padId, microBatch));
        }
    }
}
