package org.neurosweep.data;

/** One turn of a chat prompt: {@code role} is {@code system}, {@code user} or {@code assistant}. */
public record ChatMessage(String role, String content) {
}
