package org.neurosweep.job;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** What {@link RoundsJob#aggregate} sees of one round: the clients that committed and their artifacts. */
public interface RoundResults {

    int round();

    /** The experiment's parameter point. */
    Params params();

    /** The client units of this round whose outputs are committed, in plan order. */
    List<WorkUnit> committed();

    /** How many clients of this round failed. */
    int failed();

    /** Reads an artifact that {@code client} wrote under {@code relative} in this round. */
    InputStream openArtifact(WorkUnit client, String relative) throws IOException;
}
