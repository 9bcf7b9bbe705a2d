package org.neurosweep.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParquetRecordsTest {

    private static final int ROWS = 500;

    /** The shapes NeuroSweep's tables use: strings, ints, longs, doubles, booleans, array<float>, a struct, a map. */
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message example {
              required binary example_id (STRING);
              required int32 layer;
              optional int64 checkpoint;
              required double score;
              required boolean correct;
              optional group vector (LIST) { repeated group list { optional float element; } }
              optional group span { required int32 start; required int32 end; }
              optional group tags (MAP) { repeated group key_value { required binary key (STRING); optional binary value (STRING); } }
              optional binary blob;
            }""");

    @TempDir
    static Path dir;
    private static Path file;

    @BeforeAll
    static void writeFile() throws IOException {
        file = dir.resolve("rows.parquet");
        SimpleGroupFactory rows = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
                .withType(SCHEMA).withConf(new Configuration()).withRowGroupSize(4096L).withPageSize(1024).build()) {
            for (int i = 0; i < ROWS; i++) {
                Group row = rows.newGroup().append("example_id", "ex-" + i).append("layer", i % 6).append("score", i / 4.0)
                        .append("correct", i % 3 == 0);
                if (i % 2 == 0) {
                    row.append("checkpoint", 1000L * i);
                }
                Group list = row.addGroup("vector").addGroup("list");
                list.append("element", i + 0.5f);
                row.getGroup("vector", 0).addGroup("list").append("element", (float) -i);
                row.addGroup("span").append("start", i).append("end", i + 3);
                row.addGroup("tags").addGroup("key_value").append("key", "model").append("value", "dense");
                if (i == 7) {
                    row.append("blob", org.apache.parquet.io.api.Binary.fromConstantByteArray(new byte[] {1, 2, 3}));
                }
                writer.write(row);
            }
        }
    }

    @Test
    void readsEveryRowIntoPlainJavaValues() {
        ReadResult<Map<String, Object>> result = ParquetRecords.read(file, Shard.all());
        assertTrue(result.isClean(), result.badRecords().toString());
        List<Map<String, Object>> rows = result.records();
        assertEquals(ROWS, rows.size());
        for (int i = 0; i < ROWS; i++) {
            Map<String, Object> row = rows.get(i);
            assertEquals("ex-" + i, row.get("example_id"));
            assertEquals(i % 6, row.get("layer"));
            assertEquals(i % 2 == 0 ? 1000L * i : null, row.get("checkpoint"));
            assertEquals(i / 4.0, row.get("score"));
            assertEquals(i % 3 == 0, row.get("correct"));
            assertEquals(List.of(i + 0.5f, (float) -i), row.get("vector"));
            assertEquals(Map.of("start", i, "end", i + 3), row.get("span"));
            assertEquals(Map.of("model", "dense"), row.get("tags"));
        }
        assertEquals(List.of("example_id", "layer", "checkpoint", "score", "correct", "vector", "span", "tags", "blob"),
                new ArrayList<>(rows.get(0).keySet()), "schema order");
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) rows.get(7).get("blob"));
        assertNull(rows.get(8).get("blob"));
    }

    @Test
    void shardsSelectRowsAcrossRowGroups() {
        List<Map<String, Object>> all = ParquetRecords.read(file, Shard.all()).orThrow();
        for (Shard shard : List.of(Shard.contiguous(0, 3), Shard.contiguous(2, 3), Shard.modulo(1, 7))) {
            assertEquals(ids(shard.select(all)), ids(ParquetRecords.read(file, shard).orThrow()), shard.toString());
        }
    }

    @Test
    void aFileThatIsNotParquetIsOneBadRecord() throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Path cut = Files.write(dir.resolve("cut.parquet"), Arrays.copyOf(bytes, bytes.length / 2));
        ReadResult<Map<String, Object>> result = ParquetRecords.read(cut, Shard.all());
        assertTrue(result.records().isEmpty());
        assertEquals(1, result.badRecords().size());
        BadRecord bad = result.badRecords().get(0);
        assertTrue(bad.source().endsWith("cut.parquet"), bad.source());
        assertEquals(0, bad.line());
        assertTrue(bad.reason().startsWith("not a readable Parquet file"), bad.reason());
    }

    @Test
    void aCorruptPageEndsReadingAtItsRowAndKeepsTheRowsBefore() throws IOException {
        long rowsBefore;
        long chunkMiddle;
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
            List<BlockMetaData> groups = reader.getRowGroups();
            assertTrue(groups.size() >= 3, "the test file spans several row groups: " + groups.size());
            rowsBefore = groups.get(0).getRowCount() + groups.get(1).getRowCount();
            ColumnChunkMetaData score = groups.get(2).getColumns().get(3);
            assertEquals("score", score.getPath().toDotString());
            chunkMiddle = score.getStartingPos() + score.getTotalSize() / 2;
        }
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < 8; i++) {
            bytes[(int) chunkMiddle + i] ^= (byte) 0x5A;
        }
        Path corrupt = Files.write(dir.resolve("corrupt.parquet"), bytes);
        ReadResult<Map<String, Object>> result = ParquetRecords.read(corrupt, Shard.all());
        List<Map<String, Object>> intact = ParquetRecords.read(file, Shard.all()).orThrow();
        assertEquals(ids(intact.subList(0, (int) rowsBefore)), ids(result.records()));
        assertEquals(1, result.badRecords().size());
        BadRecord bad = result.badRecords().get(0);
        assertEquals(rowsBefore + 1, bad.line(), bad.toString());
        assertTrue(bad.reason().startsWith("unreadable from this row on"), bad.reason());
    }

    @Test
    void missingFileIsADatasetError() {
        Path missing = dir.resolve("none.parquet");
        DatasetException e = assertThrows(DatasetException.class, () -> ParquetRecords.read(missing, Shard.all()));
        assertTrue(e.getMessage().contains("none.parquet"), e.getMessage());
    }

    /** Rows compared by id: {@code byte[]} values have no value equality. */
    private static List<Object> ids(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> r.get("example_id")).toList();
    }
}
