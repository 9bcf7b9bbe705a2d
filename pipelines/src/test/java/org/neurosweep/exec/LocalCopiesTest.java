package org.neurosweep.exec;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.testjobs.AliasFileSystem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Copies of remote files in a scratch folder that several executor JVMs of one host share. The other JVM's steps are
 * forced by leaving what it would leave: its unfinished partial copy, or its finished copy.
 */
class LocalCopiesTest {

    private static Configuration alias() {
        Configuration conf = new Configuration(false);
        conf.set("fs." + AliasFileSystem.SCHEME + ".impl", AliasFileSystem.class.getName());
        return conf;
    }

    private static String remote(Path local) {
        return AliasFileSystem.SCHEME + "://" + local.toAbsolutePath();
    }

    @Test
    void anotherJvmsUnfinishedCopyDoesNotDisturbThisOne(@TempDir Path dir) throws Exception {
        Path source = Files.writeString(dir.resolve("data.jsonl"), "{\"a\": 1}\n");
        Path scratch = dir.resolve("scratch");
        Path first = new LocalCopies(scratch, alias()).local(remote(source));
        // a second JVM finds no copy yet while the first JVM's partial file (read-only, half written) is in its way
        Files.delete(first);
        Path stale = Files.writeString(first.resolveSibling(first.getFileName() + ".partial"), "{\"a\"");
        Files.setPosixFilePermissions(stale, PosixFilePermissions.fromString("r--r--r--"));

        Path second = new LocalCopies(scratch, alias()).local(remote(source));
        assertEquals(first, second);
        assertEquals("{\"a\": 1}\n", Files.readString(second));
        assertEquals("{\"a\"", Files.readString(stale), "the other JVM's partial file is its own to finish");
    }

    @Test
    void aFolderAnotherJvmPublishesWhileThisOneCopiesIsKeptAndThisCopyDropped(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("model"));
        Files.writeString(folder.resolve("config.json"), "{}");
        LocalCopies racing = new LocalCopies(dir.resolve("scratch"), alias(), target -> {
            try {   // the other JVM renames its finished copy into place first
                Files.createDirectories(target);
                Files.writeString(target.resolve("config.json"), "{}");
                Files.writeString(target.resolve("published-by-the-other-jvm"), "");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Path copy = racing.local(remote(folder));
        assertTrue(Files.exists(copy.resolve("published-by-the-other-jvm")), "the published copy is kept");
        assertEquals("{}", Files.readString(copy.resolve("config.json")));
        try (Stream<Path> left = Files.list(copy.getParent())) {
            assertEquals(List.of(copy.getFileName().toString()), left.map(p -> p.getFileName().toString()).toList(),
                    "this JVM's partial copy is removed");
        }
    }
}
