package org.neurosweep.testjobs;

import org.neurosweep.data.ReadResult;
import org.neurosweep.data.TextLines;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.TableSchema;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;

import java.util.List;
import java.util.Set;

/**
 * A model-free map job for engine tests: one row per line of its text shard (line number, length). The kernel can
 * sleep per unit (to keep a cluster busy) and can crash the sweep on one shard (to test resume).
 */
public final class LineStatsJob implements MapJob, NeedsDataset {

    public static final String TABLE = "line_stats";

    private final int crashOnShard;

    /** @param crashOnShard the shard index whose unit throws {@link InjectedCrash}; -1 = never */
    public LineStatsJob(int crashOnShard) {
        this.crashOnShard = crashOnShard;
    }

    public LineStatsJob() {
        this(-1);
    }

    @Override
    public String name() {
        return "line-stats";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "test job: the length of every line";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(TableSchema.of(TABLE, "one row per line",
                Column.required("line", ColumnType.LONG, "line number"),
                Column.required("length", ColumnType.INT, "characters")));
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(ParamSpec.of("sleep-ms", ParamType.INT, 0, "pause per unit"),
                ParamSpec.of("slow-shard", ParamType.INT, -1, "the shard whose unit pauses slow-ms instead (-1: none)"),
                ParamSpec.of("slow-ms", ParamType.INT, 0, "pause of the slow shard's unit (a straggler for speculation)"),
                ParamSpec.of("scale", ParamType.INT, 1, "multiplies the length (a grid axis in tests)"));
    }

    @Override
    public Set<String> formats() {
        return Set.of("text");
    }

    @Override
    public KernelFactory kernels() {
        return new Factory(crashOnShard);
    }

    record Factory(int crashOnShard) implements KernelFactory {
        @Override
        public Kernel create() {
            return new LineStatsKernel(crashOnShard);
        }
    }

    private record LineStatsKernel(int crashOnShard) implements Kernel {
        @Override
        public void run(WorkUnit unit, UnitInputs in, RowSink out) throws InterruptedException {
            Invocations.record(unit.id());
            boolean slow = unit.dataset().shard().index() == unit.params().getInt("slow-shard");
            Thread.sleep(unit.params().getInt(slow ? "slow-ms" : "sleep-ms"));
            ReadResult<TextLines.Line> lines = TextLines.read(in.dataset(), unit.dataset().shard(), 0);
            TableRows rows = out.table(TABLE);
            int scale = unit.params().getInt("scale");
            for (TextLines.Line line : unit.dataset().limit(lines.records())) {
                rows.add(Long.toString(line.number()), line.number(), scale * line.text().length());
            }
            if (unit.dataset().shard().index() == crashOnShard) {
                throw new InjectedCrash("injected crash in " + unit.describe());
            }
        }
    }
}
