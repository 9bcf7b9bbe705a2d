package org.neurosweep.hook;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The architecture-neutral hook-point names of DESIGN.md ({@code l} = layer, {@code e} = expert). These strings
 * are an API: methods, tables and configs refer to them.
 */
public final class HookNames {

    /** Token embeddings, (b, t, d). */
    public static final String EMBED = "embed";
    /** After the final norm, (b, t, d). */
    public static final String FINAL_NORM = "final_norm";
    /** Output logits at the positions the batch asked for, (b, n, vocab). */
    public static final String LOGITS = "logits";

    private static final ConcurrentHashMap<Integer, Layer> LAYERS = new ConcurrentHashMap<>();

    private HookNames() {
    }

    /** The names of decoder layer {@code l}, built once per layer index. */
    public static Layer layer(int l) {
        return LAYERS.computeIfAbsent(l, Layer::new);
    }

    public static String residPre(int l) {
        return layer(l).residPre;
    }

    public static String residMid(int l) {
        return layer(l).residMid;
    }

    public static String residPost(int l) {
        return layer(l).residPost;
    }

    public static String attnQ(int l) {
        return layer(l).attnQ;
    }

    public static String attnK(int l) {
        return layer(l).attnK;
    }

    public static String attnV(int l) {
        return layer(l).attnV;
    }

    public static String attnScores(int l) {
        return layer(l).attnScores;
    }

    public static String attnPattern(int l) {
        return layer(l).attnPattern;
    }

    public static String attnHeadOut(int l) {
        return layer(l).attnHeadOut;
    }

    public static String attnOut(int l) {
        return layer(l).attnOut;
    }

    public static String mlpPre(int l) {
        return layer(l).mlpPre;
    }

    public static String mlpPost(int l) {
        return layer(l).mlpPost;
    }

    public static String mlpOut(int l) {
        return layer(l).mlpOut;
    }

    public static String routerLogits(int l) {
        return layer(l).routerLogits;
    }

    public static String routing(int l) {
        return layer(l).routing;
    }

    public static String expertPre(int l, int e) {
        return layer(l).expertPre(e);
    }

    public static String expertPost(int l, int e) {
        return layer(l).expertPost(e);
    }

    public static String expertOut(int l, int e) {
        return layer(l).expertOut(e);
    }

    public static String sharedPre(int l) {
        return layer(l).sharedPre;
    }

    public static String sharedPost(int l) {
        return layer(l).sharedPost;
    }

    public static String sharedOut(int l) {
        return layer(l).sharedOut;
    }

    public static String sharedGate(int l) {
        return layer(l).sharedGate;
    }

    /** All hook names of one layer, precomputed so that the forward pass builds no strings. */
    public static final class Layer {
        public final String residPre;
        public final String residMid;
        public final String residPost;
        /** (b, t, d) the attention sublayer's input after its norm: the input of q/k/v_proj. */
        public final String attnIn;
        /** (b, t, d) the feed-forward sublayer's input after its norm: the input of gate/up_proj (or the router). */
        public final String mlpIn;
        /** (b, heads, t, dh) after RoPE. */
        public final String attnQ;
        /** (b, kv_heads, t, dh) after RoPE: grouped-query models keep their kv heads. */
        public final String attnK;
        /** (b, kv_heads, t, dh). */
        public final String attnV;
        /**
         * (b, heads, t, keys) before softmax: scaled q·kᵀ, soft-capped (Gemma-2), with the causal/padding/window masks
         * (BLOOM: plus the ALiBi biases) and hook masks added.
         */
        public final String attnScores;
        /** (b, heads, t, keys) softmax probabilities. */
        public final String attnPattern;
        /** (b, t, heads, dh), the input of o_proj split by head. */
        public final String attnHeadOut;
        public final String attnOut;
        /** Gate pre-activation (GPT-NeoX: dense_h_to_4h output), (b, t, ffn). */
        public final String mlpPre;
        /** Neuron activations, the input of down_proj, (b, t, ffn). */
        public final String mlpPost;
        public final String mlpOut;
        /** (b, t, experts). */
        public final String routerLogits;
        /** Selected expert ids and applied weights, (b, t, k); see {@link Captures#routing}. */
        public final String routing;
        /** Shared-expert gate pre-activation, (b, t, shared_ffn); named like {@link #sharedPost}. */
        public final String sharedPre;
        /** Shared-expert neuron activations, (b, t, shared_ffn); not in DESIGN.md's table, named by the same pattern. */
        public final String sharedPost;
        /** σ(gate)·shared expert output, (b, t, d). */
        public final String sharedOut;
        /** The shared expert's sigmoid gate, (b, t, 1). */
        public final String sharedGate;
        private final String prefix;
        private final ConcurrentHashMap<Integer, String[]> experts = new ConcurrentHashMap<>();

        private Layer(int l) {
            prefix = "blocks." + l + ".";
            residPre = prefix + "resid_pre";
            residMid = prefix + "resid_mid";
            residPost = prefix + "resid_post";
            attnIn = prefix + "attn_in";
            mlpIn = prefix + "mlp_in";
            attnQ = prefix + "attn.q";
            attnK = prefix + "attn.k";
            attnV = prefix + "attn.v";
            attnScores = prefix + "attn.scores";
            attnPattern = prefix + "attn.pattern";
            attnHeadOut = prefix + "attn.head_out";
            attnOut = prefix + "attn_out";
            mlpPre = prefix + "mlp.pre";
            mlpPost = prefix + "mlp.post";
            mlpOut = prefix + "mlp_out";
            routerLogits = prefix + "moe.router_logits";
            routing = prefix + "moe.routing";
            sharedPre = prefix + "moe.shared.pre";
            sharedPost = prefix + "moe.shared.post";
            sharedOut = prefix + "moe.shared.out";
            sharedGate = prefix + "moe.shared_gate";
        }

        /** Gate pre-activation of expert {@code e} for the tokens routed to it, (routed, expert_ffn). */
        public String expertPre(int e) {
            return expertNames(e)[2];
        }

        /** Neuron activations of expert {@code e} for the tokens routed to it, (routed, expert_ffn). */
        public String expertPost(int e) {
            return expertNames(e)[0];
        }

        /** Weighted contribution of expert {@code e} for the tokens routed to it, (routed, d). */
        public String expertOut(int e) {
            return expertNames(e)[1];
        }

        private String[] expertNames(int e) {
            return experts.computeIfAbsent(e, k -> new String[] {
                prefix + "moe.expert." + k + ".post", prefix + "moe.expert." + k + ".out", prefix + "moe.expert." + k + ".pre"});
        }
    }
}
