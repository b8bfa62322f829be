package dev.rlo.runtime.train;

import dev.rlo.compiler.backend.HostArrays;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The loops' array work: gathering minibatches from row-major buffers, and tensors to and from arrays. */
final class Data {

    private Data() { }

    /** A tensor's values, row-major, as f32: an f32 tensor's copied straight from its memory. */
    static float[] floats(Tensor t) {
        if (t.dtype() != DType.F32 || t.data().length() == 0) {
            return t.data().castTo(DataType.FLOAT).dup('c').data().asFloat();
        }
        return HostArrays.segment(HostArrays.contiguous(t.data()), DType.F32).toArray(ValueLayout.JAVA_FLOAT);
    }

    static float[] gather(float[] src, int[] idx, int width) {
        float[] out = new float[idx.length * width];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(src, idx[i] * width, out, i * width, width);
        }
        return out;
    }

    static int[] gather(int[] src, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = src[idx[i]];
        }
        return out;
    }

    static boolean[] or(boolean[] a, boolean[] b) {
        boolean[] out = new boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] || b[i];
        }
        return out;
    }

    /** An f32 tensor of {@code v}, in an array aligned as {@link Tensor#allocate} aligns. */
    static Tensor floats(float[] v, List<String> dims, long... shape) {
        return copied(DType.F32, MemorySegment.ofArray(v), dims, shape);
    }

    static Tensor ints(int[] v, List<String> dims, long... shape) {
        return copied(DType.I32, MemorySegment.ofArray(v), dims, shape);
    }

    private static Tensor copied(DType d, MemorySegment v, List<String> dims, long... shape) {
        INDArray a = Tensor.allocate(d, shape);
        if (v.byteSize() > 0) {
            HostArrays.segment(a, d).copyFrom(v);
        }
        return new Tensor(d, dims, a);
    }

    static Tensor bools(boolean[] v, List<String> dims, long... shape) {
        return new Tensor(DType.BOOL, dims, Nd4j.createFromArray(v).reshape(shape));
    }
}
