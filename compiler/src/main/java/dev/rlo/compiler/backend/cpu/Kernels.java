package dev.rlo.compiler.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.fuse.Reduction;
import java.lang.foreign.MemorySegment;

/**
 * The small runtime the generated kernels call: index checks, and folds into reduction scratch
 * slots ({@link Reduction}). Public because generated classes live in another package; static and
 * tiny so that C2 inlines every call.
 */
public final class Kernels {

    /** By ordinal, as generated code names them ({@code values()} copies its array on every call). */
    private static final Reduction[] REDUCTIONS = Reduction.values();

    private Kernels() { }

    /** {@code i} as an offset along {@code dim}, or a {@link UserError} if it is out of range. */
    public static long checkIndex(int i, long n, String dim) {
        if (i < 0 || i >= n) {
            throw new UserError("index " + i + " is out of range for dimension " + dim + " of size " + n);
        }
        return i;
    }

    /** {@code i} as an offset along a gather's dimension of size {@code n}, or {@link BadIndex} naming the gather (its ordinal in the plan). */
    public static long checkGather(int i, long n, int gather) {
        if (i < 0 || i >= n) {
            throw new BadIndex(gather, i, n);
        }
        return i;
    }

    /** Thrown by a kernel for a gather's index out of range; the backend says where the gather was written. */
    public static final class BadIndex extends RuntimeException {
        final int gather;
        final long index;
        final long size;

        BadIndex(int gather, long index, long size) {
            super(null, null, false, false);
            this.gather = gather;
            this.index = index;
            this.size = size;
        }
    }

    /**
     * Where part {@code part} of {@code parts} starts in a vectorised dimension of size {@code n}: a
     * multiple of the vector length, so that no vector (or cache line) straddles two threads.
     */
    public static long vectorSplit(long n, int part, int parts, int lanes) {
        return part == parts ? n : n * part / parts / lanes * lanes;
    }

    /** Thrown by a kernel that reads a NaN or ∞ in an input; the backend names the input and where. */
    public static final class NonFinite extends RuntimeException {
        final int buffer;
        final long offset;

        NonFinite(int buffer, long offset) {
            super(null, null, false, false);
            this.buffer = buffer;
            this.offset = offset;
        }
    }

    public static void nonFinite(int buffer, long offset) {
        throw new NonFinite(buffer, offset);
    }

    /** Like {@link #nonFinite}, for {@code count} f32 values from {@code offset}: finds the first non-finite one, if any. */
    public static void nonFiniteIn(MemorySegment seg, int buffer, long offset, long count) {
        for (long l = 0; l < count; l++) {
            if (!Float.isFinite(seg.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, offset + l))) {
                throw new NonFinite(buffer, offset + l);
            }
        }
    }

    /** Folds one value into the slots of reduction {@code red} at {@code base}, in place. */
    public static void fold(int red, MemorySegment aux, long base, double v) {
        switch (REDUCTIONS[red]) {
            case LOGSUMEXP -> merge(red, aux, base, v, v == Double.NEGATIVE_INFINITY ? 0 : 1);
            case SUM, MEAN -> merge(red, aux, base, v, 0);
            default -> merge(red, aux, base, v);
        }
    }

    /** Merges a one-slot (max, min) partial into the slot at {@code base}. */
    public static void merge(int red, MemorySegment aux, long base, double a0) {
        double[] p = {aux.getAtIndex(JAVA_DOUBLE, base)};
        REDUCTIONS[red].merge(p, new double[] {a0});
        aux.setAtIndex(JAVA_DOUBLE, base, p[0]);
    }

    /** Merges a two-slot (sum, mean, logsumexp, argmax: value and index) partial into the slots at {@code base}. */
    public static void merge(int red, MemorySegment aux, long base, double a0, double a1) {
        double[] p = {aux.getAtIndex(JAVA_DOUBLE, base), aux.getAtIndex(JAVA_DOUBLE, base + 1)};
        REDUCTIONS[red].merge(p, new double[] {a0, a1});
        aux.setAtIndex(JAVA_DOUBLE, base, p[0]);
        aux.setAtIndex(JAVA_DOUBLE, base + 1, p[1]);
    }
}
