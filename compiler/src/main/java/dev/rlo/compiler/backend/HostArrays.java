package dev.rlo.compiler.backend;

import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The host arrays the fused backends read and write: ND4J arrays seen as memory segments, in
 * row-major order, and the caller's output arrays, checked before they are written.
 */
public final class HostArrays {

    private HostArrays() { }

    /** Bytes per element of {@code d} in memory. */
    public static long bytes(DType d) {
        return d == DType.F64 ? 8 : d == DType.BOOL ? 1 : 4;
    }

    /** {@code a} if its elements are in row-major order with no gaps, else a row-major copy. */
    public static INDArray contiguous(INDArray a) {
        long expect = 1;
        for (int i = a.rank() - 1; i >= 0; i--) {
            if (a.size(i) != 1 && a.stride(i) != expect) {
                return a.dup('c');
            }
            expect *= a.size(i);
        }
        return a;
    }

    /** The memory of (contiguous) {@code a}, of dtype {@code d}, as a segment (at least one byte long). */
    public static MemorySegment segment(INDArray a, DType d) {
        return MemorySegment.ofAddress(a.data().address() + a.offset() * bytes(d)).reinterpret(Math.max(a.length() * bytes(d), 1));
    }

    /** A new row-major array of {@code type} and {@code shape}, its values not yet written, aligned as {@link Tensor#allocate} aligns. */
    public static INDArray allocate(TensorType type, long[] shape) {
        return Tensor.allocate(type.dtype(), shape);
    }

    /** The caller's array {@code given} for output {@code name}, if it is a row-major array of its dtype, dims and shape. */
    public static INDArray output(String name, Tensor given, TensorType type, long[] shape) {
        if (given.dtype() != type.dtype() || !given.dims().equals(type.dims()) || !Arrays.equals(given.shape(), shape)
                || contiguous(given.data()) != given.data()) {
            throw new UserError("the array given for output `" + name + "` is " + given + ", not a row-major "
                    + type.dtype() + "[" + String.join(",", type.dims()) + "]" + Arrays.toString(shape));
        }
        return given.data();
    }
}
