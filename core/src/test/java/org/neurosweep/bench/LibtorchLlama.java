package org.neurosweep.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;

/**
 * The peer of the runtime benchmark's Llama in libtorch (the official PyTorch CPU build, through DJL's PyTorch
 * engine): the same shape (RMSNorm, RoPE, causal softmax attention, SwiGLU, untied LM head), random fp32 weights
 * (N(0, 0.02), norms 1), written as Hugging Face's modeling code writes it, op by op. It needs the {@code libtorch}
 * Maven profile on the classpath (scripts/bench/peer); it compiles against DJL's engine-neutral API alone.
 */
final class LibtorchLlama implements AutoCloseable {
    private static final double EPS = 1e-6;
    private static final double THETA = 10000;
    private static final int MAX_POSITIONS = 4096;

    private final RandomCheckpoint s;
    private final int dh;
    private final NDManager manager;
    private final NDArray embed;
    private final NDArray head;
    private final NDArray finalNorm;
    private final NDArray cos;                                      // (MAX_POSITIONS, dh)
    private final NDArray sin;
    private final List<Layer> layers = new ArrayList<>();
    private final List<NDArray> parameters = new ArrayList<>();
    private final List<NDArray[]> moments = new ArrayList<>();
    private int adamSteps;

    /** One block's weights, each (out, in) as torch.nn.Linear keeps them. */
    private record Layer(NDArray attnNorm, NDArray q, NDArray k, NDArray v, NDArray o, NDArray mlpNorm, NDArray gate,
                         NDArray up, NDArray down) {
    }

    /** Per layer, the keys and values of the positions seen so far, (1, heads, t, dh). */
    private static final class Cache {
        final NDArray[] keys;
        final NDArray[] values;
        final NDManager home;

        Cache(int layers, NDManager home) {
            keys = new NDArray[layers];
            values = new NDArray[layers];
            this.home = home;
        }

        // appends (1, heads, t, dh) keys and values of layer l; returns the whole cache of that layer
        NDArray[] append(int l, NDArray k, NDArray v) {
            keys[l] = grow(keys[l], k);
            values[l] = grow(values[l], v);
            return new NDArray[] {keys[l], values[l]};
        }

        private NDArray grow(NDArray old, NDArray next) {
            NDArray all = old == null ? next : old.concat(next, 2);
            all.attach(home);
            if (old != null) {
                old.close();
            }
            return all;
        }
    }

