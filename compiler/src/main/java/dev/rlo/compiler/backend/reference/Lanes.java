package dev.rlo.compiler.backend.reference;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.numerics.Sums;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The reference kernels that work along dimensions: the tensor is permuted so that those dimensions
 * come last, and each contiguous lane is computed on its own, in f64, by the definitions of
 * spec/ir.md.
 */
final class Lanes {

    private Lanes() { }

    /** {@code x}'s values with {@code along} last: {@code outer} lanes of {@code len} values each. */
    private record Laned(double[] v, int outer, int len, List<String> dims, long[] shape) { }

    private static Laned laned(Tensor x, List<String> along) {
        List<String> order = new ArrayList<>(TensorType.minus(x.dims(), along));
        order.addAll(along);
        Tensor t = x.permutedTo(order);
        int len = 1;
        for (String d : along) {
            len *= (int) x.size(d);
        }
        double[] v = t.values();
        return new Laned(v, len == 0 ? 0 : v.length / len, len, order, t.shape());
    }

    /** The lanes' results, in the permuted layout, back in {@code out}'s dimension order. */
    private static Tensor unlaned(Laned l, double[] values, DType dtype, List<String> out) {
        return Tensor.of(dtype, l.dims, l.shape, values).permutedTo(out);
    }

    static Tensor iota(String dim, Map<String, Long> sizes) {
        long n = sizes.get(dim);
        double[] v = new double[(int) n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return Tensor.of(DType.I32, List.of(dim), new long[] {n}, v);
    }

    /** SUM and MEAN (compensated: {@link Sums}), REDUCE_MAX/MIN (NaN if any element is NaN), LOGSUMEXP (max-shifted). */
    static Tensor reduce(Op op, Tensor x, List<String> over, DType dtype) {
        Laned l = laned(x, over);
        double[] out = new double[l.outer];
        for (int o = 0; o < l.outer; o++) {
            int base = o * l.len;
            double acc = switch (op) {
                case SUM, MEAN -> {
                    double[] pair = new double[2];
                    for (int i = 0; i < l.len; i++) {
                        Sums.add(pair, 0, l.v[base + i]);
                    }
                    yield op == Op.MEAN ? Sums.mean(pair[0], pair[1], l.len) : Sums.total(pair[0], pair[1]);
                }
                case REDUCE_MAX, REDUCE_MIN -> extremum(l.v, base, l.len, op == Op.REDUCE_MAX);
                default -> logsumexp(l.v, base, l.len);
            };
            out[o] = acc;
        }
        List<String> kept = TensorType.minus(x.dims(), over);
        long[] shape = kept.stream().mapToLong(x::size).toArray();
        return Tensor.of(dtype, kept, shape, out);
    }

    private static double extremum(double[] v, int base, int len, boolean max) {
        double m = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            double x = v[base + i];
            if (Double.isNaN(x)) {
                return x;
            }
            m = max ? Math.max(m, x) : Math.min(m, x);
        }
        return m;
    }

    /** m + log Σ e^{x − m} with m the maximum; an infinite or NaN m is the result itself. */
    private static double logsumexp(double[] v, int base, int len) {
        double m = extremum(v, base, len, true);
        if (!Double.isFinite(m)) {
            return m;
        }
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += Math.exp(v[base + i] - m);
        }
        return m + Math.log(s);
    }

    /** The first index of the maximum (minimum); the first NaN if there is one, as numpy does. */
    static Tensor arg(Op op, Tensor x, String dim) {
        Laned l = laned(x, List.of(dim));
        double[] out = new double[l.outer];
        for (int o = 0; o < l.outer; o++) {
            int best = 0;
            for (int i = 0; i < l.len; i++) {
                double v = l.v[o * l.len + i];
                double b = l.v[o * l.len + best];
                if (Double.isNaN(v)) {
                    best = Double.isNaN(b) ? best : i;
                    if (!Double.isNaN(b)) {
                        break;
                    }
                } else if (!Double.isNaN(b) && (op == Op.ARGMAX ? v > b : v < b)) {
                    best = i;
                }
            }
            out[o] = best;
        }
        List<String> kept = TensorType.minus(x.dims(), List.of(dim));
        return Tensor.of(DType.I32, kept, kept.stream().mapToLong(x::size).toArray(), out);
    }

    /**
     * a_t = x_t + decay_t · a_{t−1} (from the start), or · a_{t+1} from the end when reverse; the
     * carry is in {@code dtype}, each op rounded to it like any element-wise op.
     */
    static Tensor scan(Tensor x, Tensor decay, Attrs.Scan s, DType dtype) {
        Laned lx = laned(x, List.of(s.dim()));
        Laned lc = laned(decay, List.of(s.dim()));
        double[] out = new double[lx.v.length];
        for (int o = 0; o < lx.outer; o++) {
            int base = o * lx.len;
            double a = 0;
            for (int k = 0; k < lx.len; k++) {
                int t = base + (s.reverse() ? lx.len - 1 - k : k);
                a = dtype.round(lx.v[t] + dtype.round(lc.v[t] * a));
                out[t] = a;
            }
        }
        return unlaned(lx, out, dtype, x.dims());
    }

    /** y_t = x_{t−by} where that is inside the lane, else fill_t. */
    static Tensor shift(Tensor x, Tensor fill, Attrs.Shift s, DType dtype) {
        Laned lx = laned(x, List.of(s.dim()));
        Laned lf = laned(fill, List.of(s.dim()));
        double[] out = new double[lx.v.length];
        for (int o = 0; o < lx.outer; o++) {
            int base = o * lx.len;
            for (int t = 0; t < lx.len; t++) {
                int from = t - s.by();
                out[base + t] = from >= 0 && from < lx.len ? lx.v[base + from] : lf.v[base + t];
            }
        }
        return unlaned(lx, out, dtype, x.dims());
    }

    /** The stable sorting permutation of each lane; NaN sorts last either way, −0 equals 0. */
    static Tensor argsort(Tensor x, Attrs.Argsort a) {
        Laned l = laned(x, List.of(a.dim()));
        double[] out = new double[l.v.length];
        for (int o = 0; o < l.outer; o++) {
            int base = o * l.len;
            Comparator<Integer> byValue = (i, j) -> compare(l.v[base + i], l.v[base + j], a.descending());
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < l.len; i++) {
                idx.add(i);
            }
            idx.sort(byValue);
            for (int i = 0; i < l.len; i++) {
                out[base + i] = idx.get(i);
            }
        }
        return unlaned(l, out, DType.I32, x.dims());
    }

    private static int compare(double p, double q, boolean descending) {
        if (Double.isNaN(p) || Double.isNaN(q)) {
            return Boolean.compare(Double.isNaN(p), Double.isNaN(q));
        }
        int c = p < q ? -1 : p > q ? 1 : 0;
        return descending ? -c : c;
    }
}
