package org.neurosweep.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the layers of a sweep's configuration, highest priority first: {@code --set key=value} arguments (the
 * last one wins), {@code -Dkey=value} system properties, the config files (later files over earlier ones), and the
 * {@code reference.conf} defaults in the jars. Origins are kept, so later errors name the file and line.
 */
public final class SweepConfigLoader {

    private SweepConfigLoader() {
    }

    /** The merged, resolved config; a missing file or a HOCON syntax error is a {@link SweepConfigException}. */
    public static Config load(List<Path> files, List<String> sets) {
        try {
            Config merged = ConfigFactory.empty();
            for (int i = sets.size() - 1; i >= 0; i--) {
                merged = merged.withFallback(parseSet(sets.get(i)));
            }
            merged = merged.withFallback(ours(ConfigFactory.parseProperties(System.getProperties(),
                    ConfigParseOptions.defaults().setOriginDescription("-D system property"))));
            for (int i = files.size() - 1; i >= 0; i--) {
                Config file = parseFile(files.get(i));
                checkTopLevel(file, files.get(i).toString());
                merged = merged.withFallback(file);
            }
            merged = merged.withFallback(ConfigFactory.defaultReferenceUnresolved());
            return merged.withFallback(thisRun(merged)).resolve();
        } catch (ConfigException e) {
            throw new SweepConfigException(e.getMessage().replace(HOCON_UNCLOSED, UNCLOSED));
        }
    }

    /**
     * The keys a sweep substitutes to name its own run's output, for an entry that reads what an earlier stage of the
     * run committed ({@code after}): {@code ${run.id}}, {@code ${run.out}} (the output root, an absolute local path,
     * or the URI when it is not local) and {@code ${run.artifacts}} ({@code <out>/artifacts/run=<id>}, the units'
     * artifact folders). Computed from {@code neurosweep.out}, {@code neurosweep.run-id} and {@code sweep.name} as the
     * parser reads them; nothing when those are missing or not strings (the parser reports them).
     */
    static Config thisRun(Config merged) {
        try {
            Config partial = merged.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
            String id = partial.getString("neurosweep.run-id");
            if (id.isEmpty()) {
                id = partial.getString("sweep.name");
            }
            String out = Uris.resolve(partial.getString("neurosweep.out"));
            if (out.startsWith("file:")) {
                out = out.substring("file:".length());
            }
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("id", id);
            run.put("out", out);
            run.put("artifacts", out + "/artifacts/run=" + id);
            return ConfigFactory.parseMap(Map.of("run", run), "the run's own output (neurosweep.out, neurosweep.run-id, sweep.name)");
        } catch (ConfigException e) {
            return ConfigFactory.empty();
        }
    }

    /** What Typesafe Config says when a file ends inside an object (it names the wrong bracket), and what we say. */
    private static final String HOCON_UNCLOSED = "expecting a close parentheses ')' here, not: end of file";
    private static final String UNCLOSED = "the file ends inside an object: a closing '}' is missing";

    /** The namespaces a sweep config may set; any other top-level key is an error (a typo would be ignored). */
    static final java.util.Set<String> NAMESPACES = java.util.Set.of("neurosweep", "sweep");

    /** Only our namespaces of the system properties (the JVM's own java.*, user.*, ... are not settings). */
    private static Config ours(Config properties) {
        Config out = ConfigFactory.empty();
        for (String ns : NAMESPACES) {
            if (properties.hasPath(ns)) {
                out = out.withFallback(properties.withOnlyPath(ns));
            }
        }
        return out;
    }

    private static void checkTopLevel(Config config, String where) {
        for (String key : config.root().keySet()) {
            if (!NAMESPACES.contains(key)) {
                throw new SweepConfigException(where + ": unknown top-level key '" + key
                        + "'; settings live under neurosweep { } and the sweep under sweep { }");
            }
        }
    }

    private static Config parseFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SweepConfigException(file + ": no such config file");
        }
        return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults()
                .setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
    }

    /**
     * {@code key=value}: a value starting with {@code [}, {@code {} or a quote is HOCON; anything else is taken
     * verbatim as a string (so {@code hdfs://nn/out} is not cut at the {@code //} comment marker). Typed getters
     * convert strings such as {@code 64} or {@code true}.
     */
    private static Config parseSet(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new SweepConfigException("--set " + assignment + ": expected key=value");
        }
        String key = assignment.substring(0, eq).trim();
        String value = assignment.substring(eq + 1).trim();
        String origin = "--set " + assignment;
        if (!NAMESPACES.contains(key.split("\\.", 2)[0]) || !key.contains(".")) {
            throw new SweepConfigException(origin + ": unknown key '" + key + "'; keys start with neurosweep. or sweep."
                    + " (see reference.conf for every key)");
        }
        if (value.startsWith("[") || value.startsWith("{") || value.startsWith("\"")) {
            return ConfigFactory.parseString(key + " = " + value, ConfigParseOptions.defaults()
                    .setSyntax(ConfigSyntax.CONF).setOriginDescription(origin));
        }
        return ConfigFactory.empty(origin).withValue(key, ConfigValueFactory.fromAnyRef(value, origin));
    }
}
