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
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Driver-side bookkeeping of a run's files: committed units, run attempts, and the end-of-run cleanup. */
public final class RunFiles {

    private static final Pattern ATTEMPT = Pattern.compile("attempt-(\\d+)\\.json");
    /** A unit's file in a table: part-UNIT.parquet (attempt rows of the manifest have a longer name). */
    private static final Pattern UNIT_FILE = Pattern.compile("part-([0-9a-f]{16})\\.parquet");

    private final TableLayout layout;
    private final FileSystem fs;

    public RunFiles(TableLayout layout, Configuration hadoop) throws IOException {
        this.layout = layout;
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

    /**
     * Deletes the files of units that are not committed from {@code tables} (left by attempts that died between
     * publishing and marking), and the run's staging folder. Call only when no task of the run is running.
     *
     * @return how many files were deleted
     */
    public int removeUncommitted(List<String> tables) throws IOException {
        Set<String> committed = committedUnits();
        int deleted = 0;
        for (String table : tables) {
            for (FileStatus s : list(layout.tableDir(table))) {
                Matcher m = UNIT_FILE.matcher(s.getPath().getName());
                if (m.matches() && !committed.contains(m.group(1)) && fs.delete(s.getPath(), false)) {
                    deleted++;
                }
            }
        }
        fs.delete(layout.stagingRoot(), true);
        return deleted;
    }

    private FileStatus[] list(Path dir) throws IOException {
        try {
            return fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return new FileStatus[0];
        }
    }
}
