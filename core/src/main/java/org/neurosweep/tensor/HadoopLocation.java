package org.neurosweep.tensor;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A path on a Hadoop file system; files are read with positioned reads, whatever the scheme (file:// included). */
record HadoopLocation(FileSystem fs, Path path) implements StorageLocation {

    @Override
    public String fileName() {
        return path.getName();
    }

    @Override
    public boolean exists() throws IOException {
        return fs.exists(path);
    }

    @Override
    public boolean isDirectory() throws IOException {
        return fs.getFileStatus(path).isDirectory();
    }

    @Override
    public StorageLocation child(String relative) {
        return new HadoopLocation(fs, new Path(path, relative));
    }

    @Override
    public StorageLocation sibling(String relative) {
        return new HadoopLocation(fs, new Path(path.getParent(), relative));
    }

    @Override
    public RandomAccessBytes openBytes() throws IOException {
        return new HadoopFileBytes(fs, path);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
