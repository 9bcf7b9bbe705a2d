package org.neurosweep.exec;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Local paths for files on any Hadoop file system: {@code file:} URIs as they are, anything else copied once per
 * executor JVM into the scratch folder (tokenizers and datasets are read through {@code java.nio}).
 */
public final class LocalCopies {

    private final java.nio.file.Path scratch;
    private final Configuration hadoop;
    private final Map<String, java.nio.file.Path> copies = new ConcurrentHashMap<>();
    private final Consumer<java.nio.file.Path> beforePublish;

    public LocalCopies(java.nio.file.Path scratch, Configuration hadoop) {
        this(scratch, hadoop, target -> { });
    }

    /** @param beforePublish called with the target between copying and renaming into place (tests force races there) */
    LocalCopies(java.nio.file.Path scratch, Configuration hadoop, Consumer<java.nio.file.Path> beforePublish) {
        this.scratch = scratch;
        this.hadoop = hadoop;
        this.beforePublish = beforePublish;
    }

    /** A local file or folder with the content of {@code uri}. */
    public java.nio.file.Path local(String uri) throws IOException {
        URI u = new Path(uri).toUri();
        if (u.getScheme() == null || u.getScheme().equals("file")) {
            return java.nio.file.Path.of(u.getPath());
        }
        try {
            return copies.computeIfAbsent(uri, this::copy);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    // The target's name is the same in every executor JVM of a host that shares the scratch folder, so each copies into
    // a partial name of its own and renames it into place; a JVM that loses the race to an identical copy drops its own.
    private java.nio.file.Path copy(String uri) {
        Path source = new Path(uri);
        java.nio.file.Path target = scratch.resolve("copies").resolve(digest(uri)).resolve(source.getName());
        try {
            if (!Files.exists(target)) {
                java.nio.file.Path partial = target.resolveSibling(target.getFileName() + ".partial-" + UUID.randomUUID());
                FileSystem fs = source.getFileSystem(hadoop);
                Files.createDirectories(target.getParent());
                fs.copyToLocalFile(false, source, new Path(partial.toUri()), true);
                beforePublish.accept(target);
                try {
                    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    if (!Files.exists(target)) {
                        throw e;
                    }
                    deleteTree(partial);   // a folder another JVM published first
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + uri + " to " + target + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(java.nio.file.Path root) throws IOException {
        try (Stream<java.nio.file.Path> paths = Files.walk(root)) {
            for (java.nio.file.Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String digest(String uri) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(uri.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
