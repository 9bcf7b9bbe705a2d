package org.neurosweep.tensor;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A pickle interpreter for the subset of opcodes torch.save uses for state dicts (protocols 2 to 4), that builds plain
 * Java values and calls nothing: globals resolve only to {@link TorchGlobal}s (any other is refused with
 * {@link UnsafePickleException}), and REDUCE and persistent ids are handed to {@link TorchRebuild}.
 *
 * <p>Values: None → null, bool → Boolean, int → Long (BigInteger beyond 64 bits), float → Double, str → String,
 * tuple → unmodifiable List, list → ArrayList, dict/OrderedDict → LinkedHashMap, tensor/Parameter → TorchTensorRef.
 * Every length read from the pickle is checked against the bytes that remain before anything is allocated.
 */
final class RestrictedUnpickler {

    private final String location;
    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int opcodeAt;

    /** @param location the pickle's file and entry, for messages */
    RestrictedUnpickler(String location, ByteBuffer pickle) {
        this.location = location;
        this.in = pickle.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The unpickled object (the value left by STOP). */
    Object load() {
        while (true) {
            opcodeAt = in.position();
            int op = u8();
            switch (op) {
                case 0x80 -> u8(); // PROTO
                case 0x95 -> take(8); // FRAME
                case '.' -> { // STOP
                    return pop();
                }
                case '(' -> marks.push(stack.size()); // MARK
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case 'N' -> push(null); // NONE
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'J' -> push((long) take(4).getInt()); // BININT
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) (take(2).getShort() & 0xffff)); // BININT2
                case 0x8a -> push(littleEndianInteger(u8())); // LONG1
                case 0x8b -> push(littleEndianInteger(length(take(4).getInt()))); // LONG4
                case 'G' -> push(take(8).order(ByteOrder.BIG_ENDIAN).getDouble()); // BINFLOAT
                case 'X' -> push(utf8(length(take(4).getInt()))); // BINUNICODE
                case 0x8c -> push(utf8(u8())); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(length(take(8).getLong()))); // BINUNICODE8
                case 'T' -> push(latin1(length(take(4).getInt()))); // BINSTRING
                case 'U' -> push(latin1(u8())); // SHORT_BINSTRING
                case ')' -> push(List.of()); // EMPTY_TUPLE
                case 't' -> push(tuple(popMark())); // TUPLE
                case 0x85 -> push(tuple(popN(1))); // TUPLE1
                case 0x86 -> push(tuple(popN(2))); // TUPLE2
                case 0x87 -> push(tuple(popN(3))); // TUPLE3
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case 'l' -> push(new ArrayList<>(popMark())); // LIST
                case 'a' -> list(peekBelow(1)).add(pop()); // APPEND
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                }
                case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case 'd' -> push(setItems(new LinkedHashMap<>(), popMark())); // DICT
                case 's' -> setItems(dict(peekBelow(2)), popN(2)); // SETITEM
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    setItems(dict(peek()), items);
                }
                case 'q' -> memo.put((long) u8(), peek()); // BINPUT
                case 'r' -> memo.put(Integer.toUnsignedLong(take(4).getInt()), peek()); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(Integer.toUnsignedLong(take(4).getInt()))); // LONG_BINGET
                case 'c' -> push(global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    push(global(string(pop()), string(name)));
                }
                case 'R' -> { // REDUCE
                    List<Object> args = tupleArg(pop());
                    Object callable = pop();
                    push(torch(() -> TorchRebuild.call(callable, args)));
                }
                case 'b' -> { // BUILD: the state is dropped
                    pop();
                    checkBuildTarget(peek());
                }
                case 'Q' -> { // BINPERSID
                    Object pid = pop();
                    push(torch(() -> TorchRebuild.storage(pid)));
                }
                default -> throw bad(String.format("unsupported pickle opcode 0x%02x", op));
            }
        }
    }

    private Object global(String module, String name) {
        TorchGlobal global = TorchGlobal.lookup(module, name);
        if (global == null) {
            throw new UnsafePickleException(location + ": refusing global '" + module + "." + name + "' at pickle byte "
                    + opcodeAt + ": only " + TorchGlobal.allowed() + " may appear in a checkpoint");
        }
        return global;
    }

    /** Runs one step of {@link TorchRebuild}, turning its argument errors into format errors at this opcode. */
    private Object torch(Supplier<Object> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    /** BUILD may only set the state of a dict (a state dict's {@code _metadata}) or of a tensor (Parameter attributes). */
    private void checkBuildTarget(Object target) {
        if (!(target instanceof Map) && !(target instanceof TorchTensorRef)) {
            throw bad("BUILD on " + TorchRebuild.describe(target));
        }
    }

    private Map<Object, Object> setItems(Map<Object, Object> dict, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw bad("odd number of items for a dict");
        }
        for (int i = 0; i < items.size(); i += 2) {
            dict.put(items.get(i), items.get(i + 1));
        }
        return dict;
    }

    private Object memoGet(long key) {
        if (!memo.containsKey(key)) {
            throw bad("memo key " + key + " was never stored");
        }
        return memo.get(key);
    }

    // ---- stack

    private void push(Object value) {
        stack.add(value);
    }

    private Object pop() {
        if (stack.size() <= (marks.isEmpty() ? 0 : marks.peek())) {
            throw bad("stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        return peekBelow(0);
    }

    private Object peekBelow(int depth) {
        int index = stack.size() - 1 - depth;
        if (index < (marks.isEmpty() ? 0 : marks.peek())) {
            throw bad("stack underflow");
        }
        return stack.get(index);
    }

    private List<Object> popN(int n) {
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(0, pop());
        }
        return items;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw bad("no MARK on the stack");
        }
        List<Object> slice = stack.subList(marks.pop(), stack.size());
        List<Object> items = new ArrayList<>(slice);
        slice.clear();
        return items;
    }

    // ---- typed views of values

    private static List<Object> tuple(List<Object> items) {
        return Collections.unmodifiableList(items);
    }

    @SuppressWarnings("unchecked")
    private List<Object> tupleArg(Object value) {
        if (!(value instanceof List)) {
            throw bad("REDUCE arguments are " + TorchRebuild.describe(value) + ", not a tuple");
        }
        return (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object value) {
        if (!(value instanceof ArrayList)) {
            throw bad("APPEND to " + TorchRebuild.describe(value));
        }
        return (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object value) {
        if (!(value instanceof Map)) {
            throw bad("SETITEM on " + TorchRebuild.describe(value));
        }
        return (Map<Object, Object>) value;
    }

    private String string(Object value) {
        if (!(value instanceof String s)) {
            throw bad("expected a string, got " + TorchRebuild.describe(value));
        }
        return s;
    }

    // ---- raw reads

    private ByteBuffer take(int n) {
        if (in.remaining() < n) {
            throw bad("truncated pickle: " + n + " bytes needed, " + in.remaining() + " left");
        }
        ByteBuffer slice = in.slice(in.position(), n).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + n);
        return slice;
    }

    private int u8() {
        return take(1).get() & 0xff;
    }

    /** A length field, checked against the remaining bytes. */
    private int length(long n) {
        if (n < 0 || n > in.remaining()) {
            throw bad("length " + n + " exceeds the " + in.remaining() + " bytes left in the pickle");
        }
        return (int) n;
    }

    private Object littleEndianInteger(int n) {
        byte[] bigEndian = new byte[length(n)];
        take(n).get(bigEndian);
        for (int i = 0; i < n / 2; i++) {
            byte b = bigEndian[i];
            bigEndian[i] = bigEndian[n - 1 - i];
            bigEndian[n - 1 - i] = b;
        }
        BigInteger value = n == 0 ? BigInteger.ZERO : new BigInteger(bigEndian);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private String utf8(int n) {
        return StandardCharsets.UTF_8.decode(take(n)).toString();
    }

    private String latin1(int n) {
        return StandardCharsets.ISO_8859_1.decode(take(n)).toString();
    }

    /** A newline-terminated argument of GLOBAL. */
    private String line() {
        for (int i = in.position(); i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                String text = StandardCharsets.UTF_8.decode(take(i - in.position())).toString();
                take(1);
                return text;
            }
        }
        throw bad("truncated pickle: GLOBAL argument without a newline");
    }

    private TensorFormatException bad(String why) {
        return new TensorFormatException(location + ": pickle byte " + opcodeAt + ": " + why);
    }
}
