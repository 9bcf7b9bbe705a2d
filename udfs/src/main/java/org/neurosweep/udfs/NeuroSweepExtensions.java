package org.neurosweep.udfs;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.classic.ColumnNodeToExpressionConverter$;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import scala.Function1;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The Spark session extension that installs every {@link NeuroSweepFunctions} function in each session it builds:
 * <pre>
 *   spark-sql   --jars neurosweep-pipelines-*-shaded.jar --conf spark.sql.extensions=org.neurosweep.udfs.NeuroSweepExtensions
 *   pyspark     (the same options; or SparkSession.builder.config("spark.sql.extensions", ...))
 * </pre>
 * The functions are built-in-like (no {@code CREATE FUNCTION}, present in every session of the application).
 *
 * <p>Spark's extension API takes builders of catalyst expressions; each builder wraps the argument expressions as
 * columns, applies the function's public {@link UserDefinedFunction} and converts the resulting column to its
 * expression (Spark 4's classic converter, as {@code spark.udf().register} does), so the function behaves exactly as
 * when registered through {@code spark.udf()}.
 */
public final class NeuroSweepExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

    /** The value for {@code spark.sql.extensions}. */
    public static final String CLASS_NAME = NeuroSweepExtensions.class.getName();

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        for (NeuroSweepFunctions.Definition d : NeuroSweepFunctions.all()) {
            ExpressionInfo info = new ExpressionInfo(NeuroSweepFunctions.class.getName(), null, d.name(), d.usage(), "");
            extensions.injectFunction(new Tuple3<>(FunctionIdentifier.apply(d.name()), info, builder(d.function())));
        }
        return BoxedUnit.UNIT;
    }

    private static Function1<Seq<Expression>, Expression> builder(UserDefinedFunction function) {
        return new AbstractFunction1<>() {
            @Override
            public Expression apply(Seq<Expression> arguments) {
                List<Column> columns = CollectionConverters.asJava(arguments).stream().map(ExpressionUtils::column).toList();
                return ColumnNodeToExpressionConverter$.MODULE$.apply(function.apply(columns.toArray(Column[]::new)).node());
            }
        };
    }
}
