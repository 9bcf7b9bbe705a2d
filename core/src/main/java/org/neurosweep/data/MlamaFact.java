package org.neurosweep.data;

/**
 * One mLAMA triple (subject, relation, object) in one language, from {@code LANG/PID.jsonl}. {@code uuid} is the fact's
 * id across languages. Required keys: {@code uuid}, {@code sub_label}, {@code obj_label}. {@code predicate_id} and
 * {@code language} default to the file's relation and directory and must agree with them when present.
 * {@code lineId}, {@code subUri}, {@code objUri} are null when absent; {@code seenInPretraining} is null when the
 * dataset does not say whether the fact was stated in this language during pretraining.
 */
public record MlamaFact(String uuid, Integer lineId, String subUri, String subLabel, String objUri, String objLabel,
                        String predicateId, String language, Boolean seenInPretraining) {

    static MlamaFact fromJson(JsonRecord json, String language, String relation) throws InvalidRecordException {
        return new MlamaFact(
                json.text("uuid"),
                json.optionalInteger("lineid"),
                json.optionalText("sub_uri"),
                json.text("sub_label"),
                json.optionalText("obj_uri"),
                json.text("obj_label"),
                agreeing(json, "predicate_id", relation, "the file name"),
                agreeing(json, "language", language, "the directory"),
                json.optionalBoolean("seen_in_pretraining"));
    }

    private static String agreeing(JsonRecord json, String key, String fromLayout, String layoutPart) throws InvalidRecordException {
        String value = json.optionalText(key);
        if (value != null && !value.equals(fromLayout)) {
            throw new InvalidRecordException(key + " '" + value + "' disagrees with " + layoutPart + " ('" + fromLayout + "')");
        }
        return fromLayout;
    }
}
