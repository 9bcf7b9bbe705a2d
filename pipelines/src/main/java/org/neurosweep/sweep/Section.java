package org.neurosweep.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A typed view of one config object that records, instead of throwing, every missing, mistyped, out-of-range or
 * unknown key with its origin (file and line); getters then return the fallback so parsing can go on.
 */
final class Section {

    private final Config config;
    private final String path;
    private final ConfigOrigin origin;
    private final ConfigProblems problems;
    /** The keys the parser asked for: the keys this object may have ({@link #rejectUnasked()}). */
    private final Set<String> asked = new java.util.LinkedHashSet<>();

    private Section(Config config, String path, ConfigOrigin origin, ConfigProblems problems) {
        this.config = config;
        this.path = path;
        this.origin = origin;
        this.problems = problems;
    }

    /** The object at {@code path} of {@code root}; a missing or non-object value is a problem and an empty view. */
    static Section at(Config root, String path, ConfigProblems problems) {
        if (root.hasPath(path) && root.getValue(path).valueType() == ConfigValueType.OBJECT) {
            return new Section(root.getConfig(path), path, root.getValue(path).origin(), problems);
        }
        ConfigOrigin where = root.hasPath(path) ? root.getValue(path).origin() : root.origin();
        problems.add(where, path, root.hasPath(path) ? "must be an object" : "missing");
        return new Section(ConfigFactory.empty(), path, where, problems);
    }

    ConfigOrigin origin() {
        return origin;
    }

    /** The full key of {@code key}, for messages. */
    private String keyPath(String key) {
        return path + "." + key;
    }

    /** Whether {@code key} is set; every getter goes through here, so this also records {@code key} as known. */
    boolean has(String key) {
        asked.add(key);
        return config.hasPath(q(key));
    }

    /** Keys of this object, in the order HOCON gives them (sorted for determinism). */
    List<String> keys() {
        List<String> keys = new ArrayList<>(config.root().keySet());
        keys.sort(null);
        return keys;
    }

    private ConfigOrigin originOf(String key) {
        return config.hasPath(q(key)) ? config.getValue(q(key)).origin() : origin;
    }

    ConfigValue value(String key) {
        return config.hasPath(q(key)) ? config.getValue(q(key)) : null;
    }

    void problem(String key, String message) {
        problems.add(originOf(key), keyPath(key), message);
    }

    Section section(String key) {
        if (!has(key)) {
            return new Section(ConfigFactory.empty(), keyPath(key), origin, problems);
        }
        if (value(key).valueType() != ConfigValueType.OBJECT) {
            problem(key, "must be an object, got " + describe(value(key)));
            return new Section(ConfigFactory.empty(), keyPath(key), originOf(key), problems);
        }
        return new Section(config.getConfig(q(key)), keyPath(key), originOf(key), problems);
    }

    /** The elements of the list {@code key} that are objects; other elements are problems. */
    List<Section> sections(String key) {
        List<Section> out = new ArrayList<>();
        if (!has(key)) {
            return out;
        }
        List<? extends ConfigValue> list = list(key);
        for (int i = 0; i < list.size(); i++) {
            ConfigValue v = list.get(i);
            String k = keyPath(key) + "[" + i + "]";
            if (v.valueType() != ConfigValueType.OBJECT) {
                problems.add(v.origin(), k, "must be an object, got " + describe(v));
            } else {
                out.add(new Section(((ConfigObject) v).toConfig(), k, v.origin(), problems));
            }
        }
        return out;
    }

    /** A required string. */
    String string(String key) {
        return read(key, true, "", config::getString, "a string");
    }

    String string(String key, String fallback) {
        return read(key, false, fallback, config::getString, "a string");
    }

    /** A required integer of at least {@code min}. */
    int integer(String key, int min) {
        return atLeast(key, read(key, true, min, config::getInt, "an integer"), min);
    }

    int integer(String key, int fallback, int min) {
        return atLeast(key, read(key, false, fallback, config::getInt, "an integer"), min);
    }

