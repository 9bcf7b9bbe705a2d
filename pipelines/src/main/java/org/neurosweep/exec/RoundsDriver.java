package org.neurosweep.exec;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.Params;
import org.neurosweep.job.RoundResults;
import org.neurosweep.job.RoundsJob;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.table.RunFiles;
import org.neurosweep.table.TableLayout;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The driver loop of a {@link RoundsJob}. For each parameter point (an experiment) and round: the client units of
 * the round run as one stage with the round's kernels, then the aggregation runs on the driver as a unit of its own
 * (same commit protocol, same manifest), whose artifacts hold the new state ({@code state.ser}). A rerun finds the
 * last committed aggregation and continues after it; committed clients of an unfinished round are not rerun.
 */
final class RoundsDriver {

    static final String STATE_FILE = "state.ser";

    private final StageRunner stages;
    private final TableLayout layout;
    private final RunFiles files;
    private final Configuration hadoop;

    RoundsDriver(StageRunner stages, TableLayout layout, RunFiles files, Configuration hadoop) {
        this.stages = stages;
        this.layout = layout;
        this.files = files;
        this.hadoop = hadoop;
    }

    /** The aggregation units and the clients' per-round units that a job's plan implies. */
    static <S extends Serializable> int unitCount(RoundsJob<S> job, List<WorkUnit> clients) {
        int n = 0;
        for (Map.Entry<Params, List<WorkUnit>> e : experiments(clients).entrySet()) {
            n += job.rounds(e.getKey()) * (e.getValue().size() + 1);
        }
        return n;
    }

    /** How many of those units are in {@code committed}. */
    static <S extends Serializable> int committedCount(RoundsJob<S> job, List<WorkUnit> clients, Set<String> committed) {
        int n = 0;
        for (Map.Entry<Params, List<WorkUnit>> e : experiments(clients).entrySet()) {
            for (int r = 0; r < job.rounds(e.getKey()); r++) {
                int round = r;
                n += (int) e.getValue().stream().filter(c -> committed.contains(c.inRound(round).id())).count();
                n += committed.contains(aggregationUnit(job, e.getKey(), r).id()) ? 1 : 0;
            }
        }
        return n;
    }

    /** Every aggregation unit of the plan: a rounds job is complete when all of them are committed. */
    static <S extends Serializable> List<WorkUnit> aggregationUnits(RoundsJob<S> job, List<WorkUnit> clients) {
        List<WorkUnit> out = new ArrayList<>();
        for (Params params : experiments(clients).keySet()) {
            for (int r = 0; r < job.rounds(params); r++) {
                out.add(aggregationUnit(job, params, r));
            }
        }
        return out;
    }

    <S extends Serializable> List<UnitOutcome> run(RoundsJob<S> job, List<WorkUnit> clients) throws IOException {
        List<UnitOutcome> outcomes = new ArrayList<>();
        for (Map.Entry<Params, List<WorkUnit>> e : experiments(clients).entrySet()) {
            runExperiment(job, e.getKey(), e.getValue(), outcomes);
        }
        return outcomes;
    }

    private <S extends Serializable> void runExperiment(RoundsJob<S> job, Params params, List<WorkUnit> clients,
                                                        List<UnitOutcome> outcomes) throws IOException {
        int rounds = job.rounds(params);
        Set<String> committed = files.committedUnits();
        int first = 0;
        S state = null;
        for (int r = rounds - 1; r >= 0 && state == null; r--) {
            WorkUnit aggregation = aggregationUnit(job, params, r);
            if (committed.contains(aggregation.id())) {
                state = readState(aggregation);
                first = r + 1;
            }
        }
        if (state == null) {
            state = job.initialState(params, clients);
        }
        for (int r = first; r < rounds; r++) {
            int round = r;
            List<WorkUnit> roundUnits = clients.stream().map(c -> c.inRound(round)).toList();
            Set<String> done = files.committedUnits();
            List<List<WorkUnit>> tasks = roundUnits.stream().filter(u -> !done.contains(u.id())).map(List::of).toList();
            JobKernels clientKernels = JobKernels.of(job, job.clientKernels(state, r));
            outcomes.addAll(stages.run(job.name() + " " + params + " round " + r + ": " + tasks.size() + " clients",
                    Map.of(job.name(), clientKernels), tasks));
            Set<String> nowCommitted = files.committedUnits();
            List<WorkUnit> ok = roundUnits.stream().filter(u -> nowCommitted.contains(u.id())).toList();
            Results results = new Results(r, params, ok, roundUnits.size() - ok.size(), layout, hadoop);
            AtomicReference<S> next = new AtomicReference<>();
            UnitOutcome aggregated = stages.runOnDriver(JobKernels.of(job, aggregation(job, state, results, next)),
                    aggregationUnit(job, params, r));
            outcomes.add(aggregated);
            if (aggregated.status() == UnitStatus.FAILED) {
                return;
            }
            state = aggregated.status() == UnitStatus.COMMITTED ? next.get() : readState(aggregationUnit(job, params, r));
        }
    }

    /** The driver-side unit that aggregates round {@code round}. */
    static WorkUnit aggregationUnit(RoundsJob<?> job, Params params, int round) {
        return WorkUnit.of(job, Map.of(), null, params, -1).aggregationOf(round);
    }

    /** A kernel (run in this JVM only) that aggregates and stores the new state among the unit's artifacts. */
    private static <S extends Serializable> KernelFactory aggregation(RoundsJob<S> job, S state, RoundResults results,
                                                                      AtomicReference<S> next) {
        return () -> (unit, model, out) -> {
            S s = job.aggregate(state, results, out);
            try (OutputStream os = Files.newOutputStream(out.artifacts().local(STATE_FILE));
                 ObjectOutputStream oos = new ObjectOutputStream(os)) {
                oos.writeObject(s);
            }
            next.set(s);
        };
    }

    @SuppressWarnings("unchecked")
    private <S> S readState(WorkUnit aggregation) {
        Path file = new Path(layout.artifactsDir(aggregation.id()), STATE_FILE);
        try (InputStream in = file.getFileSystem(hadoop).open(file); ObjectInputStream ois = new ObjectInputStream(in)) {
            return (S) ois.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new UncheckedIOException("cannot read the state of " + aggregation.describe() + " from " + file,
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    private static Map<Params, List<WorkUnit>> experiments(List<WorkUnit> clients) {
        Map<Params, List<WorkUnit>> out = new LinkedHashMap<>();
        for (WorkUnit c : clients) {
            out.computeIfAbsent(c.params(), p -> new ArrayList<>()).add(c);
        }
        return out;
    }

    private record Results(int round, Params params, List<WorkUnit> committed, int failed, TableLayout layout,
                           Configuration hadoop) implements RoundResults {

        @Override
        public InputStream openArtifact(WorkUnit client, String relative) throws IOException {
            Path file = new Path(layout.artifactsDir(client.id()), relative);
            return file.getFileSystem(hadoop).open(file);
        }
    }
}
