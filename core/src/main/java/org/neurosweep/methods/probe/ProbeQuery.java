package org.neurosweep.methods.probe;

import org.neurosweep.data.MlamaFact;
import org.neurosweep.data.MlamaTemplate;

/**
 * One mLAMA fact put to a causal LM, as text (data/README.md, the exact-match probe):
 * <ul>
 *   <li>{@code prompt}: the relation's template cut before {@code [Y]}, {@code [X]} filled with the subject, trailing
 *       whitespace removed;</li>
 *   <li>{@code separator}: what joins the prompt to the object: {@code " "} when the template has whitespace before
 *       {@code [Y]} (so the object text is {@code " " + obj_label}, as the reference probe defines it), {@code ""} when
 *       it joins {@code [Y]} to the text before it (e.g. CJK templates) or starts with {@code [Y]};</li>
 *   <li>{@code tail}: the template after {@code [Y]} with {@code [X]} filled (e.g. {@code "."}); the ranking mode
 *       scores it too, so that each candidate's score is that of the whole filled template.</li>
 * </ul>
 */
public record ProbeQuery(MlamaFact fact, String prompt, String separator, String tail) {

    private static final String SUBJECT = "[X]";
    private static final String OBJECT = "[Y]";

    public static ProbeQuery of(MlamaTemplate template, MlamaFact fact) {
        String text = template.template();
        int at = text.indexOf(OBJECT);
        if (at < 0) {
            throw new IllegalArgumentException("template of " + template.language() + "/" + template.relation()
                    + " has no " + OBJECT + " slot: \"" + text + "\"");
        }
        String head = text.substring(0, at).replace(SUBJECT, fact.subLabel());
        String prompt = head.stripTrailing();
        String separator = !prompt.isEmpty() && prompt.length() < head.length() ? " " : "";
        String tail = text.substring(at + OBJECT.length()).replace(SUBJECT, fact.subLabel());
        return new ProbeQuery(fact, prompt, separator, tail);
    }

    /** The object as it follows the prompt: the exact-match target text. */
    public String objectText(String object) {
        return separator + object;
    }

    /** The rest of the filled template after the prompt: the ranking mode's continuation. */
    public String completion(String object) {
        return separator + object + tail;
    }
}
