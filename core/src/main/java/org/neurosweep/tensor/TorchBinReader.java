package org.neurosweep.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A PyTorch checkpoint written by {@code torch.save} (zip format, torch >= 1.6): {@code <archive>/data.pkl} pickles a
 * dict of tensors whose storages are the stored entries {@code <archive>/data/<key>}. The pickle is read by
 * {@link RestrictedUnpickler}, which refuses any global besides those that rebuild tensors and runs nothing.
 *
 * <p>The top-level object must be a dict (a state dict); its entries with tensor values are the tensors of this source,
 * other entries are ignored. A tensor is a strided view of its storage (storage offset, size, stride, so transposed and
 * sliced views and storages shared by several tensors are read as torch would); the storage range it touches is read
 * and copied into a fresh array of the requested order. Storage bytes are read in place: memory-mapped for local files,
 * positioned reads on Hadoop file systems.
 */
public final class TorchBinReader extends FileTensorSource<TorchTensorRef> {

    private static final String PICKLE = "data.pkl";

    private final Map<String, ZipDirectory.Entry> storageEntries;

    private TorchBinReader(RandomAccessBytes file, SortedMap<String, TorchTensorRef> tensors,
                           Map<String, ZipDirectory.Entry> storageEntries) {
        super(file, tensors);
        this.storageEntries = storageEntries;
    }

    /** Opens a local file, memory-mapped. */
    public static TorchBinReader open(Path file) throws IOException {
        return open(new MappedFileBytes(file));
    }

    /** Reads from {@code file}, which this reader closes. */
    static TorchBinReader open(RandomAccessBytes file) throws IOException {
        try {
            ZipDirectory zip = ZipDirectory.read(file);
            String pickle = pickleEntry(file, zip);
            String prefix = pickle.substring(0, pickle.length() - PICKLE.length());
            checkByteOrder(file, zip, prefix);
            Object root = new RestrictedUnpickler(file.location() + "!" + pickle, storedBytes(file, zip, pickle)).load();
            if (!(root instanceof Map<?, ?> dict)) {
                throw new TensorFormatException(file.location() + ": " + pickle + " holds "
                        + (root == null ? "None" : root.getClass().getSimpleName()) + ", not a dict of tensors");
            }
            SortedMap<String, TorchTensorRef> tensors = new TreeMap<>();
            Map<String, ZipDirectory.Entry> storages = new TreeMap<>();
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                if (e.getKey() instanceof String name && e.getValue() instanceof TorchTensorRef tensor) {
                    storages.put(tensor.storage().key(), checkedStorage(file, zip, prefix, name, tensor));
                    tensors.put(name, tensor);
                }
            }
            return new TorchBinReader(file, tensors, storages);
        } catch (RuntimeException | IOException e) {
            file.close();
            throw e;
        }
    }

    private static String pickleEntry(RandomAccessBytes file, ZipDirectory zip) {
        return zip.entries().keySet().stream()
                .filter(n -> n.equals(PICKLE) || n.endsWith("/" + PICKLE))
                .min((a, b) -> Integer.compare(a.length(), b.length()))
                .orElseThrow(() -> new TensorFormatException(file.location() + ": zip has no " + PICKLE
                        + " entry: not a torch.save checkpoint"));
    }

    /** Newer torch writes {@code <archive>/byteorder}; storages are read as little-endian. */
    private static void checkByteOrder(RandomAccessBytes file, ZipDirectory zip, String prefix) throws IOException {
        if (zip.entries().containsKey(prefix + "byteorder")) {
            String order = StandardCharsets.US_ASCII.decode(storedBytes(file, zip, prefix + "byteorder")).toString().trim();
            if (!order.equals("little")) {
                throw new TensorFormatException(file.location() + ": storages are " + order + "-endian; only little is supported");
            }
        }
    }

    private static ByteBuffer storedBytes(RandomAccessBytes file, ZipDirectory zip, String name) throws IOException {
        ZipDirectory.Entry entry = stored(file, zip.entries().get(name), name);
        if (entry.size() > Integer.MAX_VALUE) {
            throw new TensorFormatException(file.location() + ": entry " + name + " of " + entry.size() + " bytes is too large");
        }
        return file.read(entry.dataPosition(), (int) entry.size());
    }

    private static ZipDirectory.Entry stored(RandomAccessBytes file, ZipDirectory.Entry entry, String name) {
        if (entry == null) {
            throw new TensorFormatException(file.location() + ": zip entry " + name + " is missing");
        }
        if (entry.method() != 0) {
            throw new TensorFormatException(file.location() + ": zip entry " + name + " is compressed (method "
                    + entry.method() + "); torch.save stores entries uncompressed");
        }
        return entry;
    }

    /** The storage entry of {@code tensor}, checked to hold the storage and the view to lie inside it. */
    private static ZipDirectory.Entry checkedStorage(RandomAccessBytes file, ZipDirectory zip, String prefix, String name,
                                                     TorchTensorRef tensor) {
        TorchTensorRef.Storage storage = tensor.storage();
        String entryName = prefix + "data/" + storage.key();
        ZipDirectory.Entry entry = stored(file, zip.entries().get(entryName), entryName);
        String where = file.location() + ": tensor '" + name + "' (" + tensor + ")";
        try {
            if (Math.multiplyExact(storage.numel(), storage.dtype().byteSize()) > entry.size()) {
                throw new TensorFormatException(where + ": storage of " + storage.numel() + " elements does not fit entry "
                        + entryName + " of " + entry.size() + " bytes");
            }
            if (tensor.span() > 0 && Math.addExact(tensor.offset(), tensor.span()) > storage.numel()) {
                throw new TensorFormatException(where + ": view reaches past its storage of " + storage.numel() + " elements");
            }
        } catch (ArithmeticException e) {
            throw new TensorFormatException(where + ": sizes overflow 64 bits");
        }
        return entry;
    }

    @Override
    public long[] shape(String name) {
        return tensor(name).shape().clone();
    }

    @Override
    public DType dtype(String name) {
        return tensor(name).storage().dtype();
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public INDArray load(String name, char order) {
        TorchTensorRef tensor = tensor(name);
        DType dtype = tensor.storage().dtype();
        long position = storageEntries.get(tensor.storage().key()).dataPosition() + tensor.offset() * dtype.byteSize();
        try {
            if (tensor.numel() == 0 || tensor.isRowMajorContiguous()) {
                return TensorDecoder.decode(file, position, dtype, tensor.shape(), order);
            }
            TensorDecoder.checkOrder(order);
            INDArray touched = TensorDecoder.decodeFlat(file, position, dtype, tensor.span()); // (span,)
            INDArray view;
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                view = Nd4j.create(touched.data(), tensor.shape(), tensor.stride(), 0, 'c');
            }
            return TensorDecoder.detachedDup(view, order);
        } catch (IOException e) {
            throw readFailed(name, e);
        }
    }
}
