package org.neurosweep.methods.lrp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.neurosweep.data.DatasetException;

/**
 * Tells the language of a line of a templated multilingual corpus (the world corpus, whose lines are filled
 * statement and question templates) by the templates it matches. Built from a knowledge-base file with
 * {@code templates.RELATION.LANG.statements} (templates with {@code [X]} and {@code [Y]}) and an optional
 * {@code templates.RELATION.LANG.question} (a question whose answer follows after a space). A line has a language
 * when the templates of exactly one language match it in full.
 */
public final class TemplateLanguageId {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SLOT = Pattern.compile("\\[X]|\\[Y]");

    private final Map<String, Pattern> byLanguage;

    private TemplateLanguageId(Map<String, Pattern> byLanguage) {
        this.byLanguage = byLanguage;
    }

    /**
     * @throws DatasetException naming the file and key when the file is unreadable or its templates malformed
     */
    public static TemplateLanguageId fromKnowledgeBase(Path file) {
        JsonNode templates;
        try {
            templates = JSON.readTree(Files.readAllBytes(file)).path("templates");
        } catch (IOException e) {
            throw new DatasetException("cannot read knowledge base " + file + ": " + e.getMessage(), e);
        }
        if (!templates.isObject() || templates.isEmpty()) {
            throw new DatasetException(file + ": key 'templates' must be an object of relations");
        }
        Map<String, List<String>> alternatives = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> rels = templates.fields(); rels.hasNext(); ) {
            Map.Entry<String, JsonNode> rel = rels.next();
            for (Iterator<Map.Entry<String, JsonNode>> langs = rel.getValue().fields(); langs.hasNext(); ) {
                Map.Entry<String, JsonNode> lang = langs.next();
                String key = "templates." + rel.getKey() + "." + lang.getKey();
                List<String> forms = alternatives.computeIfAbsent(lang.getKey(), k -> new ArrayList<>());
                JsonNode statements = lang.getValue().path("statements");
                if (!statements.isArray() || statements.isEmpty()) {
                    throw new DatasetException(file + ": key '" + key + ".statements' must be a non-empty list");
                }
                for (JsonNode s : statements) {
                    forms.add(regex(text(s, file, key + ".statements")));
                }
                JsonNode question = lang.getValue().get("question");
                if (question != null) {
                    forms.add(regex(text(question, file, key + ".question") + " [Y]"));
                }
            }
        }
        Map<String, Pattern> compiled = new TreeMap<>();
        alternatives.forEach((lang, forms) -> compiled.put(lang, Pattern.compile(String.join("|", forms))));
        return new TemplateLanguageId(compiled);
    }

    /** The languages the templates cover, sorted. */
    public List<String> languages() {
        return List.copyOf(byLanguage.keySet());
    }

    /** The one language whose templates match all of {@code line}; empty when none or several do. */
    public Optional<String> languageOf(String line) {
        String found = null;
        for (Map.Entry<String, Pattern> e : byLanguage.entrySet()) {
            if (e.getValue().matcher(line).matches()) {
                if (found != null) {
                    return Optional.empty();
                }
                found = e.getKey();
            }
        }
        return Optional.ofNullable(found);
    }

    // the template's literal text quoted, each slot a non-empty wildcard
    private static String regex(String template) {
        StringBuilder sb = new StringBuilder("(?:");
        var m = SLOT.matcher(template);
        int last = 0;
        while (m.find()) {
            sb.append(Pattern.quote(template.substring(last, m.start()))).append(".+");
            last = m.end();
        }
        return sb.append(Pattern.quote(template.substring(last))).append(')').toString();
    }

    private static String text(JsonNode node, Path file, String key) {
        if (!node.isTextual()) {
            throw new DatasetException(file + ": key '" + key + "' must hold strings, found " + node);
        }
        return node.textValue();
    }
}
