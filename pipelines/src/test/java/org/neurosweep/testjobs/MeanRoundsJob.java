package org.neurosweep.testjobs;

import org.neurosweep.data.TextLines;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.Params;
import org.neurosweep.job.RoundResults;
import org.neurosweep.job.RoundsJob;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableSchema;
import org.neurosweep.job.WorkUnit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;

/**
 * A federated toy for the rounds shape: each client (a shard of a file of numbers) moves the global value halfway
 * to its local mean; the driver averages the clients' proposals weighted by their counts. With overall mean M the
 * global value after r rounds is M (1 - 2^-r), starting from 0. The aggregation of {@code crashInRound} throws
 * {@link InjectedCrash}.
 */
public final class MeanRoundsJob implements RoundsJob<MeanRoundsJob.State>, NeedsDataset {

    public static final String CLIENTS = "mean_clients";
    public static final String GLOBAL = "mean_global";

    /** The global value after {@code round} rounds. */
    public record State(double global, int round) implements Serializable {
    }

    private final int crashInRound;

    public MeanRoundsJob(int crashInRound) {
        this.crashInRound = crashInRound;
    }

    @Override
    public String name() {
        return "mean-rounds";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "test job: federated mean";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(
                TableSchema.of(CLIENTS, "one row per client and round",
                        Column.required("proposal", ColumnType.DOUBLE, "the client's new value"),
                        Column.required("count", ColumnType.INT, "numbers on the client")),
                TableSchema.of(GLOBAL, "one row per round",
                        Column.required("global", ColumnType.DOUBLE, "the aggregated value"),
                        Column.required("clients", ColumnType.INT, "clients aggregated")));
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(ParamSpec.of("rounds", ParamType.INT, 3, "rounds to run"));
    }

    @Override
    public Set<String> formats() {
        return Set.of("text");
    }

    @Override
    public State initialState(Params params, List<WorkUnit> clients) {
        return new State(0.0, 0);
    }

    @Override
    public int rounds(Params params) {
        return params.getInt("rounds");
    }

    @Override
    public KernelFactory clientKernels(State state, int round) {
        return new ClientFactory(state.global());
    }

    @Override
    public State aggregate(State state, RoundResults results, RowSink out) throws Exception {
        if (results.round() == crashInRound) {
            throw new InjectedCrash("injected crash aggregating round " + results.round());
        }
        double weighted = 0;
        long count = 0;
        for (WorkUnit client : results.committed()) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(
                    results.openArtifact(client, "update.txt"), StandardCharsets.UTF_8))) {
                String[] parts = r.readLine().split(" ");
                weighted += Double.parseDouble(parts[0]) * Integer.parseInt(parts[1]);
                count += Integer.parseInt(parts[1]);
            }
        }
        double global = weighted / count;
        out.table(GLOBAL).add(null, global, results.committed().size());
        return new State(global, results.round() + 1);
    }

    record ClientFactory(double global) implements KernelFactory {
        @Override
        public Kernel create() {
            return (unit, in, out) -> {
                Invocations.record(unit.id());
                List<TextLines.Line> lines = TextLines.read(in.dataset(), unit.dataset().shard(), 0).records();
                double mean = lines.stream().mapToDouble(l -> Double.parseDouble(l.text())).average().orElseThrow();
                double proposal = (global + mean) / 2;
                Files.writeString(out.artifacts().local("update.txt"), proposal + " " + lines.size());
                out.table(CLIENTS).add(null, proposal, lines.size());
            };
        }
    }
}
