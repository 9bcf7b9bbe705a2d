package org.neurosweep.data;

/**
 * An example of a composite task: {@code output} = y_t = s2(s1(input)); {@code t1} = s1(input), the intermediate
 * answer; {@code t2} = s2 applied without s1 (to the raw input, or to the first list item for choose_last tasks),
 * kept exactly as given in the data file.
 */
public record CompositeExample(CompositeTask task, String input, String output, String t1, String t2) {
}
