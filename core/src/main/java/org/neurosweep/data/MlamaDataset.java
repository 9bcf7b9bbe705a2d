package org.neurosweep.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An mLAMA-layout dataset: one directory per language holding {@code templates.jsonl} ({@code {relation, template}})
 * and one {@code RELATION.jsonl} of facts per relation (e.g. {@code P36.jsonl}; GoogleRE-style names such as
 * {@code place_of_birth.jsonl} work too). Opening lists the layout; records are read on demand.
 */
public final class MlamaDataset {

    private static final String TEMPLATES = "templates.jsonl";
    private static final String FACTS_SUFFIX = ".jsonl";

    private final Path root;
    private final Map<String, List<String>> relationsByLanguage;

    private MlamaDataset(Path root, Map<String, List<String>> relationsByLanguage) {
        this.root = root;
        this.relationsByLanguage = relationsByLanguage;
    }

    /**
     * Lists the languages (subdirectories of {@code root} with a {@code templates.jsonl}) and their relation files.
     *
     * @throws DatasetException when {@code root} cannot be listed or holds no language
     */
    public static MlamaDataset open(Path root) {
        Map<String, List<String>> relations = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve(TEMPLATES))).toList()) {
                relations.put(dir.getFileName().toString(), relationFiles(dir));
            }
        } catch (IOException e) {
            throw new DatasetException("cannot list mLAMA directory " + root + ": " + e, e);
        }
        if (relations.isEmpty()) {
            throw new DatasetException("no language directory with a " + TEMPLATES + " under " + root);
        }
        return new MlamaDataset(root, relations);
    }

    public Path root() {
        return root;
    }

    /** Language codes, sorted. */
    public List<String> languages() {
        return List.copyOf(relationsByLanguage.keySet());
    }

    /** Relations with a fact file in {@code language}, sorted by name. */
    public List<String> relations(String language) {
        List<String> relations = relationsByLanguage.get(language);
        if (relations == null) {
            throw new IllegalArgumentException("no language '" + language + "' in " + root + "; languages: " + languages());
        }
        return relations;
    }

    public ReadResult<MlamaTemplate> templates(String language) {
        relations(language);
        return JsonLines.read(root.resolve(language).resolve(TEMPLATES), Shard.all(), json -> MlamaTemplate.fromJson(json, language));
    }

    public ReadResult<MlamaFact> facts(String language, String relation, Shard shard) {
        if (!relations(language).contains(relation)) {
            throw new IllegalArgumentException("no relation '" + relation + "' for language '" + language + "' in " + root
                    + "; relations: " + relations(language));
        }
        Path file = root.resolve(language).resolve(relation + FACTS_SUFFIX);
        return JsonLines.read(file, shard, json -> MlamaFact.fromJson(json, language, relation));
    }

    private static List<String> relationFiles(Path languageDir) throws IOException {
        try (Stream<Path> files = Files.list(languageDir)) {
            List<String> relations = new ArrayList<>();
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(FACTS_SUFFIX) && !name.equals(TEMPLATES) && Files.isRegularFile(f)) {
                    relations.add(name.substring(0, name.length() - FACTS_SUFFIX.length()));
                }
            }
            relations.sort(null);
            return List.copyOf(relations);
        }
    }
}
