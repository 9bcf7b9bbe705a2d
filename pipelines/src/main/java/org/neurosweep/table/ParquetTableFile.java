package org.neurosweep.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.neurosweep.job.TableSchema;

import java.io.Closeable;
import java.io.IOException;

/** One Snappy-compressed Parquet file of one table, written row by row; complete only after {@link #close()}. */
final class ParquetTableFile implements Closeable {

    private final ParquetWriter<Object[]> writer;
    private long rows;

    ParquetTableFile(Path path, TableSchema table, Configuration hadoop) throws IOException {
        this.writer = new Builder(TableFileSystems.outputFile(TableFileSystems.get(path, hadoop), path), table)
                .withConf(hadoop)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build();
    }

    /** Appends a row already validated against the table. */
    void write(Object[] row) throws IOException {
        writer.write(row);
        rows++;
    }

    long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }

    private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {

        private final TableSchema table;

        Builder(OutputFile file, TableSchema table) {
            super(file);
            this.table = table;
        }

        @Override
        protected Builder self() {
            return this;
        }

        // the abstract Hadoop-Configuration variant that parquet-hadoop 1.15 still requires
        @Override
        @SuppressWarnings("deprecation")
        protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
            return new RowWriteSupport(table);
        }
    }
}
