package org.neurosweep.cli;

import org.neurosweep.model.check.ReferenceCheck;
import org.neurosweep.model.check.Tolerance;

import java.util.Set;

/** {@code neurosweep check-model}: compares a checkpoint with a reference dump (docs/reference-format.md). */
final class CheckModelCommand implements Command {

    @Override
    public String name() {
        return "check-model";
    }

    @Override
    public String summary() {
        return "check a model folder against a reference.safetensors dump";
    }

    @Override
    public String help() {
        return """
                Usage: neurosweep check-model --model DIR --reference FILE [--tolerance fp32|bf16]

                Loads the model folder (local path or Hadoop URI), runs the reference inputs and compares every
                tensor of the reference file (embeddings, layer outputs, FFN activations, attention
                probabilities, router logits, logits, greedy ids) at the tolerance: fp32 (max relative error
                below 1e-4, the default) or bf16 (norm-relative error below 3e-2, same argmax at 90% of
                positions). One line per tensor, then a count. make-reference.py writes such files.

                Exit status: 0 every checked tensor agrees; 1 one does not; 2 bad command line.""";
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("model", "reference", "tolerance");
    }

    @Override
    public int run(Args args, Console console) {
        if (!args.positional().isEmpty()) {
            throw new UsageException("check-model takes no positional argument: " + args.positional());
        }
        Tolerance tolerance;
        try {
            tolerance = Tolerance.parse(args.option("tolerance") == null ? "fp32" : args.option("tolerance"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int status = ReferenceCheck.checkModel(args.required("model"), args.required("reference"), tolerance, console.out());
        return status == 0 ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }
}
