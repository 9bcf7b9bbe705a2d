package org.neurosweep.jobs.fed;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testutil.RepoPaths;

/** Federated rounds of dense_small over three world instruction categories, FewFedWeight vs FedAvg, in local[2]. */
class FewFedWeightJobTest {

    private static final double T_A = 0.1;
    private static final double NU = 0.5;

    @TempDir
    Path dir;

    private String sweep(String params) {
        return sweep("translation, arithmetic, extraction", params);
    }

    private String sweep(String clients, String params) {
        return """
                sweep {
                  name = fed
                  models { small { path = "%s" } }
                  datasets { world { format = task-jsonl, path = "%s" } }
                  jobs = [ { job = fewfedweight, models = [small], datasets = [world],
                             params { clients = [%s], shots = 4, dev-shots = 4,
                                      pseudo-inputs = 2, test-items = 4, pseudo-tokens = 8, micro-batch = 4,
                                      audit-samples = 100, learning-rate = 3e-3, %s } } ]
                }
                """.formatted(RepoPaths.world("dense_small"), RepoPaths.dataset("world/instruct.jsonl"), clients, params);
    }

    @Test
    void roundsAggregateWithTheMethodsWeightsAndSummarise() throws Exception {
        SweepRun run = SweepRun.of(dir, "fed.conf", sweep("rounds = 2, agg-method = [fewfedweight, fedavg]"),
                List.of(new FewFedWeightJob()));
        assertEquals(2 * 3 * (3 + 1) + 1, run.result().committed(), "2 methods x 3 rounds x (3 clients + aggregation), summary: "
                + run.result().failures());

        List<Row> clients = run.table(FewFedWeightJob.ROUND_CLIENT).collectAsList();
        assertEquals(2 * 3 * 3, clients.size());
        Map<String, List<Row>> byRound = clients.stream().collect(Collectors.groupingBy(
                r -> r.<String>getAs("agg_method") + "/" + r.<Integer>getAs("round")));
        for (Map.Entry<String, List<Row>> e : byRound.entrySet()) {
            List<Row> rows = e.getValue();
            boolean evaluation = e.getKey().endsWith("/2");
            boolean fedavg = e.getKey().startsWith("fedavg");
            if (evaluation) {
                assertTrue(rows.stream().allMatch(r -> r.isNullAt(r.fieldIndex("agg_weight"))), "nothing aggregated");
                continue;
            }
            double[] pi = rows.stream().mapToDouble(r -> r.getAs("agg_weight")).toArray();
            assertEquals(1.0, java.util.Arrays.stream(pi).sum(), 1e-12, e.getKey());
            // π recomputed from the reported scores: FedAvg by |D_k| (equal here), FewFedWeight by the method spec's formula
            double[] gain = rows.stream().mapToDouble(r -> (r.<Double>getAs("dev_score_local") - r.<Double>getAs("dev_score_global")) / T_A).toArray();
            double max = java.util.Arrays.stream(gain).max().orElseThrow();
            double z = java.util.Arrays.stream(gain).map(g -> Math.exp(g - max)).sum();
            for (int k = 0; k < rows.size(); k++) {
                double expected = fedavg ? 1.0 / 3 : (1 - NU) * Math.exp(gain[k] - max) / z + NU / 3;
                assertEquals(expected, pi[k], 1e-12, e.getKey() + " client " + rows.get(k).getAs("client_id"));
                Row r = rows.get(k);
                assertEquals(fedavg ? 0 : 4 + 2, r.<Integer>getAs("n_pseudo"));
                assertEquals(4, r.<Integer>getAs("n_fewshot"));
                double score = r.getAs("dev_score_local");
                assertTrue(score > 0 && score < 1, "token-likelihood lies in (0, 1): " + score);
            }
        }

        // the energy weights of every pseudo pair (all audited): mean 1 before clipping, non-increasing in energy
        List<Row> pseudo = run.table(FewFedWeightJob.PSEUDO_SAMPLES).collectAsList();
        assertEquals(2 * 3 * 6, pseudo.size(), "2 training rounds x 3 clients x 6 inputs, fewfedweight only");
        pseudo.stream().collect(Collectors.groupingBy(r -> r.<String>getAs("client_id") + r.<Integer>getAs("round")))
                .forEach((k, rows) -> {
                    assertEquals(1.0, rows.stream().mapToDouble(r -> r.getAs("weight_unclipped")).average().orElseThrow(), 1e-9, k);
                    for (Row a : rows) {
                        for (Row b : rows) {
                            if (a.<Double>getAs("energy") < b.<Double>getAs("energy")) {
                                assertTrue(a.<Double>getAs("weight") >= b.<Double>getAs("weight"), k);
                            }
                        }
                    }
                });

        // each round's global model is new; the clients of round r+1 receive what round r aggregated
        List<Row> global = run.table(FewFedWeightJob.ROUND_GLOBAL).orderBy("agg_method", "round").collectAsList();
        assertEquals(2 * 3, global.size());
        Map<String, String> sha = new HashMap<>();
        for (Row g : global) {
            assertEquals(3, g.<Integer>getAs("n_clients"));
            assertTrue(g.<Boolean>getAs("state_inline"), "a 0.4M-parameter model rides in the task binary");
            sha.put(g.<String>getAs("agg_method") + g.<Integer>getAs("round"), g.getAs("state_sha256"));
        }
        assertNotEquals(sha.get("fedavg0"), sha.get("fedavg1"));
        assertNotEquals(sha.get("fedavg0"), sha.get("fewfedweight0"), "pseudo data and π change the aggregate");
        assertEquals(sha.get("fedavg1"), sha.get("fedavg2"), "the evaluation round keeps the state");
        double round0Global = clients.stream().filter(r -> r.<Integer>getAs("round") == 0)
                .mapToDouble(r -> r.getAs("dev_score_global")).distinct().count();
        assertEquals(3, round0Global, 1e-9, "round 0: three clients score the same pretrained model on their own dev sets");
        for (String method : List.of("fedavg", "fewfedweight")) {
            Map<String, Double> devGlobal = new HashMap<>();
            clients.stream().filter(r -> method.equals(r.getAs("agg_method")) && r.<Integer>getAs("round") == 0)
                    .forEach(r -> devGlobal.put(r.getAs("client_id"), r.getAs("dev_score_global")));
            assertTrue(clients.stream().filter(r -> method.equals(r.getAs("agg_method")) && r.<Integer>getAs("round") == 1)
                    .anyMatch(r -> Math.abs(r.<Double>getAs("dev_score_global") - devGlobal.get(r.<String>getAs("client_id"))) > 1e-9),
                    method + ": round 1's clients receive the aggregated model, not the pretrained one");
        }
        // both methods start from the same pretrained model
        assertEquals(clients.stream().filter(r -> r.<Integer>getAs("round") == 0 && "fedavg".equals(r.getAs("agg_method")))
                        .mapToDouble(r -> r.getAs("dev_score_global")).sum(),
                clients.stream().filter(r -> r.<Integer>getAs("round") == 0 && "fewfedweight".equals(r.getAs("agg_method")))
                        .mapToDouble(r -> r.getAs("dev_score_global")).sum(), 1e-12);

        List<Row> finals = run.table(FewFedWeightJob.TASK_FINAL).orderBy("task").collectAsList();
        assertEquals(3, finals.size());
        for (Row f : finals) {
            assertEquals("token-likelihood", f.getAs("metric"));
            double baseline = f.getAs("score_baseline");
            String task = f.getAs("task");
            double round0 = clients.stream().filter(r -> task.equals(r.getAs("client_id")) && r.<Integer>getAs("round") == 0
                    && "fedavg".equals(r.getAs("agg_method"))).findFirst().orElseThrow().getAs("test_score_local");
            assertEquals(round0, baseline, 0.0, "the baseline is independent fine-tuning: FedAvg's round-0 local model");
            assertEquals((f.<Double>getAs("score_method") - baseline) / baseline, f.<Double>getAs("improvement_rate"), 1e-12);
        }
        List<String> headlines = new FewFedWeightJob().headlines(run.sweeps()::table);
        assertTrue(headlines.stream().anyMatch(h -> h.startsWith("small fewfedweight: global model's score by round")),
                String.join("\n", headlines));
        assertTrue(headlines.stream().anyMatch(h -> h.contains("final client models")), String.join("\n", headlines));
        assertFalse(new FewFedWeightJob().figures(run.sweeps()::table).isEmpty());
    }

