package org.neurosweep.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.testutil.RepoPaths;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardTest {

    @Test
    void shardsPartitionThePositions() {
        List<Integer> items = IntStream.range(0, 103).boxed().toList();
        for (Shard.Mode mode : Shard.Mode.values()) {
            for (int count : new int[] {1, 2, 7, 103, 150}) {
                List<Integer> union = new ArrayList<>();
                int smallest = Integer.MAX_VALUE;
                int largest = 0;
                for (int i = 0; i < count; i++) {
                    List<Integer> part = new Shard(i, count, mode).select(items);
                    union.addAll(part);
                    smallest = Math.min(smallest, part.size());
                    largest = Math.max(largest, part.size());
                }
                union.sort(null);
                assertEquals(items, union, mode + " " + count + ": every position in exactly one shard");
                assertTrue(largest - smallest <= 1, mode + " " + count + ": shards differ by at most one record");
            }
        }
        assertEquals(List.of(2, 9, 16), Shard.modulo(2, 7).select(items).subList(0, 3));
        assertEquals(IntStream.range(14, 29).boxed().toList(), Shard.contiguous(1, 7).select(items));
    }

    @Test
    void selectsAnyAgreesWithSelects() {
        long total = 50;
        for (Shard shard : List.of(Shard.modulo(3, 8), Shard.contiguous(3, 8), Shard.contiguous(0, 8), Shard.all())) {
            for (long from = 0; from < total; from++) {
                for (long to = from; to <= total; to++) {
                    boolean any = false;
                    for (long p = from; p < to; p++) {
                        any |= shard.selects(p, total);
                    }
                    assertEquals(any, shard.selectsAny(from, to, total), shard + " [" + from + ", " + to + ")");
                }
            }
        }
    }

    @Test
    void invalidShardsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Shard.modulo(3, 3));
        assertThrows(IllegalArgumentException.class, () -> Shard.contiguous(-1, 3));
        assertThrows(IllegalArgumentException.class, () -> Shard.modulo(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Shard(0, 2, null));
    }

    @Test
    void shardsTravelToExecutors() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(Shard.contiguous(2, 5));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(Shard.contiguous(2, 5), in.readObject());
        }
    }

    @Test
    void shardedReadsCoverTheFileAndReportEachBadLineOnce(@TempDir Path dir) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(RepoPaths.dataset("world/instruct.jsonl")));
        lines.set(10, "{\"id\": \"broken\"");
        lines.set(11, "{\"id\": \"x\", \"category\": \"c\", \"instruction\": \"i\", \"input\": 3, \"output\": \"o\"}");
        Path file = Files.write(dir.resolve("instruct.jsonl"), lines);
        ReadResult<InstructionExample> whole = InstructionExample.read(file, Shard.all());
        assertEquals(518, whole.records().size());
        for (Shard.Mode mode : Shard.Mode.values()) {
            List<String> ids = new ArrayList<>();
            List<Long> badLines = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ReadResult<InstructionExample> part = InstructionExample.read(file, new Shard(i, 4, mode));
                part.records().forEach(r -> ids.add(r.id()));
                part.badRecords().forEach(b -> badLines.add(b.line()));
            }
            ids.sort(null);
            assertEquals(whole.records().stream().map(InstructionExample::id).sorted().toList(), ids, mode.name());
            badLines.sort(null);
            assertEquals(List.of(11L, 12L), badLines, mode.name());
        }
        ReadResult<InstructionExample> second = InstructionExample.read(file, Shard.contiguous(1, 4));
        assertEquals("world-00130", second.records().get(0).id(), "contiguous shard 1 of 4 starts at line 131 of 520");
    }
}
