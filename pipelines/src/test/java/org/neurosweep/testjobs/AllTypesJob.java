package org.neurosweep.testjobs;

import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.TableSchema;

import java.nio.file.Files;
import java.util.List;

/**
 * A test job without model or data that writes one row holding every column type (the second row with nulls in the
 * optional columns) and one artifact file referenced from the row.
 */
public final class AllTypesJob implements MapJob {

    public static final String TABLE = "all_types";

    @Override
    public String name() {
        return "all-types";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "test job: every column type";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(TableSchema.of(TABLE, "every type",
                Column.required("s", ColumnType.STRING, "string"),
                Column.required("i", ColumnType.INT, "int"),
                Column.required("l", ColumnType.LONG, "long"),
                Column.required("f", ColumnType.FLOAT, "float"),
                Column.required("d", ColumnType.DOUBLE, "double"),
                Column.required("b", ColumnType.BOOLEAN, "boolean"),
                Column.required("t", ColumnType.TIMESTAMP, "timestamp"),
                Column.optional("fa", ColumnType.FLOAT_ARRAY, "floats"),
                Column.optional("da", ColumnType.DOUBLE_ARRAY, "doubles"),
                Column.optional("ia", ColumnType.INT_ARRAY, "ints"),
                Column.optional("sa", ColumnType.STRING_ARRAY, "strings"),
                Column.optional("artifact", ColumnType.STRING, "uri of an artifact")));
    }

    @Override
    public KernelFactory kernels() {
        return new Factory();
    }

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return (unit, in, out) -> {
                Files.writeString(out.artifacts().local("notes/hello.txt"), "hello");
                out.table(TABLE).add("full", "x", 7, 8L, 1.5f, 2.25, true, 86_400_000L,
                        new float[]{1f, 2f}, new double[]{3.0}, new int[]{4, 5, 6}, List.of("a", "b"),
                        out.artifacts().uri("notes/hello.txt"));
                out.table(TABLE).add(null, "", 0, 0, 0f, 0.0, false, 0L, null, null, new int[0], null, null);
            };
        }
    }
}
