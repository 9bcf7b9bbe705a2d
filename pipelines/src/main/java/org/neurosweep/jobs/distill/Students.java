package org.neurosweep.jobs.distill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.neurosweep.job.ArtifactDir;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.train.ModelCheckpoint;
import org.neurosweep.train.StepLog;
import org.neurosweep.train.Trainer;
import org.neurosweep.train.TrainingConfig;

/**
 * A student's training run inside a unit: a private trainable copy of the student's weights (the cached model is
 * shared and frozen), trained by the shared parameters' AdamW + cosine schedule, and published as an HF checkpoint.
 * Runs are not resumed: a unit that dies is recomputed whole (the engine's run shape), so a run is one unit.
 */
final class Students {

    /**
     * Runs after every optimizer step of every student run, after the unit's own step callback; nothing in
     * production. Tests throw from it to kill an attempt mid-training at a chosen step (a forced interleaving).
     */
    static volatile Consumer<StepLog> afterStep = log -> { };

    private Students() {
    }

    /**
     * A trainable copy of {@code student}'s weights, trained on {@code examples} with {@code objective} for the run
     * {@code config}, with the optimizer and schedule of the shared parameters.
     */
    static <E> CausalLM train(ModelHandle student, List<E> examples, TrainingConfig config, Params p,
                              java.util.function.Function<CausalLM, Trainer.Objective<E>> objective,
                              Consumer<StepLog> onStep) {
        CausalLM copy = ModelLoader.load(student.ref().uri(), true);
        new Trainer<E>(config, DistillParams.optimizer(copy, p), DistillParams.schedule(p))
                .train(examples, objective.apply(copy), log -> {
                    onStep.accept(log);
                    afterStep.accept(log);
                });
        return copy;
    }

    /**
     * Saves {@code trained} as artifact folder {@code name} (config and tokenizer of the student's folder,
     * {@code training_step} = steps) and returns its URI, or null when the parameters ask for no checkpoints.
     */
    static String publish(CausalLM trained, ModelHandle student, String name, Params p, ArtifactDir artifacts) {
        if (!p.getBoolean(DistillParams.SAVE_CHECKPOINTS)) {
            return null;
        }
        try {
            ModelCheckpoint.save(trained, localFolder(student), artifacts.local(name),
                    Map.of("training_step", p.getInt(DistillParams.STEPS)));
        } catch (IOException e) {
            throw new UncheckedIOException("saving the student checkpoint " + name, e);
        }
        return artifacts.uri(name);
    }

    private static Path localFolder(ModelHandle student) {
        String uri = student.ref().uri();
        if (uri.startsWith("file:")) {
            return Path.of(URI.create(uri));
        }
        if (!uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return Path.of(uri);
        }
        throw new IllegalArgumentException(student.ref() + ": checkpoints copy the config and tokenizer of a local "
                + "student folder, not " + uri + "; set save-checkpoints = false");
    }

    /** The end-of-text id of {@code model}: config.json's first eos id, else the tokenizer's. */
    static int endOfText(ModelHandle model) {
        if (!model.config().eosTokenIds().isEmpty()) {
            return model.config().eosTokenIds().get(0);
        }
        return model.tokenizer().eosId().orElseThrow(() -> new IllegalStateException(
                "neither config.json nor the tokenizer of " + model.ref() + " names an end-of-text token"));
    }

    static int padId(ModelHandle model) {
        Integer pad = model.config().padTokenId();
        return pad == null ? endOfText(model) : pad;
    }
}
