package dev.rlo.compiler.tensor;

import dev.rlo.compiler.types.DType;
import java.util.StringJoiner;
import java.util.stream.LongStream;

/**
 * Tensors as text for people: {@code f32[G,K] = [[0.5, -1.25], [2, 0]]}, nested by dimension, each
 * value in its dtype's shortest exact form. A tensor of more than {@code limit} elements is
 * summarised as NumPy summarises one: its named shape, then the first and last {@link #EDGE} items
 * along each dimension around {@code ...}, one row per line, the values right-aligned.
 */
public final class TensorText {

    /** How many items a summary shows at each end of a dimension (NumPy's edgeitems). */
    static final int EDGE = 3;

    private TensorText() { }

    public static String format(Tensor t, int limit) {
        double[] v = t.values();
        if (t.dims().isEmpty()) {
            return t.dtype() + " = " + value(v[0], t.dtype());
        }
        if (v.length <= limit) {
            StringBuilder out = new StringBuilder(t.dtype() + "[" + String.join(",", t.dims()) + "] = ");
            nest(v, t.shape(), 0, 0, t.dtype(), out);
            return out.toString();
        }
        return t.dtype() + "[" + shape(t) + "] =\n" + new Summary(v, t.shape(), t.dtype()).block(0, 0);
    }

    /** A summarised tensor: the items shown along each dimension, their width, and the text of a block. */
    private static final class Summary {
        final double[] v;
        final long[] shape;
        final long[] strides;
        final DType dtype;
        final int width;

        Summary(double[] v, long[] shape, DType dtype) {
            this.v = v;
            this.shape = shape;
            this.dtype = dtype;
            this.strides = new long[shape.length];
            long stride = 1;
            for (int k = shape.length - 1; k >= 0; k--) {
                strides[k] = stride;
                stride *= shape[k];
            }
            this.width = widest(0, 0);
        }

        /** The indices shown along dimension {@code axis}, -1 standing for the {@code ...} between them. */
        long[] shown(int axis) {
            long n = shape[axis];
            if (n <= 2 * EDGE) {
                return LongStream.range(0, n).toArray();
            }
            long[] out = new long[2 * EDGE + 1];
            for (int i = 0; i < EDGE; i++) {
                out[i] = i;
                out[EDGE + 1 + i] = n - EDGE + i;
            }
            out[EDGE] = -1;
            return out;
        }

        int widest(int axis, long base) {
            int w = 0;
            for (long i : shown(axis)) {
                if (i >= 0) {
                    long at = base + i * strides[axis];
                    w = Math.max(w, axis == shape.length - 1 ? value(v[(int) at], dtype).length() : widest(axis + 1, at));
                }
            }
            return w;
        }

        /** NumPy's layout: rows of the last dimension on lines of their own, a blank line between blocks of three. */
        String block(int axis, long base) {
            boolean last = axis == shape.length - 1;
            String separator = last ? ", " : "," + "\n".repeat(shape.length - axis - 1) + " ".repeat(axis + 1);
            StringJoiner out = new StringJoiner(separator, "[", "]");
            for (long i : shown(axis)) {
                long at = base + i * strides[axis];
                out.add(i < 0 ? "..." : last ? pad(value(v[(int) at], dtype)) : block(axis + 1, at));
            }
            return out.toString();
        }

        private String pad(String s) {
            return " ".repeat(width - s.length()) + s;
        }
    }

    /** The named shape of {@code t}: {@code B=100, T=10}. */
    public static String shape(Tensor t) {
        StringBuilder shape = new StringBuilder();
        for (int i = 0; i < t.dims().size(); i++) {
            shape.append(i == 0 ? "" : ", ").append(t.dims().get(i)).append('=').append(t.shape()[i]);
        }
        return shape.toString();
    }

    private static int nest(double[] v, long[] shape, int depth, int at, DType d, StringBuilder out) {
        out.append('[');
        for (long i = 0; i < shape[depth]; i++) {
            out.append(i == 0 ? "" : ", ");
            if (depth == shape.length - 1) {
                out.append(value(v[at++], d));
            } else {
                at = nest(v, shape, depth + 1, at, d, out);
            }
        }
        out.append(']');
        return at;
    }

    /** One value: true/false, an integer, or the shortest decimal that reads back to the same f32/f64. */
    public static String value(double x, DType d) {
        return switch (d) {
            case BOOL -> x != 0 ? "true" : "false";
            case I32 -> String.valueOf((long) x);
            case F32 -> trim(Float.toString((float) x));
            case F64 -> trim(Double.toString(x));
        };
    }

    private static String trim(String s) {
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
