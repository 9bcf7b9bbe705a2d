package org.neurosweep.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a Parquet file on any Hadoop file system into rows of plain Java values (see {@link ParquetValues}).
 * Shard positions are row indices; row groups without a selected row are skipped unread. Page checksums, where
 * the writer stored them (parquet-mr 1.12+ and Spark do by default), are verified, so corrupt pages are not read as data. A file that is not Parquet
 * (bad magic, corrupt footer) is one {@link BadRecord} at line 0; a row that fails to decode is one at that row
 * (1-based) and ends the reading, keeping the rows before it.
 */
public final class ParquetRecords {

    private ParquetRecords() {
    }

    /** A local file, with a default Hadoop configuration. */
    public static ReadResult<Map<String, Object>> read(java.nio.file.Path file, Shard shard) {
        return read(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration(), shard);
    }

    /** @throws DatasetException when the file does not exist or cannot be opened */
    public static ReadResult<Map<String, Object>> read(org.apache.hadoop.fs.Path file, Configuration conf, Shard shard) {
        String source = file.toString();
        InputFile input;
        try {
            input = HadoopInputFile.fromPath(file, conf);
        } catch (FileNotFoundException e) {
            throw new DatasetException("no Parquet file " + source, e);
        } catch (IOException e) {
            throw new DatasetException("cannot open " + source + ": " + e, e);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        List<BadRecord> bad = new ArrayList<>();
        ParquetFileReader reader;
        try {
            reader = ParquetFileReader.open(input, HadoopReadOptions.builder(conf, file).usePageChecksumVerification(true).build());
        } catch (IOException | RuntimeException e) {
            bad.add(new BadRecord(source, 0, "not a readable Parquet file: " + e.getMessage()));
            return new ReadResult<>(rows, bad);
        }
        try (reader) {
            readRowGroups(reader, shard, rows);
        } catch (UnreadableRowException e) {
            bad.add(new BadRecord(source, e.row + 1, "unreadable from this row on: " + e.getCause()));
        } catch (IOException e) {
            throw new DatasetException("cannot close " + source + ": " + e, e);
        }
        return new ReadResult<>(rows, bad);
    }

    /**
     * Every row of an opened file, in order: for files this project wrote itself (committed tables), where a row that
     * does not decode is an internal error, thrown, not a bad record.
     */
    public static List<Map<String, Object>> rows(ParquetFileReader reader) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try {
            readRowGroups(reader, Shard.all(), rows);
        } catch (UnreadableRowException e) {
            throw new IOException("row " + (e.row + 1) + " does not decode", e.getCause());
        }
        return rows;
    }

    private static void readRowGroups(ParquetFileReader reader, Shard shard, List<Map<String, Object>> rows) throws UnreadableRowException {
        MessageType schema = reader.getFileMetaData().getSchema();
        MessageColumnIO columns = new ColumnIOFactory().getColumnIO(schema);
        long total = reader.getRecordCount();
        long first = 0;
        for (BlockMetaData block : reader.getRowGroups()) {
            long end = first + block.getRowCount();
            long row = first;
            try {
                if (!shard.selectsAny(first, end, total)) {
                    reader.skipNextRowGroup();
                } else {
                    PageReadStore pages = reader.readNextRowGroup();
                    RecordReader<Group> records = columns.getRecordReader(pages, new GroupRecordConverter(schema));
                    for (; row < end; row++) {
                        Group group = records.read();
                        if (shard.selects(row, total)) {
                            rows.add(ParquetValues.record(group));
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw new UnreadableRowException(row, e);
            }
            first = end;
        }
    }

    /** Decoding failed at 0-based row {@code row}; the rest of the file is not read. */
    private static final class UnreadableRowException extends Exception {
        final long row;

        UnreadableRowException(long row, Exception cause) {
            super(cause);
            this.row = row;
        }
    }
}
