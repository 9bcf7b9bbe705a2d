package org.neurosweep.methods.privacy;

import java.util.Arrays;

/**
 * The candidate space of a secret: every string that keeps the secret's non-digit characters and its first
 * {@code knownDigits} digits (an attacker who knows them; 0 = none) and puts any digit at each other digit position
 * (a six-digit number, none known: 10^6 candidates). Candidate {@code i} writes i in base 10 over the enumerated
 * positions, most significant first. A secret without digits (a name, a sentence) is its only candidate: rank 1,
 * exposure 0; its risk is measured otherwise ({@link MemorizationRisk}).
 */
public record SecretFormat(String secret, int[] digitPositions) {

    /** At most 10^7 candidates are enumerated. */
    public static final int MAX_DIGITS = 7;

    public static SecretFormat of(String secret) {
        return of(secret, 0);
    }

    public static SecretFormat of(String secret, int knownDigits) {
        int[] positions = secret.chars().map(c -> c).toArray();
        int n = 0;
        int seen = 0;
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c >= '0' && c <= '9' && seen++ >= knownDigits) {
                positions[n++] = i;
            }
        }
        if (knownDigits < 0 || (n == 0 && seen > 0) || n > MAX_DIGITS) {
            throw new IllegalArgumentException("secret \"" + secret + "\" with " + knownDigits + " known digits leaves "
                    + n + " digits to enumerate; exact exposure enumerates 1.." + MAX_DIGITS);
        }
        return new SecretFormat(secret, Arrays.copyOf(positions, n));
    }

    public int size() {
        int s = 1;
        for (int i = 0; i < digitPositions.length; i++) {
            s *= 10;
        }
        return s;
    }

    public String candidate(int index) {
        char[] c = secret.toCharArray();
        int v = index;
        for (int i = digitPositions.length - 1; i >= 0; i--) {
            c[digitPositions[i]] = (char) ('0' + v % 10);
            v /= 10;
        }
        return new String(c);
    }

    /** The secret's own candidate index. */
    public int secretIndex() {
        int v = 0;
        for (int p : digitPositions) {
            v = v * 10 + (secret.charAt(p) - '0');
        }
        return v;
    }
}
