package org.neurosweep.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.neurosweep.data.BadRecord;
import org.neurosweep.job.ArtifactDir;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.TableSchema;
import org.neurosweep.job.WorkUnit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The staged outputs of one attempt of one unit: the one table writer every kernel writes through. Rows are
 * validated against the job's schemas, identity columns are filled in, and each table gets one Parquet file in the
 * attempt's staging folder; artifacts go to a local folder until {@link #stageArtifacts()}. Nothing is visible until
 * {@link UnitCommitter} commits and publishes.
 * Not thread-safe: one attempt, one thread.
 */
public final class UnitOutput implements RowSink {

    /** The name of the artifacts folder inside an attempt's staging folder. */
    static final String ARTIFACTS = "artifacts";

    private final TableLayout layout;
    private final WorkUnit unit;
    private final String attemptId;
    private final Map<String, TableSchema> tables;
    private final Configuration hadoop;
    private final java.nio.file.Path localArtifacts;
    private final Map<String, ParquetTableFile> files = new LinkedHashMap<>();
    private final LocalArtifacts artifacts = new LocalArtifacts();
    private long badRecords;

    /**
     * @param tables         the job's tables as declared (without identity columns)
     * @param localArtifacts a local folder for this attempt's artifacts (created on first use)
     */
    public UnitOutput(TableLayout layout, WorkUnit unit, String attemptId, List<TableSchema> tables,
                      Configuration hadoop, java.nio.file.Path localArtifacts) {
        this.layout = layout;
        this.unit = unit;
        this.attemptId = attemptId;
        this.tables = new LinkedHashMap<>();
        tables.forEach(t -> this.tables.put(t.name(), t.prefixedWith(IdentityColumns.COLUMNS)));
        this.hadoop = hadoop;
        this.localArtifacts = localArtifacts;
    }

    @Override
    public TableRows table(String name) {
        TableSchema schema = tables.get(name);
        if (schema == null) {
            throw new IllegalArgumentException("job " + unit.job() + " declares no table '" + name + "' (tables: " + tables.keySet() + ")");
        }
        return (exampleId, values) -> append(schema, exampleId, values);
    }

    @Override
    public void badRecords(List<BadRecord> records) {
        for (BadRecord r : records) {
            Object[] row = new Object[EngineTables.ERRORS.columns().size()];
            IdentityColumns.fill(row, layout.runId(), unit);
            int n = IdentityColumns.UNIT_COLUMNS.size();
            row[n] = r.source();
            row[n + 1] = r.line();
            row[n + 2] = r.reason();
            write(EngineTables.ERRORS, row);
            badRecords++;
        }
    }

    @Override
    public ArtifactDir artifacts() {
        return artifacts;
    }

    /** Rows written to the job's tables so far. */
    public long rows() {
        return files.entrySet().stream().filter(e -> !e.getKey().equals(EngineTables.ERRORS.name()))
                .mapToLong(e -> e.getValue().rows()).sum();
    }

    public long badRecordCount() {
        return badRecords;
    }

    public WorkUnit unit() {
        return unit;
    }

    public String attemptId() {
        return attemptId;
    }

    /** Copies the local artifacts, if the kernel wrote any, into the attempt's staging folder. */
    void stageArtifacts() throws IOException {
        if (!Files.isDirectory(localArtifacts)) {
            return;
        }
        Path copy = new Path(layout.stagingDir(unit.id(), attemptId), ARTIFACTS);
        TableFileSystems.get(copy, hadoop).copyFromLocalFile(false, true, new Path(localArtifacts.toUri()), copy);
    }

    /** Closes every staged file; after this the staged files are complete. */
    public void finish() throws IOException {
        for (ParquetTableFile f : files.values()) {
            f.close();
        }
    }

    /** Drops everything this attempt staged. */
    public void discard() {
        for (ParquetTableFile f : files.values()) {
            try {
                f.close();
            } catch (IOException | RuntimeException e) {
                // the staged file is deleted below whatever state the writer is in
            }
        }
        try {
            Path staging = layout.stagingDir(unit.id(), attemptId);
            TableFileSystems.get(staging, hadoop).delete(staging, true);
        } catch (IOException e) {
            // left for the end-of-run cleanup of the staging root
        }
        deleteLocalArtifacts();
    }

    /** Deletes the local artifact folder (after they were staged, or with the attempt). */
    void deleteLocalArtifacts() {
        if (!Files.exists(localArtifacts)) {
            return;
        }
        try (Stream<java.nio.file.Path> walk = Files.walk(localArtifacts)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + localArtifacts, e);
        }
    }

    private void append(TableSchema schema, String exampleId, Object[] values) {
        int offset = IdentityColumns.COLUMNS.size();
        Object[] row = RowCheck.check(schema, values, offset);
        IdentityColumns.fill(row, layout.runId(), unit);
        row[offset - 1] = exampleId;
        write(schema, row);
    }

    private void write(TableSchema schema, Object[] row) {
        try {
            ParquetTableFile f = files.get(schema.name());
            if (f == null) {
                f = new ParquetTableFile(stagedFile(schema.name()), schema, hadoop);
                files.put(schema.name(), f);
            }
            f.write(row);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write table " + schema.name() + " of unit " + unit.id(), e);
        }
    }

    private Path stagedFile(String table) {
        return new Path(layout.stagingDir(unit.id(), attemptId), table + ".parquet");
    }

    private final class LocalArtifacts implements ArtifactDir {

        @Override
        public java.nio.file.Path local(String relative) {
            java.nio.file.Path p = localArtifacts.resolve(relative).normalize();
            if (!p.startsWith(localArtifacts)) {
                throw new IllegalArgumentException("artifact path escapes the unit's folder: " + relative);
            }
            try {
                Files.createDirectories(p.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + p.getParent(), e);
            }
            return p;
        }

        @Override
        public String uri(String relative) {
            return new Path(layout.artifactsDir(unit.id()), relative).toString();
        }
    }
}
