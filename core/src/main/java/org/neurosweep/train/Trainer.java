package org.neurosweep.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.autograd.Workspaces;

/**
 * The training loop: per step, {@code gradientAccumulation} micro-batches each run forward and
 * backward on its own tape inside one reused workspace, their gradients summed into the parameters;
 * then global-norm clipping, one optimizer update at the scheduled learning rate, and the gradients
 * cleared. Examples are visited in epochs, each a permutation drawn from {@code Random(seed)}, so a
 * run is fully determined by its inputs and seed.
 *
 * @param <E> an example, turned into a loss by the {@link Objective}
 */
public final class Trainer<E> {

    /**
     * The mean loss of one micro-batch, computed with ops on the autograd API. Resources the loss
     * depends on (a model {@code Forward}) are handed to {@code scope.keep}: they are closed after
     * the backward pass.
     */
    @FunctionalInterface
    public interface Objective<E> {
        Var loss(List<E> microBatch, Scope scope);
    }

    /** Resources of one micro-batch, closed in reverse order once its backward pass is done. */
    public static final class Scope implements AutoCloseable {
        private final java.util.ArrayDeque<AutoCloseable> resources = new java.util.ArrayDeque<>();

        public <T extends AutoCloseable> T keep(T resource) {
            resources.push(resource);
            return resource;
        }

        @Override
        public void close() {
            RuntimeException failure = null;
            while (!resources.isEmpty()) {
                try {
                    resources.pop().close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = new IllegalStateException("closing a micro-batch resource failed", e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private final TrainingConfig config;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;

    public Trainer(TrainingConfig config, Optimizer optimizer, LearningRateSchedule schedule) {
        this.config = config;
        this.optimizer = optimizer;
        this.schedule = schedule;
    }

    /** Runs {@code config.steps()} steps over {@code examples}; every step is also passed to {@code onStep}. */
    public List<StepLog> train(List<E> examples, Objective<E> objective, Consumer<StepLog> onStep) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        List<Var> params = optimizer.parameters();
        MicroBatches<E> batches = new MicroBatches<>(examples, config.microBatchSize(), new Random(config.seed()));
        String workspaceId = "train-" + System.identityHashCode(this);
        List<StepLog> logs = new ArrayList<>(config.steps());
        for (long step = 0; step < config.steps(); step++) {
            long start = System.nanoTime();
            params.forEach(Var::zeroGrad);
            double loss = 0;
            for (int micro = 0; micro < config.gradientAccumulation(); micro++) {
                loss += microStep(batches.next(), objective, workspaceId, step) / config.gradientAccumulation();
            }
            double norm = config.maxGradNorm() > 0
                    ? GradientClipping.clipGlobalNorm(params, config.maxGradNorm())
                    : GradientClipping.globalNorm(params);
            if (!Double.isFinite(norm)) {
                throw new TrainingException("step " + step + ": gradient norm is " + norm + " (loss " + loss + ")");
            }
            double lr = schedule.at(step);
            optimizer.step(lr);
            StepLog log = new StepLog(step, loss, lr, norm, (System.nanoTime() - start) / 1_000_000);
            logs.add(log);
            onStep.accept(log);
        }
        params.forEach(Var::zeroGrad);
        return logs;
    }

    /** Forward and backward of one micro-batch with loss scaled by 1/accumulation; returns the unscaled loss. */
    private double microStep(List<E> batch, Objective<E> objective, String workspaceId, long step) {
        try (MemoryWorkspace ignored =
                     Nd4j.getWorkspaceManager().getAndActivateWorkspace(Workspaces.STEADY, workspaceId);
             Tape tape = Tape.record();
             Scope scope = new Scope()) {
            Var loss = objective.loss(batch, scope);
            double value = loss.value().getDouble(0);
            if (!Double.isFinite(value)) {
                throw new TrainingException("step " + step + ": loss is " + value);
            }
            tape.backward(loss, loss.value().like().assign(1.0 / config.gradientAccumulation()));
            return value;
        }
    }

    /** Endless micro-batches: epochs of shuffled examples, the last partial batch of an epoch dropped. */
    private static final class MicroBatches<E> {
        private final List<E> order;
        private final int size;
        private final Random random;
        private int next;

        MicroBatches(List<E> examples, int size, Random random) {
            if (examples.size() < size) {
                throw new IllegalArgumentException("micro-batch size " + size + " exceeds the "
                        + examples.size() + " training examples");
            }
            this.order = new ArrayList<>(examples);
            this.size = size;
            this.random = random;
            this.next = order.size();
        }

        List<E> next() {
            if (next + size > order.size()) {
                Collections.shuffle(order, random);
                next = 0;
            }
            List<E> batch = List.copyOf(order.subList(next, next + size));
            next += size;
            return batch;
        }
    }
}
