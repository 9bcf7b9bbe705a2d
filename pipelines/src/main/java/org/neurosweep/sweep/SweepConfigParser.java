package org.neurosweep.sweep;

import com.typesafe.config.Config;
import org.neurosweep.data.Shard;
import org.neurosweep.job.Job;
import org.neurosweep.job.JobRegistry;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.Params;
import org.neurosweep.job.SupportsCheckpointSeries;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses the merged config into a {@link SweepConfig}. Every problem (unknown key, wrong type, bad value, a name
 * that refers to nothing, a job that cannot take a series or a dataset format) is collected with its file, line
 * and key, and all are reported together in one {@link SweepConfigException}.
 */
public final class SweepConfigParser {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private SweepConfigParser() {
    }

    public static SweepConfig parse(Config root, JobRegistry registry) {
        ConfigProblems problems = new ConfigProblems();
        Section sweep = Section.at(root, "sweep", problems);
        String name = sweep.string("name");
        if (!RUN_ID.matcher(name).matches()) {
            sweep.problem("name", "must be letters, digits, '.', '_' or '-' (it names the default run), got \"" + name + "\"");
        }
        EngineSettings engine = engine(Section.at(root, "neurosweep", problems), name);
        Map<String, ModelSource> models = models(sweep);
        Map<String, DatasetSpec> datasets = datasets(sweep.section("datasets"));
        List<JobEntry> jobs = jobs(sweep, registry, models, datasets);
        sweep.rejectUnasked();
        if (jobs.isEmpty() && problems.isEmpty()) {
            sweep.problem("jobs", "the sweep has no job entry; add at least one { job = NAME, models = [...] }"
                    + " (neurosweep jobs lists the jobs; conf/sweeps/ has examples)");
        }
        problems.throwIfAny();
        return new SweepConfig(name, engine, models, datasets, jobs);
    }

    private static EngineSettings engine(Section ns, String sweepName) {
        String runId = ns.string("run-id");
        if (runId.isEmpty()) {
            runId = sweepName;
        } else if (!RUN_ID.matcher(runId).matches()) {
            ns.problem("run-id", "must be letters, digits, '.', '_' or '-', got \"" + runId + "\"");
        }
        Section ex = ns.section("executor");
        String scratch = ex.string("scratch-dir");
        if (scratch.isEmpty()) {
            scratch = Path.of(System.getProperty("java.io.tmpdir"), "neurosweep-" + System.getProperty("user.name")).toString();
        }
        ExecutorSettings executor = new ExecutorSettings(
                ex.bytes("model-cache", 1),
                ex.bytes("micro-batch-memory", 1),
                ex.integer("max-micro-batch", 1),
                ex.integer("units-per-task", 1),
                scratch,
                ex.bytes("max-record-bytes", 1));
        ex.rejectUnasked();
        Section nat = ns.section("native");
        String cacheDir = nat.string("cache-dir");
        NativeSettings nativeLibs = new NativeSettings(
                nat.bytes("max-bytes", 1 << 20),
                nat.bytes("max-physical-bytes", 1 << 20),
                nat.integer("threads", 0),
                cacheDir.isEmpty() ? Path.of(scratch, "javacpp").toString() : cacheDir);
        nat.rejectUnasked();
        Section sp = ns.section("spark");
        SparkSettings spark = new SparkSettings(sp.string("master"), sp.string("app-name"),
                sp.stringMap("conf"));
        sp.rejectUnasked();
        Section progress = ns.section("progress");
        Duration interval = progress.duration("interval");
        progress.rejectUnasked();
        EngineSettings engine = new EngineSettings(Uris.resolve(ns.string("out")), runId,
                ns.number("failure-ceiling", 0.0, 1.0), ns.duration("run-lease"), executor, nativeLibs, spark, interval);
        ns.rejectUnasked();
        return engine;
    }

    private static Map<String, ModelSource> models(Section sweep) {
        Map<String, ModelSource> out = new LinkedHashMap<>();
        Section models = sweep.section("models");
        for (String name : models.keys()) {
            Section m = models.section(name);
            boolean hasPath = m.required("path");
            String path = m.string("path", "");
            m.rejectUnasked();
            if (checkName(models, name) && hasPath) {
                out.put(name, new ModelSource.Single(name, Uris.resolve(path), ConfigProblems.where(m.origin())));
            }
        }
        Section series = sweep.section("checkpoints");
        for (String name : series.keys()) {
            Section s = series.section(name);
            boolean scan = s.has("dir");
            boolean listed = s.has("paths");
            String dir = s.string("dir", "");
            String prefix = s.string("prefix", "");
            List<String> paths = s.strings("paths").stream().map(Uris::resolve).toList();
            ModelSource.StepSource stepFrom = enumValue(s, "step-from", ModelSource.StepSource.AUTO);
            s.rejectUnasked();
            if (!checkName(series, name)) {
                continue;
            }
            if (out.containsKey(name)) {
                series.problem(name, "is also the name of a model under sweep.models; names must be unique");
                continue;
            }
            if (scan == listed) {
                series.problem(name, "needs exactly one of 'dir' (scan a folder) or 'paths' (an explicit list)");
                continue;
            }
            if (!scan && paths.isEmpty()) {
                s.problem("paths", "must name at least one checkpoint folder");
            }
            out.put(name, new ModelSource.Series(name, scan ? Uris.resolve(dir) : null, prefix, paths, stepFrom,
                    ConfigProblems.where(s.origin())));
        }
        return out;
    }

