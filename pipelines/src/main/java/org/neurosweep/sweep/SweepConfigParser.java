package org.neurosweep.sweep;

import com.typesafe.config.Config;
import org.neurosweep.data.Shard;
import org.neurosweep.job.Job;
import org.neurosweep.job.JobRegistry;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.Params;
import org.neurosweep.job.SupportsCheckpointSeries;

import java.nio.file.Path;
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
        sweep.allowOnly("name", "models", "checkpoints", "datasets", "jobs");
        String name = sweep.string("name");
        if (!RUN_ID.matcher(name).matches()) {
            sweep.problem("name", "must be letters, digits, '.', '_' or '-' (it names the default run), got \"" + name + "\"");
        }
        EngineSettings engine = engine(Section.at(root, "neurosweep", problems), name);
        Map<String, ModelSource> models = models(sweep);
        Map<String, DatasetSpec> datasets = datasets(sweep.section("datasets"));
        List<JobEntry> jobs = jobs(sweep, registry, models, datasets);
        if (jobs.isEmpty() && problems.isEmpty()) {
            sweep.problem("jobs", "the sweep has no job entry; add at least one { job = NAME, models = [...] }"
                    + " (neurosweep jobs lists the jobs; conf/sweeps/ has examples)");
        }
        problems.throwIfAny();
        return new SweepConfig(name, engine, models, datasets, jobs);
    }

    private static EngineSettings engine(Section ns, String sweepName) {
        ns.allowOnly("out", "run-id", "failure-ceiling", "run-lease", "executor", "native", "spark", "progress");
        String runId = ns.string("run-id");
        if (runId.isEmpty()) {
            runId = sweepName;
        } else if (!RUN_ID.matcher(runId).matches()) {
            ns.problem("run-id", "must be letters, digits, '.', '_' or '-', got \"" + runId + "\"");
        }
        Section ex = ns.section("executor");
        ex.allowOnly("model-cache", "micro-batch-memory", "max-micro-batch", "units-per-task", "scratch-dir",
                "max-record-bytes");
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
        Section nat = ns.section("native");
        nat.allowOnly("max-bytes", "max-physical-bytes", "threads", "cache-dir");
        String cacheDir = nat.string("cache-dir");
        NativeSettings nativeLibs = new NativeSettings(
                nat.bytes("max-bytes", 1 << 20),
                nat.bytes("max-physical-bytes", 1 << 20),
                nat.integer("threads", 0),
                cacheDir.isEmpty() ? Path.of(scratch, "javacpp").toString() : cacheDir);
        Section sp = ns.section("spark");
        sp.allowOnly("master", "app-name", "conf");
        SparkSettings spark = new SparkSettings(sp.string("master"), sp.string("app-name"),
                sp.stringMap("conf"));
        Section progress = ns.section("progress");
        progress.allowOnly("interval");
        return new EngineSettings(Uris.resolve(ns.string("out")), runId, ns.number("failure-ceiling", 0.0, 1.0),
                ns.duration("run-lease"), executor, nativeLibs, spark, progress.duration("interval"));
    }

    private static Map<String, ModelSource> models(Section sweep) {
        Map<String, ModelSource> out = new LinkedHashMap<>();
        Section models = sweep.section("models");
        for (String name : models.keys()) {
            Section m = models.section(name);
            m.allowOnly("path");
            if (checkName(models, name) && m.required("path")) {
                out.put(name, new ModelSource.Single(name, Uris.resolve(m.string("path")), ConfigProblems.where(m.origin())));
            }
        }
        Section series = sweep.section("checkpoints");
        for (String name : series.keys()) {
            Section s = series.section(name);
            s.allowOnly("dir", "prefix", "paths", "step-from");
            if (!checkName(series, name)) {
                continue;
            }
            if (out.containsKey(name)) {
                series.problem(name, "is also the name of a model under sweep.models; names must be unique");
                continue;
            }
            boolean scan = s.has("dir");
            if (scan == s.has("paths")) {
                series.problem(name, "needs exactly one of 'dir' (scan a folder) or 'paths' (an explicit list)");
                continue;
            }
            ModelSource.StepSource stepFrom = enumValue(s, "step-from", ModelSource.StepSource.AUTO);
            List<String> paths = s.strings("paths").stream().map(Uris::resolve).toList();
            if (!scan && paths.isEmpty()) {
                s.problem("paths", "must name at least one checkpoint folder");
            }
            out.put(name, new ModelSource.Series(name, scan ? Uris.resolve(s.string("dir", "")) : null,
                    s.string("prefix", ""), paths, stepFrom, ConfigProblems.where(s.origin())));
        }
        return out;
    }

    private static Map<String, DatasetSpec> datasets(Section datasets) {
        Map<String, DatasetSpec> out = new LinkedHashMap<>();
        for (String name : datasets.keys()) {
            Section d = datasets.section(name);
            d.allowOnly("format", "path", "shards", "shard-mode", "max-records", "options");
            if (!checkName(datasets, name) || !d.required("format") || !d.required("path")) {
                continue;
            }
            out.put(name, new DatasetSpec(name, d.string("format"), Uris.resolve(d.string("path")),
                    d.integer("shards", 1, 1), enumValue(d, "shard-mode", Shard.Mode.MODULO),
                    d.integer("max-records", 0, 0), d.stringMap("options"), ConfigProblems.where(d.origin())));
        }
        return out;
    }

    private static List<JobEntry> jobs(Section sweep, JobRegistry registry, Map<String, ModelSource> models,
                                       Map<String, DatasetSpec> datasets) {
        List<JobEntry> out = new ArrayList<>();
        for (Section j : sweep.sections("jobs")) {
            j.allowOnly("job", "models", "datasets", "params");
            if (!j.required("job")) {
                continue;
            }
            String jobName = j.string("job");
            Job job = registry.find(jobName);
            if (job == null) {
                j.problem("job", "no job named '" + jobName + "'; known jobs: " + String.join(", ", registry.names()));
                continue;
            }
            List<String> modelNames = j.strings("models");
            for (String m : modelNames) {
                ModelSource source = models.get(m);
                if (source == null) {
                    j.problem("models", "'" + m + "' is neither under sweep.models nor under sweep.checkpoints");
                } else if (source instanceof ModelSource.Series && !(job instanceof SupportsCheckpointSeries)) {
                    j.problem("models", "job " + jobName + " does not run over checkpoint series, but '" + m + "' is one");
                }
            }
            List<String> datasetNames = j.strings("datasets");
            checkDatasets(j, job, datasetNames, datasets);
            List<Params> grid = ParamGrid.parse(j.section("params"), job.params());
            out.add(new JobEntry(job, modelNames, datasetNames, grid, ConfigProblems.where(j.origin())));
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
