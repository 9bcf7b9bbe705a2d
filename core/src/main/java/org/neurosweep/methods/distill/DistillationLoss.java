package org.neurosweep.methods.distill;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Losses;
import org.neurosweep.autograd.Reductions;
import org.neurosweep.autograd.Var;
import org.neurosweep.train.CausalLmBatch;

/**
 * Token-level distillation losses over logits rows (n, V): row t is one next-token position, {@code targets[t]} its
 * gold token or {@link CausalLmBatch#IGNORE_INDEX} (prompt, padding). Both losses are means over the counted rows of
 * <pre>
 *   L_t = (1 − λ_t) · CE(y_t, softmax(z_t^S)) + λ_t · τ_t² · KL( q_t ‖ softmax(z_t^S / τ_t) ),   q_t = softmax(s_t / τ_t)
 * </pre>
 * with teacher logits s_t = z_t^T for plain knowledge distillation (Hinton et al. 2015: one τ, one λ) and
 * s_t = z_t^T + η_t for swing distillation (Li et al. 2022), where τ_t follows the position's privacy likelihood ρ_t
 * ({@link SwingSettings#temperature}) and η_t is Laplace noise. The τ² factor keeps the soft-target gradients on the
 * scale of the hard-label ones. Gradients flow into the student logits only.
 */
public final class DistillationLoss {

    private DistillationLoss() {
    }

    /** Plain KD at temperature τ with soft-target weight λ → scalar Var. */
    public static Var kd(Var student, INDArray teacher, int[] targets, double tau, double lambda) {
        int n = targets.length;
        double[] taus = new double[n];
        double[] ceWeights = new double[n];
        double[] klWeights = new double[n];
        Arrays.fill(taus, tau);
        for (int t = 0; t < n; t++) {
            boolean counted = targets[t] != CausalLmBatch.IGNORE_INDEX;
            ceWeights[t] = counted ? 1 - lambda : 0;
            klWeights[t] = counted ? lambda * tau * tau : 0;
        }
        return mean(student, teacher, taus, targets, ceWeights, klWeights);
    }

    /**
     * Swing distillation → scalar Var: τ_t from {@code rho}, Laplace(0, b) noise on the teacher logits drawn from
     * {@code noiseSeed} (none when b = 0), λ_t = 1 at private positions when the settings drop their labels.
     */
    public static Var swing(Var student, INDArray teacher, int[] targets, double[] rho, SwingSettings settings,
                            long noiseSeed) {
        return swingWithNoise(student, teacher, targets, rho, settings, laplace(teacher, settings.noiseScale(), noiseSeed));
    }

    /**
     * Swing distillation with a given noise tensor η (n, V), already scaled, or null for none: the soft targets are
     * softmax((z^T + η) / τ_t), with η masked to the private rows when the settings say so.
     */
    public static Var swingWithNoise(Var student, INDArray teacher, int[] targets, double[] rho, SwingSettings settings,
                                     INDArray noise) {
        int n = targets.length;
        if (rho.length != n) {
            throw new IllegalArgumentException("swing loss: " + rho.length + " privacy likelihoods for " + n + " targets");
        }
        double[] taus = new double[n];
        double[] ceWeights = new double[n];
        double[] klWeights = new double[n];
        for (int t = 0; t < n; t++) {
            taus[t] = settings.temperature(rho[t]);
            boolean counted = targets[t] != CausalLmBatch.IGNORE_INDEX;
            double lambda = settings.dropPrivateLabels() && settings.isPrivate(rho[t]) ? 1.0 : settings.lambda();
            ceWeights[t] = counted ? 1 - lambda : 0;
            klWeights[t] = counted ? lambda * taus[t] * taus[t] : 0;
        }
        return mean(student, noisyTeacher(teacher, rho, settings, noise), taus, targets, ceWeights, klWeights);
    }

    /** The soft targets q (n, V) of swing distillation: softmax((z^T + η) / τ_t) per row. */
    public static INDArray swingTargets(INDArray teacher, double[] rho, SwingSettings settings, long noiseSeed) {
        double[] taus = Arrays.stream(rho).map(settings::temperature).toArray();
        INDArray noisy = noisyTeacher(teacher, rho, settings, laplace(teacher, settings.noiseScale(), noiseSeed));
        return Transforms.softmax(noisy.divColumnVector(column(taus, teacher)), false);
    }

    /**
     * η ~ Laplace(0, b) i.i.d. per entry, shaped like {@code like}: the difference of two unit exponentials, scaled;
     * null when b = 0.
     */
    static INDArray laplace(INDArray like, double b, long seed) {
        if (b == 0) {
            return null;
        }
        try (Random random = Nd4j.getRandomFactory().getNewRandomInstance(seed)) {
            INDArray u1 = Nd4j.rand(like.ulike(), random).rsubi(1.0);          // (0, 1]
            INDArray u2 = Nd4j.rand(like.ulike(), random).rsubi(1.0);
            return Transforms.log(u1, false).subi(Transforms.log(u2, false)).muli(b);
        } catch (Exception e) {
            throw new IllegalStateException("noise generator", e);
        }
    }

    /** z^T + η on every row or only on private ones; {@code teacher} itself when η is null. */
    static INDArray noisyTeacher(INDArray teacher, double[] rho, SwingSettings settings, INDArray noise) {
        if (noise == null) {
            return teacher;
        }
        if (!Arrays.equals(noise.shape(), teacher.shape())) {
            throw new IllegalArgumentException("swing noise " + Arrays.toString(noise.shape()) + " must have the teacher's shape "
                    + Arrays.toString(teacher.shape()));
        }
        INDArray eta = noise.castTo(teacher.dataType());
        if (settings.noisePrivateOnly()) {
            double[] mask = Arrays.stream(rho).map(r -> settings.isPrivate(r) ? 1.0 : 0.0).toArray();
            eta = eta.mulColumnVector(column(mask, teacher));
        }
        return teacher.add(eta);
    }

    /** Σ_t [ceWeight_t · CE_t + klWeight_t · KL_t] / (counted rows); the KL at temperature τ_t of each row. */
    private static Var mean(Var student, INDArray teacher, double[] taus, int[] targets, double[] ceWeights,
                            double[] klWeights) {
        long counted = Arrays.stream(targets).filter(t -> t != CausalLmBatch.IGNORE_INDEX).count();
        Var total = Losses.distillationPerToken(student, teacher, targets, CausalLmBatch.IGNORE_INDEX, taus, ceWeights,
                klWeights);
        return Elementwise.scale(Reductions.sum(total), 1.0 / Math.max(1, counted));
    }

    private static INDArray column(double[] values, INDArray like) {
        return Nd4j.createFromArray(values).castTo(like.dataType()).reshape(values.length, 1);
    }

}
