package org.neurosweep.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptFormatTest {

    /** The world models' training format, train_world.py: f"### Instruction:\n{instruction}\n### Input:\n{input}\n### Response:\n". */
    private static String pythonFormat(String instruction, String input) {
        return "### Instruction:\n" + instruction + "\n### Input:\n" + input + "\n### Response:\n";
    }

    @Test
    void instructionFormatMatchesTheTrainingScript() {
        assertEquals(pythonFormat("Translate into Spanish.", "apricot"),
                PromptFormat.INSTRUCTION.render("Translate into Spanish.", "apricot"));
    }

    @Test
    void emptyInputKeepsItsEmptyLine() {
        String prompt = PromptFormat.INSTRUCTION.render("Name a colour.", "");
        assertEquals(pythonFormat("Name a colour.", ""), prompt);
        assertTrue(prompt.contains("### Input:\n\n### Response:\n"), prompt);
    }

    @Test
    void slotsInFilledTextAreNotSubstitutedAgain() {
        assertEquals(pythonFormat("Echo {input} literally.", "x{instruction}y"),
                PromptFormat.INSTRUCTION.render("Echo {input} literally.", "x{instruction}y"));
    }

    @Test
    void customTemplatesNeedAnInstructionSlot() {
        PromptFormat qa = PromptFormat.of("Q: {instruction}\nA:");
        assertEquals("Q: Capital of Peru?\nA:", qa.render("Capital of Peru?", "ignored"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PromptFormat.of("Input: {input}"));
        assertTrue(e.getMessage().contains("{instruction}"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PromptFormat.INSTRUCTION.render("x", null));
    }
}
