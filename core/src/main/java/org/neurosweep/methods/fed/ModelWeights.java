package org.neurosweep.methods.fed;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.CausalLM;

/**
 * A model's weights as plain fp32 arrays, what travels between the clients and the server of a federated round: the
 * global state (in the task binary or behind a location) and each client's update. Tensors are keyed by the model's
 * parameter names (sorted), each in the runtime's own layout, c-order; a Var bound under two names (a tied
 * unembedding) is kept once, under its first name.
 *
 * @param names  parameter names, sorted
 * @param shapes the runtime shape of each
 * @param values the values of each, c-order
 */
public record ModelWeights(List<String> names, List<long[]> shapes, List<float[]> values) implements Serializable {

    private static final int MAGIC = 0x4E534657;   // "NSFW": neurosweep federated weights

    public ModelWeights {
        if (names.size() != shapes.size() || names.size() != values.size()) {
            throw new IllegalArgumentException("one shape and one value array per name");
        }
        names = List.copyOf(names);
        shapes = List.copyOf(shapes);
        values = List.copyOf(values);
    }

    /** A copy of {@code model}'s current weights. */
    public static ModelWeights of(CausalLM model) {
        List<String> names = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        Map<Var, Boolean> seen = new IdentityHashMap<>();
        for (Map.Entry<String, Var> e : new TreeMap<>(model.parameters()).entrySet()) {
            if (seen.put(e.getValue(), Boolean.TRUE) != null) {
                continue;
            }
            INDArray v = e.getValue().value();
            names.add(e.getKey());
            shapes.add(v.shape());
            values.add(v.dup('c').castTo(DataType.FLOAT).data().asFloat());
        }
        return new ModelWeights(names, shapes, values);
    }

    /** Overwrites {@code model}'s weights with these (same names and shapes), in place. */
    public void applyTo(CausalLM model) {
        Map<String, Var> params = model.parameters();
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int i = 0; i < names.size(); i++) {
                Var p = params.get(names.get(i));
                if (p == null || !java.util.Arrays.equals(p.value().shape(), shapes.get(i))) {
                    throw new IllegalArgumentException("the model has no parameter " + names.get(i) + " of shape "
                            + java.util.Arrays.toString(shapes.get(i)));
                }
                p.value().assign(Nd4j.create(values.get(i), shapes.get(i), 'c').castTo(p.value().dataType()));
            }
        }
    }

    /** Number of scalar weights. */
    public long count() {
        return values.stream().mapToLong(v -> v.length).sum();
    }

    /** Whether {@code other} has the same names and shapes (so that the two can be averaged). */
    public boolean sameLayout(ModelWeights other) {
        if (!names.equals(other.names)) {
            return false;
        }
        for (int i = 0; i < shapes.size(); i++) {
            if (!java.util.Arrays.equals(shapes.get(i), other.shapes.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** SHA-256 over the names, shapes and the values' bytes (little-endian fp32), in hex: a replay fingerprint. */
    public String sha256() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < names.size(); i++) {
                sha.update(names.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(java.util.Arrays.toString(shapes.get(i)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                ByteBuffer b = ByteBuffer.allocate(values.get(i).length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(values.get(i));
                sha.update(b);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }

    /** Writes the weights in a flat binary layout (magic, count, then name, rank, dims, values per tensor). */
    public void write(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 20));
        d.writeInt(MAGIC);
        d.writeInt(names.size());
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < names.size(); i++) {
            d.writeUTF(names.get(i));
            d.writeInt(shapes.get(i).length);
            for (long s : shapes.get(i)) {
                d.writeLong(s);
            }
            float[] v = values.get(i);
            d.writeInt(v.length);
            for (int from = 0; from < v.length; from += chunk.length / 4) {
                int n = Math.min(chunk.length / 4, v.length - from);
                ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(v, from, n);
                d.write(chunk, 0, n * 4);
            }
        }
        d.flush();
    }

    /** Reads what {@link #write} wrote. */
    public static ModelWeights read(InputStream in, String source) throws IOException {
        DataInputStream d = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 20));
        if (d.readInt() != MAGIC) {
            throw new IOException(source + ": not a federated weights file");
        }
        int count = d.readInt();
        List<String> names = new ArrayList<>(count);
        List<long[]> shapes = new ArrayList<>(count);
        List<float[]> values = new ArrayList<>(count);
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < count; i++) {
            names.add(d.readUTF());
            long[] shape = new long[d.readInt()];
            for (int j = 0; j < shape.length; j++) {
                shape[j] = d.readLong();
            }
            shapes.add(shape);
            float[] v = new float[d.readInt()];
            for (int from = 0; from < v.length; from += chunk.length / 4) {
                int n = Math.min(chunk.length / 4, v.length - from);
                d.readFully(chunk, 0, n * 4);
                ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v, from, n);
            }
            values.add(v);
        }
        return new ModelWeights(names, shapes, values);
    }
}
