package dev.rlo.runtime.train;

import dev.rlo.compiler.backend.HostArrays;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
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

    static Tensor floats(float[] v, List<String> dims, long... shape) {
        return new Tensor(DType.F32, dims, Nd4j.create(v, shape, 'c'));
    }

    static Tensor ints(int[] v, List<String> dims, long... shape) {
        return new Tensor(DType.I32, dims, Nd4j.createFromArray(v).reshape(shape));
    }

    static Tensor bools(boolean[] v, List<String> dims, long... shape) {
        return new Tensor(DType.BOOL, dims, Nd4j.createFromArray(v).reshape(shape));
    }
}