    private static Map<String, DatasetSpec> datasets(Section datasets) {
        Map<String, DatasetSpec> out = new LinkedHashMap<>();
        for (String name : datasets.keys()) {
            Section d = datasets.section(name);
            boolean complete = d.required("format") & d.required("path");
            String format = d.string("format", "");
            String path = d.string("path", "");
            int shards = d.integer("shards", 1, 1);
            Shard.Mode mode = enumValue(d, "shard-mode", Shard.Mode.MODULO);
            int maxRecords = d.integer("max-records", 0, 0);
            Map<String, String> options = d.stringMap("options");
            d.rejectUnasked();
            if (checkName(datasets, name) && complete) {
                out.put(name, new DatasetSpec(name, format, Uris.resolve(path), shards, mode, maxRecords, options,
                        ConfigProblems.where(d.origin())));
            }
        }
        return out;
    }

    private static List<JobEntry> jobs(Section sweep, JobRegistry registry, Map<String, ModelSource> models,
                                       Map<String, DatasetSpec> datasets) {
        List<JobEntry> out = new ArrayList<>();
        List<Section> afterKeys = new ArrayList<>();
        for (Section j : sweep.sections("jobs")) {
            boolean named = j.required("job");
            String jobName = j.string("job", "");
            List<String> modelNames = j.strings("models");
            List<String> datasetNames = j.strings("datasets");
            List<String> after = j.strings("after");
            Section params = j.section("params");
            j.rejectUnasked();
            if (!named) {
                continue;
            }
            Job job = registry.find(jobName);
            if (job == null) {
                j.problem("job", "no job named '" + jobName + "'; known jobs: " + String.join(", ", registry.names()));
                continue;
            }
            for (String m : modelNames) {
                ModelSource source = models.get(m);
                if (source == null) {
                    j.problem("models", "'" + m + "' is neither under sweep.models nor under sweep.checkpoints");
                } else if (source instanceof ModelSource.Series && !(job instanceof SupportsCheckpointSeries)) {
                    j.problem("models", "job " + jobName + " does not run over checkpoint series, but '" + m + "' is one");
                }
            }
            checkDatasets(j, job, datasetNames, datasets);
            List<Params> grid = ParamGrid.parse(params, job.params());
            out.add(new JobEntry(job, modelNames, datasetNames, grid, after, 0, ConfigProblems.where(j.origin())));
            afterKeys.add(j);
        }
        return withStages(out, afterKeys);
    }

    /**
     * The entries with their stages: 0 without {@code after}; else one more than the highest stage of the entries of
     * the jobs named there, each of which must have an entry in the sweep. A cycle is a problem of every entry on it.
     */
    private static List<JobEntry> withStages(List<JobEntry> entries, List<Section> sections) {
        Map<String, List<Integer>> entriesOfJob = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            entriesOfJob.computeIfAbsent(entries.get(i).job().name(), k -> new ArrayList<>()).add(i);
        }
        for (int i = 0; i < entries.size(); i++) {
            for (String name : entries.get(i).after()) {
                if (!entriesOfJob.containsKey(name)) {
                    sections.get(i).problem("after", "no entry of job '" + name + "' in this sweep (after names jobs of "
                            + "other entries: " + String.join(", ", entriesOfJob.keySet()) + ")");
                } else if (name.equals(entries.get(i).job().name())) {
                    sections.get(i).problem("after", "an entry cannot follow its own job");
                }
            }
        }
        int[] stage = new int[entries.size()];
        // longest chain of 'after' by relaxation: a stage above the entry count means a cycle
        for (int round = 0; round <= entries.size(); round++) {
            boolean changed = false;
            for (int i = 0; i < entries.size(); i++) {
                for (String name : entries.get(i).after()) {
                    for (int k : entriesOfJob.getOrDefault(name, List.of())) {
                        if (k != i && stage[k] + 1 > stage[i]) {
                            stage[i] = stage[k] + 1;
                            changed = true;
                        }
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
        List<JobEntry> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            JobEntry e = entries.get(i);
            if (stage[i] >= entries.size()) {
                sections.get(i).problem("after", "the entries' 'after' lists form a cycle through job " + e.job().name());
            }
            out.add(new JobEntry(e.job(), e.models(), e.datasets(), e.grid(), e.after(), stage[i], e.origin()));
        }
        return out;
    }

    private static void checkDatasets(Section j, Job job, List<String> names, Map<String, DatasetSpec> datasets) {
        if (job instanceof NeedsDataset needs) {
            if (names.isEmpty()) {
                j.problem("datasets", "job " + job.name() + " reads examples; name at least one dataset (formats: "
                        + String.join(", ", needs.formats()) + ")");
            }
            for (String d : names) {
                DatasetSpec spec = datasets.get(d);
                if (spec == null) {
                    j.problem("datasets", "'" + d + "' is not under sweep.datasets");
                } else if (!needs.formats().contains(spec.format())) {
                    j.problem("datasets", "job " + job.name() + " reads formats " + String.join(", ", needs.formats())
                            + ", but dataset '" + d + "' has format '" + spec.format() + "' (" + spec.origin() + ")");
                }
            }
        } else if (!names.isEmpty()) {
            j.problem("datasets", "job " + job.name() + " reads no dataset");
        }
    }

    private static boolean checkName(Section parent, String name) {
        if (!NAME.matcher(name).matches()) {
            parent.problem(name, "names may hold letters, digits, '_' and '-'");
            return false;
        }
        return true;
    }

    private static <E extends Enum<E>> E enumValue(Section s, String key, E fallback) {
        String raw = s.string(key, fallback.name().toLowerCase(Locale.ROOT));
        for (E e : fallback.getDeclaringClass().getEnumConstants()) {
            if (e.name().equalsIgnoreCase(raw)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : fallback.getDeclaringClass().getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT));
        }
        s.problem(key, "must be one of " + String.join(", ", allowed) + ", got \"" + raw + "\"");
        return fallback;
    }
}
