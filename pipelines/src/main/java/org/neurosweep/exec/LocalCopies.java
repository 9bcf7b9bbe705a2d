package org.neurosweep.exec;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Local paths for files on any Hadoop file system: {@code file:} URIs as they are, anything else copied once per
 * executor JVM into the scratch folder (tokenizers and datasets are read through {@code java.nio}).
 */
public final class LocalCopies {

    private final java.nio.file.Path scratch;
    private final Configuration hadoop;
    private final Map<String, java.nio.file.Path> copies = new ConcurrentHashMap<>();

    public LocalCopies(java.nio.file.Path scratch, Configuration hadoop) {
        this.scratch = scratch;
        this.hadoop = hadoop;
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

    private java.nio.file.Path copy(String uri) {
        Path source = new Path(uri);
        java.nio.file.Path target = scratch.resolve("copies").resolve(digest(uri)).resolve(source.getName());
        try {
            if (!Files.exists(target)) {
                java.nio.file.Path partial = target.resolveSibling(target.getFileName() + ".partial");
                FileSystem fs = source.getFileSystem(hadoop);
                Files.createDirectories(target.getParent());
                fs.copyToLocalFile(false, source, new Path(partial.toUri()), true);
                Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + uri + " to " + target + ": " + e.getMessage(), e);
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
