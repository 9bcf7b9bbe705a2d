package org.neurosweep.text;

import java.nio.file.Path;

/**
 * A tokenizer that can emit ids the model has no embedding row for: its vocabulary is larger than the model's
 * {@code vocab_size}. Usually the tokenizer of another model was paired with this checkpoint.
 */
public final class TokenizerVocabMismatchException extends TokenizerException {

    private final int tokenizerVocabSize;
    private final int modelVocabSize;

    TokenizerVocabMismatchException(Path tokenizerFile, int tokenizerVocabSize, Path modelConfig, int modelVocabSize) {
        super("tokenizer " + tokenizerFile + " has " + tokenizerVocabSize + " token ids (0.." + (tokenizerVocabSize - 1)
                + ") but model " + modelConfig + " has vocab_size " + modelVocabSize
                + ": ids >= " + modelVocabSize + " have no embedding row; use the tokenizer that was trained with this model");
        this.tokenizerVocabSize = tokenizerVocabSize;
        this.modelVocabSize = modelVocabSize;
    }

    public int tokenizerVocabSize() {
        return tokenizerVocabSize;
    }

    public int modelVocabSize() {
        return modelVocabSize;
    }
}
