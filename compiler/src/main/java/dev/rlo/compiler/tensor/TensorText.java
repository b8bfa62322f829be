package dev.rlo.compiler.tensor;

import dev.rlo.compiler.ast.DType;

/**
 * Tensors as text for people: {@code f32[G,K] = [[0.5, -1.25], [2, 0]]}, nested by dimension, each
 * value in its dtype's shortest exact form. A tensor of more than {@code limit} elements is
 * summarised: its shape, min / mean / max, and its first elements.
 */
public final class TensorText {

    private TensorText() { }

    public static String format(Tensor t, int limit) {
        String type = t.dtype() + (t.dims().isEmpty() ? "" : "[" + String.join(",", t.dims()) + "]");
        double[] v = t.values();
        if (t.dims().isEmpty()) {
            return type + " = " + value(v[0], t.dtype());
        }
        if (v.length <= limit) {
            StringBuilder out = new StringBuilder(type + " = ");
            nest(v, t.shape(), 0, 0, t.dtype(), out);
            return out.toString();
        }
        String shape = shape(t);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (double x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
        }
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < Math.min(8, v.length); i++) {
            first.append(i == 0 ? "" : ", ").append(value(v[i], t.dtype()));
        }
        return type + " (" + shape + "; " + v.length + " values) min " + value(min, t.dtype()) + ", mean "
                + value(sum / v.length, DType.F64) + ", max " + value(max, t.dtype()) + "; first [" + first + ", …]";
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
