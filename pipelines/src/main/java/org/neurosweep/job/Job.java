package org.neurosweep.job;

import java.util.List;

/**
 * A method that NeuroSweep sweeps, in one of three shapes (DESIGN.md):
 * <ul>
 *   <li>{@link MapJob}: (model, checkpoint, dataset slice, parameters) to rows; units of one model run together;</li>
 *   <li>{@link RunJob}: one unit is one training run (checkpoints, log rows, evaluation rows), one long task;</li>
 *   <li>{@link RoundsJob}: a driver loop of rounds, each a stage of client units, aggregated on the driver.</li>
 * </ul>
 * Optional abilities are separate interfaces a job also implements: {@link SupportsCheckpointSeries},
 * {@link NeedsDataset}, {@link NeedsGradients}, {@link SupportsHeadlines}.
 *
 * <p>Jobs are found through {@link java.util.ServiceLoader} ({@code META-INF/services/org.neurosweep.job.Job});
 * {@link JobRegistry} checks their names and tables.
 */
public sealed interface Job permits MapJob, RunJob, RoundsJob {

    /** Registry key and the {@code job} value in configs and the manifest: kebab-case. */
    String name();

    /** The code version of the method; part of every unit id, so bumping it recomputes the job's units. */
    int version();

    /** One line for {@code --help} and plans. */
    String description();

    /** The tables the kernels write, without the engine's identity columns. */
    List<TableSchema> tables();

    /** The parameters the sweep config may set under the job's {@code params}. */
    default List<ParamSpec> params() {
        return List.of();
    }

    /** How the job's config entry becomes units (for a {@link RoundsJob}: its clients). */
    default Planner planner() {
        return Planner.grid();
    }
}
