package org.neurosweep.job;

import java.io.Serializable;
import java.util.List;

/**
 * The rounds shape (federated learning): the {@link #planner()} plans the clients; for each parameter point the
 * driver runs {@link #rounds} rounds. In round {@code r} every client unit runs (as {@link WorkUnit#inRound}) with
 * the kernels of {@link #clientKernels}, writing its update under {@link RowSink#artifacts()}; then
 * {@link #aggregate} on the driver folds the committed updates into the next state.
 *
 * <p>The state travels to executors inside the kernel factory: small models can live in it, large ones are written
 * by {@link #aggregate} under its artifacts and the state holds their location. States are persisted after every
 * round (Java serialization), so a rerun resumes at the first round that has not been aggregated.
 *
 * @param <S> the global state between rounds; small and serializable
 */
public non-sealed interface RoundsJob<S extends Serializable> extends Job {

    /** The state before round 0 of the experiment of {@code params}, whose clients are {@code clients}. */
    S initialState(Params params, List<WorkUnit> clients);

    /** The number of rounds of the experiment of {@code params}. */
    int rounds(Params params);

    /** The kernels of the clients of round {@code round}, carrying what they need of {@code state}. */
    KernelFactory clientKernels(S state, int round);

    /**
     * The state after {@code round}, on the driver. {@code results} holds the clients that committed in this round
     * (failed clients are missing); rows and artifacts written to {@code out} are committed with the new state.
     */
    S aggregate(S state, RoundResults results, RowSink out) throws Exception;
}
