package org.neurosweep.sweep;

import java.nio.file.Path;
import java.util.regex.Pattern;

/** Turns config paths into absolute URIs that mean the same on every executor. */
public final class Uris {

    private static final Pattern SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]+:.*");

    private Uris() {
    }

    /**
     * {@code path} unchanged when it has a scheme ({@code hdfs://}, {@code s3a://}, {@code file:}), else the
     * absolute local path as {@code file:/...} (relative paths are taken from the working directory of the driver).
     * Trailing slashes are dropped so that one folder has one URI.
     */
    public static String resolve(String path) {
        String uri = SCHEME.matcher(path).matches() ? path : "file:" + Path.of(path).toAbsolutePath().normalize();
        while (uri.endsWith("/") && !uri.endsWith(":/") && !uri.endsWith("//")) {
            uri = uri.substring(0, uri.length() - 1);
        }
        return uri;
    }

    /** The last path segment of a URI: a checkpoint's label. */
    public static String lastSegment(String uri) {
        String u = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
        return u.substring(u.lastIndexOf('/') + 1);
    }
}
