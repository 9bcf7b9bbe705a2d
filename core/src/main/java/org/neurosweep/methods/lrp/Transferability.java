package org.neurosweep.methods.lrp;

import java.util.Map;

/**
 * LRP2's English-centric transferability (docs/methods/lrp2-mlama.md §4, B4): over the facts (by uuid) probed in both
 * language l and English, |R_l ∩ R_en| / |R_l ∪ R_en| where R is the set of facts answered correctly; as a fraction
 * (the paper reports 100 times it). Null when no shared fact is answered in either language.
 */
public final class Transferability {

    private Transferability() {
    }

    /**
     * @param correctL  whether each fact (by uuid) was answered in language l
     * @param correctEn the same for English
     */
    public static Double of(Map<String, Boolean> correctL, Map<String, Boolean> correctEn) {
        long both = 0;
        long either = 0;
        for (Map.Entry<String, Boolean> e : correctL.entrySet()) {
            Boolean en = correctEn.get(e.getKey());
            if (en == null) {
                continue;
            }
            both += e.getValue() && en ? 1 : 0;
            either += e.getValue() || en ? 1 : 0;
        }
        return either == 0 ? null : (double) both / either;
    }
}
