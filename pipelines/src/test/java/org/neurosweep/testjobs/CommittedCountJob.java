package org.neurosweep.testjobs;

import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.Planner;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableSchema;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A test job that reads another job's committed output, as {@code lota-eval} and {@code pad-score} do: its planner
 * refuses a {@code from} folder without committed Parquet files (so it can run only in a later stage of the run that
 * writes them), and its one unit writes how many files it found there, or fails when asked to.
 */
public final class CommittedCountJob implements MapJob {

    public static final String TABLE = "committed_count";

    @Override
    public String name() {
        return "committed-count";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "test job: the number of committed Parquet files in a folder of this or another run";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(TableSchema.of(TABLE, "one row per unit",
                Column.required("files", ColumnType.INT, "Parquet files under the folder")));
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(ParamSpec.of("from", ParamType.STRING, null, "a committed table folder, <out>/<table>/run=<id>"),
                ParamSpec.of("fail", ParamType.BOOLEAN, false, "the unit fails (a unit failure, recorded by the engine)"));
    }

    @Override
    public Planner planner() {
        return spec -> {
            spec.grid().forEach(p -> {
                if (parquetFiles(Path.of(p.getString("from"))) == 0) {
                    throw new IllegalArgumentException("params.from: no committed Parquet file under " + p.getString("from"));
                }
            });
            return Planner.grid().plan(spec);
        };
    }

    static int parquetFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public KernelFactory kernels() {
        return new Factory();
    }

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return (WorkUnit unit, UnitInputs in, RowSink out) -> {
                Invocations.record(unit.id());
                if (unit.params().getBoolean("fail")) {
                    throw new IllegalStateException("failing as asked (params.fail)");
                }
                out.table(TABLE).add("0", parquetFiles(Path.of(unit.params().getString("from"))));
            };
        }
    }
}
