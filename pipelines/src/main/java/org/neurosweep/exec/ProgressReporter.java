package org.neurosweep.exec;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The live progress line of a sweep: units done / failed / total, rows written, rate and ETA, from the
 * {@link SweepMetrics} accumulators. On a terminal the line is redrawn in place; otherwise a line is printed when
 * the counts change. Each tick also checks the failure ceiling, so a run that can no longer pass stops early.
 */
final class ProgressReporter implements AutoCloseable {

    private final String label;
    private final SweepMetrics metrics;
    private final int total;
    private final long allowedFailures;
    private final Runnable onCeiling;
    private final PrintStream out;
    private final boolean terminal;
    private final Thread thread;
    private final long startNanos = System.nanoTime();
    private String lastCounts = "";
    private boolean ceilingSignalled;

    /**
     * @param total           units this invocation has to run
     * @param allowedFailures failures the ceiling tolerates; one more calls {@code onCeiling} (once)
     */
    ProgressReporter(String label, SweepMetrics metrics, int total, long allowedFailures, Runnable onCeiling,
                     PrintStream out, boolean terminal, Duration interval) {
        this.label = label;
        this.metrics = metrics;
        this.total = total;
        this.allowedFailures = allowedFailures;
        this.onCeiling = onCeiling;
        this.out = out;
        this.terminal = terminal;
        this.thread = new Thread(() -> loop(interval.toMillis()), "neurosweep-progress");
        this.thread.setDaemon(true);
    }

    ProgressReporter start() {
        thread.start();
        return this;
    }

    /** "[demo] 12/64 units, 1 failed, 3,412 rows, 0.8 units/s, ETA 1m05s". */
    String line() {
        long done = metrics.committed() + metrics.failed();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 && done < total ? ", ETA " + format(Duration.ofSeconds((long) ((total - done) / rate))) : "";
        return String.format(Locale.ROOT, "[%s] %d/%d units, %d failed, %,d rows, %.2f units/s%s",
                label, done, total, metrics.failed(), metrics.rows(), rate, eta);
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
        print(true);
    }

    private void loop(long intervalMillis) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(intervalMillis);
                print(false);
                if (!ceilingSignalled && metrics.failed() > allowedFailures) {
                    ceilingSignalled = true;
                    onCeiling.run();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void print(boolean last) {
        String counts = metrics.committed() + "/" + metrics.failed() + "/" + metrics.rows();
        if (terminal) {
            out.print("\r" + line() + (last ? "\n" : ""));
            out.flush();
        } else if (last || !counts.equals(lastCounts)) {
            out.println(line());
        }
        lastCounts = counts;
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
