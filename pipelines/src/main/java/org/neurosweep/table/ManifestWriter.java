package org.neurosweep.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/**
 * Writes manifest rows, one file per row: staged, then moved into {@code manifest/run=R/}, so a reader never sees a
 * half-written file. A committing attempt's row takes the unit's name and only if no other attempt's row has it
 * ({@link #publishIfAbsent}): that move is the commit point of the unit.
 */
public final class ManifestWriter {

    private final TableLayout layout;
    private final Configuration hadoop;

    public ManifestWriter(TableLayout layout, Configuration hadoop) {
        this.layout = layout;
        this.hadoop = hadoop;
    }

    /** Records the row of an attempt that did not commit (status failed or superseded). */
    public void writeAttempt(String unitId, String attemptId, Object[] row) throws IOException {
        Path staged = stage(unitId, attemptId, row);
        Path target = layout.attemptManifest(unitId, attemptId);
        FileSystem fs = TableFileSystems.get(target, hadoop);
        fs.mkdirs(target.getParent());
        if (!fs.rename(staged, target)) {
            throw new IOException("cannot move " + staged + " to " + target);
        }
    }

    /**
     * Moves the committing row into the unit's manifest name unless a row is there already.
     *
     * @return whether this row became the unit's committed row
     */
    boolean publishIfAbsent(String unitId, String attemptId, Object[] row) throws IOException {
        Path staged = stage(unitId, attemptId, row);
        Path target = layout.committedManifest(unitId);
        FileSystem fs = TableFileSystems.get(target, hadoop);
        fs.mkdirs(target.getParent());
        return TableFileSystems.moveIfAbsent(fs, staged, target);
    }

    private Path stage(String unitId, String attemptId, Object[] row) throws IOException {
        Object[] checked = RowCheck.check(EngineTables.MANIFEST, row, 0);
        Path staged = new Path(layout.stagingDir(unitId, attemptId), "manifest.parquet");
        try (ParquetTableFile file = new ParquetTableFile(staged, EngineTables.MANIFEST, hadoop)) {
            file.write(checked);
        }
        return staged;
    }
}
