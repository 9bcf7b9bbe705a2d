package org.neurosweep.jobs.sparse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableReader;
import org.neurosweep.jobs.JobTables;
import org.neurosweep.methods.sparse.CategorySets;
import org.neurosweep.methods.sparse.ComponentKey;
import org.neurosweep.methods.sparse.TopEpsilon;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

/**
 * The driver summary of {@code sparse-components} (SPARCOM Stage 2): per analysis (model, dataset, formatting,
 * criterion), the category-level counts are summed over the units, and for every ε the units used and each kind
 * (ISN; ISE for MoE models) the category sets S_c are selected from the pooled counts and compared: membership,
 * pairwise overlaps, generality and uniqueness, layer profiles, instruction-level coverage and the AI-vs-human check.
 * Everything is recomputed from the raw count tables, so other definitions can be applied to them later.
 */
final class SparseComponentsSummary {

    /** One analysis: a model's counts of one dataset with one formatting and criterion. */
    private record Group(String model, String dataset, String formatting, String criterion) {
        List<String> routingKey() {
            return List.of(model, dataset, formatting);
        }
    }

    private static final Comparator<Group> GROUP_ORDER = Comparator.comparing(Group::model)
            .thenComparing(Group::dataset).thenComparing(Group::formatting).thenComparing(Group::criterion);

    private final TableReader tables;
    private final RowSink out;

    SparseComponentsSummary(TableReader tables, RowSink out) {
        this.tables = tables;
        this.out = out;
    }

    void write() {
        if (!written(SparseComponentsJob.NEURON_FREQ) || !written(SparseComponentsJob.COMPONENTS)) {
            return;                                                  // no instruction had a token
        }
        Map<Group, List<PooledCounts.Entry>> neurons = neuronEntries();
        Map<List<String>, List<PooledCounts.Entry>> experts = expertEntries();
        Map<Group, TreeSet<Double>> eps = epsByGroup();
        Map<String, Integer> instructions = instructionsPerCategory();
        Map<String, Map<Long, Integer>> inInstructionSets = instructionSetMembers();
        Set<Group> done = summarised();
        for (Map.Entry<Group, List<PooledCounts.Entry>> g : neurons.entrySet()) {
            Group group = g.getKey();
            if (done.contains(group)) {
                continue;
            }
            Map<String, PooledCounts> kinds = new LinkedHashMap<>();
            kinds.put(SparseColumns.ISN, new PooledCounts(g.getValue()));
            List<PooledCounts.Entry> routing = experts.get(group.routingKey());
            if (routing != null) {
                kinds.put(SparseColumns.ISE, new PooledCounts(routing));
            }
            for (double e : eps.getOrDefault(group, new TreeSet<>())) {
                kinds.forEach((kind, pools) -> analyse(group, e, kind, pools, instructions, inInstructionSets));
            }
        }
    }

    private void analyse(Group g, double eps, String kind, PooledCounts pools, Map<String, Integer> instructions,
                         Map<String, Map<Long, Integer>> inInstructionSets) {
        Map<String, Set<Long>> sets = new TreeMap<>();
        for (String c : pools.categories()) {
            sets.put(c, select(g, eps, kind, pools, c));
        }
        CategorySets cs = new CategorySets(sets);
        Set<Long> general = cs.inAtLeast(cs.categories().size());
        for (long x : new TreeSet<>(cs.union())) {
            out.table(SparseComponentsJob.MEMBERSHIP).add(null, g.model(), g.dataset(), g.formatting(), g.criterion(), eps,
                    kind, ComponentKey.layer(x), ComponentKey.expert(x), neuronOrNull(kind, x), cs.membership(x),
                    cs.categoryMask(x), cs.categoriesOf(x));
        }
        int uniqueTotal = 0;
        for (String a : cs.categories()) {
            for (String b : cs.categories()) {
                if (!a.equals(b)) {
                    CategorySets.Overlap o = CategorySets.overlap(cs.set(a), cs.set(b));
                    out.table(SparseComponentsJob.OVERLAP).add(null, g.model(), g.dataset(), g.formatting(), g.criterion(),
                            eps, kind, a, b, o.sizeA(), o.sizeB(), o.intersection(), JobTables.orNull(o.jaccard()),
                            JobTables.orNull(o.fractionOfA()));
                }
            }
            Set<Long> set = cs.set(a);
            int nGeneral = (int) set.stream().filter(general::contains).count();
            int nUnique = cs.unique(a).size();
            uniqueTotal += nUnique;
            String instructionKey = key(g, eps, kind, a);
            Map<Long, Integer> members = inInstructionSets.getOrDefault(instructionKey, Map.of());
            Integer n = instructions.get(String.join("|", g.model(), g.dataset(), g.formatting(), a));
            Double coverage = set.isEmpty() || n == null ? null
                    : set.stream().mapToDouble(x -> members.getOrDefault(x, 0) / (double) n).average().orElseThrow();
            out.table(SparseComponentsJob.GEN_UNIQ).add(null, g.model(), g.dataset(), g.formatting(), g.criterion(), eps,
                    kind, a, set.size(), nGeneral, nUnique, ratio(nGeneral, set.size()), ratio(nUnique, set.size()),
                    coverage, null);
            layerProfile(g, eps, kind, pools, a, set);
            sourceCheck(g, eps, kind, pools, a);
        }
        int union = cs.union().size();
        out.table(SparseComponentsJob.GEN_UNIQ).add(null, g.model(), g.dataset(), g.formatting(), g.criterion(), eps, kind,
                SparseColumns.ALL, union, general.size(), uniqueTotal, ratio(general.size(), union),
                ratio(uniqueTotal, union), null, cs.membershipHistogram());
    }

