package org.neurosweep.methods.icl;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded sampling of in-context prompts and of train/validation splits. The papers' numpy and torch streams cannot be
 * reproduced bit for bit in Java, so the streams are defined here instead, and every job that needs the same prompts
 * rebuilds them from (pool, shots, count, seed):
 * <ul>
 *   <li>prompt {@code i} of {@code count} draws {@code shots + 1} distinct pool indices with
 *       {@code new SplittableRandom(seed * count + i)} (the paper's per-prompt seed {@code seed·size + i}) by a partial
 *       Fisher–Yates shuffle: swap position {@code j} with a uniform position in {@code [j, n)} for {@code j = 0..shots};
 *       the first {@code shots} draws are the demonstrations in order, the last one is the query;</li>
 *   <li>a split shuffles the indices {@code 0..n-1} fully the same way with {@code new SplittableRandom(seed)}; the first
 *       {@code round(trainFraction · n)} shuffled records form the train part, the rest the validation part, each in
 *       file order.</li>
 * </ul>
 */
public final class PromptSampler {

    private PromptSampler() {
    }

    /** A train / validation split of a record list, each part in the original order. */
    public record Split<T>(List<T> train, List<T> validation) {
    }

    /** {@code count} prompts of {@code shots} demonstrations each, drawn from {@code pool}. */
    public static List<IclPrompt> sample(List<IclExample> pool, int shots, int count, long seed) {
        if (shots < 0 || count < 0) {
            throw new IllegalArgumentException("shots and count must be >= 0, got " + shots + " and " + count);
        }
        if (pool.size() < shots + 1) {
            throw new IllegalArgumentException("a pool of " + pool.size() + " records cannot give " + shots
                    + " demonstrations and a distinct query");
        }
        List<IclPrompt> prompts = new ArrayList<>(count);
        int[] order = new int[pool.size()];
        for (int i = 0; i < count; i++) {
            shuffle(order, shots + 1, new SplittableRandom(seed * count + i));
            List<IclExample> demos = new ArrayList<>(shots);
            for (int j = 0; j < shots; j++) {
                demos.add(pool.get(order[j]));
            }
            prompts.add(new IclPrompt(i, demos, pool.get(order[shots])));
        }
        return prompts;
    }

    /** The {@code trainFraction} / rest split of {@code records} under {@code seed}. */
    public static <T> Split<T> split(List<T> records, double trainFraction, long seed) {
        if (!(trainFraction >= 0 && trainFraction <= 1)) {
            throw new IllegalArgumentException("train fraction must be in [0, 1], got " + trainFraction);
        }
        int n = records.size();
        int[] order = new int[n];
        shuffle(order, n, new SplittableRandom(seed));
        int trainSize = (int) Math.round(trainFraction * n);
        boolean[] inTrain = new boolean[n];
        for (int j = 0; j < trainSize; j++) {
            inTrain[order[j]] = true;
        }
        List<T> train = new ArrayList<>(trainSize);
        List<T> validation = new ArrayList<>(n - trainSize);
        for (int k = 0; k < n; k++) {
            (inTrain[k] ? train : validation).add(records.get(k));
        }
        return new Split<>(train, validation);
    }

    // order := identity, then its first `draws` entries become a uniform draw without replacement
    private static void shuffle(int[] order, int draws, SplittableRandom rng) {
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        for (int j = 0; j < Math.min(draws, order.length); j++) {
            int pick = j + rng.nextInt(order.length - j);
            int tmp = order[j];
            order[j] = order[pick];
            order[pick] = tmp;
        }
    }
}
