package org.neurosweep.model.check;

/**
 * The comparison of one reference tensor with ours.
 *
 * @param error  the tolerance's error measure (NaN when skipped)
 * @param reason why it failed or was skipped; for a pass, extra figures (e.g. argmax agreement) or empty
 */
public record CheckResult(String tensor, double error, Status status, String reason) {

    public enum Status { PASS, FAIL, SKIP }

    public static CheckResult skip(String tensor, String reason) {
        return new CheckResult(tensor, Double.NaN, Status.SKIP, reason);
    }

    public static CheckResult fail(String tensor, String reason) {
        return new CheckResult(tensor, Double.NaN, Status.FAIL, reason);
    }

    /** One line: name, error, status, reason. */
    public String line() {
        String err = Double.isNaN(error) ? "-" : String.format("%.3e", error);
        return String.format("%-18s %10s  %s%s", tensor, err, status, reason.isEmpty() ? "" : "  " + reason);
    }
}
