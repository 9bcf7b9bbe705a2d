package org.neurosweep.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A private record (DEPN's (X, Y)): the context X and the private span Y that follows it, e.g. "The phone number of
 * Alice Martin is " and "148525". {@code kind} names the sort of secret (TEL, NAME, RANDOM, or any label);
 * {@code repetitions} is how often the record was in the training data, null when unknown.
 *
 * <p>Generic JSONL ({@code private-records}): {@code {"id", "kind", "context", "secret"[, "repetitions"]}}, the text
 * being context followed directly by secret. Canaries ({@code canaries.jsonl}) become records with the canary's name
 * as id, kind TEL, context = prefix + " " and secret = the number.
 */
public record PrivateRecord(String id, String kind, String context, String secret, Integer repetitions) {

    public PrivateRecord {
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("private record " + id + " has an empty secret");
        }
    }

    /** The text up to the end of the secret. */
    public String text() {
        return context + secret;
    }

    public static ReadResult<PrivateRecord> readGeneric(Path file, Shard shard) {
        return JsonLines.read(file, shard, json -> {
            String secret = json.text("secret");
            if (secret.isEmpty()) {
                throw new InvalidRecordException("empty secret");
            }
            return new PrivateRecord(json.text("id"), json.text("kind"), json.text("context"), secret,
                    json.optionalInteger("repetitions"));
        });
    }

    public static ReadResult<PrivateRecord> readCanaries(Path file, Shard shard) {
        ReadResult<Canary> canaries = Canary.read(file, shard);
        List<PrivateRecord> records = canaries.records().stream().map(PrivateRecord::of).toList();
        return new ReadResult<>(records, canaries.badRecords());
    }

    public static PrivateRecord of(Canary c) {
        return new PrivateRecord(c.name(), "TEL", c.prefix() + " ", c.secret(), c.repetitions());
    }
}
