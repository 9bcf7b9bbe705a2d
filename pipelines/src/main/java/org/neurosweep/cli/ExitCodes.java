package org.neurosweep.cli;

/** The exit statuses of {@code neurosweep}. */
final class ExitCodes {

    static final int OK = 0;
    /** check-model: a tensor is outside its tolerance. */
    static final int CHECK_FAILED = 1;
    /** Bad command line or sweep config (the message names the file, line and key). */
    static final int USAGE = 2;
    /** More units failed than {@code neurosweep.failure-ceiling} allows. */
    static final int FAILURE_CEILING = 3;
    /** Spark gave up on the job, or an unexpected error. */
    static final int ERROR = 4;
    /** Another live invocation holds the run's lease (same --run-id and --out). */
    static final int RUN_IN_PROGRESS = 5;
    /** A later stage of the sweep was not run: a job it follows has units that did not commit (a rerun resumes). */
    static final int STAGES_NOT_RUN = 6;

    static final String HELP = """
            Exit status: 0 done (failed units, if any, are listed and within the ceiling); 1 check-model found a
            mismatch; 2 bad command line, config or input (the message names the file, line or key); 3 more units
            failed than neurosweep.failure-ceiling allows; 4 the Spark job failed or an internal error; 5 another
            invocation of the same run (same --run-id and --out) is running; 6 a later stage (an entry with after) was
            not run because a job it follows has failed units (a rerun with the same --run-id resumes).""";

    private ExitCodes() {
    }
}
