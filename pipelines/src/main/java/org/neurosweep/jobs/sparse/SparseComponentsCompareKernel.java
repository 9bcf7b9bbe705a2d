package org.neurosweep.jobs.sparse;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.JobTables;
import org.neurosweep.methods.evaluation.CurveStatistics;
import org.neurosweep.methods.sparse.CategorySets;
import org.neurosweep.methods.sparse.ComponentCounts;
import org.neurosweep.methods.sparse.ComponentLayout;
import org.neurosweep.methods.sparse.TopEpsilon;
import org.neurosweep.model.ModelConfig;

/**
 * One base/tuned pair on one slice: both models count the same token sequences, pooled per category (sources
 * together); their sets are compared per ε and kind, whole and per layer. Stateless.
 */
final class SparseComponentsCompareKernel implements Kernel {

    /** Value equality lets every task of an executor reuse one kernel. */
    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new SparseComponentsCompareKernel();
        }
    }

    /** Why the two models' components cannot be compared one to one ("differ in ..."), or null when they can. */
    static String architectureMismatch(ModelConfig a, ModelConfig b) {
        ComponentLayout la = ComponentLayout.of(a);
        ComponentLayout lb = ComponentLayout.of(b);
        if (!la.blocks().equals(lb.blocks()) || !la.experts().equals(lb.experts())) {
            return "differ in their FFN neurons or experts (" + la.blocks().size() + " vs " + lb.blocks().size()
                    + " blocks, " + la.neurons() + " vs " + lb.neurons() + " neurons)";
        }
        if (a.isMoe() && a.moe().topK() != b.moe().topK()) {
            return "differ in top-k (" + a.moe().topK() + " vs " + b.moe().topK() + ")";
        }
        return null;
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        SparseParams params = SparseParams.of(unit.params());
        ModelHandle base = in.model(SparseComponentsCompareJob.BASE);
        ModelHandle tuned = in.model(SparseComponentsCompareJob.TUNED);
        String mismatch = architectureMismatch(base.config(), tuned.config());
        if (mismatch != null) {
            throw new IllegalArgumentException(base.ref().id() + " and " + tuned.ref().id() + " " + mismatch);
        }
        int positions = Math.min(base.config().maxPositions(), tuned.config().maxPositions());
        InstructionSet set = InstructionSet.read(unit, in, out, params, base.tokenizer(), positions);
        checkSameTokens(set, tuned);
        ComponentLayout layout = ComponentLayout.of(base.config());
        Map<String, ComponentCounts> b = pooled(base, set, params, in, layout);
        Map<String, ComponentCounts> f = pooled(tuned, set, params, in, layout);
        Names names = new Names(base.ref().id(), tuned.ref().id(), params);
        TableRows rows = out.table(SparseComponentsCompareJob.BASE_VS_FT);
        int[] neuronLayer = IntStream.range(0, layout.neurons()).map(i -> layout.blockOf(i).layer()).toArray();
        int[] expertLayer = layout.experts().stream().mapToInt(ComponentLayout.Expert::layer).toArray();
        for (String category : b.keySet()) {
            ComponentCounts cb = b.get(category);
            ComponentCounts cf = f.get(category);
            if (cb.tokens() == 0) {
                continue;
            }
            compare(rows, names, category, SparseColumns.ISN, cb.active(), cf.active(), cb.tokens(), neuronLayer);
            if (!layout.experts().isEmpty()) {
                compare(rows, names, category, SparseColumns.ISE, cb.routed(), cf.routed(), cb.tokens(), expertLayer);
            }
        }
        expertShift(out.table(SparseComponentsCompareJob.EXPERT_SHIFT), names, layout, b, f);
    }

    private record Names(String base, String tuned, SparseParams params) {
    }

    // both models' sets per ε, over the whole model and per layer; counts share the denominator tokens
    private static void compare(TableRows rows, Names n, String category, String kind, int[] base, int[] tuned,
                                long tokens, int[] layerOf) {
        int layers = Arrays.stream(layerOf).max().orElse(-1) + 1;
        Map<Integer, Double> spearman = new HashMap<>();
        spearman.put(null, spearman(base, tuned, i -> true));
        for (int l = 0; l < layers; l++) {
            int layer = l;
            spearman.put(l, spearman(base, tuned, i -> layerOf[i] == layer));
        }
        for (double eps : n.params().eps()) {
            int[] sb = TopEpsilon.select(base, eps).members();
            int[] sf = TopEpsilon.select(tuned, eps).members();
            write(rows, n, category, eps, kind, null, sb, sf, spearman.get(null));
            for (int l = 0; l < layers; l++) {
                int layer = l;
                write(rows, n, category, eps, kind, l, Arrays.stream(sb).filter(i -> layerOf[i] == layer).toArray(),
                        Arrays.stream(sf).filter(i -> layerOf[i] == layer).toArray(), spearman.get(l));
            }
        }
    }

    private static void write(TableRows rows, Names n, String category, double eps, String kind, Integer layer,
                              int[] base, int[] tuned, double spearman) {
        CategorySets.Overlap o = CategorySets.overlap(asSet(base), asSet(tuned));
        rows.add(null, n.base(), n.tuned(), category, eps, kind, layer, o.sizeA(), o.sizeB(), o.intersection(),
                JobTables.orNull(o.jaccard()), o.onlyInB(), o.onlyInA(), JobTables.orNull(spearman),
                n.params().formatting().key(), n.params().criterion().key());
    }

    private static double spearman(int[] base, int[] tuned, IntPredicate keep) {
        int[] idx = IntStream.range(0, base.length).filter(keep).toArray();
        return idx.length < 2 ? Double.NaN : CurveStatistics.spearman(Arrays.stream(idx).mapToDouble(i -> base[i]).toArray(),
                Arrays.stream(idx).mapToDouble(i -> tuned[i]).toArray());
    }

    // Δf per category and for all categories pooled, for every routed expert
    private static void expertShift(TableRows rows, Names n, ComponentLayout layout, Map<String, ComponentCounts> b,
                                    Map<String, ComponentCounts> f) {
        if (layout.experts().isEmpty()) {
            return;
        }
        Map<String, ComponentCounts[]> pairs = new TreeMap<>();
        ComponentCounts allB = new ComponentCounts(layout);
        ComponentCounts allF = new ComponentCounts(layout);
        for (String c : b.keySet()) {
            pairs.put(c, new ComponentCounts[] {b.get(c), f.get(c)});
            allB.add(b.get(c));
            allF.add(f.get(c));
        }
        pairs.put(SparseColumns.ALL, new ComponentCounts[] {allB, allF});
        pairs.forEach((category, pair) -> {
            if (pair[0].tokens() == 0) {
                return;
            }
            for (ComponentLayout.Expert e : layout.experts()) {
                double fb = (double) pair[0].routed()[e.index()] / pair[0].tokens();
                double ff = (double) pair[1].routed()[e.index()] / pair[1].tokens();
                rows.add(null, n.base(), n.tuned(), category, e.layer(), e.expert(), fb, ff, ff - fb,
                        n.params().formatting().key());
            }
        });
    }

    private static Map<String, ComponentCounts> pooled(ModelHandle model, InstructionSet set, SparseParams params,
                                                       UnitInputs in, ComponentLayout layout) {
        Map<String, ComponentCounts> pools = new TreeMap<>();
        SparseComponentsKernel.count(model, set, params, in, (i, c) ->
                pools.computeIfAbsent(set.examples().get(i).category(), k -> new ComponentCounts(layout)).add(c));
        return pools;
    }

    // "same text and tokenizer": the tuned model's tokenizer must give the ids the base model's gave
    private static void checkSameTokens(InstructionSet set, ModelHandle tuned) {
        int[][] ids = tuned.tokenizer().encodeBatch(set.texts());
        for (int i = 0; i < ids.length; i++) {
            int[] cut = ids[i].length > set.tokens().get(i).length ? Arrays.copyOf(ids[i], set.tokens().get(i).length) : ids[i];
            if (!Arrays.equals(cut, set.tokens().get(i))) {
                throw new IllegalArgumentException("the base and tuned tokenizers differ on instruction "
                        + set.examples().get(i).id() + "; compare models that share a tokenizer");
            }
        }
    }

    private static Set<Long> asSet(int[] members) {
        Set<Long> out = new HashSet<>();
        for (int m : members) {
            out.add((long) m);
        }
        return out;
    }
}
