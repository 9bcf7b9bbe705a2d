package org.neurosweep.table;

import org.apache.hadoop.fs.Path;

import java.io.Serializable;

/**
 * Where a run's files live under the output root:
 * <pre>
 * &lt;out&gt;/&lt;table&gt;/run=&lt;run&gt;/part-&lt;unit&gt;-&lt;attempt&gt;.parquet   rows of one unit (job tables, errors), published only
 *                                                      after that attempt committed the unit
 * &lt;out&gt;/manifest/run=&lt;run&gt;/part-&lt;unit&gt;.parquet            the committing attempt's row: its presence commits the unit
 * &lt;out&gt;/manifest/run=&lt;run&gt;/part-&lt;unit&gt;-&lt;attempt&gt;.parquet  the row of an attempt that failed or was superseded
 * &lt;out&gt;/artifacts/run=&lt;run&gt;/&lt;unit&gt;/...                 files a unit wrote besides rows (published like its rows)
 * &lt;out&gt;/_staging/run=&lt;run&gt;/&lt;unit&gt;/&lt;attempt&gt;/            an attempt's files before they are published
 * &lt;out&gt;/_runs/run=&lt;run&gt;/attempt-N.json                   one record per invocation of the run
 * &lt;out&gt;/_runs/run=&lt;run&gt;/attempt-N.ended                  the invocation ended and released its lease
 * &lt;out&gt;/_runs/run=&lt;run&gt;/lease.json                       the live invocation's lease ({@link RunLease})
 * </pre>
 * Names starting with {@code _} are skipped by Spark and Hive readers, and a data file appears only once its
 * attempt's manifest row has committed the unit, so {@code spark.read.parquet("<out>/<table>")} sees committed rows
 * only, partitioned by {@code run}.
 */
public final class TableLayout implements Serializable {

    private final String out;
    private final String runId;

    public TableLayout(String out, String runId) {
        this.out = out;
        this.runId = runId;
    }

    public String out() {
        return out;
    }

    public String runId() {
        return runId;
    }

    public Path tableDir(String table) {
        return new Path(out + "/" + table + "/run=" + runId);
    }

    /** Where the rows of {@code table} that attempt {@code attemptId} wrote for {@code unitId} are published. */
    public Path unitFile(String table, String unitId, String attemptId) {
        return new Path(tableDir(table), "part-" + unitId + "-" + attemptId + ".parquet");
    }

    /** The manifest row of the attempt that committed {@code unitId}; the unit is committed iff it exists. */
    public Path committedManifest(String unitId) {
        return new Path(tableDir(EngineTables.MANIFEST.name()), "part-" + unitId + ".parquet");
    }

    /** The manifest row of an attempt that did not commit (failed, superseded). */
    public Path attemptManifest(String unitId, String attemptId) {
        return new Path(tableDir(EngineTables.MANIFEST.name()), "part-" + unitId + "-" + attemptId + ".parquet");
    }

    public Path artifactsDir(String unitId) {
        return new Path(out + "/artifacts/run=" + runId + "/" + unitId);
    }

    public Path stagingRoot() {
        return new Path(out + "/_staging/run=" + runId);
    }

    public Path stagingDir(String unitId, String attemptId) {
        return new Path(stagingRoot(), unitId + "/" + attemptId);
    }

    public Path runsDir() {
        return new Path(out + "/_runs/run=" + runId);
    }

    public Path leaseFile() {
        return new Path(runsDir(), "lease.json");
    }

    /** Present once invocation {@code runAttempt} of the run ended and released its lease. */
    public Path endedMarker(int runAttempt) {
        return new Path(runsDir(), "attempt-" + runAttempt + ".ended");
    }
}
