package org.neurosweep.methods.icl;

import java.util.List;

/**
 * The records of one composite task {@code t = s1 ∘ s2} and of its two single-step parts, ready for prompt sampling.
 *
 * @param task   the composite task's name ({@code s1-s2} for the internal-CoT benchmark)
 * @param s1     the first step's name
 * @param s2     the second step's name
 * @param composite records with y_t and t1 (and t2 where the source has it)
 * @param first  single-step records of s1
 * @param second single-step records of s2
 */
public record TaskPools(String task, String s1, String s2, List<IclExample> composite, List<IclExample> first,
                        List<IclExample> second) {

    public TaskPools {
        composite = List.copyOf(composite);
        first = List.copyOf(first);
        second = List.copyOf(second);
    }

    /** The records of {@code part}. */
    public List<IclExample> pool(TaskPart part) {
        return switch (part) {
            case COMPOSITE -> composite;
            case S1 -> first;
            case S2 -> second;
        };
    }

    /** The task name of {@code part}: the composite's, or the step's. */
    public String name(TaskPart part) {
        return switch (part) {
            case COMPOSITE -> task;
            case S1 -> s1;
            case S2 -> s2;
        };
    }
}
