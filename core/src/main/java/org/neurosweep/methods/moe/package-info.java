/**
 * MoE cross-level knowledge attribution (docs/methods/moe-attribution.md; Li et al., ACL 2025, extending Yu &amp; Ananiadou's
 * log-probability increase): the LPI of attention layers, FFN/MoE blocks, heads, routed and shared experts and
 * neurons at the last prompt position, the model-level gain aggregates, and the expert-blocking evaluation.
 */
package org.neurosweep.methods.moe;
