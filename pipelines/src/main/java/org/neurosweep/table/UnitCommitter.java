package org.neurosweep.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.Map;

/**
 * Commits a unit's staged outputs, exactly once per unit and run.
 *
 * <p>Protocol: (1) if the unit has a committed manifest row ({@code manifest/run=R/part-<unit>.parquet}), another
 * attempt committed first: drop this one's files ({@code superseded}); (2) move each staged table file to its final,
 * deterministic name {@code <table>/run=R/part-<unit>.parquet} (replacing a file that a crashed earlier attempt may
 * have left, and deleting the unit's files in tables this attempt did not write), then the artifacts; (3) move the
 * attempt's manifest row (status {@code committed}) to the unit's manifest name if no row is there: that move is the
 * commit point (losing the race also means {@code superseded}). The committing attempt's manifest row thus exists
 * exactly when the unit is committed, whatever moment a task is killed at. Because every unit has one file name per
 * table, neither a retried task nor a speculative duplicate nor a rerun can add a second copy of a row. A crash
 * between (2) and (3) leaves files of an uncommitted unit, which the next attempt replaces and
 * {@link RunFiles#removeUncommitted} deletes.
 */
public final class UnitCommitter {

    /** What happened to an attempt's outputs. */
    public enum Outcome { COMMITTED, SUPERSEDED }

    private final TableLayout layout;
    private final Configuration hadoop;
    private final ManifestWriter manifest;

    public UnitCommitter(TableLayout layout, Configuration hadoop) {
        this.layout = layout;
        this.hadoop = hadoop;
        this.manifest = new ManifestWriter(layout, hadoop);
    }

    public boolean isCommitted(String unitId) throws IOException {
        Path row = layout.committedManifest(unitId);
        return TableFileSystems.get(row, hadoop).exists(row);
    }

    /**
     * Publishes {@code staged} (already {@link UnitOutput#finish() finished}) and commits it with
     * {@code manifestRow} (the attempt's row, status {@code committed}). When the outcome is {@code SUPERSEDED} the
     * row was not recorded.
     */
    public Outcome commit(UnitOutput staged, Object[] manifestRow) throws IOException {
        String unitId = staged.unit().id();
        if (isCommitted(unitId)) {
            staged.discard();
            return Outcome.SUPERSEDED;
        }
        publishFiles(staged);
        publishArtifacts(staged);
        boolean won = manifest.publishIfAbsent(unitId, staged.attemptId(), manifestRow);
        staged.discard();
        return won ? Outcome.COMMITTED : Outcome.SUPERSEDED;
    }

    /** Step (2) alone: the files in their final place, not committed yet. */
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
}
