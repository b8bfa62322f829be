package dev.rlo.compiler.tensor;

import dev.rlo.compiler.base.Limits;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.io.FileRead;
import java.util.Arrays;

/**
 * The one place sizes of tensors are checked before rlo allocates them (spec/cli.md#limits): from
 * {@code gradcheck --dim}, JSON and {@code .npy} files, the REPL. A dimension has at least one
 * element; a tensor has at most {@link #MAX_RANK} dimensions and {@link #MAX_ELEMENTS} elements, and
 * its values as f64 must fit in half the memory the JVM may use. Each violation is a
 * {@link UserError} naming the tensor and the memory it would need.
 */
public final class Shapes {

    /** The most dimensions a tensor has (ND4J's limit). */
    public static final int MAX_RANK = 32;

    /** The most elements a tensor has: the largest Java array. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Shapes() { }

    /** {@code size} as the size of a dimension of {@code what}: a {@link UserError} unless it is at least 1. */
    public static long size(String what, long size) {
        if (size < 1) {
            throw new UserError(what + " has size " + size + "; a dimension has at least one element");
        }
        return size;
    }

    /** The number of elements of a tensor {@code what} of {@code shape}, once checked as the class says. */
    public static int elements(String what, long[] shape) {
        if (shape.length > MAX_RANK) {
            throw new UserError(what + " has " + shape.length + " dimensions; a tensor has at most " + MAX_RANK);
        }
        long count = 1;
        for (long s : shape) {
            if (s < 1) {
                throw new UserError(what + " has a dimension of size " + s + "; a dimension has at least one element");
            }
            try {
                count = Math.multiplyExact(count, s);
            } catch (ArithmeticException overflow) {
                count = Long.MAX_VALUE;
            }
        }
        if (count > MAX_ELEMENTS) {
            throw new UserError(what + " of shape " + Arrays.toString(shape) + " has " + (count == Long.MAX_VALUE ? "more than 2^63"
                    : String.valueOf(count)) + " elements; a tensor has at most " + MAX_ELEMENTS);
        }
        long bytes = count * Double.BYTES;
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap / 2) {
            throw new UserError(what + " of shape " + Arrays.toString(shape) + " needs " + Limits.size(bytes)
                    + " as f64, more than half the memory the JVM may use (" + Limits.size(heap)
                    + "); give it more with RLO_JAVA_OPTS=-Xmx…");
        }
        return (int) count;
    }
}
