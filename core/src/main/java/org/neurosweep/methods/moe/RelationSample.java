package org.neurosweep.methods.moe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.neurosweep.data.InvalidRecordException;
import org.neurosweep.data.JsonLines;
import org.neurosweep.data.JsonRecord;
import org.neurosweep.data.ReadResult;
import org.neurosweep.data.Shard;
import org.neurosweep.methods.probe.ProbeQuery;
import org.neurosweep.methods.probe.RelationProbe;

/**
 * One knowledge sample of docs/methods/moe-attribution.md step 1: {@code prompt} is the template filled with the subject (zero
 * shot), and the target is the first token of {@code objectText} ({@code " " + object} when the prompt is followed
 * by a space).
 *
 * @param task     the relation: an mLAMA template's label (e.g. capital) or its relation id; a JSONL line's
 *                 {@code task}, or the file's name
 * @param language the mLAMA language; null for JSONL samples
 * @param sampleId an id unique within the dataset
 */
public record RelationSample(String task, String language, String sampleId, String subject, String object,
                             String template, String prompt, String objectText) {

    private static final String SLOT = "{}";

    /** The samples of mLAMA tasks: the template cut before [Y], [X] filled (see {@link ProbeQuery}). */
    public static List<RelationSample> fromMlama(List<RelationProbe> tasks) {
        List<RelationSample> out = new ArrayList<>();
        for (RelationProbe t : tasks) {
            String task = t.template().label() != null ? t.template().label() : t.relation();
            t.facts().forEach(f -> {
                ProbeQuery q = ProbeQuery.of(t.template(), f);
                out.add(new RelationSample(task, t.language(), f.uuid() + "/" + t.language(), f.subLabel(), f.objLabel(),
                        t.template().template(), q.prompt(), q.objectText(f.objLabel())));
            });
        }
        return out;
    }

    /**
     * The lines {@code shard} selects of an LRE-style JSONL file: {@code {"subject", "object", "template"}} with the
     * subject slot {@code {}} (e.g. "The capital city of {} is"), optional {@code task} (default: the file name
     * without extension) and {@code id} (default: task/subject). A line without these keys, or whose template
     * lacks the slot, is a bad record.
     */
    public static ReadResult<RelationSample> readJsonl(Path file, Shard shard) {
        String name = file.getFileName().toString();
        String fileTask = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        return JsonLines.read(file, shard, json -> fromJson(json, fileTask));
    }

    private static RelationSample fromJson(JsonRecord json, String fileTask) throws InvalidRecordException {
        String template = json.text("template");
        if (!template.contains(SLOT)) {
            throw new InvalidRecordException("template lacks the subject slot {}: \"" + template + "\"");
        }
        String subject = json.text("subject");
        String object = json.text("object");
        String task = json.optionalText("task") != null ? json.optionalText("task") : fileTask;
        String id = json.optionalText("id") != null ? json.optionalText("id") : task + "/" + subject;
        String prompt = template.replace(SLOT, subject).stripTrailing();
        return new RelationSample(task, null, id, subject, object, template, prompt, " " + object);
    }
}
