package org.neurosweep.jobs.lota;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.job.TableRows;
import org.neurosweep.model.CausalLM;
import org.neurosweep.quant.GptqTensors;
import org.neurosweep.quant.LotaQaf;
import org.neurosweep.quant.QuantizedLinear;
import org.neurosweep.quant.TSignSgd;
import org.neurosweep.quant.TernaryAdapter;
import org.neurosweep.quant.ZeroFormat;

/** The rows of {@code lota_layer_state} and {@code lota_merge_audit}, one per adapted projection. */
final class LotaAudit {

    private static final Pattern LAYER = Pattern.compile("\\.layers\\.(\\d+)\\.");

    private LotaAudit() {
    }

    /** The adapters' markers, blocked moves and offsets at {@code step}. */
    static void layerStates(Map<String, TernaryAdapter> adapters, int step, TableRows rows) {
        adapters.forEach((weight, adapter) -> {
            String module = LotaQaf.module(weight);
            TernaryAdapter.State s = adapter.state();
            QuantizedLinear base = adapter.base();
            double omega = adapter.settings().omega();
            INDArray p = s.product();
            long plus = count(s.markers().eq(1.0));
            long minus = count(s.markers().eq(-1.0));
            long blockedUp = count(p.gt(omega).castTo(DataType.FLOAT).muli(base.codes().eq(base.qmax()).castTo(DataType.FLOAT)).gt(0.0));
            long blockedDown = count(p.lt(-omega).castTo(DataType.FLOAT).muli(base.codes().eq(0.0).castTo(DataType.FLOAT)).gt(0.0));
            float[] deltaAbs = Transforms.abs(s.delta(), true).dup('c').data().asFloat();
            Arrays.sort(deltaAbs);
            long n = p.length();
            rows.add(null, step, layerIndex(module), module, base.bits(), base.groups().groupSize(),
                    adapter.settings().rank(), omega, n, plus, minus, (double) (plus + minus) / n, blockedUp, blockedDown,
                    s.delta().meanNumber().doubleValue(), (double) deltaAbs[deltaAbs.length - 1],
                    (double) TSignSgd.quantile(deltaAbs, 0.99), p.amaxNumber().doubleValue());
        });
    }

    /**
     * Compares each adapter's training-time effective weight with the weight rebuilt from the packed merged layer
     * ({@code written}, decoded from the merged checkpoint) and with the reloaded model's weight.
     */
    static void merge(Map<String, TernaryAdapter> adapters, Map<String, QuantizedLinear> written, CausalLM reloaded,
                      ZeroFormat format, TableRows rows) {
        adapters.forEach((weight, adapter) -> {
            String module = LotaQaf.module(weight);
            QuantizedLinear before = adapter.base();
            QuantizedLinear after = written.get(module);
            INDArray effective = adapter.effectiveWeight();
            INDArray change = after.codes().sub(before.codes());
            long outOfRange = count(after.codes().lt(0.0)) + count(after.codes().gt(after.qmax()));
            double packedDiff = Transforms.abs(effective.sub(after.weight()), false).maxNumber().doubleValue();
            double reloadedDiff = Transforms.abs(effective.sub(reloaded.parameters().get(weight).value().transpose()),
                    false).maxNumber().doubleValue();
            rows.add(null, layerIndex(module), module, count(change.neq(0.0)), (int) change.amaxNumber().doubleValue(),
                    outOfRange, packedDiff, reloadedDiff, qweightSha(module, before, format),
                    qweightSha(module, after, format),
                    sha256(after.delta() == null ? new float[0] : after.delta().transpose().dup('c').data().asFloat()));
        });
    }

    static Integer layerIndex(String module) {
        Matcher m = LAYER.matcher(module + ".");
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    private static long count(INDArray bool) {
        return bool.castTo(DataType.FLOAT).sumNumber().longValue();
    }

    private static String qweightSha(String module, QuantizedLinear layer, ZeroFormat format) {
        INDArray packed = GptqTensors.encode(module, layer.withCodes(layer.codes(), null), format)
                .get(module + GptqTensors.QWEIGHT);
        int[] words = packed.data().asInt();
        ByteBuffer bytes = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(words);
        return digest(bytes.array());
    }

    private static String sha256(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return digest(bytes.array());
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
