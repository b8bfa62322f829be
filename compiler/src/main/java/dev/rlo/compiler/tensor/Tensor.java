package dev.rlo.compiler.tensor;

import dev.rlo.compiler.types.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A tensor with named dimensions: an ND4J array whose axes are {@code dims}, in order, and an rlo
 * dtype, stored as ND4J's FLOAT, DOUBLE, INT32 or BOOL (one byte). Backends read the data as f64
 * ({@link #values()}) or, without copying, through its off-heap address.
 */
public record Tensor(DType dtype, List<String> dims, INDArray data) {

    public Tensor {
        dims = List.copyOf(dims);
        if (data.rank() != dims.size()) {
            throw new IllegalArgumentException("an array of rank " + data.rank() + " for dimensions " + dims);
        }
        if (data.dataType() != storage(dtype)) {
            throw new IllegalArgumentException(dtype + " is stored as " + storage(dtype) + ", not " + data.dataType());
        }
    }

    /** How ND4J stores an rlo dtype. */
    public static DataType storage(DType dtype) {
        return switch (dtype) {
            case F32 -> DataType.FLOAT;
            case F64 -> DataType.DOUBLE;
            case I32 -> DataType.INT32;
            case BOOL -> DataType.BOOL;
        };
    }

    /** A tensor from values in row-major order, rounded to {@code dtype}. */
    public static Tensor of(DType dtype, List<String> dims, long[] shape, double[] values) {
        double[] v = values.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = dtype.round(v[i]);
        }
        if (shape.length == 0) {
            return new Tensor(dtype, dims, Nd4j.scalar(v[0]).castTo(storage(dtype)));
        }
        return new Tensor(dtype, dims, allocate(dtype, shape).assign(Nd4j.create(v, shape, 'c').castTo(storage(dtype))));
    }

    /** The byte boundary on which the first element of an array from {@link #allocate} sits: a cache line, an AVX-512 vector. */
    public static final int ALIGNMENT = 64;

    /**
     * A new row-major array for {@code dtype} and {@code shape}, its values not yet written, its
     * first element on an {@value #ALIGNMENT}-byte boundary. ND4J (like malloc) places an array 16
     * or 32 bytes past one, and then every 64-byte vector a kernel loads or stores spans two cache
     * lines: GRPO's kernel at 62500×16 on two threads took 101–105 µs so, 90–95 aligned
     * (docs/benchmarks.md). The array is a view at an offset into a buffer {@value #ALIGNMENT} bytes longer.
     */
    public static INDArray allocate(DType dtype, long[] shape) {
        DataType type = storage(dtype);
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (shape.length == 0 || n == 0) {
            return shape.length == 0 ? Nd4j.scalar(type, 0) : Nd4j.createUninitialized(type, shape);
        }
        int width = type.width();
        DataBuffer buffer = Nd4j.createBuffer(type, n + ALIGNMENT / width, false);
        long past = buffer.address() % ALIGNMENT;
        long offset = past == 0 ? 0 : (ALIGNMENT - past) / width;
        return Nd4j.create(buffer, shape, Nd4j.getStrides(shape, 'c'), offset, 'c');
    }

    public static Tensor scalar(DType dtype, double value) {
        return of(dtype, List.of(), new long[0], new double[] {value});
    }

    public long size(String dim) {
        return data.size(dims.indexOf(dim));
    }

    public long[] shape() {
        return data.shape();
    }

    public long length() {
        return data.length();
    }

    /** The values in row-major order over {@link #dims()}. */
    public double[] values() {
        return data.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    /** The single value of a scalar (or one-element) tensor. */
    public double item() {
        return data.getDouble(0);
    }

    /** This tensor with its axes in the order {@code order} (the same set of dimensions). */
    public Tensor permutedTo(List<String> order) {
        if (order.equals(dims)) {
            return this;
        }
        int[] perm = order.stream().mapToInt(dims::indexOf).toArray();
        return new Tensor(dtype, order, data.permute(perm).dup('c'));
    }

    /**
     * This tensor broadcast by name to {@code out} (a superset of its dimensions), materialised in
     * row-major order; {@code sizes} gives the size of each dimension it lacks.
     */
    public Tensor alignedTo(List<String> out, Map<String, Long> sizes) {
        if (out.equals(dims)) {
            return this;
        }
        List<String> mine = new ArrayList<>(out);
        mine.retainAll(dims);
        INDArray a = permutedTo(mine).data;
        long[] withOnes = new long[out.size()];
        long[] full = new long[out.size()];
        for (int i = 0; i < out.size(); i++) {
            String d = out.get(i);
            full[i] = sizes.get(d);
            withOnes[i] = dims.contains(d) ? full[i] : 1;
        }
        INDArray r = out.isEmpty() ? a : a.reshape('c', withOnes);
        INDArray b = Arrays.equals(withOnes, full) ? r : r.broadcast(full);
        return new Tensor(dtype, out, b.dup('c'));
    }

    /** The same values stored as {@code d} (rounded as {@link DType#round} does). */
    public Tensor as(DType d) {
        if (d == dtype) {
            return this;
        }
        double[] v = values();
        return of(d, dims, shape(), v);
    }

    @Override
    public String toString() {
        return dtype + "[" + String.join(",", dims) + "]" + Arrays.toString(shape());
    }
}
