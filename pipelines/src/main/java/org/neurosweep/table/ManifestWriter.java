package org.neurosweep.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

import java.io.IOException;

/**
 * Writes manifest rows, one file per row: staged in the attempt's staging folder, then moved into
 * {@code manifest/run=R/}, so a reader never sees a half-written file. A committing attempt's row takes the unit's
 * name, and only if no other attempt's row has it ({@link #moveToCommitted}): that move is the commit point of the
 * unit (see {@link UnitCommitter}).
 */
public final class ManifestWriter {

    /** The staged row's file name inside an attempt's staging folder. */
    static final String STAGED_ROW = "manifest-row.parquet";

    private final TableLayout layout;
    private final Configuration hadoop;

    public ManifestWriter(TableLayout layout, Configuration hadoop) {
        this.layout = layout;
        this.hadoop = hadoop;
    }

    /** Records the row of an attempt that did not commit (status failed or superseded). */
    public void writeAttempt(ManifestRow row) throws IOException {
        Path staged = stage(row.unitId(), row.attemptId(), row);
        Path target = layout.attemptManifest(row.unitId(), row.attemptId());
        FileSystem fs = TableFileSystems.get(target, hadoop);
        fs.mkdirs(target.getParent());
        if (!fs.rename(staged, target)) {
            throw new IOException("cannot move " + staged + " to " + target);
        }
    }

    /** Writes {@code row} into the attempt's staging folder and returns the file. */
    Path stage(String unitId, String attemptId, ManifestRow row) throws IOException {
        Object[] checked = RowCheck.check(EngineTables.MANIFEST, row.values(), 0);
        Path staged = new Path(layout.stagingDir(unitId, attemptId), STAGED_ROW);
        try (ParquetTableFile file = new ParquetTableFile(staged, EngineTables.MANIFEST, hadoop)) {
            file.write(checked);
        }
        return staged;
    }

    /**
     * Moves a staged committing row into the unit's manifest name unless a row is there already.
     *
     * @return whether this row became the unit's committed row
     */
    boolean moveToCommitted(Path stagedRow, String unitId) throws IOException {
        Path target = layout.committedManifest(unitId);
        FileSystem fs = TableFileSystems.get(target, hadoop);
        fs.mkdirs(target.getParent());
        return TableFileSystems.moveIfAbsent(fs, stagedRow, target);
    }

    /** The attempt that committed {@code unitId} (read from its committed row); null when the unit is not committed. */
    String committedAttempt(String unitId) throws IOException {
        Path row = layout.committedManifest(unitId);
        if (!TableFileSystems.get(row, hadoop).exists(row)) {
            return null;
        }
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), row).withConf(hadoop).build()) {
            Group g = reader.read();
            if (g == null) {
                throw new IOException("the committed manifest row " + row + " is empty");
            }
            return g.getString("attempt_id", 0);
        }
    }
}
