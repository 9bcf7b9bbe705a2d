package org.neurosweep.testutil;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the project's bundled data (data/README.md): the repository root is the nearest ancestor of the working dir
 * holding {@code data/golden}.
 */
public final class RepoPaths {

    private static final Path ROOT = findRoot();

    private RepoPaths() {
    }

    /** The repository root. */
    public static Path root() {
        return ROOT;
    }

    /** {@code data/golden/<family>}: a golden tiny model, or {@code tokenizer}. */
    public static Path golden(String family) {
        return ROOT.resolve("data/golden").resolve(family);
    }

    /** {@code data/demo/world/<name>}: a trained world model, {@code tokenizer}, {@code eval} or {@code logs}. */
    public static Path world(String name) {
        return ROOT.resolve("data/demo/world").resolve(name);
    }

    /** {@code data/demo/datasets/<relative>}, e.g. {@code world/instruct.jsonl}. */
    public static Path dataset(String relative) {
        return ROOT.resolve("data/demo/datasets").resolve(relative);
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("data/golden"))) {
                return d;
            }
        }
        throw new IllegalStateException("no ancestor of " + dir + " contains data/golden");
    }
}
