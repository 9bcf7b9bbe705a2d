package org.neurosweep.testjobs;

import org.apache.hadoop.fs.RawLocalFileSystem;

import java.net.URI;

/**
 * The local file system under another scheme, {@code nsalias:///path}. Hadoop finds it only through
 * {@code fs.nsalias.impl}, so a read that works proves that the sweep's {@code spark.hadoop.fs.nsalias.impl} setting
 * reached the code that reads (on the driver and on executors in other JVMs).
 */
public final class AliasFileSystem extends RawLocalFileSystem {

    public static final String SCHEME = "nsalias";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }
}
