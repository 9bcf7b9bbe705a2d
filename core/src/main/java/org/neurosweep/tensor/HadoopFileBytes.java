package org.neurosweep.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A file on any Hadoop {@link FileSystem} (hdfs://, s3a://, file://, ...), read with positioned reads
 * ({@link FSDataInputStream#readFully(long, byte[], int, int)}): nothing is copied to local disk, and only the requested
 * ranges travel. Each read allocates a heap buffer of the requested length.
 */
final class HadoopFileBytes extends FileBytes {

    private final FSDataInputStream in;

    HadoopFileBytes(FileSystem fs, Path path) throws IOException {
        super(path.toString(), fs.getFileStatus(path).getLen());
        this.in = fs.open(path);
    }

    @Override
    ByteBuffer readInside(long position, int length) throws IOException {
        byte[] bytes = new byte[length];
        in.readFully(position, bytes, 0, length);
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
