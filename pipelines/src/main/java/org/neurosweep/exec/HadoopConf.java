package org.neurosweep.exec;

import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * The driver's Hadoop configuration (with {@code spark.hadoop.*} settings), shipped to executors by broadcast, with a
 * fingerprint of its entries so that an executor can tell one sweep's settings from another's.
 */
public final class HadoopConf implements Serializable {

    private transient Configuration conf;
    private final String fingerprint;

    public HadoopConf(Configuration conf) {
        this.conf = conf;
        this.fingerprint = fingerprint(conf);
    }

    public Configuration get() {
        return conf;
    }

    /** SHA-256 over the configuration's entries in key order: equal for equal settings. */
    public String fingerprint() {
        return fingerprint;
    }

    static String fingerprint(Configuration conf) {
        TreeMap<String, String> entries = new TreeMap<>();
        conf.forEach(e -> entries.put(e.getKey(), e.getValue()));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            entries.forEach((k, v) -> sha.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        conf.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        conf = new Configuration(false);
        conf.readFields(in);
    }
}
