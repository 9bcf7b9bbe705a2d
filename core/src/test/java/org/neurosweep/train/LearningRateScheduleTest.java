package org.neurosweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Schedules against Hugging Face's get_{constant,linear,cosine}_schedule_with_warmup. */
class LearningRateScheduleTest {

    @Test
    void warmUpRisesLinearlyFromZero() {
        for (LearningRateSchedule s : new LearningRateSchedule[] {
                LearningRateSchedule.constant(1e-3, 10),
                LearningRateSchedule.linear(1e-3, 10, 100),
                LearningRateSchedule.cosine(1e-3, 10, 100, 0)}) {
            assertEquals(0.0, s.at(0), 0.0);
            assertEquals(0.5e-3, s.at(5), 1e-15);
            assertEquals(1e-3, s.at(10), 1e-15);
        }
    }

    @Test
    void linearDecaysToZeroAtTheLastStep() {
        LearningRateSchedule s = LearningRateSchedule.linear(2.0, 10, 110);
        assertEquals(1.0, s.at(60), 1e-12);
        assertEquals(0.0, s.at(110), 0.0);
        assertEquals(0.0, s.at(500), 0.0);
    }

    @Test
    void cosineIsHalfAPeriodFromPeakToFloor() {
        LearningRateSchedule s = LearningRateSchedule.cosine(1.0, 0, 100, 0.1);
        assertEquals(0.55, s.at(50), 1e-12);
        assertEquals(0.1, s.at(100), 1e-12);
        assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.at(25), 1e-12);
        for (long step = 1; step <= 100; step++) {
            assertTrue(s.at(step) <= s.at(step - 1), "non-increasing after warm-up");
        }
    }

    @Test
    void rejectsWarmUpThatDoesNotEnd() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.cosine(1.0, 100, 100, 0));
        assertTrue(e.getMessage().contains("warm-up"));
    }
}
