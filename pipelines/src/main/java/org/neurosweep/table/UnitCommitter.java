package org.neurosweep.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Commits a unit's staged outputs, exactly once per unit and run.
 *
 * <p>Protocol: (1) if the unit's commit marker exists, another attempt committed first: drop this one's files
 * ({@code superseded}); (2) move each staged table file to its final, deterministic name
 * {@code <table>/run=R/part-<unit>.parquet} (replacing a file that a crashed earlier attempt may have left, and
 * deleting the unit's files in tables this attempt did not write), then the artifacts; (3) create the marker
 * (create-if-absent; losing that race also means {@code superseded}). Because every unit has one file name per
 * table, neither a retried task nor a speculative duplicate nor a rerun can add a second copy of a row. A crash
 * between (2) and (3) leaves files of an uncommitted unit, which the next attempt replaces and the end-of-run
 * {@link RunFiles#removeUncommitted} deletes.
 */
public final class UnitCommitter {

    /** What happened to an attempt's outputs. */
    public enum Outcome { COMMITTED, SUPERSEDED }

    private final TableLayout layout;
    private final Configuration hadoop;

    public UnitCommitter(TableLayout layout, Configuration hadoop) {
        this.layout = layout;
        this.hadoop = hadoop;
    }

    public boolean isCommitted(String unitId) throws IOException {
        Path marker = layout.commitMarker(unitId);
        return TableFileSystems.get(marker, hadoop).exists(marker);
    }

    /** Publishes {@code staged} (already {@link UnitOutput#finish() finished}) and marks the unit committed. */
    public Outcome commit(UnitOutput staged) throws IOException {
        String unitId = staged.unit().id();
        if (isCommitted(unitId)) {
            staged.discard();
            return Outcome.SUPERSEDED;
        }
        publishFiles(staged);
        publishArtifacts(staged);
        boolean won = createMarker(staged);
        staged.discard();
        return won ? Outcome.COMMITTED : Outcome.SUPERSEDED;
    }

    /** Step (2) alone: the files in their final place, no marker yet. */
    void publishFiles(UnitOutput staged) throws IOException {
        String unitId = staged.unit().id();
        Map<String, Path> files = staged.stagedFiles();
        for (String table : staged.tableNames()) {
            Path target = layout.unitFile(table, unitId);
            FileSystem fs = TableFileSystems.get(target, hadoop);
            Path source = files.get(table);
            if (source == null) {
                fs.delete(target, false);
                continue;
            }
            fs.mkdirs(target.getParent());
            fs.delete(target, false);
            if (!fs.rename(source, target) && !fs.exists(target)) {
                throw new IOException("cannot move " + source + " to " + target);
            }
        }
    }

    private void publishArtifacts(UnitOutput staged) throws IOException {
        java.nio.file.Path local = staged.localArtifacts();
        Path target = layout.artifactsDir(staged.unit().id());
        FileSystem fs = TableFileSystems.get(target, hadoop);
        fs.delete(target, true);
        if (local == null) {
            return;
        }
        Path copy = new Path(layout.stagingDir(staged.unit().id(), staged.attemptId()), "artifacts");
        fs.copyFromLocalFile(false, true, new Path(local.toUri()), copy);
        fs.mkdirs(target.getParent());
        if (!fs.rename(copy, target)) {
            throw new IOException("cannot move " + copy + " to " + target);
        }
    }

    private boolean createMarker(UnitOutput staged) throws IOException {
        Path marker = layout.commitMarker(staged.unit().id());
        FileSystem fs = TableFileSystems.get(marker, hadoop);
        String record = "{\"unit_id\":\"" + staged.unit().id() + "\",\"attempt_id\":\"" + staged.attemptId()
                + "\",\"rows\":" + staged.rows() + ",\"bad_records\":" + staged.badRecordCount()
                + ",\"committed_at\":" + System.currentTimeMillis() + "}\n";
        try (FSDataOutputStream out = fs.create(marker, false)) {
            out.write(record.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }
}