    /** A required number in [min, max]. */
    double number(String key, double min, double max) {
        double v = read(key, true, min, config::getDouble, "a number");
        if (v < min || v > max) {
            problem(key, "must lie in [" + min + ", " + max + "], got " + v);
            return min;
        }
        return v;
    }

    /** A required size in bytes of at least {@code min}: a number or "512m", "4g" and the like. */
    long bytes(String key, long min) {
        long v = read(key, true, min, k -> config.getBytes(k), "a size in bytes (like 512m or 4g)");
        if (v < min) {
            problem(key, "must be at least " + min + " bytes, got " + v);
            return min;
        }
        return v;
    }

    /** A required positive duration. */
    Duration duration(String key) {
        Duration v = read(key, true, Duration.ofSeconds(1), config::getDuration, "a duration (like 2s or 500ms)");
        if (v.isNegative() || v.isZero()) {
            problem(key, "must be positive, got " + v);
            return Duration.ofSeconds(1);
        }
        return v;
    }

    List<String> strings(String key) {
        return read(key, false, List.of(), config::getStringList, "a list of strings");
    }

    /** A string-to-string map: every value of the object {@code key} rendered as a string. */
    Map<String, String> stringMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        Section s = section(key);
        for (String k : s.config.root().keySet()) {
            ConfigValue v = s.config.root().get(k);
            if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
                s.problems.add(v.origin(), s.path + "." + k, "must be a plain value (quote keys with dots), got " + describe(v));
            } else if (v.valueType() != ConfigValueType.NULL) {
                out.put(k, String.valueOf(v.unwrapped()));
            }
        }
        return out;
    }

    private List<? extends ConfigValue> list(String key) {
        return read(key, false, List.of(), config::getList, "a list");
    }

    /**
     * Records a problem for every key of this object that the parser did not ask for: the keys a section may have
     * are declared once, by reading them. Call after every key of the object was read.
     */
    void rejectUnasked() {
        allowOnly(asked.toArray(new String[0]));
    }

    /** Records a problem for every key of this object that is not in {@code allowed} (a job's declared parameters). */
    void allowOnly(String... allowed) {
        Set<String> known = Set.of(allowed);
        for (String key : config.root().keySet()) {
            if (!known.contains(key)) {
                String hint = closest(key, allowed);
                problems.add(config.root().get(key).origin(), keyPath(key), "unknown key"
                        + (hint == null ? "; known keys: " + String.join(", ", sorted(allowed)) : "; did you mean '" + hint + "'?"));
            }
        }
    }

    boolean required(String key) {
        if (!has(key)) {
            problems.add(origin, keyPath(key), "missing (required)");
            return false;
        }
        return true;
    }

    private int atLeast(String key, int v, int min) {
        if (v < min) {
            problem(key, "must be at least " + min + ", got " + v);
            return min;
        }
        return v;
    }

    private <T> T read(String key, boolean required, T fallback, Function<String, T> getter, String expected) {
        if (!has(key)) {
            if (required) {
                required(key);
            }
            return fallback;
        }
        try {
            return getter.apply(q(key));
        } catch (ConfigException e) {
            problem(key, "expected " + expected + ", got " + describe(value(key)));
            return fallback;
        }
    }

    static String describe(ConfigValue v) {
        if (v == null) {
            return "nothing";
        }
        return switch (v.valueType()) {
            case STRING -> "\"" + v.unwrapped() + "\"";
            case OBJECT -> "an object";
            case LIST -> "a list " + v.render(ConfigRenderOptions.concise());
            default -> String.valueOf(v.unwrapped());
        };
    }

    private static String q(String key) {
        return ConfigUtil.joinPath(key);
    }

    private static String[] sorted(String[] keys) {
        String[] copy = keys.clone();
        Arrays.sort(copy);
        return copy;
    }

    /** The allowed key within edit distance 2 of {@code key}, or null. */
    private static String closest(String key, String[] allowed) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : allowed) {
            int d = editDistance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
