package org.neurosweep.data;

/**
 * A relation's query template in one language, from {@code LANG/templates.jsonl}: {@code template} holds the subject
 * slot {@code [X]} and the object slot {@code [Y]}; {@code label} (e.g. "capital") is optional and may be null.
 */
public record MlamaTemplate(String language, String relation, String template, String label) {

    static MlamaTemplate fromJson(JsonRecord json, String language) throws InvalidRecordException {
        String template = json.text("template");
        for (String slot : new String[] {"[X]", "[Y]"}) {
            if (!template.contains(slot)) {
                throw new InvalidRecordException("template lacks the " + slot + " slot: \"" + template + "\"");
            }
        }
        return new MlamaTemplate(language, json.text("relation"), template, json.optionalText("label"));
    }
}
