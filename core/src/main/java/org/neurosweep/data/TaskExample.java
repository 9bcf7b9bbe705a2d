package org.neurosweep.data;

/** An example of a single-step internal-CoT task ({@code base/TASK.json}): {@code output} = task(input). */
public record TaskExample(String task, String input, String output) {
}
