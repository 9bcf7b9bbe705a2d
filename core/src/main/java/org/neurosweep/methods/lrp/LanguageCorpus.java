package org.neurosweep.methods.lrp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.neurosweep.data.BadRecord;
import org.neurosweep.data.DatasetException;
import org.neurosweep.data.ReadResult;
import org.neurosweep.data.Shard;
import org.neurosweep.data.TextLines;

/**
 * Monolingual sentences per language, the input S_l of LRP2's language vectors (docs/methods/lrp2-mlama.md §4, B1).
 * Sentences are deduplicated and kept in file order; blank lines are dropped. Lines that could not be read
 * are kept as {@link #badRecords()} for the caller to report.
 */
public final class LanguageCorpus {

    private final String source;
    private final Map<String, List<String>> sentences;
    private final List<BadRecord> badRecords;
    private final long unassigned;

    private LanguageCorpus(String source, Map<String, List<String>> sentences, List<BadRecord> badRecords,
                           long unassigned) {
        this.source = source;
        this.sentences = sentences;
        this.badRecords = List.copyOf(badRecords);
        this.unassigned = unassigned;
    }

    /** One sentence per line in {@code dir/<lang>.txt} for each of {@code languages} (an OPUS-style layout). */
    public static LanguageCorpus fromLanguageFiles(Path dir, Collection<String> languages) {
        Map<String, Set<String>> byLanguage = new TreeMap<>();
        List<BadRecord> bad = new ArrayList<>();
        for (String lang : languages) {
            Path file = dir.resolve(lang + ".txt");
            if (!Files.isRegularFile(file)) {
                throw new DatasetException("no sentence file for language '" + lang + "': " + file);
            }
            ReadResult<TextLines.Line> lines = TextLines.read(file, Shard.all(), 0);
            bad.addAll(lines.badRecords());
            Set<String> distinct = byLanguage.computeIfAbsent(lang, k -> new LinkedHashSet<>());
            lines.records().stream().map(TextLines.Line::text).filter(t -> !t.isBlank()).forEach(distinct::add);
        }
        return new LanguageCorpus(dir.toString(), lists(byLanguage), bad, 0);
    }

    /** The lines of a mixed-language text, each assigned by {@code languageId}; lines of no single language are left out. */
    public static LanguageCorpus fromMixedText(Path text, TemplateLanguageId languageId) {
        ReadResult<TextLines.Line> lines = TextLines.read(text, Shard.all(), 0);
        Map<String, Set<String>> byLanguage = new TreeMap<>();
        long unassigned = 0;
        for (TextLines.Line line : lines.records()) {
            if (line.text().isBlank()) {
                continue;
            }
            var lang = languageId.languageOf(line.text());
            if (lang.isPresent()) {
                byLanguage.computeIfAbsent(lang.get(), k -> new LinkedHashSet<>()).add(line.text());
            } else {
                unassigned++;
            }
        }
        return new LanguageCorpus(text.toString(), lists(byLanguage), lines.badRecords(), unassigned);
    }

    /** The first {@code max} sentences of every language (0 = all). */
    public LanguageCorpus limit(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("sentences per language must be >= 0 (0 = all), got " + max);
        }
        Map<String, List<String>> cut = new TreeMap<>();
        sentences.forEach((lang, s) -> cut.put(lang, max == 0 || s.size() <= max ? s : List.copyOf(s.subList(0, max))));
        return new LanguageCorpus(source, cut, badRecords, unassigned);
    }

    /** The file or folder the sentences came from. */
    public String source() {
        return source;
    }

    public List<String> languages() {
        return List.copyOf(sentences.keySet());
    }

    /** The distinct sentences of {@code language}, or an error naming the languages the corpus has. */
    public List<String> sentences(String language) {
        List<String> s = sentences.get(language);
        if (s == null || s.isEmpty()) {
            throw new DatasetException("corpus " + source + " has no sentence in language '" + language
                    + "'; it has " + languages());
        }
        return s;
    }

    public List<BadRecord> badRecords() {
        return badRecords;
    }

    /** Lines of a mixed text that no single language's templates matched. */
    public long unassigned() {
        return unassigned;
    }

    private static Map<String, List<String>> lists(Map<String, Set<String>> sets) {
        Map<String, List<String>> out = new TreeMap<>();
        sets.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }
}
