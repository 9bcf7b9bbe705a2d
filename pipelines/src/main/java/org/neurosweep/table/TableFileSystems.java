package org.neurosweep.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The file systems the table writer uses. Remote URIs get Hadoop's file system for their scheme; {@code file:} gets
 * one shared {@link NioLocalFileSystem}: Hadoop's local file system without checksum files, whose permission
 * changes use {@code java.nio} instead of forking {@code chmod} (what Hadoop does when its native library is
 * missing, the usual case: nine processes per unit, which dominated a small unit's time).
 */
public final class TableFileSystems {

    private static NioLocalFileSystem local;

    private TableFileSystems() {
    }

    public static FileSystem get(Path path, Configuration conf) throws IOException {
        String scheme = path.toUri().getScheme();
        if (scheme == null || scheme.equals("file")) {
            return local(conf);
        }
        return path.getFileSystem(conf);
    }

    /**
     * Moves {@code source} to {@code target} only if {@code target} does not exist, atomically where the file system
     * allows: a hard link on the local file system (which fails if the name exists), a rename on HDFS (which does
     * not overwrite files); elsewhere, and for local folders, an existence check and a rename.
     *
     * @return whether {@code source} is now at {@code target}; false (and {@code source} left) when it existed
     */
    static boolean moveIfAbsent(FileSystem fs, Path source, Path target) throws IOException {
        if (fs instanceof NioLocalFileSystem local && local.pathToFile(source).isDirectory()) {
            try {
                Files.move(local.pathToFile(source).toPath(), local.pathToFile(target).toPath());
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                return false;
            }
            return true;
        }
        if (fs instanceof NioLocalFileSystem local) {
            try {
                Files.createLink(local.pathToFile(target).toPath(), local.pathToFile(source).toPath());
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            }
            fs.delete(source, false);
            return true;
        }
        if (fs.exists(target)) {
            return false;
        }
        if (fs.rename(source, target)) {
            return true;
        }
        if (fs.exists(target)) {
            return false;
        }
        throw new IOException("cannot move " + source + " to " + target);
    }

    /**
     * Creates {@code folder} (inside the output root {@code out}) or throws {@link OutputFolderException} saying why it
     * cannot hold tables: {@code out} is a file, or a folder on the way cannot be created or written.
     */
    static void ensureWritableFolder(FileSystem fs, Path out, Path folder) throws IOException {
        for (Path p = folder; p != null; p = p.getParent()) {
            if (fs.exists(p)) {
                if (!fs.getFileStatus(p).isDirectory()) {
                    throw new OutputFolderException(p + " is a file; the output root (--out, neurosweep.out) " + out
                            + " must be a folder");
                }
                break;
            }
        }
        boolean made;
        try {
            made = fs.mkdirs(folder);
        } catch (IOException e) {
            throw new OutputFolderException("cannot create " + folder + " under the output root " + out + ": " + e.getMessage());
        }
        if (!made) {
            throw new OutputFolderException("cannot create " + folder + " under the output root " + out
                    + ": permission denied (--out, neurosweep.out, must be a writable folder)");
        }
        Path probe = new Path(folder, "_write-probe-" + java.util.UUID.randomUUID());
        try {
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException e) {
            throw new OutputFolderException("cannot write in " + folder + " under the output root " + out
                    + ": permission denied (--out, neurosweep.out, must be a writable folder)");
        }
    }

    /** A Parquet output file at {@code path} on {@code fs}. */
    static OutputFile outputFile(FileSystem fs, Path path) {
        return new OutputFile() {
            @Override
            public PositionOutputStream create(long blockSizeHint) throws IOException {
                return HadoopStreams.wrap(fs.create(path, false));
            }

            @Override
            public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
                return HadoopStreams.wrap(fs.create(path, true));
            }

            @Override
            public boolean supportsBlockSize() {
                return false;
            }

            @Override
            public long defaultBlockSize() {
                return 0;
            }

            @Override
            public String getPath() {
                return path.toString();
            }
        };
    }

    private static synchronized FileSystem local(Configuration conf) throws IOException {
        if (local == null) {
            NioLocalFileSystem fs = new NioLocalFileSystem();
            fs.initialize(URI.create("file:///"), conf);
            local = fs;
        }
        return local;
    }

    /** Hadoop's raw local file system with permissions set through {@code java.nio}. */
    static final class NioLocalFileSystem extends RawLocalFileSystem {

        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission.toShort()));
        }

        private static Set<PosixFilePermission> posix(short mode) {
            Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
            PosixFilePermission[] bits = {
                    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
            for (int i = 0; i < bits.length; i++) {
                if ((mode & (1 << i)) != 0) {
                    out.add(bits[i]);
                }
            }
            return out;
        }
    }
}
