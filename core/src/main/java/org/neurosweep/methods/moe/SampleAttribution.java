package org.neurosweep.methods.moe;

import java.util.List;

/**
 * Every level's scores for one sample (docs/methods/moe-attribution.md steps 3, 4 and 6), all at t*. Each level is computed
 * directly: the scores of a level's parts do not add up to the level's score.
 *
 * @param sample     index in the attributed prompt list
 * @param output     the target's rank and log-probability in the model's real output
 * @param finalScale s*, the RMS of h_L at t*
 * @param lensFinal  log P(w | h_L) through the fixed-scale projection: equals the real output's log-probability
 * @param lensEmbed  log P(w | h_0): with {@code lensFinal}, the ends of the layer scores' telescoping sum
 */
public record SampleAttribution(int sample, Output output, double finalScale, double lensFinal, double lensEmbed,
                                List<LayerScore> layers, List<HeadScore> heads, List<ExpertScore> experts,
                                List<NeuronScore> neurons) {

    /**
     * The real output at t*: the gold target's rank (1 + entries with a strictly larger logit), probability and
     * log-probability, and the model's top-1 token (the {@code pred} of the {@code lpi_pred} scores).
     */
    public record Output(int target, int predicted, int rank, double logProb) {
    }

    /**
     * One LPI: {@code logpAfter − logpBase} for the target, and the same for the model's top-1 token.
     *
     * @param logpBase  log P(w | r)
     * @param logpAfter log P(w | r + c)
     */
    public record Score(double logpBase, double logpAfter, double lpiPredicted) {

        public double lpi() {
            return logpAfter - logpBase;
        }
    }

    /** The attention sublayer (c = a_l on h_l) or the FFN/MoE block (c = f_l on u_l) of a layer. */
    public enum Sublayer {
        ATTN("attn"), FFN("ffn");

        private final String label;

        Sublayer(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public record LayerScore(int layer, Sublayer sublayer, Score score) {
    }

    /** Head h of layer l: c = a_{l,h} on h_l. */
    public record HeadScore(int layer, int head, Score score) {
    }

    /**
     * A routed expert (every expert of an MoE layer; scored, c = g · E(x̃) on u_l, only when selected) or the shared
     * expert (c = σ · S(x̃) on u_l; expert −1).
     *
     * @param gateWeight the applied weight; NaN for an unselected expert
     * @param routerProb the router's softmax probability; NaN for the shared expert
     * @param score      null for an unselected expert
     */
    public record ExpertScore(int layer, int expert, ExpertType type, boolean selected, double gateWeight,
                              double routerProb, Score score) {
    }

    /**
     * A neuron among the top N of its sample by target LPI: c = gate · m_k · D[:, k] on u_l.
     *
     * @param expert        the routed expert, or −1 for a dense FFN or the shared expert
     * @param coefficient   m_k, the unweighted activation
     * @param rank          1 = the largest LPI of the sample
     */
    public record NeuronScore(int layer, int expert, ExpertType type, int neuron, double coefficient, double gateWeight,
                              double lpi, double lpiPredicted, int rank) {
    }
}
