package org.neurosweep.exec;

import org.neurosweep.job.Job;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.NeedsGradients;
import org.neurosweep.job.TableSchema;

import java.io.Serializable;
import java.util.List;

/** What executors need of one job: its kernel factory, its tables, and the activation-memory factor. */
record JobKernels(String job, KernelFactory kernels, List<TableSchema> tables, double activationFactor)
        implements Serializable {

    JobKernels {
        tables = List.copyOf(tables);
    }

    static JobKernels of(Job job, KernelFactory kernels) {
        double factor = job instanceof NeedsGradients g ? g.activationMemoryFactor() : 1.0;
        return new JobKernels(job.name(), kernels, job.tables(), factor);
    }
}
