import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Issue 18's fusion lever, measured: non-GEMM passes of a Llama block on the benchmark's shapes (4×256 tokens, d 768,
 * ffn 2048, fp32) as the runtime does them with ND4J ops against one fused pass per row written with the Vector API
 * (jdk.incubator.vector, Java 17: needs --add-modules), reading and writing ND4J's off-heap buffers directly. Both on
 * the same number of threads (OMP_NUM_THREADS), conditions interleaved, best and median of the rounds; the ND4J ops
 * allocate their results in a workspace and the fused passes write into preallocated arrays. It also checks
 * that the fused results equal ND4J's within fp32 rounding. A single-file program: scripts/bench/vector-fusion runs it.
 */
public final class VectorFusionBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final int ROWS = 4 * 256;
    private static final int D = 768;
    private static final int FFN = 2048;
    private static final double EPS = 1e-5;
    private static final int ROUNDS = 15;
    private static final int REPS = 20;

    private final int threads = Integer.parseInt(System.getenv().getOrDefault("OMP_NUM_THREADS", "2"));
    private final ExecutorService pool = Executors.newFixedThreadPool(threads);

    public static void main(String[] args) throws Exception {
        VectorFusionBenchmark b = new VectorFusionBenchmark();
        try {
            b.run(args);
        } finally {
            b.pool.shutdown();
        }
    }

    private void run(String[] args) throws Exception {
        INDArray x = Nd4j.randn(DataType.FLOAT, ROWS, D);
        INDArray a = Nd4j.randn(DataType.FLOAT, ROWS, D);
        INDArray gamma = Nd4j.rand(DataType.FLOAT, D).addi(0.5);
        INDArray gate = Nd4j.randn(DataType.FLOAT, ROWS, FFN);
        INDArray up = Nd4j.randn(DataType.FLOAT, ROWS, FFN);
        INDArray yFused = Nd4j.createUninitialized(DataType.FLOAT, ROWS, D);
        INDArray hFused = Nd4j.createUninitialized(DataType.FLOAT, ROWS, D);
        INDArray nFused = Nd4j.createUninitialized(DataType.FLOAT, ROWS, FFN);

        // correctness first: the fused passes against the ND4J ops
        check("rmsNorm", nd4jRmsNorm(x, gamma), fusedRmsNorm(x, gamma, yFused));
        INDArray[] ref = nd4jAddNorm(x, a, gamma);
        fusedAddNorm(x, a, gamma, hFused, yFused);
        check("residual add", ref[0], hFused);
        check("residual add + rmsNorm", ref[1], yFused);
        check("SwiGLU", nd4jSwiGlu(gate, up), fusedSwiGlu(gate, up, nFused));

        String[] names = {"RMSNorm (1024×768)", "residual add + RMSNorm (1024×768)", "SwiGLU silu(g)·u (1024×2048)"};
        // the ND4J side allocates its results in a workspace, as the runtime's forward does
        Runnable[] nd4j = {inWorkspace(() -> nd4jRmsNorm(x, gamma)), inWorkspace(() -> nd4jAddNorm(x, a, gamma)),
            inWorkspace(() -> nd4jSwiGlu(gate, up))};
        Runnable[] fused = {() -> fusedRmsNorm(x, gamma, yFused), () -> fusedAddNorm(x, a, gamma, hFused, yFused),
            () -> fusedSwiGlu(gate, up, nFused)};
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "CPU: %s; %d threads; vector species %s; load average %s%n%n",
                cpu(), threads, S, load()));
        out.append("| pass | ND4J ops, best (median) | Vector API fused, best (median) | ND4J / fused |\n|---|---|---|---|\n");
        for (int i = 0; i < names.length; i++) {
            double[][] t = interleaved(nd4j[i], fused[i]);
            out.append(String.format(Locale.ROOT, "| %s | %.3f ms (%.3f) | %.3f ms (%.3f) | **%.2f** |%n", names[i],
                    best(t[0]), median(t[0]), best(t[1]), median(t[1]), best(t[0]) / best(t[1])));
        }
        out.append(String.format(Locale.ROOT, "%nLoad average at the end: %s%n", load()));
        System.out.print(out);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), out.toString());
        }
    }

    // ---- the runtime's ND4J passes (Norms.rmsNorm without a tape, Elementwise.add, Activations.silu + mul) ----

    private static INDArray nd4jRmsNorm(INDArray x, INDArray gamma) {
        INDArray r = x.norm2(true, -1);
        r.muli(r).divi(x.size(1)).addi(EPS);
        INDArray rstd = Transforms.pow(r, -0.5, false);
        return x.mul(rstd).muli(gamma);
    }

    private static INDArray[] nd4jAddNorm(INDArray x, INDArray a, INDArray gamma) {
        INDArray h = x.add(a);
        return new INDArray[] {h, nd4jRmsNorm(h, gamma)};
    }

    private static INDArray nd4jSwiGlu(INDArray gate, INDArray up) {
        INDArray y = gate.ulike();
        Nd4j.exec(new Swish(gate, y));
        return y.muli(up);
    }

    // ---- one pass per row block with the Vector API over the arrays' off-heap memory ----

    private INDArray fusedRmsNorm(INDArray x, INDArray gamma, INDArray y) {
        ByteBuffer xb = bytes(x), gb = bytes(gamma), yb = bytes(y);
        parallelRows(ROWS, (from, to) -> {
            for (int r = from; r < to; r++) {
                normRow(xb, (long) r * D, gb, yb);
            }
        });
        return y;
    }

    private INDArray fusedAddNorm(INDArray x, INDArray a, INDArray gamma, INDArray h, INDArray y) {
        ByteBuffer xb = bytes(x), ab = bytes(a), gb = bytes(gamma), hb = bytes(h), yb = bytes(y);
        parallelRows(ROWS, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * D * 4;
                int j = 0;
                for (; j < S.loopBound(D); j += S.length()) {
                    FloatVector.fromByteBuffer(S, xb, base + 4 * j, ByteOrder.nativeOrder())
                            .add(FloatVector.fromByteBuffer(S, ab, base + 4 * j, ByteOrder.nativeOrder()))
                            .intoByteBuffer(hb, base + 4 * j, ByteOrder.nativeOrder());
                }
                for (; j < D; j++) {
                    hb.putFloat(base + 4 * j, xb.getFloat(base + 4 * j) + ab.getFloat(base + 4 * j));
                }
                normRow(hb, (long) r * D, gb, yb);
            }
        });
        return y;
    }

    // y[row] = x[row] · rsqrt(mean(x[row]²) + eps) · gamma; row starts at element `start`
    private static void normRow(ByteBuffer xb, long start, ByteBuffer gb, ByteBuffer yb) {
        int base = (int) start * 4;
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j < S.loopBound(D); j += S.length()) {
            FloatVector v = FloatVector.fromByteBuffer(S, xb, base + 4 * j, ByteOrder.nativeOrder());
            acc = v.fma(v, acc);
        }
        float ss = acc.reduceLanes(VectorOperators.ADD);
        for (; j < D; j++) {
            float v = xb.getFloat(base + 4 * j);
            ss += v * v;
        }
        float rstd = (float) (1.0 / Math.sqrt(ss / D + EPS));
        j = 0;
        for (; j < S.loopBound(D); j += S.length()) {
            FloatVector.fromByteBuffer(S, xb, base + 4 * j, ByteOrder.nativeOrder()).mul(rstd)
                    .mul(FloatVector.fromByteBuffer(S, gb, 4 * j, ByteOrder.nativeOrder()))
                    .intoByteBuffer(yb, base + 4 * j, ByteOrder.nativeOrder());
        }
        for (; j < D; j++) {
            yb.putFloat(base + 4 * j, xb.getFloat(base + 4 * j) * rstd * gb.getFloat(4 * j));
        }
    }

    private INDArray fusedSwiGlu(INDArray gate, INDArray up, INDArray out) {
        ByteBuffer gbuf = bytes(gate), ub = bytes(up), ob = bytes(out);
        parallelRows(ROWS, (from, to) -> {
            int end = to * FFN * 4;
            int i = from * FFN * 4;
            int step = S.length() * 4;
            for (; i + step <= end; i += step) {
                FloatVector g = FloatVector.fromByteBuffer(S, gbuf, i, ByteOrder.nativeOrder());
                FloatVector sig = ONE.div(g.neg().lanewise(VectorOperators.EXP).add(1f));      // σ(g)
                g.mul(sig).mul(FloatVector.fromByteBuffer(S, ub, i, ByteOrder.nativeOrder()))
                        .intoByteBuffer(ob, i, ByteOrder.nativeOrder());
            }
            for (; i < end; i += 4) {
                float g = gbuf.getFloat(i);
                ob.putFloat(i, g / (1f + (float) Math.exp(-g)) * ub.getFloat(i));
            }
        });
        return out;
    }

    private static ByteBuffer bytes(INDArray a) {
        if (a.ordering() != 'c' || a.isView()) {
            throw new IllegalArgumentException("a contiguous c-order array is needed");
        }
        return a.data().asNio().order(ByteOrder.nativeOrder());
    }

    private interface RowBlock {
        void run(int from, int to);
    }

    private void parallelRows(int rows, RowBlock body) {
        int per = (rows + threads - 1) / threads;
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            int from = t * per, to = Math.min(rows, from + per);
            parts.add(pool.submit(() -> body.run(from, to)));
        }
        body.run(0, Math.min(rows, per));
        try {
            for (Future<?> f : parts) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- timing and checks ----

    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder().initialSize(0).build();

    private static Runnable inWorkspace(Runnable body) {
        return () -> {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, "bench.nd4j")) {
                body.run();
            }
        };
    }

    private static double[][] interleaved(Runnable first, Runnable second) {
        for (int w = 0; w < 3 * REPS; w++) {
            first.run();
            second.run();
        }
        double[][] ms = new double[2][ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            ms[0][round] = timeMs(first);
            ms[1][round] = timeMs(second);
        }
        return ms;
    }

    private static double timeMs(Runnable r) {
        long start = System.nanoTime();
        for (int i = 0; i < REPS; i++) {
            r.run();
        }
        return (System.nanoTime() - start) / 1e6 / REPS;
    }

    private static void check(String what, INDArray expected, INDArray actual) {
        double err = Transforms.abs(expected.sub(actual)).maxNumber().doubleValue()
                / Math.max(1e-30, Transforms.abs(expected).maxNumber().doubleValue());
        if (!(err < 1e-5)) {
            throw new AssertionError(what + ": fused result differs from ND4J's, max relative error " + err);
        }
        System.err.printf(Locale.ROOT, "check %s: max error %.2e of the largest value%n", what, err);
    }

    private static double best(double[] t) {
        return Arrays.stream(t).min().orElseThrow();
    }

    private static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String cpu() throws Exception {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse("?");
    }

    private static String load() throws Exception {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
        return f[0] + " " + f[1] + " " + f[2];
    }
}