    // S_c from the pooled counts; its members are written to p2_components at category level
    private Set<Long> select(Group g, double eps, String kind, PooledCounts pools, String category) {
        int[] counts = pools.counts(category, null);
        long tokens = pools.tokens(category, null);
        TopEpsilon.Selection s = TopEpsilon.select(counts, eps);
        Set<Long> set = new HashSet<>(pools.keysOf(s.members()));
        for (int m : s.members()) {
            long x = pools.keys()[m];
            out.table(SparseComponentsJob.COMPONENTS).add(null, g.model(), g.dataset(), SparseColumns.CATEGORY_LEVEL,
                    category, null, eps, kind, ComponentKey.layer(x), ComponentKey.expert(x), neuronOrNull(kind, x),
                    (long) counts[m], tokens, (double) counts[m] / tokens, (double) s.thresholdCount() / tokens, s.size(),
                    g.formatting(), g.criterion());
        }
        return set;
    }

    private void layerProfile(Group g, double eps, String kind, PooledCounts pools, String category, Set<Long> set) {
        Map<Integer, Integer> inLayer = new TreeMap<>();
        for (long x : set) {
            inLayer.merge(ComponentKey.layer(x), 1, Integer::sum);
        }
        pools.unitsPerLayer().forEach((layer, units) -> {
            int n = inLayer.getOrDefault(layer, 0);
            out.table(SparseComponentsJob.LAYER_DIST).add(null, g.model(), g.dataset(), g.formatting(), g.criterion(), eps,
                    kind, category, layer, n, units, (double) n / units);
        });
    }

    private void sourceCheck(Group g, double eps, String kind, PooledCounts pools, String category) {
        List<String> sources = pools.sources(category);
        if (!sources.contains("ai") || !sources.contains("human")) {
            return;
        }
        Set<Long> ai = new HashSet<>(pools.keysOf(TopEpsilon.select(pools.counts(category, "ai"), eps).members()));
        Set<Long> human = new HashSet<>(pools.keysOf(TopEpsilon.select(pools.counts(category, "human"), eps).members()));
        CategorySets.Overlap o = CategorySets.overlap(ai, human);
        out.table(SparseComponentsJob.SOURCE_CHECK).add(null, g.model(), g.dataset(), g.formatting(), g.criterion(), eps,
                kind, category, o.sizeA(), o.sizeB(), o.intersection(), JobTables.orNull(o.jaccard()));
    }

    // analyses an earlier summary of this run already wrote: the engine runs one summary per job entry of the sweep,
    // and each reads every unit of the job, so the second entry's summary must not repeat the first one's rows
    private Set<Group> summarised() {
        Set<Group> out = new HashSet<>();
        for (Row r : rows(SparseComponentsJob.COMPONENTS).where(col("level").equalTo(SparseColumns.CATEGORY_LEVEL))
                .select("model", "instruction_set", "formatting", "criterion").distinct().collectAsList()) {
            out.add(new Group(r.getString(0), r.getString(1), r.getString(2), r.getString(3)));
        }
        return out;
    }

    private Map<Group, List<PooledCounts.Entry>> neuronEntries() {
        Map<Group, List<PooledCounts.Entry>> out = new TreeMap<>(GROUP_ORDER);
        for (Row r : categoryLevel(SparseComponentsJob.NEURON_FREQ)
                .groupBy(col("model_id"), col("dataset"), col("formatting"), col("criterion"), col("category"),
                        col("source"), col("layer"), col("expert_id"), col("neuron"))
                .agg(sum("active_count").as("count"), sum("n_tokens").as("tokens")).collectAsList()) {
            Group g = new Group(r.getAs("model_id"), r.getAs("dataset"), r.getAs("formatting"), r.getAs("criterion"));
            out.computeIfAbsent(g, k -> new ArrayList<>()).add(entry(r, r.<Integer>getAs("neuron")));
        }
        return out;
    }

