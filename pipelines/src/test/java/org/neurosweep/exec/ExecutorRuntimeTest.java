package org.neurosweep.exec;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.sweep.ExecutorSettings;
import org.neurosweep.sweep.NativeSettings;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** An executor JVM keeps its runtime while sweeps bring the same settings and replaces it for other ones. */
class ExecutorRuntimeTest {

    private static HadoopConf conf(String value) {
        Configuration c = new Configuration(false);
        c.set("fs.nsalias.impl", value);
        return new HadoopConf(c);
    }

    @Test
    void anotherSweepsHadoopSettingsReplaceTheRuntime(@TempDir Path scratch) throws Exception {
        ExecutorSettings settings = new ExecutorSettings(1 << 20, 1 << 20, 4, 1, scratch.toString(), 1 << 20);
        NativeSettings natives = new NativeSettings(0, 0, 1, scratch.resolve("native").toString());

        ExecutorRuntime first = ExecutorRuntime.get(settings, natives, conf("a"));
        assertSame(first, ExecutorRuntime.get(settings, natives, roundTrip(conf("a"))),
                "equal settings, as a broadcast delivers them, keep the runtime and its model cache");
        ExecutorRuntime second = ExecutorRuntime.get(settings, natives, conf("b"));
        assertNotSame(first, second);
        assertEquals("b", second.hadoop().get("fs.nsalias.impl"));
    }

    @Test
    void theFingerprintSurvivesSerialisationAndDependsOnEveryEntry() throws Exception {
        assertEquals(conf("a").fingerprint(), roundTrip(conf("a")).fingerprint());
        assertNotEquals(conf("a").fingerprint(), conf("b").fingerprint());
    }

    private static HadoopConf roundTrip(HadoopConf conf) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(conf);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (HadoopConf) in.readObject();
        }
    }
}
