package org.neurosweep.tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A {@link TensorSource} over one file whose tensors, described by a {@code T} each, were found when it was opened.
 * Subclasses describe and decode a tensor; this class names the file, lists the tensors, rejects unknown names and
 * closes the file.
 */
abstract class FileTensorSource<T> implements TensorSource {

    final RandomAccessBytes file;
    private final Map<String, T> tensors;
    private final SortedSet<String> names;

    /** Takes over {@code file}, which {@link #close()} closes; {@code tensors} is not copied and must not change. */
    FileTensorSource(RandomAccessBytes file, Map<String, T> tensors) {
        this.file = file;
        this.tensors = tensors;
        this.names = Collections.unmodifiableSortedSet(new TreeSet<>(tensors.keySet()));
    }

    @Override
    public final String location() {
        return file.location();
    }

    @Override
    public final SortedSet<String> names() {
        return names;
    }

    /** The tensor called {@code name}; an {@link IllegalArgumentException} when there is none. */
    final T tensor(String name) {
        T tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException(location() + ": no tensor named '" + name + "' among " + names.size());
        }
        return tensor;
    }

    /** The exception {@link #load} throws when reading tensor {@code name} failed with {@code e}. */
    final UncheckedIOException readFailed(String name, IOException e) {
        return new UncheckedIOException(location() + ": reading tensor '" + name + "' failed: " + e.getMessage(), e);
    }

    @Override
    public final void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(location() + ": close failed", e);
        }
    }
}