    private Map<List<String>, List<PooledCounts.Entry>> expertEntries() {
        Map<List<String>, List<PooledCounts.Entry>> out = new HashMap<>();
        if (!written(SparseComponentsJob.EXPERT_FREQ)) {
            return out;                                              // dense models only
        }
        for (Row r : categoryLevel(SparseComponentsJob.EXPERT_FREQ).where(col("expert_id").geq(0))
                .groupBy(col("model_id"), col("dataset"), col("formatting"), col("category"), col("source"), col("layer"),
                        col("expert_id"))
                .agg(sum("routed_count").as("count"), sum("n_tokens").as("tokens")).collectAsList()) {
            List<String> k = List.of(r.getAs("model_id"), r.getAs("dataset"), r.getAs("formatting"));
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(entry(r, 0));
        }
        return out;
    }

    private Dataset<Row> categoryLevel(String table) {
        return rows(table).where(col("level").equalTo(SparseColumns.CATEGORY_LEVEL));
    }

    private Dataset<Row> rows(String table) {
        return tables.table(table);
    }

    // the engine reads a table no unit wrote as a frame without columns
    private boolean written(String table) {
        return SparseHeadlines.hasRows(tables.table(table));
    }

    private static PooledCounts.Entry entry(Row r, int neuron) {
        return new PooledCounts.Entry(r.getAs("category"), r.getAs("source"), r.<Integer>getAs("layer"),
                r.<Integer>getAs("expert_id"), neuron, r.<Long>getAs("count"), r.<Long>getAs("tokens"));
    }

    // the ε values the units selected with, per analysis
    private Map<Group, TreeSet<Double>> epsByGroup() {
        Map<Group, TreeSet<Double>> out = new HashMap<>();
        for (Row r : instructionLevelComponents().select("model", "instruction_set", "formatting", "criterion", "eps")
                .distinct().collectAsList()) {
            out.computeIfAbsent(new Group(r.getString(0), r.getString(1), r.getString(2), r.getString(3)),
                    k -> new TreeSet<>()).add(r.getDouble(4));
        }
        return out;
    }

    // per analysis, ε, kind and category: in how many instructions' sets S(I) each component is
    private Map<String, Map<Long, Integer>> instructionSetMembers() {
        Map<String, Map<Long, Integer>> out = new HashMap<>();
        for (Row r : instructionLevelComponents()
                .groupBy(col("model"), col("instruction_set"), col("formatting"), col("criterion"), col("eps"), col("kind"),
                        col("category"), col("layer"), col("expert_id"), coalesce(col("neuron"), lit(0)).as("n"))
                .agg(count("*").as("instructions")).collectAsList()) {
            Group g = new Group(r.getAs("model"), r.getAs("instruction_set"), r.getAs("formatting"), r.getAs("criterion"));
            out.computeIfAbsent(key(g, r.getAs("eps"), r.getAs("kind"), r.getAs("category")), k -> new HashMap<>())
                    .put(ComponentKey.of(r.getAs("layer"), r.getAs("expert_id"), r.<Integer>getAs("n")),
                            r.<Long>getAs("instructions").intValue());
        }
        return out;
    }

    private Dataset<Row> instructionLevelComponents() {
        return tables.table(SparseComponentsJob.COMPONENTS).where(col("level").equalTo(SparseColumns.INSTRUCTION));
    }

    // "model|dataset|formatting|category" → instructions fed (also those without tokens)
    private Map<String, Integer> instructionsPerCategory() {
        Map<String, Integer> out = new HashMap<>();
        for (Row r : tables.table(SparseComponentsJob.INSTRUCTIONS)
                .groupBy("model_id", "dataset", "formatting", "category").count().collectAsList()) {
            out.put(String.join("|", r.getString(0), r.getString(1), r.getString(2), r.getString(3)), (int) r.getLong(4));
        }
        return out;
    }

    private static String key(Group g, double eps, String kind, String category) {
        return String.join("|", g.model(), g.dataset(), g.formatting(), g.criterion(), Double.toString(eps), kind, category);
    }

    private static Integer neuronOrNull(String kind, long x) {
        return kind.equals(SparseColumns.ISN) ? ComponentKey.neuron(x) : null;
    }

    private static Double ratio(int part, int whole) {
        return whole == 0 ? null : (double) part / whole;
    }
}
