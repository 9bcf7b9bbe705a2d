package org.neurosweep.table;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The lease that makes one invocation of a run the only writer of that run's files:
 * {@code <out>/_runs/run=R/lease.json}, created exclusively by the driver at start, renewed (its modification time
 * touched) every quarter of the lease duration, and deleted at the end.
 *
 * <ul>
 *   <li>A second invocation of the same run id and output folder finds a live lease (touched within the duration)
 *       and is refused with {@link RunInProgressException}, before it looks at or cleans any file.</li>
 *   <li>A lease not touched for longer than the duration was left by a driver that died; the next invocation takes
 *       it over by moving it to {@code lease-expired-<token>.json} (at most one taker can) and creating its own.</li>
 *   <li>Every commit is fenced: an executor publishes a unit only while the lease file still holds its invocation's
 *       token ({@link Fence#check}), so a driver paused past its lease (whose run was taken over) cannot publish
 *       afterwards.</li>
 * </ul>
 * Modification times are compared with the driver's clock; on file systems whose clocks differ from the driver's by
 * more than a fraction of the duration, choose a longer {@code neurosweep.run-lease}.
 */
public final class RunLease implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who holds a lease; the content of the lease file. */
    public record Holder(String token, String host, long pid, String applicationId, long startedAt) {

        /** One line for messages: "host:pid (application A, started 2026-12-06T01:02:03Z)". */
        public String describe() {
            return host + ":" + pid + " (application " + applicationId + ", started " + java.time.Instant.ofEpochMilli(startedAt) + ")";
        }
    }

    /** What executors need to check that their invocation still holds the lease: the file and the token. */
    public record Fence(String leaseFile, String token) implements Serializable {

        /** Throws {@link LeaseLostException} unless the lease file holds {@link #token}. */
        public void check(Configuration hadoop) throws IOException {
            Path file = new Path(leaseFile);
            Holder holder = read(TableFileSystems.get(file, hadoop), file);
            if (holder == null || !holder.token().equals(token)) {
                throw new LeaseLostException("the lease of this run was taken over by "
                        + (holder == null ? "nobody (it was removed)" : holder.describe()) + "; this attempt publishes nothing");
            }
        }
    }

    /** The invocation no longer holds its run's lease. */
    public static final class LeaseLostException extends IOException {
        public LeaseLostException(String message) {
            super(message);
        }
    }

    private final FileSystem fs;
    private final Path file;
    private final Holder holder;
    private final ScheduledExecutorService renewer;
    private volatile boolean lost;

    private RunLease(FileSystem fs, Path file, Holder holder, Duration duration) {
        this.fs = fs;
        this.file = file;
        this.holder = holder;
        long every = Math.max(1, duration.toMillis() / 4);
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "neurosweep-run-lease");
            t.setDaemon(true);
            return t;
        });
        renewer.scheduleWithFixedDelay(this::renewQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lease of {@code layout}'s run, or throws {@link RunInProgressException} naming the live holder.
     *
     * @param duration how long a lease stays live without renewal
     */
    public static RunLease acquire(TableLayout layout, Configuration hadoop, Duration duration, String applicationId)
            throws IOException {
        Path file = layout.leaseFile();
        FileSystem fs = TableFileSystems.get(file, hadoop);
        TableFileSystems.ensureWritableFolder(fs, new Path(layout.out()), file.getParent());
        Holder me = new Holder(UUID.randomUUID().toString(), host(), ProcessHandle.current().pid(), applicationId,
                System.currentTimeMillis());
        for (int tries = 0; tries < 3; tries++) {
            if (create(fs, file, me)) {
                return new RunLease(fs, file, me, duration);
            }
            FileStatus status;
            Holder other;
            try {
                status = fs.getFileStatus(file);
                other = read(fs, file);
            } catch (FileNotFoundException e) {
                continue;   // released meanwhile
            }
            long idle = System.currentTimeMillis() - status.getModificationTime();
            if (other != null && idle <= duration.toMillis()) {
                throw new RunInProgressException(layout, other, Duration.ofMillis(Math.max(0, idle)));
            }
            // expired, or unreadable (a driver died while writing it): move it aside under a name only one taker gets
            String tag = other == null ? "unreadable-" + status.getModificationTime() : other.token();
            TableFileSystems.moveIfAbsent(fs, file, new Path(file.getParent(), "lease-expired-" + tag + ".json"));
        }
        throw new IOException("cannot take the lease " + file + ": it changed hands three times while trying");
    }

    public Holder holder() {
        return holder;
    }

    public Fence fence() {
        return new Fence(file.toString(), holder.token());
    }

    /** Whether a renewal found the lease in other hands (this invocation was presumed dead and taken over). */
    public boolean lost() {
        return lost;
    }

    /** Touches the lease file; marks the lease lost when the file no longer holds this invocation's token. */
    void renew() throws IOException {
        Holder now = read(fs, file);
        if (now == null || !now.token().equals(holder.token())) {
            lost = true;
            return;
        }
        fs.setTimes(file, System.currentTimeMillis(), -1);
    }

    private void renewQuietly() {
        try {
            renew();
        } catch (IOException | RuntimeException e) {
            // a failed touch is retried at the next tick; the lease expires only after a whole duration without one
        }
    }

    /** Stops renewing and removes the lease file if it is still this invocation's. */
    @Override
    public void close() throws IOException {
        renewer.shutdownNow();
        Holder now = read(fs, file);
        if (now != null && now.token().equals(holder.token())) {
            fs.delete(file, false);
        }
    }

    private static boolean create(FileSystem fs, Path file, Holder me) throws IOException {
        try (FSDataOutputStream out = fs.create(file, false)) {
            out.write(JSON.writeValueAsBytes(me));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(file)) {
                return false;   // file systems that report an existing name as a plain IOException
            }
            throw e;
        }
    }

    /** The holder recorded in {@code file}; null when it is missing or not (yet) a complete record. */
    private static Holder read(FileSystem fs, Path file) throws IOException {
        try (FSDataInputStream in = fs.open(file)) {
            return JSON.readValue(in.readAllBytes(), Holder.class);
        } catch (FileNotFoundException e) {
            return null;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return null;
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
