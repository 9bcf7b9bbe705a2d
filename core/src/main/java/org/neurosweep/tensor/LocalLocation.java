package org.neurosweep.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A local path; files are memory-mapped. */
record LocalLocation(Path path) implements StorageLocation {

    @Override
    public String fileName() {
        Path name = path.getFileName();
        return name == null ? "" : name.toString();
    }

    @Override
    public boolean exists() {
        return Files.exists(path);
    }

    @Override
    public boolean isDirectory() {
        return Files.isDirectory(path);
    }

    @Override
    public StorageLocation child(String relative) {
        return new LocalLocation(path.resolve(relative));
    }

    @Override
    public StorageLocation sibling(String relative) {
        return new LocalLocation(path.resolveSibling(relative));
    }

    @Override
    public RandomAccessBytes openBytes() throws IOException {
        return new MappedFileBytes(path);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
