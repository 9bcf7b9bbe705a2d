package org.neurosweep.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/**
 * Commits a unit's staged outputs, exactly once per unit and run, whatever attempts and invocations overlap.
 *
 * <p>Protocol, for one attempt whose files are complete in its staging folder
 * {@code _staging/run=R/<unit>/<attempt>/} ({@code <table>.parquet} per table, {@code artifacts/}):
 * <ol>
 *   <li>{@link Step#STAGED}: the local artifacts are copied into the staging folder and the attempt's manifest row
 *       (status {@code committed}) is written there. Nothing is visible to readers.</li>
 *   <li>If the unit already has a committed manifest row, another attempt won: this one drops its staging folder
 *       ({@code superseded}). Otherwise the run's lease is checked ({@link RunLease.Fence}): an invocation that lost
 *       its lease publishes nothing.</li>
 *   <li>{@link Step#FENCED} → the commit point: the manifest row is moved to the unit's manifest name
 *       {@code manifest/run=R/part-<unit>.parquet} only if no row is there ({@link TableFileSystems#moveIfAbsent}).
 *       The loser of a race is {@code superseded}. The row names the attempt, and so the staged files that belong to
 *       the unit.</li>
 *   <li>{@link Step#COMMITTED} → publication ({@link #publish}): each staged table file is moved to its
 *       attempt-unique name {@code <table>/run=R/part-<unit>-<attempt>.parquet}, the artifacts to
 *       {@code artifacts/run=R/<unit>/}, and the staging folder is deleted. Every move is move-if-absent, so
 *       publication is idempotent: {@link RunFiles#recover} repeats it for a committed attempt that died half-way.</li>
 * </ol>
 * Consequences: no file reaches a name readers see before its unit is committed, and only the committing attempt's
 * files ever do; a duplicate attempt (retry, speculation, a second invocation) can neither replace nor delete them;
 * a crash at any step leaves either an uncommitted unit (rerun later) or a committed one whose publication is
 * finished by the next recovery. Between the commit point and the end of publication (milliseconds, or until the
 * next recovery after a crash) a reader may see a unit's rows in some tables and not yet in others.
 */
public final class UnitCommitter {

    /** What happened to an attempt's outputs. */
    public enum Outcome { COMMITTED, SUPERSEDED }

    /** The moments between the protocol's steps, where {@link StepHook}s run (tests force interleavings there). */
    public enum Step {
        /** Everything staged, nothing checked yet. */
        STAGED,
        /** The unit was not committed and the lease held when checked; the commit move comes next. */
        FENCED,
        /** The unit is committed by this attempt; nothing is published yet. */
        COMMITTED
    }

    /** Runs at each {@link Step} of each commit; {@link #NONE} in production. */
    @FunctionalInterface
    public interface StepHook {
        StepHook NONE = (step, unitId, attemptId) -> { };

        void at(Step step, String unitId, String attemptId) throws IOException;
    }

    private final TableLayout layout;
    private final Configuration hadoop;
    private final ManifestWriter manifest;
    private final RunLease.Fence fence;
    private final StepHook hook;

    /** @param fence the invocation's lease, checked before every commit; null when the caller holds no lease (tests) */
    public UnitCommitter(TableLayout layout, Configuration hadoop, RunLease.Fence fence, StepHook hook) {
        this.layout = layout;
        this.hadoop = hadoop;
        this.manifest = new ManifestWriter(layout, hadoop);
        this.fence = fence;
        this.hook = hook;
    }

    public boolean isCommitted(String unitId) throws IOException {
        Path row = layout.committedManifest(unitId);
        return TableFileSystems.get(row, hadoop).exists(row);
    }

    /**
     * Commits {@code staged} (already {@link UnitOutput#finish() finished}) with {@code row} (the attempt's manifest
     * row, status {@code committed}) and publishes it. When the outcome is {@code SUPERSEDED} nothing of the attempt
     * was recorded or published. An exception leaves the unit either uncommitted or committed and awaiting
     * {@link RunFiles#recover}, never partly visible before its commit.
     */
    public Outcome commit(UnitOutput staged, ManifestRow row) throws IOException {
        String unitId = staged.unit().id();
        String attemptId = staged.attemptId();
        staged.stageArtifacts();
        Path stagedRow = manifest.stage(unitId, attemptId, row);
        hook.at(Step.STAGED, unitId, attemptId);
        if (isCommitted(unitId)) {
            staged.discard();
            return Outcome.SUPERSEDED;
        }
        if (fence != null) {
            fence.check(hadoop);
        }
        hook.at(Step.FENCED, unitId, attemptId);
        if (!manifest.moveToCommitted(stagedRow, unitId)) {
            staged.discard();
            return Outcome.SUPERSEDED;
        }
        hook.at(Step.COMMITTED, unitId, attemptId);
        publish(layout, hadoop, unitId, attemptId);
        staged.deleteLocalArtifacts();
        return Outcome.COMMITTED;
    }

    /**
     * Publishes the staged files of {@code attemptId}, which must be the attempt that committed {@code unitId}, and
     * deletes its staging folder. Idempotent, and safe to run from several processes at once: each file is moved
     * only if its target name is free, and a file already moved by another is left as it is.
     */
    static void publish(TableLayout layout, Configuration hadoop, String unitId, String attemptId) throws IOException {
        Path staging = layout.stagingDir(unitId, attemptId);
        FileSystem fs = TableFileSystems.get(staging, hadoop);
        for (org.apache.hadoop.fs.FileStatus s : RunFiles.list(fs, staging)) {
            String name = s.getPath().getName();
            Path target;
            if (name.equals(UnitOutput.ARTIFACTS)) {
                target = layout.artifactsDir(unitId);
            } else if (name.endsWith(".parquet") && !name.equals(ManifestWriter.STAGED_ROW)) {
                target = layout.unitFile(name.substring(0, name.length() - ".parquet".length()), unitId, attemptId);
            } else {
                continue;
            }
            fs.mkdirs(target.getParent());
            boolean moved;
            try {
                moved = TableFileSystems.moveIfAbsent(fs, s.getPath(), target);
            } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
                moved = false;   // another process publishing the same attempt moved it first
            }
            if (!moved && !fs.exists(target)) {
                throw new IOException("cannot publish " + s.getPath() + " as " + target);
            }
        }
        fs.delete(staging, true);
    }
}
