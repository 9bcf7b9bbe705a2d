package org.neurosweep.jobs.fed;

import java.io.Serializable;

/**
 * What a client sends the server besides its weights (artifact {@code report.ser}): sizes and scores, never data.
 * Scores are the job's {@code score} metric in [0, 1]; the pseudo-data figures are null when the client made none.
 *
 * @param client      the client's name (its task value, or the dataset slice)
 * @param nFewShot    |D_k|: labelled few-shot pairs trained on
 * @param nPseudo     pseudo pairs trained on
 * @param devLocal    a_k: the local model's score on the dev set (null in the evaluation round, which trains nothing)
 * @param devGlobal   a_k^g: the received global model's score on the dev set
 * @param testLocal   the local model's score on the client's test split (null when it has none, or no local model)
 * @param testGlobal  the received global model's score on the test split
 * @param trainLoss   the local objective of the last step (null in the evaluation round)
 * @param trainMillis wall time of local training
 */
record ClientReport(String client, int nFewShot, int nPseudo, int nDev, int nTest, Double energyMean, Double energyStd,
                    Double wMin, Double wMax, Double wMean, Double devLocal, double devGlobal, Double testLocal,
                    Double testGlobal, Double trainLoss, long trainMillis) implements Serializable {
}
