package org.neurosweep.tensor;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;

/**
 * Opens checkpoints. A path names either a file or a model directory:
 * <ul>
 *   <li>a directory resolves to the first of {@link #DIRECTORY_DEFAULTS} that exists in it;</li>
 *   <li>{@code *.index.json} is a sharded checkpoint ({@link ShardedTensorSource});</li>
 *   <li>{@code *.bin}, {@code *.pt}, {@code *.pth} are torch.save zips ({@link TorchBinReader});</li>
 *   <li>anything else is a safetensors file ({@link SafetensorsReader}).</li>
 * </ul>
 * Plain paths and {@code file:} URIs are read locally through memory maps; any other scheme (hdfs://, s3a://, ...)
 * through Hadoop's {@link org.apache.hadoop.fs.FileSystem} with positioned reads, nothing copied to local disk.
 */
public final class TensorSources {

    static final List<String> DIRECTORY_DEFAULTS = List.of(
            "model.safetensors.index.json", "model.safetensors", "pytorch_model.bin.index.json", "pytorch_model.bin");

    private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");

    private TensorSources() {
    }

    /** A local path or {@code file:} URI; other schemes with a default {@link Configuration} (see the overload). */
    public static TensorSource open(String uriOrPath) throws IOException {
        return open(uriOrPath, new Configuration());
    }

    /**
     * A local path, a {@code file:} URI, or a Hadoop URI (hdfs://, s3a://, ...) read with {@code hadoop}: the sweep's
     * configuration, so that its {@code spark.hadoop.*} settings (credentials, name services, file system classes)
     * apply.
     */
    public static TensorSource open(String uriOrPath, Configuration hadoop) throws IOException {
        if (URI_SCHEME.matcher(uriOrPath).matches()) {
            URI uri = toUri(uriOrPath);
            if ("file".equalsIgnoreCase(uri.getScheme())) {
                return open(Path.of(uri));
            }
            return openHadoop(new org.apache.hadoop.fs.Path(uri), hadoop);
        }
        return open(Path.of(uriOrPath));
    }

    /**
     * The URI of a location written as in a sweep config: {@code hdfs://nn/a b}, {@code file:/a b}. The path part
     * is taken literally, so spaces and other characters that a URI must escape are allowed (and escaped here).
     */
    public static URI toUri(String uri) {
        return new org.apache.hadoop.fs.Path(uri).toUri();
    }

    /** A local file or model directory, memory-mapped. */
    public static TensorSource open(Path path) throws IOException {
        return open(new LocalLocation(path));
    }

    /** A file or model directory read through Hadoop's FileSystem API with positioned reads, for any scheme (file: too). */
    public static TensorSource openHadoop(org.apache.hadoop.fs.Path path, Configuration conf) throws IOException {
        return open(new HadoopLocation(path.getFileSystem(conf), path));
    }

    static TensorSource open(StorageLocation location) throws IOException {
        if (!location.exists()) {
            throw new FileNotFoundException(location + ": no such file or directory");
        }
        if (!location.isDirectory()) {
            return openFile(location);
        }
        for (String name : DIRECTORY_DEFAULTS) {
            StorageLocation candidate = location.child(name);
            if (candidate.exists()) {
                return openFile(candidate);
            }
        }
        throw new FileNotFoundException(location + ": directory holds none of " + DIRECTORY_DEFAULTS);
    }

    /** One file, dispatched on its name. */
    static TensorSource openFile(StorageLocation file) throws IOException {
        String name = file.fileName();
        if (name.endsWith(".index.json")) {
            return ShardedTensorSource.open(file);
        }
        if (name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth")) {
            return TorchBinReader.open(file.openBytes());
        }
        return SafetensorsReader.open(file.openBytes());
    }
}
