package org.neurosweep.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.testutil.RepoPaths;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Tokenizer golden;
    private static Tokenizer world;
    private static List<String> goldenTexts;
    private static List<int[]> goldenIds;

    @BeforeAll
    static void load() throws IOException {
        golden = Tokenizer.load(RepoPaths.golden("tokenizer").resolve("tokenizer.json"));
        world = Tokenizer.load(RepoPaths.world("tokenizer"));
        goldenTexts = new ArrayList<>();
        goldenIds = new ArrayList<>();
        for (JsonNode entry : JSON.readTree(RepoPaths.golden("tokenizer").resolve("encodings.json").toFile())) {
            goldenTexts.add(entry.get("text").asText());
            goldenIds.add(JSON.convertValue(entry.get("ids"), int[].class));
        }
    }

    @AfterAll
    static void close() {
        golden.close();
        world.close();
    }

    @Test
    void encodingMatchesHuggingFaceForEveryGoldenEntry() {
        assertEquals(8, goldenTexts.size());
        for (int i = 0; i < goldenTexts.size(); i++) {
            assertArrayEquals(goldenIds.get(i), golden.encode(goldenTexts.get(i)), "text: " + goldenTexts.get(i));
        }
    }

    @Test
    void batchEncodingEqualsSingleEncoding() {
        int[][] batch = golden.encodeBatch(goldenTexts);
        for (int i = 0; i < goldenTexts.size(); i++) {
            assertArrayEquals(goldenIds.get(i), batch[i]);
        }
    }

    @Test
    void decodingInvertsByteLevelEncoding() {
        for (int i = 0; i < goldenTexts.size(); i++) {
            assertEquals(goldenTexts.get(i), golden.decode(goldenIds.get(i), false));
        }
        int eos = world.eosId().orElseThrow();
        int[] withEos = world.encode("Paris" + "<|endoftext|>");
        assertEquals(eos, withEos[withEos.length - 1]);
        assertEquals("Paris", world.decode(withEos), "decode skips special tokens by default");
    }

    @Test
    void worldTokenizerVocabularyAndSpecialIds() {
        assertEquals(2048, world.vocabSize());
        assertEquals(1024, golden.vocabSize());
        assertEquals(0, world.eosId().orElseThrow());
        assertEquals(1, world.padId().orElseThrow());
        assertEquals(0, world.tokenId("<|endoftext|>").orElseThrow());
        assertEquals(1, world.tokenId("<pad>").orElseThrow());
        assertFalse(world.tokenId("no such token").isPresent());
        int[] capital = world.encode(" capital");
        assertEquals(1, capital.length, "' capital' is one word of the world corpus");
        assertEquals(capital[0], world.tokenId("Ġcapital").orElseThrow());
    }

    @Test
    void worldTokenizerRoundTripsCorpusAndPrompts() throws IOException {
        List<String> texts = new ArrayList<>(Files.readAllLines(RepoPaths.dataset("world/pretrain.txt"), StandardCharsets.UTF_8).subList(0, 300));
        for (String line : Files.readAllLines(RepoPaths.dataset("world/instruct.jsonl"), StandardCharsets.UTF_8).subList(0, 100)) {
            JsonNode r = JSON.readTree(line);
            texts.add(PromptFormat.INSTRUCTION.render(r.get("instruction").asText(), r.get("input").asText()));
        }
        int[][] batch = world.encodeBatch(texts);
        for (int i = 0; i < texts.size(); i++) {
            int[] ids = world.encode(texts.get(i));
            assertArrayEquals(ids, batch[i]);
            for (int id : ids) {
                assertTrue(id >= 2 && id < world.vocabSize(), "plain text never yields a special id: " + id);
            }
            assertEquals(texts.get(i), world.decode(ids));
        }
    }

    @Test
    void offsetsAreUtf16SpansOfTheText() {
        String text = goldenTexts.get(4); // "emoji 🙂 and tabs\tand  spaces"
        TokenizedText tokens = golden.encodeWithOffsets(text);
        assertArrayEquals(goldenIds.get(4), tokens.ids());
        int emoji = text.indexOf("🙂");
        int[] span = tokens.tokenSpan(emoji, emoji + 2);
        assertTrue(span[1] - span[0] >= 2, "the 4-byte emoji is split into several byte-level tokens");
        for (int t = span[0]; t < span[1]; t++) {
            assertTrue(tokens.starts()[t] <= emoji && tokens.ends()[t] >= emoji + 2,
                    "token " + t + " spans the whole emoji (2 UTF-16 units), not code-point offsets");
        }
        assertEquals(text.length(), tokens.ends()[tokens.length() - 1]);

        String fact = goldenTexts.get(0); // "The capital of France is Paris."
        TokenizedText factTokens = golden.encodeWithOffsets(fact);
        int[] france = factTokens.tokenSpan(fact.indexOf("France"), fact.indexOf("France") + "France".length());
        String covered = golden.decode(java.util.Arrays.copyOfRange(factTokens.ids(), france[0], france[1]));
        assertTrue(covered.contains("France") && covered.length() <= " France".length() + 2, covered);
    }

    @Test
    void specialTokensAreAddedOnlyWhenAsked() {
        String text = goldenTexts.get(0);
        // this tokenizer has no post-processor, so asking adds nothing; the flag must still reach the library intact
        assertArrayEquals(golden.encode(text), golden.encode(text, true));
        assertArrayEquals(goldenIds.get(7), golden.encode("<|endoftext|>"));
    }

    @Test
    void decodeRejectsIdsOutsideTheVocabulary() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> golden.decode(new int[] {5, 1024}));
        assertTrue(e.getMessage().contains("1024") && e.getMessage().contains("position 1"), e.getMessage());
    }

    @Test
    void checkCompatibleNamesBothFiles() throws IOException {
        Path goldenModel = RepoPaths.golden("llama");
        Path worldModel = RepoPaths.world("dense");
        golden.checkCompatible(vocabSizeOf(goldenModel), goldenModel.toString());
        golden.checkCompatible(vocabSizeOf(worldModel), worldModel.toString());
        world.checkCompatible(vocabSizeOf(worldModel), worldModel.toString());

        TokenizerVocabMismatchException e = assertThrows(TokenizerVocabMismatchException.class,
                () -> world.checkCompatible(vocabSizeOf(goldenModel), goldenModel.toString()));
        assertEquals(2048, e.tokenizerVocabSize());
        assertEquals(1024, e.modelVocabSize());
        assertTrue(e.getMessage().contains(world.file().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(goldenModel.resolve("config.json").toString()), e.getMessage());
    }

    @Test
    void encodingIsSafeFromSeveralThreads() throws Exception {
        List<String> texts = Files.readAllLines(RepoPaths.dataset("world/pretrain.txt"), StandardCharsets.UTF_8).subList(0, 200);
        int[][] expected = texts.stream().map(world::encode).toArray(int[][]::new);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int worker = 0; worker < 8; worker++) {
                int offset = worker;
                results.add(pool.submit(() -> {
                    for (int k = 0; k < texts.size(); k++) {
                        int i = (k + offset * 25) % texts.size();
                        if (!java.util.Arrays.equals(expected[i], world.encode(texts.get(i)))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void closedTokenizerRefusesWork() {
        Tokenizer t = Tokenizer.load(RepoPaths.golden("tokenizer"));
        assertArrayEquals(goldenIds.get(0), t.encode(goldenTexts.get(0)));
        t.close();
        t.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.encode("x"));
        assertTrue(e.getMessage().contains(t.file().toString()), e.getMessage());
        assertEquals(1024, t.vocabSize(), "vocabulary facts stay readable after close");
    }

    @Test
    void tokenizerConfigOverridesWellKnownSpecialTokens(@TempDir Path dir) throws IOException {
        Files.copy(RepoPaths.world("tokenizer").resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": {\"content\": \"<pad>\"}, \"pad_token\": null}");
        try (Tokenizer t = Tokenizer.load(dir)) {
            assertEquals(1, t.eosId().orElseThrow());
            assertEquals(1, t.padId().orElseThrow(), "a null pad_token falls back to the well-known <pad>");
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir));
        assertTrue(e.getMessage().contains("tokenizer_config.json") && e.getMessage().contains("</s>"), e.getMessage());
    }

    @Test
    void brokenTokenizerFileIsNamedInTheError(@TempDir Path dir) throws IOException {
        String json = Files.readString(RepoPaths.golden("tokenizer").resolve("tokenizer.json"));
        Path truncated = dir.resolve("tokenizer.json");
        Files.writeString(truncated, json.substring(0, json.length() / 2));
        TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(truncated));
        assertTrue(e.getMessage().startsWith(truncated.toString()) && e.getMessage().contains("line"), e.getMessage());

        Path missing = dir.resolve("missing/tokenizer.json");
        TokenizerException m = assertThrows(TokenizerException.class, () -> Tokenizer.load(missing));
        assertTrue(m.getMessage().contains(missing.toString()), m.getMessage());

        Files.writeString(truncated, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": \"not a list\"}}");
        TokenizerException rejected = assertThrows(TokenizerException.class, () -> Tokenizer.load(truncated));
        assertTrue(rejected.getMessage().contains(truncated.toString()), rejected.getMessage());
    }

    private static int vocabSizeOf(Path modelDir) throws IOException {
        return JSON.readTree(modelDir.resolve("config.json").toFile()).get("vocab_size").asInt();
    }
}
