package org.neurosweep.text;

/**
 * Token ids of {@code text} with the character span of each token: token {@code i} covers
 * {@code text.substring(starts[i], ends[i])}, indices in Java {@code char}s (UTF-16 units). A token holding only part of
 * a character (byte-level BPE splits a multi-byte character into several tokens) spans the whole character.
 * The arrays are owned by this record and must not be modified.
 */
public record TokenizedText(String text, int[] ids, int[] starts, int[] ends) {

    public TokenizedText {
        if (ids.length != starts.length || ids.length != ends.length) {
            throw new IllegalArgumentException("ids, starts and ends differ in length: " + ids.length + ", " + starts.length + ", " + ends.length);
        }
    }

    public int length() {
        return ids.length;
    }

    /**
     * The token positions {@code [first, end)} of the tokens that overlap the characters {@code [charStart, charEnd)};
     * {@code first == end} when none does. This is how a text span (e.g. TRACE constraints) becomes a span of positions.
     */
    public int[] tokenSpan(int charStart, int charEnd) {
        if (charStart < 0 || charEnd > text.length() || charStart > charEnd) {
            throw new IndexOutOfBoundsException("character span [" + charStart + ", " + charEnd + ") outside text of length " + text.length());
        }
        int first = 0;
        while (first < ids.length && ends[first] <= charStart) {
            first++;
        }
        int end = first;
        while (charStart < charEnd && end < ids.length && starts[end] < charEnd) {
            end++;
        }
        return new int[] {first, end};
    }
}
