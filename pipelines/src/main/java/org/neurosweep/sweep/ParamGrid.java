package org.neurosweep.sweep;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.Params;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's {@code params} object as a grid. For a scalar parameter a list of values is a grid axis; for a list
 * parameter a list of lists is. The grid is the cartesian product of the axes (in parameter-name order), each point
 * with every declared parameter (defaults filled in).
 */
final class ParamGrid {

    private ParamGrid() {
    }

    static List<Params> parse(Section params, List<ParamSpec> specs) {
        Map<String, ParamSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        params.allowOnly(byName.keySet().toArray(new String[0]));
        Map<String, List<Object>> axes = new TreeMap<>();
        for (ParamSpec spec : specs) {
            ConfigValue value = params.value(spec.name());
            if (value == null) {
                if (spec.required()) {
                    params.problem(spec.name(), "missing (required: " + spec.doc() + ")");
                } else {
                    axes.put(spec.name(), List.of(spec.defaultValue()));
                }
                continue;
            }
            List<Object> axis = axis(params, spec, value);
            if (axis != null) {
                axes.put(spec.name(), axis);
            }
        }
        return product(axes);
    }

    /** The values a parameter takes in the grid, or null after recording a problem. */
    private static List<Object> axis(Section params, ParamSpec spec, ConfigValue value) {
        boolean isList = value.valueType() == ConfigValueType.LIST;
        List<? extends ConfigValue> elements = isList ? ((ConfigList) value) : List.of(value);
        boolean gridAxis = isList && (!spec.type().isList()
                || (!elements.isEmpty() && elements.stream().allMatch(e -> e.valueType() == ConfigValueType.LIST)));
        if (isList && gridAxis && elements.isEmpty()) {
            params.problem(spec.name(), "an empty list gives the grid no point; expected " + spec.type().description()
                    + " or a list of them");
            return null;
        }
        List<Object> out = new ArrayList<>();
        for (ConfigValue element : gridAxis ? elements : List.of(value)) {
            Object v = convert(spec.type(), element);
            if (v == null) {
                params.problem(spec.name(), "expected " + spec.type().description()
                        + (spec.type().isList() ? "" : " (or a list of them for a grid)") + ", got " + Section.describe(element));
                return null;
            }
            String bad = spec.invalidChoice(v);
            if (bad != null) {
                params.problem(spec.name(), "must be one of " + String.join(", ", spec.choices()) + ", got \"" + bad + "\"");
                return null;
            }
            out.add(v);
        }
        return out;
    }

    private static Object convert(ParamType type, ConfigValue v) {
        return switch (type) {
            case INT -> {
                Long l = integral(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
                yield l == null ? null : l.intValue();
            }
            case LONG -> integral(v, Long.MIN_VALUE, Long.MAX_VALUE);
            case DOUBLE -> number(v);
            case BOOLEAN -> bool(v);
            case STRING -> v.valueType() == ConfigValueType.STRING || v.valueType() == ConfigValueType.NUMBER
                    || v.valueType() == ConfigValueType.BOOLEAN ? String.valueOf(v.unwrapped()) : null;
            case INT_LIST -> list(v, ParamType.INT);
            case DOUBLE_LIST -> list(v, ParamType.DOUBLE);
            case STRING_LIST -> list(v, ParamType.STRING);
        };
    }

    private static List<Object> list(ConfigValue v, ParamType element) {
        if (v.valueType() != ConfigValueType.LIST) {
            return null;
        }
        List<Object> out = new ArrayList<>();
        for (ConfigValue e : (ConfigList) v) {
            Object converted = convert(element, e);
            if (converted == null) {
                return null;
            }
            out.add(converted);
        }
        return List.copyOf(out);
    }

    private static Long integral(ConfigValue v, long min, long max) {
        Double d = number(v);
        if (d == null || d != Math.rint(d) || d < min || d > max) {
            return null;
        }
        return d.longValue();
    }

    private static Double number(ConfigValue v) {
        Object raw = v.unwrapped();
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        if (raw instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Boolean bool(ConfigValue v) {
        Object raw = v.unwrapped();
        if (raw instanceof Boolean b) {
            return b;
        }
        if ("true".equals(raw) || "false".equals(raw)) {
            return Boolean.valueOf((String) raw);
        }
        return null;
    }

    private static List<Params> product(Map<String, List<Object>> axes) {
        List<Map<String, Object>> points = new ArrayList<>();
        points.add(new TreeMap<>());
        for (Map.Entry<String, List<Object>> axis : axes.entrySet()) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> point : points) {
                for (Object value : axis.getValue()) {
                    Map<String, Object> p = new TreeMap<>(point);
                    p.put(axis.getKey(), value);
                    next.add(p);
                }
            }
            points = next;
        }
        return points.stream().map(Params::of).toList();
    }
}
