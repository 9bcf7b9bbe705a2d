package org.neurosweep.jobs.moe;

import java.util.List;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.methods.moe.CrossLevelAttribution;
import org.neurosweep.methods.moe.GainSummary;
import org.neurosweep.methods.moe.RelationSample;
import org.neurosweep.methods.moe.SampleAttribution;
import org.neurosweep.methods.moe.SampleAttribution.ExpertScore;
import org.neurosweep.methods.moe.SampleAttribution.HeadScore;
import org.neurosweep.methods.moe.SampleAttribution.LayerScore;
import org.neurosweep.methods.moe.SampleAttribution.NeuronScore;
import org.neurosweep.model.ModelConfig;

/** Attributes the samples of one dataset slice with one model; stateless. */
final class MoeAttributionKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new MoeAttributionKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Params p = unit.params();
        List<RelationSample> samples = AttributionInputs.read(unit, in,
                p.getStringList(MoeAttributionJob.LANGUAGES), p.getStringList(MoeAttributionJob.TASKS), out);
        ModelHandle model = in.model();
        ModelConfig config = model.config();
        EncodedSamples encoded = EncodedSamples.of(samples, model, out);
        List<GainSummary.Stage> stages = GainSummary.stages(config.numLayers(),
                p.getDoubleList(MoeAttributionJob.STAGE_BOUNDS));
        int microBatch = in.microBatch(ForwardFootprint.bytes(config, encoded.longestPrompt(), 1));
        CrossLevelAttribution attribution = new CrossLevelAttribution(model.model(), EncodedSamples.padId(config),
                p.getInt(MoeAttributionJob.TOP_NEURONS), p.getInt(MoeAttributionJob.PROJECTION_ROWS));
        List<SampleAttribution> results = attribution.attribute(encoded.prompts(), encoded.targets(), microBatch);
        for (int i = 0; i < results.size(); i++) {
            write(encoded.samples().get(i), encoded.prompts().get(i).length, results.get(i), stages, model, out);
        }
    }

    private static void write(RelationSample s, int promptLength, SampleAttribution a, List<GainSummary.Stage> stages,
                              ModelHandle model, RowSink out) {
        String id = s.sampleId();
        String task = s.task();
        SampleAttribution.Output o = a.output();
        out.table(MoeAttributionJob.SAMPLES).add(id, task, s.language(), id, s.subject(), s.object(), s.template(),
                s.prompt(), o.target(), model.tokenizer().decode(new int[] {o.target()}), promptLength);
        out.table(MoeAttributionJob.EVAL).add(id, task, s.language(), id, "original", null, null, o.rank(),
                1.0 / o.rank(), o.rank() <= 10, Math.exp(o.logProb()), o.predicted());
        for (LayerScore l : a.layers()) {
            out.table(MoeAttributionJob.LAYER_LPI).add(id, task, id, l.layer(), l.sublayer().label(),
                    stageOf(stages, l.layer()), l.score().lpi(), l.score().logpBase(), l.score().logpAfter(),
                    l.score().lpiPredicted());
        }
        for (HeadScore h : a.heads()) {
            out.table(MoeAttributionJob.HEAD_LPI).add(id, task, id, h.layer(), h.head(), h.score().lpi(),
                    h.score().lpiPredicted());
        }
        for (ExpertScore e : a.experts()) {
            out.table(MoeAttributionJob.EXPERT_LPI).add(id, task, id, e.layer(), e.expert(), e.type().label(), e.selected(),
                    e.selected() ? e.gateWeight() : null, Double.isNaN(e.routerProb()) ? null : e.routerProb(),
                    e.score() == null ? null : e.score().lpi(), e.score() == null ? null : e.score().lpiPredicted());
        }
        for (NeuronScore n : a.neurons()) {
            out.table(MoeAttributionJob.NEURON_LPI).add(id, task, id, n.layer(), n.expert(), n.type().label(), n.neuron(),
                    n.coefficient(), n.gateWeight(), n.lpi(), n.lpiPredicted(), n.rank());
        }
    }

    // the stage name of a 0-based layer
    private static String stageOf(List<GainSummary.Stage> stages, int layer) {
        return stages.stream().filter(s -> layer + 1 >= s.from() && layer + 1 <= s.to()).findFirst()
                .orElseThrow().name();
    }
}
