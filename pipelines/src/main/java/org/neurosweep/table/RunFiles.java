package org.neurosweep.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Driver-side bookkeeping of a run's files: committed units, invocations of the run, and recovery of the staging folder. */
public final class RunFiles {

    private static final Pattern ATTEMPT = Pattern.compile("attempt-(\\d+)\\.json");
    private static final Pattern ENDED = Pattern.compile("attempt-(\\d+)\\.ended");
    private static final Pattern ATTEMPT_ID = Pattern.compile("r(\\d+)-");
    /** A unit's file in a table: part-UNIT.parquet (attempt rows of the manifest have a longer name). */
    private static final Pattern UNIT_FILE = Pattern.compile("part-([0-9a-f]{16})\\.parquet");

    private final TableLayout layout;
    private final FileSystem fs;
    private final Configuration hadoop;

    public RunFiles(TableLayout layout, Configuration hadoop) throws IOException {
        this.layout = layout;
        this.hadoop = hadoop;
        this.fs = TableFileSystems.get(new Path(layout.out()), hadoop);
    }

    /** The ids of the units whose outputs are committed in this run (those with a committed manifest row). */
    public Set<String> committedUnits() throws IOException {
        Set<String> ids = new HashSet<>();
        for (FileStatus s : list(layout.tableDir(EngineTables.MANIFEST.name()))) {
            Matcher m = UNIT_FILE.matcher(s.getPath().getName());
            if (m.matches()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    /**
     * Records a new invocation of the run and returns its number (1 for the first). {@code record} is a JSON
     * object describing it (plan size, master, user).
     */
    public int registerAttempt(String record) throws IOException {
        int next = 1;
        for (FileStatus s : list(layout.runsDir())) {
            Matcher m = ATTEMPT.matcher(s.getPath().getName());
            if (m.matches()) {
                next = Math.max(next, Integer.parseInt(m.group(1)) + 1);
            }
        }
        while (true) {
            Path file = new Path(layout.runsDir(), "attempt-" + next + ".json");
            try (FSDataOutputStream out = fs.create(file, false)) {
                out.write((record + "\n").getBytes(StandardCharsets.UTF_8));
                return next;
            } catch (FileAlreadyExistsException e) {
                next++;
            }
        }
    }

    /** Marks invocation {@code runAttempt} as ended: its tasks are over and it released its lease. */
    public void markEnded(int runAttempt) throws IOException {
        fs.create(layout.endedMarker(runAttempt), true).close();
    }

    /**
     * Brings the run's staging folder to a clean state; call with the run's lease held, as invocation
     * {@code runAttempt}. For each unit with staged attempts:
     * <ul>
     *   <li>the attempt that committed the unit is published (finishing a publication a crash interrupted);</li>
     *   <li>other attempts of a committed unit are deleted (they can never commit);</li>
     *   <li>attempts of an uncommitted unit are deleted only when their invocation is known to be over: it, or a
     *       later invocation before {@code runAttempt}, ended normally ({@code attempt-N.ended}). An invocation that
     *       died without ending may still have live tasks for a moment (a paused executor); its attempts wait for
     *       a later recovery. Nothing visible to readers is ever deleted.</li>
     * </ul>
     *
     * @return how many attempts were published (committed before a crash, published now)
     */
    public int recover(int runAttempt) throws IOException {
        ManifestWriter manifest = new ManifestWriter(layout, hadoop);
        int lastEnded = lastEndedBefore(runAttempt);
        int published = 0;
        for (FileStatus unitDir : list(fs, layout.stagingRoot())) {
            String unitId = unitDir.getPath().getName();
            String winner = manifest.committedAttempt(unitId);
            for (FileStatus attemptDir : list(fs, unitDir.getPath())) {
                String attemptId = attemptDir.getPath().getName();
                if (attemptId.equals(winner)) {
                    UnitCommitter.publish(layout, hadoop, unitId, attemptId);
                    published++;
                } else if (winner != null || invocationOf(attemptId) <= lastEnded) {
                    fs.delete(attemptDir.getPath(), true);
                }
            }
            if (list(fs, unitDir.getPath()).length == 0) {
                fs.delete(unitDir.getPath(), false);
            }
        }
        return published;
    }

    /** The highest invocation number below {@code runAttempt} that ended normally; 0 when none did. */
    private int lastEndedBefore(int runAttempt) throws IOException {
        int last = 0;
        for (FileStatus s : list(fs, layout.runsDir())) {
            Matcher m = ENDED.matcher(s.getPath().getName());
            if (m.matches() && Integer.parseInt(m.group(1)) < runAttempt) {
                last = Math.max(last, Integer.parseInt(m.group(1)));
            }
        }
        return last;
    }

    /** The invocation an attempt id belongs to ("r3-t41-9f3a2c" → 3); {@code Integer.MAX_VALUE} if unreadable. */
    static int invocationOf(String attemptId) {
        Matcher m = ATTEMPT_ID.matcher(attemptId);
        return m.lookingAt() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    private FileStatus[] list(Path dir) throws IOException {
        return list(fs, dir);
    }

    /** The entries of {@code dir}; none when it does not exist. */
    static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
        try {
            return fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return new FileStatus[0];
        }
    }
}
