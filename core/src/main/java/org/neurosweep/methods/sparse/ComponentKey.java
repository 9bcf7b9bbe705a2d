package org.neurosweep.methods.sparse;

/**
 * A component (layer, expert id, neuron) packed into one long, for sets of components read back from tables:
 * layer in bits 40.., expert id + 2 in bits 20..39 ({@link ComponentLayout#SHARED} = -2 and {@link ComponentLayout#DENSE}
 * = -1 included), neuron in bits 0..19. An expert (ISE) is the key with neuron 0.
 */
public final class ComponentKey {
    private static final int NEURON_BITS = 20;
    private static final long NEURON_MASK = (1L << NEURON_BITS) - 1;

    private ComponentKey() {
    }

    public static long of(int layer, int expert, int neuron) {
        if (layer < 0 || expert < ComponentLayout.SHARED || expert + 2 > NEURON_MASK || neuron < 0 || neuron > NEURON_MASK) {
            throw new IllegalArgumentException("no component key for layer " + layer + ", expert " + expert + ", neuron "
                    + neuron);
        }
        return ((long) layer << (2 * NEURON_BITS)) | ((long) (expert + 2) << NEURON_BITS) | neuron;
    }

    public static int layer(long key) {
        return (int) (key >>> (2 * NEURON_BITS));
    }

    public static int expert(long key) {
        return (int) ((key >>> NEURON_BITS) & NEURON_MASK) - 2;
    }

    public static int neuron(long key) {
        return (int) (key & NEURON_MASK);
    }
}
