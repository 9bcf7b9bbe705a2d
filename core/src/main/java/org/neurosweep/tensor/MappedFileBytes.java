package org.neurosweep.tensor;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A local file memory-mapped in fixed windows of at most {@link #DEFAULT_WINDOW_BYTES}, so that files over 2 GB
 * (beyond one {@link MappedByteBuffer}) are readable. Window {@code i} covers {@code [i*w, min((i+1)*w, size))} and is
 * mapped on first use. A read that straddles windows is stitched into a heap buffer; any other read is a view of the
 * mapping, valid only until {@link #close()}, which unmaps every window at once (a caller copies what it reads, as
 * the tensor decoders do). Left to the garbage collector, a loaded checkpoint's pages would stay resident, and counted
 * in the process's memory, for as long as no collection runs: through a whole training run (docs/BENCHMARKS.md).
 */
final class MappedFileBytes extends FileBytes {

    static final long DEFAULT_WINDOW_BYTES = 1L << 30;

    private final FileChannel channel;
    private final long windowBytes;
    private final MappedByteBuffer[] windows;

    MappedFileBytes(Path file) throws IOException {
        this(file, DEFAULT_WINDOW_BYTES);
    }

    /** {@code windowBytes} in [1, 1 GiB]; small windows let tests put tensors across window boundaries. */
    MappedFileBytes(Path file, long windowBytes) throws IOException {
        this(file, checkedWindow(windowBytes), FileChannel.open(file, StandardOpenOption.READ));
    }

    private MappedFileBytes(Path file, long windowBytes, FileChannel channel) throws IOException {
        super(file.toString(), channel.size());
        this.channel = channel;
        this.windowBytes = windowBytes;
        this.windows = new MappedByteBuffer[Math.toIntExact((size() + windowBytes - 1) / windowBytes)];
    }

    private static long checkedWindow(long windowBytes) {
        if (windowBytes < 1 || windowBytes > DEFAULT_WINDOW_BYTES) {
            throw new IllegalArgumentException("window size " + windowBytes + " outside [1, " + DEFAULT_WINDOW_BYTES + "]");
        }
        return windowBytes;
    }

    @Override
    ByteBuffer readInside(long position, int length) throws IOException {
        if (length == 0) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        int w = (int) (position / windowBytes);
        int start = (int) (position - w * windowBytes);
        MappedByteBuffer first = window(w);
        if (start + length <= first.capacity()) {
            return first.slice(start, length).order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer stitched = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = start; stitched.hasRemaining(); at = 0, w++) {
            MappedByteBuffer m = window(w);
            int n = Math.min(stitched.remaining(), m.capacity() - at);
            stitched.put(m.slice(at, n));
        }
        return stitched.flip();
    }

    private synchronized MappedByteBuffer window(int w) throws IOException {
        if (windows[w] == null) {
            long start = w * windowBytes;
            windows[w] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(windowBytes, size() - start));
        }
        return windows[w];
    }

    @Override
    public void close() throws IOException {
        channel.close();
        synchronized (this) {
            for (int w = 0; w < windows.length; w++) {
                if (windows[w] != null) {
                    Unmapper.unmap(windows[w]);
                    windows[w] = null;                       // a later read fails on the closed channel
                }
            }
        }
    }

    /** Unmaps a mapping now rather than when it is collected ({@code sun.misc.Unsafe.invokeCleaner}, JDK 9+). */
    private static final class Unmapper {
        private static final Object UNSAFE;
        private static final Method INVOKE_CLEANER;

        static {
            try {
                Class<?> type = Class.forName("sun.misc.Unsafe");
                Field field = type.getDeclaredField("theUnsafe");
                field.setAccessible(true);
                UNSAFE = field.get(null);
                INVOKE_CLEANER = type.getMethod("invokeCleaner", ByteBuffer.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static void unmap(MappedByteBuffer mapping) throws IOException {
            try {
                INVOKE_CLEANER.invoke(UNSAFE, mapping);
            } catch (ReflectiveOperationException e) {
                throw new IOException("cannot unmap a window of a mapped file", e);
            }
        }
    }
}
