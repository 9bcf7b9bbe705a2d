package org.neurosweep.jobs.moe;

import java.nio.file.Path;
import java.util.List;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.data.ReadResult;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.methods.moe.RelationSample;
import org.neurosweep.methods.probe.CandidateSource;
import org.neurosweep.methods.probe.RelationProbe;

/**
 * The samples of one dataset slice in the formats of the p1 jobs: {@code mlama} (an mLAMA folder; the slice's shard
 * applies to every relation file and max-records to each relation) or {@code relation-jsonl} (LRE-style lines; shard
 * and max-records apply to the file). Unreadable records go to the errors table.
 */
final class AttributionInputs {

    private AttributionInputs() {
    }

    /** The samples of {@code tasks} (all when empty) in {@code languages} (mlama; all when empty). */
    static List<RelationSample> read(WorkUnit unit, UnitInputs in, List<String> languages, List<String> tasks,
                                     RowSink out) {
        List<RelationSample> all = read(unit, in, languages, out);
        return tasks.isEmpty() ? all : all.stream().filter(s -> tasks.contains(s.task())).toList();
    }

    private static List<RelationSample> read(WorkUnit unit, UnitInputs in, List<String> languages, RowSink out) {
        Path local = in.dataset();
        if (unit.dataset().format().equals(MoeAttributionJob.MLAMA)) {
            RelationProbe.Loaded loaded = RelationProbe.load(MlamaDataset.open(local), languages, unit.dataset().shard(),
                    CandidateSource.relationObjects());
            out.badRecords(loaded.badRecords());
            return RelationSample.fromMlama(loaded.probes().stream()
                    .map(t -> new RelationProbe(t.template(), unit.dataset().limit(t.facts()), t.pool())).toList());
        }
        ReadResult<RelationSample> read = RelationSample.readJsonl(local, unit.dataset().shard());
        out.badRecords(read.badRecords());
        return unit.dataset().limit(read.records());
    }
}
