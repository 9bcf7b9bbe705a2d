package org.neurosweep.job;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The jobs on the classpath by name. A job is added by listing its class in
 * {@code META-INF/services/org.neurosweep.job.Job}; loading checks that names are unique, that a table two jobs declare has one schema, and that
 * no job claims an engine table.
 */
public final class JobRegistry {

    /** Tables the engine writes itself. */
    public static final Set<String> ENGINE_TABLES = Set.of("manifest", "errors", "artifacts");

    private static final Pattern JOB_NAME = Pattern.compile("[a-z][a-z0-9-]*");

    private final Map<String, Job> jobs;

    private JobRegistry(Map<String, Job> jobs) {
        this.jobs = Collections.unmodifiableMap(jobs);
    }

    /** The jobs the service loader finds on the context class loader. */
    public static JobRegistry load() {
        return of(ServiceLoader.load(Job.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    /** A registry of exactly {@code jobs}. */
    public static JobRegistry of(List<? extends Job> jobs) {
        Map<String, Job> byName = new TreeMap<>();
        Map<String, String> tableOwner = new HashMap<>();
        Map<String, TableSchema> tableSchema = new HashMap<>();
        for (Job job : jobs) {
            if (!JOB_NAME.matcher(job.name()).matches()) {
                throw new IllegalStateException("job name must be kebab-case: '" + job.name() + "' (" + job.getClass().getName() + ")");
            }
            Job previous = byName.put(job.name(), job);
            if (previous != null) {
                throw new IllegalStateException("two jobs named '" + job.name() + "': "
                        + previous.getClass().getName() + " and " + job.getClass().getName());
            }
            for (TableSchema table : job.tables()) {
                if (ENGINE_TABLES.contains(table.name())) {
                    throw new IllegalStateException("job " + job.name() + " declares the engine table '" + table.name() + "'");
                }
                // one table may be written by several jobs only with one schema (lota-qaf inline and lota-eval)
                TableSchema previousSchema = tableSchema.putIfAbsent(table.name(), table);
                String owner = tableOwner.put(table.name(), job.name());
                if (previousSchema != null && !previousSchema.equals(table)) {
                    throw new IllegalStateException("table '" + table.name() + "' is declared by jobs " + owner + " and "
                            + job.name() + " with different schemas");
                }
            }
        }
        return new JobRegistry(byName);
    }

    /** The job called {@code name}, or null. */
    public Job find(String name) {
        return jobs.get(name);
    }

    /** The registered names, sorted. */
    public Set<String> names() {
        return jobs.keySet();
    }

    public Collection<Job> all() {
        return jobs.values();
    }
}
