package org.neurosweep.job;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One schedulable piece of a sweep: references and parameters, never tensors. Built on the driver by a
 * {@link Planner}, shipped to executors, run by a {@link Kernel}.
 *
 * <p>The {@link #id()} is a hash of everything that determines the unit's output: job name and version, the models
 * (role, name, folder, checkpoint), the dataset slice, the parameters and the round. The same sweep therefore plans
 * the same ids on any cluster, which is what lets a rerun skip committed units.
 *
 * @param models  the models by role, in order; the first is the primary one (the {@code model_id} column, the
 *                executor grouping key). Empty for units that need no model.
 * @param dataset the slice of data to read, or null
 * @param round   the round of a {@link RoundsJob}, or -1
 */
public record WorkUnit(String id, String job, int jobVersion, Map<String, ModelRef> models, DatasetSlice dataset,
                       Params params, int round) implements Serializable {

    /** The role of the only model of most units. */
    public static final String MODEL = "model";

    private static final int ID_HEX_CHARS = 16;

    public WorkUnit {
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    /** A unit with its id computed from its content. */
    public static WorkUnit of(Job job, Map<String, ModelRef> models, DatasetSlice dataset, Params params, int round) {
        String id = hash(canonical(job.name(), job.version(), models, dataset, params, round));
        return new WorkUnit(id, job.name(), job.version(), models, dataset, params, round);
    }

    /** A unit of one model (role {@link #MODEL}). */
    public static WorkUnit of(Job job, ModelRef model, DatasetSlice dataset, Params params) {
        return of(job, model == null ? Map.of() : Map.of(MODEL, model), dataset, params, -1);
    }

    /** The same unit in round {@code r} of a {@link RoundsJob}, with its own id. */
    public WorkUnit inRound(int r) {
        String id = hash(canonical(job, jobVersion, models, dataset, params, r));
        return new WorkUnit(id, job, jobVersion, models, dataset, params, r);
    }

    /**
     * The driver-side unit that aggregates round {@code r} of the experiment this unit stands for (a
     * {@link RoundsJob}'s parameter point); its id differs from any client unit's.
     */
    public WorkUnit aggregationOf(int r) {
        String id = hash("aggregation\n" + canonical(job, jobVersion, models, dataset, params, r));
        return new WorkUnit(id, job, jobVersion, models, dataset, params, r);
    }

    /** The primary model, or null when the unit needs none. */
    public ModelRef primaryModel() {
        return models.isEmpty() ? null : models.values().iterator().next();
    }

    /** The key that groups units on executors: units of one model run next to each other. */
    public String groupKey() {
        ModelRef m = primaryModel();
        return m == null ? "" : m.cacheKey();
    }

    static String canonical(String job, int version, Map<String, ModelRef> models, DatasetSlice dataset,
                            Params params, int round) {
        StringBuilder sb = new StringBuilder();
        sb.append("job=").append(job).append('\n').append("version=").append(version).append('\n');
        models.forEach((role, ref) -> sb.append("model.").append(role).append('=').append(ref.canonical()).append('\n'));
        sb.append("dataset=").append(dataset == null ? "-" : dataset.canonical()).append('\n');
        sb.append("params=").append(params.canonical()).append('\n');
        sb.append("round=").append(round).append('\n');
        return sb.toString();
    }

    private static String hash(String canonical) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, ID_HEX_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }

    /** "job model@checkpoint dataset[i/n] {params}" for listings. */
    public String describe() {
        StringBuilder sb = new StringBuilder(job);
        models.forEach((role, ref) -> sb.append(' ').append(MODEL.equals(role) ? "" : role + "=").append(ref));
        if (dataset != null) {
            sb.append(' ').append(dataset.label());
        }
        if (!params.values().isEmpty()) {
            sb.append(" {").append(params.canonical()).append('}');
        }
        if (round >= 0) {
            sb.append(" round ").append(round);
        }
        return sb.toString();
    }
}
