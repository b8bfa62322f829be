package dev.rlo.compiler.backend.cpu;

/**
 * The arrays one part of a kernel works in (tiles, transposes' stages, sums kept in memory, a
 * sort's keys), kept by the run's {@link Workspace} so that a kernel allocates nothing once its
 * plan has run: a training loop calls the same plan thousands of times, and making these arrays
 * anew took a fifth of a GRPO call at 64×16 (1.9 against 1.5 µs, docs/benchmarks.md).
 *
 * <p>The generated code gives each of its array declarations a slot of its own, so an array is as
 * large as its one use needs. An array comes back with what the last call left in it: the code
 * writes every element it reads first (a tile is transposed in, sums are filled with 0 before they
 * are added to), and sizes its loops by the dimensions, never by an array's length.
 *
 * <p>Each array ends in {@link #PAD} bytes it never uses. Parts on different threads write their
 * own arrays in their hot loops, and the collector, copying the survivors, lays the arrays of all
 * parts next to each other: without the pad, the end of one part's array and the start of
 * another's could share a cache line: QR-DQN at 256×64×64 on two threads took 245–297 µs in two
 * JVMs of seven, 167–176 in the others; padded, 167–172 in seven of seven (docs/benchmarks.md).
 * 128 bytes is two lines, the pair Intel's adjacent-line prefetcher fetches together.
 */
public final class Locals {

    /** The bytes after each array's last used element, so that no other part's array shares its cache lines. */
    static final int PAD = 128;

    private Object[] slots = new Object[8];

    public float[] floats(int slot, long size) {
        return slot(slot) instanceof float[] a && a.length >= size ? a : keep(slot, new float[(int) size + PAD / 4]);
    }

    public double[] doubles(int slot, long size) {
        return slot(slot) instanceof double[] a && a.length >= size ? a : keep(slot, new double[(int) size + PAD / 8]);
    }

    public int[] ints(int slot, long size) {
        return slot(slot) instanceof int[] a && a.length >= size ? a : keep(slot, new int[(int) size + PAD / 4]);
    }

    public long[] longs(int slot, long size) {
        return slot(slot) instanceof long[] a && a.length >= size ? a : keep(slot, new long[(int) size + PAD / 8]);
    }

    private Object slot(int slot) {
        return slot < slots.length ? slots[slot] : null;
    }

    private <T> T keep(int slot, T array) {
        if (slot >= slots.length) {
            slots = java.util.Arrays.copyOf(slots, Math.max(slot + 1, 2 * slots.length));
        }
        slots[slot] = array;
        return array;
    }
}
