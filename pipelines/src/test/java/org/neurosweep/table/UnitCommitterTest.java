package org.neurosweep.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.data.BadRecord;
import org.neurosweep.data.Shard;
import org.neurosweep.job.DatasetSlice;
import org.neurosweep.job.Params;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.testjobs.LineStatsJob;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnitCommitterTest {

    private static final LineStatsJob JOB = new LineStatsJob();

    @TempDir
    java.nio.file.Path dir;

    private final Configuration hadoop = new Configuration();

    private TableLayout layout() {
        return new TableLayout("file:" + dir.resolve("out"), "r1");
    }

    private WorkUnit unit(int shard) {
        DatasetSlice slice = new DatasetSlice("lines", "text", "file:/data/lines.txt", Shard.modulo(shard, 4), 0, Map.of());
        return WorkUnit.of(JOB, null, slice, Params.of(Map.of("scale", 1, "sleep-ms", 0)));
    }

    /** A manifest row for {@code unit} with every required column set. */
    private static Object[] manifestRow(WorkUnit unit, long rows) {
        List<org.neurosweep.job.Column> columns = EngineTables.MANIFEST.columns();
        Object[] row = new Object[columns.size()];
        for (int i = 0; i < row.length; i++) {
            org.neurosweep.job.Column c = columns.get(i);
            row[i] = c.nullable() ? null : switch (c.type()) {
                case STRING -> c.name().equals("unit_id") ? unit.id() : c.name().equals("status") ? "committed" : "x";
                case INT -> 0;
                case LONG, TIMESTAMP -> c.name().equals("rows") ? rows : 0L;
                case BOOLEAN -> false;
                default -> throw new IllegalStateException("no such manifest column type " + c.type());
            };
        }
        return row;
    }

    private UnitOutput stage(WorkUnit unit, String attempt, int rows, int badRecords) throws IOException {
        UnitOutput out = new UnitOutput(layout(), unit, attempt, JOB.tables(), hadoop, dir.resolve("local-" + attempt));
        for (int i = 0; i < rows; i++) {
            out.table(LineStatsJob.TABLE).add("e" + i, (long) i, i * 2);
        }
        for (int i = 0; i < badRecords; i++) {
            out.badRecords(List.of(new BadRecord("/data/lines.txt", i + 1, "invalid UTF-8")));
        }
        out.finish();
        return out;
    }

    @Test
    void commitsEachTableUnderOneDeterministicNameAndTheManifestRowLast() throws IOException {
        UnitCommitter committer = new UnitCommitter(layout(), hadoop);
        WorkUnit unit = unit(0);
        assertFalse(committer.isCommitted(unit.id()));
        assertEquals(UnitCommitter.Outcome.COMMITTED, committer.commit(stage(unit, "a1", 5, 2), manifestRow(unit, 5)));
        assertTrue(committer.isCommitted(unit.id()));
        assertEquals(5, rowCount(layout().unitFile(LineStatsJob.TABLE, unit.id())));
        assertEquals(2, rowCount(layout().unitFile("errors", unit.id())));
        assertEquals(List.of("part-" + unit.id() + ".parquet"), dataFiles(LineStatsJob.TABLE));
        assertEquals(List.of("part-" + unit.id() + ".parquet"), dataFiles("manifest"), "the committing attempt's row commits the unit");
        assertFalse(new File(new Path(layout().stagingDir(unit.id(), "a1").toString()).toUri().getPath()).exists(),
                "the attempt's staging folder is gone");
        assertEquals(java.util.Set.of(unit.id()), new RunFiles(layout(), hadoop).committedUnits());
    }

    @Test
    void aSecondAttemptOfACommittedUnitIsSupersededAndAddsNothing() throws IOException {
        UnitCommitter committer = new UnitCommitter(layout(), hadoop);
        WorkUnit unit = unit(1);
        committer.commit(stage(unit, "a1", 3, 0), manifestRow(unit, 3));
        assertEquals(UnitCommitter.Outcome.SUPERSEDED, committer.commit(stage(unit, "a2", 7, 0), manifestRow(unit, 7)));
        assertEquals(3, rowCount(layout().unitFile(LineStatsJob.TABLE, unit.id())), "the first commit's rows stay");
        assertEquals(1, dataFiles(LineStatsJob.TABLE).size());
        assertEquals(1, dataFiles("manifest").size());
    }

    @Test
    void filesOfAnAttemptThatDiedBeforeItsCommitAreReplacedOrRemoved() throws IOException {
        UnitCommitter committer = new UnitCommitter(layout(), hadoop);
        WorkUnit replaced = unit(2);
        WorkUnit orphan = unit(3);
        committer.publishFiles(stage(replaced, "a1", 4, 1));   // the attempt dies here, before its commit
        committer.publishFiles(stage(orphan, "a1", 4, 0));
        assertEquals(2, dataFiles(LineStatsJob.TABLE).size(), "published but uncommitted files are visible until cleaned");

        assertEquals(UnitCommitter.Outcome.COMMITTED, committer.commit(stage(replaced, "a2", 6, 0), manifestRow(replaced, 6)));
        assertEquals(6, rowCount(layout().unitFile(LineStatsJob.TABLE, replaced.id())), "the retry replaced the file");
        assertFalse(Files.exists(local(layout().unitFile("errors", replaced.id()))),
                "a table the retry did not write loses the dead attempt's file");

        assertEquals(1, new RunFiles(layout(), hadoop).removeUncommitted(List.of(LineStatsJob.TABLE, "errors")));
        assertEquals(List.of("part-" + replaced.id() + ".parquet"), dataFiles(LineStatsJob.TABLE));
    }

    @Test
    void onlyOneOfTwoAttemptsCommittingAtOnceWins() throws IOException {
        WorkUnit unit = unit(1);
        ManifestWriter manifest = new ManifestWriter(layout(), hadoop);
        assertTrue(manifest.publishIfAbsent(unit.id(), "a1", manifestRow(unit, 2)));
        assertFalse(manifest.publishIfAbsent(unit.id(), "a2", manifestRow(unit, 2)), "the unit's manifest name is taken");
        assertEquals(List.of("part-" + unit.id() + ".parquet"), dataFiles("manifest"));
    }

    @Test
    void manifestRowsAreChecked() {
        Object[] row = manifestRow(unit(0), 1);
        row[3] = "one";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ManifestWriter(layout(), hadoop).writeAttempt("u", "a", row));
        assertEquals("table manifest: column run_attempt is int, got String", e.getMessage());
    }

    @Test
    void rowsAreCheckedAgainstTheSchema() throws IOException {
        UnitOutput out = new UnitOutput(layout(), unit(0), "a1", JOB.tables(), hadoop, dir.resolve("local"));
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> out.table(LineStatsJob.TABLE).add("e", 1L, "long"));
        assertEquals("table line_stats: column length is int, got String", type.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> out.table(LineStatsJob.TABLE).add("e", 1L));
        assertEquals("table line_stats has 2 columns, got 1 values", count.getMessage());
        IllegalArgumentException nulls = assertThrows(IllegalArgumentException.class,
                () -> out.table(LineStatsJob.TABLE).add("e", null, 3));
        assertEquals("table line_stats: column line must not be null", nulls.getMessage());
        assertThrows(IllegalArgumentException.class, () -> out.table("nope"));
        out.discard();
    }

    @Test
    void eachInvocationOfARunGetsTheNextAttemptNumber() throws IOException {
        RunFiles files = new RunFiles(layout(), hadoop);
        assertEquals(1, files.registerAttempt("{}"));
        assertEquals(2, files.registerAttempt("{}"));
        assertEquals(1, new RunFiles(new TableLayout("file:" + dir.resolve("out"), "other"), hadoop).registerAttempt("{}"));
    }

    private long rowCount(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
            return reader.getRecordCount();
        }
    }

    private List<String> dataFiles(String table) {
        File[] files = local(layout().tableDir(table)).toFile().listFiles((d, name) -> name.endsWith(".parquet") && !name.startsWith("."));
        return files == null ? List.of() : Arrays.stream(files).map(File::getName).sorted().toList();
    }

    private static java.nio.file.Path local(Path p) {
        return java.nio.file.Path.of(p.toUri().getPath());
    }
}
