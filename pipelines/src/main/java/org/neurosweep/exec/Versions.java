package org.neurosweep.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Build versions recorded in every manifest row (from {@code org/neurosweep/versions.properties}, filled by Maven). */
public record Versions(String neurosweep, String spark, String nd4j, String nd4jBackend, String java) {

    private static final Versions CURRENT = read();

    public static Versions current() {
        return CURRENT;
    }

    private static Versions read() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/org/neurosweep/versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("org/neurosweep/versions.properties is missing from the classpath");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Versions(p.getProperty("neurosweep"), org.apache.spark.package$.MODULE$.SPARK_VERSION(),
                p.getProperty("nd4j"), p.getProperty("nd4j-backend"), System.getProperty("java.version"));
    }
}
