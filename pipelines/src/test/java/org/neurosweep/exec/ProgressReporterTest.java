package org.neurosweep.exec;

import org.junit.jupiter.api.Test;
import org.neurosweep.testjobs.TestSpark;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressReporterTest {

    @Test
    void showsDoneFailedRowsRateAndEtaAndSignalsTheCeilingOnce() throws Exception {
        SweepMetrics metrics = SweepMetrics.register(TestSpark.session().sparkContext());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CountDownLatch ceiling = new CountDownLatch(1);
        int[] signals = {0};
        ProgressReporter progress = new ProgressReporter("r1", metrics, 10, 1, () -> {
            signals[0]++;
            ceiling.countDown();
        }, new PrintStream(bytes, true, StandardCharsets.UTF_8), false, Duration.ofMillis(20));
        metrics.committed.add(3);
        metrics.failed.add(1);
        metrics.rows.add(12_345);
        Thread.sleep(50);
        String line = progress.line();
        assertTrue(line.matches("\\[r1] 4/10 units, 1 failed, 12,345 rows, [0-9.]+ units/s, ETA [0-9ms]+"), line);
        progress.start();
        metrics.failed.add(1);
        assertTrue(ceiling.await(5, TimeUnit.SECONDS), "two failures pass a ceiling of one");
        Thread.sleep(100);
        progress.close();
        assertEquals(1, signals[0], "the ceiling is signalled once");
        String printed = bytes.toString(StandardCharsets.UTF_8);
        String last = printed.lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("[r1] 5/10 units, 2 failed, 12,345 rows, "), "the final line: " + printed);
        assertTrue(printed.lines().count() <= 3, "without a terminal a line is printed only when the counts change:\n" + printed);
    }

    @Test
    void formatsDurations() {
        assertEquals("42s", ProgressReporter.format(Duration.ofSeconds(42)));
        assertEquals("3m05s", ProgressReporter.format(Duration.ofSeconds(185)));
        assertEquals("2h01m", ProgressReporter.format(Duration.ofMinutes(121)));
    }
}