    /** Loads libtorch with {@code threads} intra-op threads and one inter-op thread, offline. */
    static Engine engine(int threads) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        return Engine.getEngine("PyTorch");
    }

    LibtorchLlama(Engine engine, RandomCheckpoint s) {
        if (s.kvHeads() != s.heads() || !s.family().equals("llama")) {
            throw new IllegalArgumentException("the libtorch peer is a Llama with as many key/value heads as heads");
        }
        this.s = s;
        this.dh = s.d() / s.heads();
        this.manager = engine.newBaseManager();
        embed = param(s.vocab(), s.d());
        for (int l = 0; l < s.layers(); l++) {
            layers.add(new Layer(ones(s.d()), param(s.heads() * dh, s.d()), param(s.kvHeads() * dh, s.d()),
                    param(s.kvHeads() * dh, s.d()), param(s.d(), s.heads() * dh), ones(s.d()), param(s.ffn(), s.d()),
                    param(s.ffn(), s.d()), param(s.d(), s.ffn())));
        }
        finalNorm = ones(s.d());
        head = param(s.vocab(), s.d());
        // HF's rotary tables: angle(p, i) = p / theta^(2i/dh), each frequency used for both halves
        NDArray inv = manager.arange(0, dh, 2, DataType.FLOAT32).div(dh).mul(Math.log(THETA)).neg().exp();
        NDArray angles = manager.arange(0, MAX_POSITIONS, 1, DataType.FLOAT32).reshape(MAX_POSITIONS, 1)
                .matMul(inv.reshape(1, dh / 2));
        NDArray both = angles.concat(angles, 1);
        cos = both.cos();
        sin = both.sin();
    }

    private NDArray param(long out, long in) {
        NDArray p = manager.randomNormal(0, 0.02f, new Shape(out, in), DataType.FLOAT32);
        parameters.add(p);
        return p;
    }

    private NDArray ones(long n) {
        NDArray p = manager.ones(new Shape(n));
        parameters.add(p);
        return p;
    }

    /** Logits (batch, length, vocab) of a (batch, length) batch of token ids; nothing kept. */
    void forward(int[][] ids) {
        try (NDManager step = manager.newSubManager()) {
            logits(step, ids, null, 0).close();
        }
    }

    /**
     * Greedy decoding of one row with a KV cache, as HF's generate does it on CPU: a prefill of the prompt, then one
     * token at a time, the cache growing by concatenation. Returns the new tokens.
     */
    int[] generate(int[] prompt, int newTokens) {
        int[] out = new int[newTokens];
        try (NDManager cacheHome = manager.newSubManager()) {
            Cache cache = new Cache(s.layers(), cacheHome);
            int[][] input = {prompt};
            int position = 0;
            for (int i = 0; i < newTokens; i++) {
                try (NDManager token = cacheHome.newSubManager()) {
                    NDArray logits = logits(token, input, cache, position);
                    position += input[0].length;
                    out[i] = (int) logits.get(":, -1, :").argMax(-1).toType(DataType.INT64, false).getLong(0);
                }
                input = new int[][] {{out[i]}};
            }
        }
        return out;
    }

    /**
     * One training step on a (batch, length) batch: mean next-token cross-entropy, backward, global-norm clipping
     * to 1, AdamW (β 0.9/0.999, ε 1e-8, weight decay 0.01, learning rate 1e-4), as the runtime's {@code Trainer}.
     * Returns the loss.
     */
    float trainingStep(int[][] ids) {
        Engine engine = manager.getEngine();
        float loss;
        try (NDManager step = manager.newSubManager()) {
            try (GradientCollector collector = engine.newGradientCollector()) {
                parameters.forEach(p -> p.setRequiresGradient(true));
                NDArray logits = logits(step, ids, null, 0);                                // (b, t, V)
                int b = ids.length;
                int t = ids[0].length;
                long[] next = new long[b * (t - 1)];
                for (int r = 0; r < b; r++) {
                    for (int j = 1; j < t; j++) {
                        next[r * (t - 1) + j - 1] = ids[r][j];
                    }
                }
                NDArray targets = step.create(next, new Shape((long) b * (t - 1), 1));
                NDArray logp = logits.get(":, :-1, :").reshape(-1, s.vocab()).logSoftmax(-1);
                NDArray nll = logp.gather(targets, 1).mean().neg();
                loss = nll.getFloat();
                collector.backward(nll);
            }
            adamW(step);
        }
        parameters.forEach(p -> p.setRequiresGradient(false));
        return loss;
    }

    // the gradients' wrappers and every temporary live in `step`; moments and weights are updated in place
    private void adamW(NDManager step) {
        double b1 = 0.9;
        double b2 = 0.999;
        double lr = 1e-4;
        adamSteps++;
        List<NDArray> grads = new ArrayList<>();
        double norm = 0;
        for (NDArray p : parameters) {
            NDArray g = p.getGradient();
            g.attach(step);
            grads.add(g);
            norm += g.square().sum().getFloat();
        }
        double clip = Math.min(1, 1 / (Math.sqrt(norm) + 1e-6));
        double c1 = 1 - Math.pow(b1, adamSteps);
        double c2 = 1 - Math.pow(b2, adamSteps);
        for (int i = 0; i < parameters.size(); i++) {
            NDArray p = parameters.get(i);
            NDArray g = grads.get(i);
            if (moments.size() <= i) {
                moments.add(new NDArray[] {p.zerosLike(), p.zerosLike()});
            }
            NDArray m = moments.get(i)[0].muli(b1).addi(g.mul(clip * (1 - b1)));
            NDArray v = moments.get(i)[1].muli(b2).addi(g.square().muli(clip * clip * (1 - b2)));
            NDArray vHat = v.div(c2);
            vHat.attach(step);
            NDArray update = m.div(c1);
            update.attach(step);
            update.divi(vHat.sqrt().addi(1e-8)).muli(lr);
            p.muli(1 - lr * 0.01).subi(update);
            g.muli(0);
        }
    }

    // (b, t) ids from position `start` on → logits (b, t, V); with a cache, keys and values are appended to it
    private NDArray logits(NDManager step, int[][] ids, Cache cache, int start) {
        int b = ids.length;
        int t = ids[0].length;
        long[] flat = new long[b * t];
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < t; j++) {
                flat[r * t + j] = ids[r][j];
            }
        }
        NDArray h = embed.get(step.create(flat)).reshape(b, t, s.d());
        h.attach(step);
        NDArray cosT = cos.get(start + ":" + (start + t));
        NDArray sinT = sin.get(start + ":" + (start + t));
        cosT.attach(step);
        sinT.attach(step);
        int total = start + t;
        NDArray mask = null;
        if (t > 1) {
            float[] m = new float[t * total];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < total; j++) {
                    m[i * total + j] = j > start + i ? Float.NEGATIVE_INFINITY : 0;
                }
            }
            mask = step.create(m, new Shape(t, total));
        }
        for (int l = 0; l < layers.size(); l++) {
            Layer w = layers.get(l);
            NDArray x = rmsNorm(h, w.attnNorm());
            NDArray q = rope(heads(linear(x, w.q()), b, t, s.heads()), cosT, sinT);
            NDArray k = rope(heads(linear(x, w.k()), b, t, s.kvHeads()), cosT, sinT);
            NDArray v = heads(linear(x, w.v()), b, t, s.kvHeads());
            if (cache != null) {
                NDArray[] kv = cache.append(l, k, v);
                k = kv[0];
                v = kv[1];
            }
            NDArray keysT = k.transpose(0, 1, 3, 2);
            keysT.attach(step);                                      // a view of the cache: freed with this step
            NDArray scores = q.matMul(keysT).muli(1 / Math.sqrt(dh));                       // (b, h, t, total)
            if (mask != null) {
                scores = scores.addi(mask);
            }
            NDArray attn = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, s.d());
            h = h.add(linear(attn, w.o()));
            x = rmsNorm(h, w.mlpNorm());
            NDArray gate = linear(x, w.gate());
            NDArray act = gate.mul(Activation.sigmoid(gate)).muli(linear(x, w.up()));
            h = h.add(linear(act, w.down()));
        }
        return linear(rmsNorm(h, finalNorm), head);
    }

    private static NDArray linear(NDArray x, NDArray weight) {
        return Linear.linear(x, weight).singletonOrThrow();
    }

    private static NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray scale = x.square().mean(new int[] {-1}, true).addi(EPS).sqrt();
        return x.div(scale).muli(weight);
    }

    // (b, t, n·dh) → (b, n, t, dh)
    private NDArray heads(NDArray x, int b, int t, int n) {
        return x.reshape(b, t, n, dh).transpose(0, 2, 1, 3);
    }

    // HF's rotate_half: x·cos + [−x₂, x₁]·sin over the last axis, x (b, n, t, dh), cos/sin (t, dh)
    private NDArray rope(NDArray x, NDArray cosT, NDArray sinT) {
        NDList halves = x.split(2, 3);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
        return x.mul(cosT).addi(rotated.muli(sinT));
    }

    @Override
    public void close() {
        manager.close();
    }
}
