package org.neurosweep.jobs.fed;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Aggregation;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

/**
 * What the driver reads back from the round tables: the per-task final scores ({@code fed_task_final}, step 8 of the
 * method: each client's final model is its best local model on its dev set across rounds), the headlines and the
 * report figures (federated round curves).
 */
final class FedSummary {

    /** The global model's score in a round_global row: its mean test score, else its mean dev score. */
    private static final Aggregation.Cell GLOBAL_SCORE =
            r -> r.get("mean_test_global") != null ? r.get("mean_test_global") : r.get("mean_dev_global");

    private FedSummary() {
    }

    /** One fed_task_final row per (model, setting, task). */
    static void finalScores(TableReader tables, RowSink out) {
        // one round_client row per (model, setting, client, method, round)
        List<Row> rows = ReportQueries.rows(tables, FewFedWeightJob.ROUND_CLIENT, groupBy(col("model"), col("setting"),
                col("client_id"), col("agg_method"), col("round")).where(r -> r.get("dev_score_local") != null)
                .first("dev_score_local").first("test_score_local"));
        Map<String, Map<String, List<Row>>> byTask = new LinkedHashMap<>();
        for (Row r : rows) {
            byTask.computeIfAbsent(r.getString(0) + "\u0000" + r.getString(1) + "\u0000" + r.getString(2),
                    k -> new LinkedHashMap<>()).computeIfAbsent(r.getString(3), k -> new ArrayList<>()).add(r);
        }
        String metric = metric(tables);
        byTask.forEach((key, methods) -> {
            String[] k = key.split("\u0000", -1);
            List<Row> fedavg = methods.getOrDefault(FewFedWeightJob.METHOD_FEDAVG, List.of());
            Double baseline = fedavg.stream().filter(r -> r.getInt(4) == 0).findFirst().map(FedSummary::test).orElse(null);
            Double scoreFedavg = best(fedavg);
            Double scoreMethod = best(methods.getOrDefault(FewFedWeightJob.METHOD_FFW, List.of()));
            out.table(FewFedWeightJob.TASK_FINAL).add(null, k[0], k[1], k[2], metric, baseline, scoreFedavg, scoreMethod,
                    rate(scoreMethod, baseline), rate(scoreFedavg, baseline));
        });
    }

    private static String metric(TableReader tables) {
        List<Row> r = ReportQueries.rows(tables, FewFedWeightJob.ROUND_CLIENT, groupBy().first("setting"));
        if (r.isEmpty() || r.get(0).isNullAt(0)) {
            return "";
        }
        for (String kv : r.get(0).getString(0).split(", ")) {
            if (kv.startsWith(FewFedWeightJob.SCORE + "=")) {
                return kv.substring(FewFedWeightJob.SCORE.length() + 1);
            }
        }
        return "";
    }

    /** The test score of the round whose local model scored best on the dev set (the earliest on ties). */
    private static Double best(List<Row> rounds) {
        Row best = null;
        for (Row r : rounds) {
            if (best == null || r.getDouble(5) > best.getDouble(5)) {
                best = r;
            }
        }
        return best == null ? null : test(best);
    }

    private static Double test(Row r) {
        return r.isNullAt(6) ? null : r.getDouble(6);
    }

    private static Double rate(Double score, Double baseline) {
        return score == null || baseline == null || baseline == 0 ? null : (score - baseline) / baseline;
    }

    /** Per model and setting: the global model's mean test score per round for each method; then the final scores. */
    static List<String> headlines(TableReader tables) {
        List<String> lines = new ArrayList<>();
        // one round_global row per (model, method, setting, round)
        List<Row> rounds = ReportQueries.rows(tables, FewFedWeightJob.ROUND_GLOBAL, groupBy(col("model"), col("agg_method"),
                col("setting"), col("round")).first(GLOBAL_SCORE));
        Map<String, List<String>> curves = new LinkedHashMap<>();
        for (Row r : rounds) {
            curves.computeIfAbsent(r.getString(0) + " " + r.getString(1), k -> new ArrayList<>())
                    .add(String.format(Locale.ROOT, "%.4f", r.getDouble(4)));
        }
        curves.forEach((k, v) -> lines.add(k + ": global model's score by round " + String.join(" → ", v)));
        List<Row> finals = ReportQueries.rows(tables, FewFedWeightJob.TASK_FINAL, groupBy(col("model"), col("metric")).count()
                .avg("score_baseline").avg("score_fedavg").avg("score_method")
                .avg(r -> r.number("improvement_rate") != null && r.number("improvement_rate") > 0 ? 1.0 : 0.0)
                .avg("improvement_rate"));
        for (Row r : finals) {
            lines.add(String.format(Locale.ROOT, "%s final client models (%s, %d tasks): baseline %s, FedAvg %s, "
                            + "FewFedWeight %s; improved over the baseline on %s of the tasks, mean improvement rate %s",
                    r.getString(0), r.getString(1), r.getLong(2), f(r, 3), f(r, 4), f(r, 5), f(r, 6), f(r, 7)));
        }
        return lines;
    }

    private static String f(Row r, int i) {
        return r.isNullAt(i) ? "-" : String.format(Locale.ROOT, "%.3f", r.getDouble(i));
    }

    /** Round curves per method (settings averaged): the global model's mean test score, and the entropy of π. */
    static List<Chart> figures(TableReader tables) {
        List<Row> score = ReportQueries.rows(tables, FewFedWeightJob.ROUND_GLOBAL,
                groupBy(col("model"), col("agg_method"), col("round")).avg(GLOBAL_SCORE));
        List<Row> entropy = ReportQueries.rows(tables, FewFedWeightJob.ROUND_GLOBAL, groupBy(col("model"), col("agg_method"),
                col("round")).where(r -> Boolean.FALSE.equals(r.get("evaluation_only"))).avg("weight_entropy"));
        List<Chart> charts = new ArrayList<>();
        charts.addAll(ChartData.perName(score, (model, r) -> new Chart.Line(model + ": the global model's score on the clients' test splits",
                "round (models after r aggregations)", "mean score", ChartData.series(r))));
        charts.addAll(ChartData.perName(entropy, (model, r) -> new Chart.Line(model + ": entropy of the aggregation weights π",
                "round", "entropy (nats)", ChartData.series(r))));
        return charts;
    }
}
