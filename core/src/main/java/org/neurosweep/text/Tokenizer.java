package org.neurosweep.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json}) run by the Rust {@code tokenizers} library through DJL, so that
 * ids match {@code tokenizers.Tokenizer.from_file(...).encode(text).ids} exactly.
 *
 * <p>Encoding never truncates and never pads; special tokens (a BOS, say) are added only when asked.
 *
 * <p>Threads: every method may be called from several threads at once (the Rust tokenizer is immutable after load).
 * The tokenizer owns native memory: {@link #close()} frees it once the calls in flight have returned; any later call
 * throws {@link IllegalStateException}. Close it together with the model that uses it; an unclosed tokenizer is only
 * freed by DJL's finalizer.
 *
 * <p>Loading never contacts the network: DJL's usage tracking is switched off unless {@code OPT_OUT_TRACKING} is set.
 */
public final class Tokenizer implements AutoCloseable {

    static {
        System.getProperties().putIfAbsent("OPT_OUT_TRACKING", "true");
    }

    private static final Map<String, String> DJL_OPTIONS =
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

    private final Path file;
    private final TokenizerVocab vocab;
    private final HuggingFaceTokenizer hfTokenizer;
    private final Lock inUse;
    private final Lock closing;
    private boolean closed; // guarded by closing

    private Tokenizer(Path file, TokenizerVocab vocab, HuggingFaceTokenizer hfTokenizer) {
        this.file = file;
        this.vocab = vocab;
        this.hfTokenizer = hfTokenizer;
        ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        this.inUse = lock.readLock();
        this.closing = lock.writeLock();
    }

    /** Loads {@code path}: a {@code tokenizer.json} file, or a model directory holding one. */
    public static Tokenizer load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        byte[] json = TokenizerVocab.readBytes(file);
        TokenizerVocab vocab = TokenizerVocab.parse(file, json);
        try {
            return new Tokenizer(file, vocab, HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), DJL_OPTIONS));
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException(file + ": the tokenizers library rejected it: " + e.getMessage(), e);
        }
    }

    /** The {@code tokenizer.json} this was loaded from. */
    public Path file() {
        return file;
    }

    /** Token ids of {@code text}, no special tokens added. */
    public int[] encode(String text) {
        return encode(text, false);
    }

    public int[] encode(String text, boolean addSpecialTokens) {
        return call(hf -> toInts(hf.encode(text, addSpecialTokens, false).getIds()));
    }

    /**
     * Token ids of each text (ragged, no padding), no special tokens added. The Rust library encodes the batch on its
     * own thread pool (one thread per core; {@code TOKENIZERS_PARALLELISM=false} keeps it on the calling thread).
     */
    public int[][] encodeBatch(List<String> texts) {
        return encodeBatch(texts, false);
    }

    public int[][] encodeBatch(List<String> texts, boolean addSpecialTokens) {
        return call(hf -> {
            Encoding[] encodings = hf.batchEncode(texts, addSpecialTokens, false);
            int[][] ids = new int[encodings.length][];
            for (int i = 0; i < encodings.length; i++) {
                ids[i] = toInts(encodings[i].getIds());
            }
            return ids;
        });
    }

    /** Token ids of {@code text} (no special tokens) with each token's character span in {@code text}. */
    public TokenizedText encodeWithOffsets(String text) {
        Encoding encoding = call(hf -> hf.encode(text, false, false));
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[] utf16 = utf16IndexOfCodePoint(text); // the library reports offsets in code points
        int[] starts = new int[spans.length];
        int[] ends = new int[spans.length];
        for (int i = 0; i < spans.length; i++) { // no span is null: only special tokens added by a post-processor lack one
            starts[i] = utf16[spans[i].getStart()];
            ends[i] = utf16[spans[i].getEnd()];
        }
        return new TokenizedText(text, toInts(encoding.getIds()), starts, ends);
    }

    /** The text of {@code ids}, special tokens skipped (the default of HF {@code tokenizers}' {@code decode}). */
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    /** The text of {@code ids}; every id must lie in {@code [0, vocabSize())}. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab.size()) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocab.size() + ") of " + file);
            }
            wide[i] = ids[i];
        }
        return call(hf -> hf.decode(wide, skipSpecialTokens));
    }

    /** Number of token ids: the largest id (model vocabulary or added token) plus one. */
    public int vocabSize() {
        return vocab.size();
    }

    /** The id of a vocabulary entry, spelled as in {@code tokenizer.json} (byte-level BPE writes a leading space as {@code Ġ}). */
    public OptionalInt tokenId(String token) {
        return vocab.id(token);
    }

    /** End-of-sequence id: {@code eos_token} of a {@code tokenizer_config.json} beside the file, else {@code <|endoftext|>}, {@code </s>}, ... */
    public OptionalInt eosId() {
        return vocab.eosId();
    }

    /** A masked LM's mask token: {@code [MASK]} (BERT) or {@code <mask>} (RoBERTa-style vocabularies). */
    public OptionalInt maskId() {
        OptionalInt bert = tokenId("[MASK]");
        return bert.isPresent() ? bert : tokenId("<mask>");
    }

    /**
     * The token at a model's answer position that the input must carry: none for a causal LM ({@code causal}), the
     * {@link #maskId() mask token} for a masked LM.
     *
     * @throws IllegalArgumentException naming this tokenizer's file when a masked LM's tokenizer has no mask token
     */
    public OptionalInt answerMask(boolean causal, String modelType) {
        if (causal) {
            return OptionalInt.empty();
        }
        OptionalInt mask = maskId();
        if (mask.isEmpty()) {
            throw new IllegalArgumentException(modelType + " is a masked LM but the tokenizer " + file
                    + " has no [MASK] or <mask> token to put at the answer position");
        }
        return mask;
    }

    /** Padding id: {@code pad_token} of a {@code tokenizer_config.json} beside the file, else {@code <pad>}, {@code <|pad|>}, ... */
    public OptionalInt padId() {
        return vocab.padId();
    }

    /**
     * Checks that every id this tokenizer can emit has an embedding row in a model of {@code modelVocabSize}
     * (the {@code vocab_size} of {@code modelDir/config.json}). A model vocabulary larger than the tokenizer's is fine
     * (checkpoints pad it).
     *
     * @throws TokenizerVocabMismatchException naming both files when the tokenizer's vocabulary is larger
     */
    public void checkCompatible(int modelVocabSize, String modelDir) {
        if (vocab.size() > modelVocabSize) {
            throw new TokenizerVocabMismatchException(file, vocab.size(), Path.of(modelDir).resolve("config.json"), modelVocabSize);
        }
    }

    /** Frees the native tokenizer after the calls in flight return; idempotent. */
    @Override
    public void close() {
        closing.lock();
        try {
            if (!closed) {
                closed = true;
                hfTokenizer.close();
            }
        } finally {
            closing.unlock();
        }
    }

    private <T> T call(Function<HuggingFaceTokenizer, T> body) {
        inUse.lock();
        try {
            if (closed) {
                throw new IllegalStateException("tokenizer " + file + " is closed");
            }
            return body.apply(hfTokenizer);
        } finally {
            inUse.unlock();
        }
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** {@code utf16[k]} = index in {@code text} of code point {@code k}; {@code utf16[codePointCount] = text.length()}. */
    private static int[] utf16IndexOfCodePoint(String text) {
        int[] utf16 = new int[text.codePointCount(0, text.length()) + 1];
        int index = 0;
        for (int k = 0; k < utf16.length - 1; k++) {
            utf16[k] = index;
            index += Character.charCount(text.codePointAt(index));
        }
        utf16[utf16.length - 1] = text.length();
        return utf16;
    }
}
