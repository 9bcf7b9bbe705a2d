package org.neurosweep.model.generate;

/** Checks token ids against a model's vocabulary before they reach the embedding. */
final class TokenIds {

    private TokenIds() {
    }

    /** @throws IllegalArgumentException naming {@code what} and the position of the first id outside [0, vocab) */
    static void check(int[] ids, int vocab, String what) {
        for (int j = 0; j < ids.length; j++) {
            if (ids[j] < 0 || ids[j] >= vocab) {
                throw new IllegalArgumentException(what + ", token " + j + ": id " + ids[j]
                        + " outside the model's vocabulary [0, " + vocab + ")");
            }
        }
    }
}
