package org.neurosweep.autograd;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Normalizations over the last dim, in the arithmetic of the input (fp32 for models, fp64 for checks). */
public final class Norms {

    private Norms() {
    }

    /** RMSNorm (HF Llama): x · rsqrt(mean(x²) + eps) · gamma; x (..., d), gamma (d). */
    public static Var rmsNorm(Var x, Var gamma, double eps) {
        checkScale(x, gamma, "rmsNorm gamma");
        INDArray xv = x.value();
        INDArray rstd = reciprocalRms(xv, eps);                            // (..., 1)
        if (!Tape.recording(x, gamma)) {
            return Var.constant(xv.mul(rstd).muli(gamma.value()));
        }
        // xhat = x · rstd is not kept for backward (one (..., d) array per norm of a training step): backward
        // recomputes it from x, which its producer keeps anyway, with the same two products as here
        INDArray y = xv.mul(rstd).muli(gamma.value());
        return Tape.op(y, g -> {
            INDArray xhat = xv.mul(rstd);
            if (gamma.requiresGrad()) {
                gamma.accumulateOwned(Broadcast.reduceTo(g.mul(xhat), gamma.shape()));
            }
            if (x.requiresGrad()) {
                // dx = rstd · (gh − xhat · mean(gh · xhat)),  gh = g · gamma
                INDArray gh = g.mul(gamma.value());
                INDArray proj = gh.mul(xhat).mean(true, -1);
                INDArray dx = gh.subi(xhat.mul(proj)).muli(rstd);
                x.accumulateOwned(dx);
            }
        }, x, gamma);
    }

    /** LayerNorm: (x − mean) · rsqrt(var + eps) · gamma + beta; biased variance; x (..., d), gamma/beta (d). */
    public static Var layerNorm(Var x, Var gamma, Var beta, double eps) {
        checkScale(x, gamma, "layerNorm gamma");
        checkScale(x, beta, "layerNorm beta");
        INDArray xv = x.value();
        INDArray centered = xv.sub(xv.mean(true, -1));                     // (..., d)
        INDArray rstd = reciprocalRms(centered, eps);                      // (..., 1)
        INDArray xhat = centered.muli(rstd);
        if (!Tape.recording(x, gamma, beta)) {
            return Var.constant(xhat.muli(gamma.value()).addi(beta.value()));
        }
        INDArray y = xhat.mul(gamma.value()).addi(beta.value());
        return Tape.op(y, g -> {
            if (gamma.requiresGrad()) {
                gamma.accumulateOwned(Broadcast.reduceTo(g.mul(xhat), gamma.shape()));
            }
            if (beta.requiresGrad()) {
                beta.accumulateOwned(Broadcast.reduceTo(g.dup(), beta.shape()));
            }
            if (x.requiresGrad()) {
                // dx = rstd · (gh − mean(gh) − xhat · mean(gh · xhat)),  gh = g · gamma
                INDArray gh = g.mul(gamma.value());
                INDArray proj = gh.mul(xhat).mean(true, -1);
                INDArray dx = gh.subi(gh.mean(true, -1)).subi(xhat.mul(proj)).muli(rstd);
                x.accumulateOwned(dx);
            }
        }, x, gamma, beta);
    }

    /** 1 / sqrt(mean(v²) + eps) over the last dim, kept as size 1, without materializing v². */
    private static INDArray reciprocalRms(INDArray v, double eps) {
        INDArray r = v.norm2(true, -1);
        r.muli(r).divi(v.size(v.rank() - 1)).addi(eps);
        return Transforms.pow(r, -0.5, false);
    }

    private static void checkScale(Var x, Var scale, String what) {
        long d = x.size(x.rank() - 1);
        if (scale.value().length() != d) {
            throw new IllegalArgumentException(what + " " + Arrays.toString(scale.shape())
                    + " does not match last dim of " + Arrays.toString(x.shape()));
        }
    }
}
