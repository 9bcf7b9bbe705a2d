package org.neurosweep.methods.masking;

import org.neurosweep.data.ChatMessage;
import org.neurosweep.data.TraceItem;
import org.neurosweep.text.TokenizedText;
import org.neurosweep.text.Tokenizer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A TRACE item rendered as a chat prompt, with the masked span located exactly (docs/methods/internal-cot.md §7): the
 * characters of the constraints (or description and constraints) inside the user turn, turned into token positions
 * through the tokenizer's offset mapping rather than the paper's length arithmetic.
 *
 * @param text      the rendered prompt, ending where the assistant's answer begins
 * @param ids       its token ids (no special tokens added beyond those the template spells)
 * @param spanStart first masked token position
 * @param spanEnd   one past the last masked token position
 */
public record TracePrompt(TraceItem item, String text, int[] ids, int spanStart, int spanEnd) {

    /** The constraint types of the paper's subset: an item qualifies when its {@code levels2} holds all three. */
    public static final List<String> SUBSET_TYPES = List.of("包含约束", "输出格式约束", "语气风格约束");

    /** How the messages become one prompt. */
    public enum ChatTemplate {
        /** Qwen2's ChatML: {@code <|im_start|>role\ncontent<|im_end|>\n} per turn, then {@code <|im_start|>assistant\n}. */
        CHATML("chatml"),
        /** Turn contents joined by blank lines, for models without a chat format (the demo's world models). */
        PLAIN("plain");

        private final String label;

        ChatTemplate(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static ChatTemplate parse(String label) {
            for (ChatTemplate t : values()) {
                if (t.label.equals(label)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown chat template '" + label + "'; known: chatml, plain");
        }
    }

    /** Which part of the user turn is masked. */
    public enum MaskRange {
        /** The constraints text (the paper's default). */
        CONSTRAINTS("constraints"),
        /** Description and constraints. */
        ALL("all");

        private final String label;

        MaskRange(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static MaskRange parse(String label) {
            for (MaskRange r : values()) {
                if (r.label.equals(label)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown mask range '" + label + "'; known: constraints, all");
        }
    }

    /** Whether {@code item} belongs to the paper's subset (69 of the 1,042 evaluation items). */
    public static boolean inSubset(TraceItem item) {
        return item.constraintTypes().containsAll(SUBSET_TYPES);
    }

    /**
     * Renders {@code item} and locates its span.
     *
     * @throws IllegalArgumentException when the item has no user turn, or its user turn does not contain the
     *                                  description and constraints texts (a malformed record)
     */
    public static TracePrompt of(TraceItem item, ChatTemplate template, MaskRange range, Tokenizer tokenizer) {
        StringBuilder text = new StringBuilder();
        int userStart = -1;
        String user = null;
        for (ChatMessage m : item.messages()) {
            if (template == ChatTemplate.CHATML) {
                text.append("<|im_start|>").append(m.role()).append('\n');
            } else if (!text.isEmpty()) {
                text.append("\n\n");
            }
            if (m.role().equals("user") && user == null) {
                userStart = text.length();
                user = m.content();
            }
            text.append(m.content());
            if (template == ChatTemplate.CHATML) {
                text.append("<|im_end|>\n");
            }
        }
        text.append(template == ChatTemplate.CHATML ? "<|im_start|>assistant\n" : "\n\n");
        if (user == null) {
            throw new IllegalArgumentException("TRACE item " + item.id() + " has no user turn");
        }
        int constraints = user.indexOf(item.constraints());
        int description = user.indexOf(item.description());
        if (constraints < 0 || description < 0) {
            throw new IllegalArgumentException("TRACE item " + item.id() + ": the user turn does not contain its "
                    + (constraints < 0 ? "constraints" : "description") + " text");
        }
        int charStart = userStart + (range == MaskRange.ALL ? Math.min(description, constraints) : constraints);
        int charEnd = userStart + constraints + item.constraints().length();
        String rendered = text.toString();
        TokenizedText tokens = tokenizer.encodeWithOffsets(rendered);
        int[] span = tokens.tokenSpan(charStart, charEnd);
        return new TracePrompt(item, rendered, tokens.ids(), span[0], span[1]);
    }

    /**
     * The keyword tokens of one constraint: the distinct ids of its text (no special tokens) whose decoded string
     * holds a letter (CJK included), so numbering, punctuation and whitespace do not count.
     */
    public static int[] keywordTokens(Tokenizer tokenizer, String constraint) {
        Set<Integer> keep = new LinkedHashSet<>();
        for (int id : tokenizer.encode(constraint)) {
            if (tokenizer.decode(new int[] {id}, false).codePoints().anyMatch(Character::isLetter)) {
                keep.add(id);
            }
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }
}
