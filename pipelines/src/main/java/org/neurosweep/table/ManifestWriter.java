package org.neurosweep.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/**
 * Writes one manifest row per attempt, as its own file: staged, then renamed into
 * {@code manifest/run=R/part-<unit>-<attempt>.parquet}, so a reader never sees a half-written file.
 */
public final class ManifestWriter {

    private final TableLayout layout;
    private final Configuration hadoop;

    public ManifestWriter(TableLayout layout, Configuration hadoop) {
        this.layout = layout;
        this.hadoop = hadoop;
    }

    /** {@code row} follows {@link EngineTables#MANIFEST}'s columns. */
    public void write(String unitId, String attemptId, Object[] row) throws IOException {
        if (row.length != EngineTables.MANIFEST.columns().size()) {
            throw new IllegalArgumentException("a manifest row has " + EngineTables.MANIFEST.columns().size()
                    + " values, got " + row.length);
        }
        Path staged = new Path(layout.stagingDir(unitId, attemptId), "manifest.parquet");
        try (ParquetTableFile file = new ParquetTableFile(staged, EngineTables.MANIFEST, hadoop)) {
            file.write(row);
        }
        Path target = layout.manifestFile(unitId, attemptId);
        FileSystem fs = TableFileSystems.get(target, hadoop);
        fs.mkdirs(target.getParent());
        if (!fs.rename(staged, target)) {
            throw new IOException("cannot move " + staged + " to " + target);
        }
    }
}
