package dev.rlo.compiler.backend.python;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.DType;
import java.util.List;

/**
 * The rows NumPy and {@code jax.numpy} spell alike, {@code m} being {@code np} or {@code jnp}:
 * where they differ (literals, f64 accumulation, logsumexp, sigmoid) the dialect says.
 */
abstract sealed class NumpyLike extends ArrayDialect permits NumpyDialect, JaxDialect {

    /** The array module: {@code np} or {@code jnp}. */
    abstract String m();

    /** A sum over {@code axes} of {@code x}, a float array, accumulated in f64 where the dialect can (not cast back). */
    abstract String floatSum(String x, String axes);

    abstract String logsumexp(String x, String axes);

    abstract String sigmoid(String x);

    @Override
    String dtype(DType d) {
        return switch (d) {
            case F32 -> "_F";
            case F64 -> m() + ".float64";
            case I32 -> m() + ".int32";
            case BOOL -> m() + ".bool_";
        };
    }

    @Override
    String tensor(double v, DType d) {
        return m() + ".asarray(" + plain(v, d) + ", dtype=" + dtype(d) + ")";
    }

    @Override
    String full(String shape, double v, DType d) {
        return m() + ".full(" + shape + ", " + plain(v, d) + ", dtype=" + dtype(d) + ")";
    }

    @Override
    String expand(String view, String shape) {
        return m() + ".broadcast_to(" + view + ", " + shape + ")";
    }

    @Override
    String permute(String v, String axes) {
        return v + ".transpose(" + axes + ")";
    }

    @Override
    String row(Node n, ArrayEmitter.Row r) {
        DType d = n.type().dtype();
        String m = m();
        return switch (n.op()) {
            case ABS -> m + ".abs(" + r.x(0) + ")";
            case SIGN -> m + ".sign(" + r.x(0) + ")";
            case EXP -> m + ".exp(" + r.x(0) + ")";
            case LOG -> m + ".log(" + r.x(0) + ")";
            case LOG1P -> m + ".log1p(" + r.x(0) + ")";
            case EXPM1 -> m + ".expm1(" + r.x(0) + ")";
            case SQRT -> m + ".sqrt(" + r.x(0) + ")";
            case TANH -> m + ".tanh(" + r.x(0) + ")";
            case SIGMOID -> sigmoid(r.x(0));
            case SOFTPLUS -> "_softplus(" + r.x(0) + ")";
            case NORMAL_CDF -> "_normal_cdf(" + r.x(0) + ")";
            case NORMAL_ICDF -> "_normal_icdf(" + r.x(0) + ")";
            case LGAMMA -> "_lgamma(" + r.x(0) + ")";
            case POLYGAMMA -> "_polygamma(" + n.attrs(Attrs.Order.class).n() + ", " + r.x(0) + ")";
            case CAST -> d == DType.BOOL ? "(" + r.x(0) + " != 0)" : d == DType.I32 && r.in(0).isFloat() ? "_to_i32(" + r.x(0) + ")"
                    : r.x(0) + ".astype(" + dtype(d) + ")";
            case MIN -> d == DType.BOOL ? "(" + r.x(0) + " & " + r.x(1) + ")" : m + ".minimum(" + r.x(0) + ", " + r.x(1) + ")";
            case MAX -> d == DType.BOOL ? "(" + r.x(0) + " | " + r.x(1) + ")" : m + ".maximum(" + r.x(0) + ", " + r.x(1) + ")";
            case WHERE -> m + ".where(" + r.x(0) + ", " + (r.literal(2) ? r.array(1) : r.x(1)) + ", " + r.x(2) + ")";
            case CLIP -> m + ".minimum(" + m + ".maximum(" + r.array(0) + ", " + r.x(1) + "), " + r.x(2) + ")";
            case SUM -> d.isFloat() ? floatSum(r.v(0), axes(n, r)) + ".astype(" + dtype(d) + ")" : m + ".sum(" + r.v(0) + ", axis=" + axes(n, r) + ").astype(" + dtype(d) + ")";
            case MEAN -> "(" + floatSum(r.v(0), axes(n, r)) + " / (" + r.count(n.attrs(Attrs.Dims.class).dims()) + ")).astype(" + dtype(d) + ")";
            case REDUCE_MAX -> m + ".max(" + r.v(0) + ", axis=" + axes(n, r) + ")";
            case REDUCE_MIN -> m + ".min(" + r.v(0) + ", axis=" + axes(n, r) + ")";
            case LOGSUMEXP -> logsumexp(r.v(0), axes(n, r));
            case ARGMAX -> m + ".argmax(" + r.v(0) + ", axis=" + r.axis(n.attrs(Attrs.Dim.class).dim()) + ").astype(" + m + ".int32)";
            case ARGMIN -> m + ".argmin(" + r.v(0) + ", axis=" + r.axis(n.attrs(Attrs.Dim.class).dim()) + ").astype(" + m + ".int32)";
            case IOTA -> m + ".arange(" + ArrayEmitter.size(n.attrs(Attrs.Dim.class).dim()) + ", dtype=" + m + ".int32)";
            case SIZE -> m + ".asarray(" + ArrayEmitter.size(n.attrs(Attrs.Dim.class).dim()) + ", dtype=" + m + ".int32)";
            default -> operator(n, r);
        };
    }

    private static String axes(Node n, ArrayEmitter.Row r) {
        List<String> dims = n.attrs(Attrs.Dims.class).dims();
        return r.axes(dims);
    }
}