    @Test
    void theGlobalStateGivesTheSameRoundsInlineAndThroughItsFile() throws Exception {
        SweepRun run = SweepRun.of(dir, "state.conf", sweep("translation, arithmetic", "rounds = 1, inline-state-mb = [64, 0]"),
                List.of(new FewFedWeightJob()));
        List<Row> global = run.table(FewFedWeightJob.ROUND_GLOBAL).orderBy("round", "state_inline").collectAsList();
        assertEquals(4, global.size());
        Row file = global.get(0);
        Row inline = global.get(1);
        assertFalse(file.<Boolean>getAs("state_inline"));
        assertTrue(inline.<Boolean>getAs("state_inline"));
        assertEquals(inline.<String>getAs("state_sha256"), file.<String>getAs("state_sha256"),
                "same seeds, same aggregate (deterministic replay)");
        assertEquals(inline.<Double>getAs("mean_dev_global"), file.<Double>getAs("mean_dev_global"), 0.0, "the pretrained model");
        assertEquals(global.get(2).<Double>getAs("mean_dev_global"), global.get(3).<Double>getAs("mean_dev_global"), 0.0,
                "the evaluation round scores the same global model whether it came inline or from global.bin");
        assertNotNull(global.get(2).getAs("mean_test_global"));
    }
}
