package dev.rlo.compiler.lower;

import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.check.Builtin;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.IrBuilder;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a builtin call: to one IR op where there is one, otherwise to a composition of ops, each
 * written here as the formula spec/ir.md#lowering gives (var, quantile, cvar, softmax, huber, …).
 */
final class BuiltinLowering {

    private final Lowerer lowerer;
    private final Lowerer.Frame frame;
    private final IrBuilder b;

    BuiltinLowering(Lowerer lowerer, Lowerer.Frame frame) {
        this.lowerer = lowerer;
        this.frame = frame;
        this.b = lowerer.b;
    }

    /** A call's arguments, by parameter name. */
    private final class Args {
        private final Map<String, Expr> exprs;
        private final Map<String, Node> nodes = new HashMap<>();

        Args(Expr.Call call, Builtin builtin) {
            exprs = Lowerer.bind(call, builtin.formals().stream().map(Builtin.Formal::name).toList());
        }

        boolean has(String name) {
            return exprs.containsKey(name);
        }

        Node t(String name) {
            return nodes.computeIfAbsent(name, n -> lowerer.expr(frame, exprs.get(n)));
        }

        /** A tensor argument, or its default as a weak constant. */
        Node t(String name, double fallback) {
            return has(name) ? t(name) : b.lit(fallback);
        }

        /** The graph dimension a dimension argument names. */
        String dim(String name) {
            return frame.dim(((Expr.Name) exprs.get(name)).id().name());
        }

        /** The dimensions {@code over:} names, or null when it is absent. */
        List<String> dims(String name) {
            Expr e = exprs.get(name);
            if (e == null) {
                return null;
            }
            List<Expr> items = e instanceof Expr.ListLit l ? l.items() : List.of(e);
            return items.stream().map(i -> frame.dim(((Expr.Name) i).id().name())).distinct().toList();
        }

        /** A choice argument's string, or {@code fallback} when it is absent. */
        String choice(String name, String fallback) {
            return has(name) ? frame.choice(exprs.get(name)) : fallback;
        }

        /** A constant argument's value, or {@code fallback} when it is absent. */
        double constant(String name, double fallback) {
            return has(name) ? lowerer.constant(t(name)) : fallback;
        }
    }

    Node call(Expr.Call call, Builtin builtin) {
        Args a = new Args(call, builtin);
        if (builtin.groupable() && a.has("by")) {
            return grouped(builtin, a);
        }
        return switch (builtin) {
            case EXP -> b.floatUnary(Op.EXP, a.t("x"));
            case LOG -> b.floatUnary(Op.LOG, a.t("x"));
            case LOG1P -> b.floatUnary(Op.LOG1P, a.t("x"));
            case EXPM1 -> b.floatUnary(Op.EXPM1, a.t("x"));
            case FLOOR -> b.floatUnary(Op.FLOOR, a.t("x"));
            case CEIL -> b.floatUnary(Op.CEIL, a.t("x"));
            case SQRT -> b.floatUnary(Op.SQRT, a.t("x"));
            case SIGMOID -> b.floatUnary(Op.SIGMOID, a.t("x"));
            case LOG_SIGMOID -> lowerer.negate(b.floatUnary(Op.SOFTPLUS, lowerer.negate(b.toFloat(a.t("x")))));
            case SOFTPLUS -> b.floatUnary(Op.SOFTPLUS, a.t("x"));
            case TANH -> b.floatUnary(Op.TANH, a.t("x"));
            case NORMAL_CDF -> b.floatUnary(Op.NORMAL_CDF, a.t("x"));
            case NORMAL_ICDF -> b.floatUnary(Op.NORMAL_ICDF, a.t("x"));
            case LGAMMA -> b.floatUnary(Op.LGAMMA, a.t("x"));
            case DIGAMMA -> b.fold(Op.POLYGAMMA, java.util.List.of(b.toFloat(a.t("x"))), new Attrs.Order(0));
            case HUBER -> huber(b.toFloat(a.t("x")), a.t("delta", 1.0));
            case BETA_PDF -> betaPdf(b.toFloat(a.t("x")), a.t("a"), a.t("b"));
            case ABS -> b.fold(Op.ABS, java.util.List.of(numeric(a.t("x"))), Attrs.NONE);   // abs of a literal folds, as exp's does
            case SQUARE -> b.mul(a.t("x"), a.t("x"));
            case RELU -> b.where(b.compare(Op.GT, numeric(a.t("x")), b.lit(0)), numeric(a.t("x")), b.lit(0));
            case SIGN -> b.fold(Op.SIGN, java.util.List.of(numeric(a.t("x"))), Attrs.NONE);
            case CLIP -> b.clip(numeric(a.t("x")), numeric(a.t("lo")), numeric(a.t("hi")));
            case WHERE -> b.where(a.t("cond"), a.t("a"), a.t("b"));
            case MIN, MAX -> minMax(builtin, a);
            case SUM -> reduce(Op.SUM, numeric(a.t("x")), a.dims("over"));
            case MEAN -> reduce(Op.MEAN, b.toFloat(a.t("x")), a.dims("over"));
            case LOGSUMEXP -> reduce(Op.LOGSUMEXP, b.toFloat(a.t("x")), a.dims("over"));
            case VAR -> variance(b.toFloat(a.t("x")), a.dims("over"), a.constant("ddof", 0));
            case STD -> b.floatUnary(Op.SQRT, variance(b.toFloat(a.t("x")), a.dims("over"), a.constant("ddof", 0)));
            case MASKED_SUM, MASKED_MEAN, MASKED_VAR, MASKED_STD, MASKED_MAX, MASKED_MIN, MASKED_LOGSUMEXP -> masked(builtin, a);
            case AGGREGATE -> aggregate(a);
            case ARGMAX -> b.node(Op.ARGMAX, new Attrs.Dim(a.dim("over")), numeric(a.t("x")));
            case ARGMIN -> b.node(Op.ARGMIN, new Attrs.Dim(a.dim("over")), numeric(a.t("x")));
            case QUANTILE -> quantile(b.toFloat(a.t("x")), a.t("q"), a.dim("over"), a.choice("method", "linear"));
            case CVAR -> cvar(b.toFloat(a.t("x")), a.t("alpha"), a.dim("over"));
            case SOFTMAX -> b.floatUnary(Op.EXP, logSoftmax(b.toFloat(a.t("x")), a.dim("over")));
            case LOG_SOFTMAX -> logSoftmax(b.toFloat(a.t("x")), a.dim("over"));
            case MASKED_SOFTMAX, MASKED_LOG_SOFTMAX -> maskedSoftmax(b.toFloat(a.t("x")), a.t("mask"), a.dim("over"),
                    builtin == Builtin.MASKED_LOG_SOFTMAX);
            case SORT -> sort(a.t("x"), a.dim("over"), a.constant("descending", 0) != 0);
            case RANK -> rank(a.t("x"), a.dim("over"), a.constant("descending", 0) != 0);
            case TOPK -> b.compare(Op.LT, rank(a.t("x"), a.dim("over"), true), b.lit(a.constant("k", 0)));
            case SCAN -> scan(a);
            case SHIFT -> shift(a);
            case IOTA -> iota(a.dim("dim"));
            case SIZE -> size(a.dim("dim"));
            case ONE_HOT -> b.cast(b.compare(Op.EQ, b.cast(a.t("index"), DType.I32), iota(a.dim("dim"))), b.defaultFloat());
            case STOPGRAD -> a.t("x").isConst() ? a.t("x") : b.node(Op.STOP_GRADIENT, Attrs.Stop.WRITTEN, a.t("x"));
            case F32, F64, I32, BOOL -> b.cast(a.t("x"), b.dtype(DType.of(builtin.rloName())));
        };
    }

    // ---- element-wise compositions --------------------------------------------------------------

    /** bool counts as i32 where a number is needed. */
    private Node numeric(Node x) {
        return x.type().dtype() == DType.BOOL ? b.cast(x, DType.I32) : x;
    }

    /** huber(x, δ) = ½x² where |x| ≤ δ, else δ(|x| − ½δ). */
    private Node huber(Node x, Node delta) {
        Node ax = b.node(Op.ABS, Attrs.NONE, x);
        Node quadratic = b.mul(b.flit(0.5), b.mul(x, x));
        Node linear = b.mul(delta, b.sub(ax, b.mul(b.flit(0.5), delta)));
        return b.where(b.compare(Op.LE, ax, delta), quadratic, linear);
    }

    /**
     * Beta(a, b) density: exp((a−1) log x + (b−1) log(1−x) − log B(a, b)), with (a−1) log x read as
     * 0 where a = 1 (so the density at the edges is finite where it should be).
     */
    private Node betaPdf(Node x, Node alpha, Node beta) {
        Node logBeta = b.sub(b.add(b.floatUnary(Op.LGAMMA, alpha), b.floatUnary(Op.LGAMMA, beta)),
                b.floatUnary(Op.LGAMMA, b.add(alpha, beta)));
        Node left = xlogy(b.sub(alpha, b.lit(1)), x);
        Node right = xlogy(b.sub(beta, b.lit(1)), b.sub(b.lit(1), x));
        return b.floatUnary(Op.EXP, b.sub(b.add(left, right), logBeta));
    }

    /** c · log y, and 0 where c is 0 (whatever y is). */
    private Node xlogy(Node c, Node y) {
        Node product = b.mul(c, b.floatUnary(Op.LOG, y));
        return b.where(b.compare(Op.EQ, c, b.lit(0)), b.lit(0), product);
    }

    private Node minMax(Builtin builtin, Args a) {
        Op elementwise = builtin == Builtin.MIN ? Op.MIN : Op.MAX;
        if (a.has("y")) {
            return b.arith(elementwise, a.t("x"), a.t("y"));
        }
        Node x = a.t("x");
        Node r = reduce(builtin == Builtin.MIN ? Op.REDUCE_MIN : Op.REDUCE_MAX, numeric(x), a.dims("over"));
        return x.type().dtype() == DType.BOOL ? b.cast(r, DType.BOOL) : r;
    }

    // ---- reductions -----------------------------------------------------------------------------

    /** A reduction over {@code over} (all of {@code x}'s own dimensions when null); none is identity. */
    Node reduce(Op op, Node x, List<String> over) {
        List<String> dims = over != null ? over : frame.all(x);
        if (dims.isEmpty()) {
            return x.type().weak() ? b.cast(x, x.type().dtype().isFloat() ? b.defaultFloat() : x.type().dtype()) : x;
        }
        return b.node(op, new Attrs.Dims(dims), x);
    }

    /** The number of elements over {@code dims}, as a float of {@code like}'s dtype. */
    private Node count(List<String> dims, Node like) {
        Node n = b.lit(1);
        for (String d : dims) {
            n = b.mul(n, size(d));
        }
        return b.cast(n, like.type().dtype());
    }

    /**
     * var = Σ(x − mean)² / max(n − ddof, 1): with n ≤ ddof (a single sample, ddof 1) the divisor is
     * 1, so the variance is 0 rather than NaN (spec/builtins.md#reductions).
     */
    private Node variance(Node x, List<String> over, double ddof) {
        List<String> dims = over != null ? over : frame.all(x);
        Node centered = b.sub(x, reduce(Op.MEAN, x, dims));
        Node squares = reduce(Op.SUM, b.mul(centered, centered), dims);
        Node divisor = b.arith(Op.MAX, b.sub(count(dims, x), b.lit(ddof)), b.lit(1));
        return b.div(squares, divisor);
    }

    /**
     * The masked reductions (spec/ir.md#lowering): sums and counts over the kept elements, the
     * count clamped to 1 so that an empty mask gives a mean, variance and std of 0; max, min and
     * logsumexp over x with −∞ (+∞ for min) where the mask is off, so an empty mask gives ∓∞.
     */
    private Node masked(Builtin builtin, Args a) {
        Node mask = a.t("mask");
        boolean floats = builtin != Builtin.MASKED_SUM && builtin != Builtin.MASKED_MAX && builtin != Builtin.MASKED_MIN;
        Node x = floats ? b.toFloat(a.t("x")) : numeric(a.t("x"));
        List<String> dims = a.dims("over") != null ? a.dims("over") : frame.all(b.where(mask, x, b.lit(0)));
        return switch (builtin) {
            case MASKED_SUM -> reduce(Op.SUM, b.where(mask, x, b.lit(0)), dims);
            case MASKED_MEAN -> maskedMean(x, mask, dims);
            case MASKED_VAR -> maskedVariance(x, mask, dims, a.constant("ddof", 0));
            case MASKED_STD -> b.floatUnary(Op.SQRT, maskedVariance(x, mask, dims, a.constant("ddof", 0)));
            case MASKED_MAX -> reduce(Op.REDUCE_MAX, b.where(mask, x, b.flit(Double.NEGATIVE_INFINITY)), dims);
            case MASKED_MIN -> reduce(Op.REDUCE_MIN, b.where(mask, x, b.flit(Double.POSITIVE_INFINITY)), dims);
            default -> reduce(Op.LOGSUMEXP, b.where(mask, x, b.flit(Double.NEGATIVE_INFINITY)), dims);
        };
    }

    /**
     * A per-token loss x over tokens {@code over} (the other dimensions are sequences) made one
     * number, as verl's agg_loss names the ways (spec/builtins.md#masked-reductions): the mean of
     * every kept token; the mean over sequences of each one's token mean (an empty one counts 0) or
     * token sum; or the sum of every kept token divided by {@code norm} (the padded length by default).
     */
    private Node aggregate(Args a) {
        Node x = b.toFloat(a.t("x"));
        Node mask = a.t("mask");
        String tokens = a.dim("over");
        List<String> all = frame.all(b.where(mask, x, b.lit(0)));
        List<String> sequences = TensorType.minus(all, List.of(tokens));
        return switch (a.choice("mode", "token-mean")) {
            case "seq-mean-token-mean" -> reduce(Op.MEAN, maskedMean(x, mask, List.of(tokens)), sequences);
            case "seq-mean-token-sum" -> reduce(Op.MEAN, reduce(Op.SUM, b.where(mask, x, b.lit(0)), List.of(tokens)), sequences);
            case "seq-mean-token-sum-norm" -> b.div(reduce(Op.SUM, b.where(mask, x, b.lit(0)), all),
                    a.has("norm") ? a.t("norm") : b.cast(size(tokens), x.type().dtype()));
            default -> maskedMean(x, mask, all);
        };
    }

    /** The number of kept elements over {@code dims}, at least 1. */
    private Node maskedCount(Node x, Node mask, List<String> dims) {
        List<String> all = TensorType.union(x.type().dims(), mask.type().dims());
        Node ones = b.node(Op.EXPAND, new Attrs.Dims(all), b.cast(mask, x.type().dtype()));
        return reduce(Op.SUM, ones, dims);
    }

    private Node maskedMean(Node x, Node mask, List<String> dims) {
        Node n = b.arith(Op.MAX, b.cast(maskedCount(x, mask, dims), DType.F64), b.lit(1));
        return exactMean(b, x, n, v -> reduce(Op.SUM, b.cast(b.where(mask, v, b.lit(0)), DType.F64), dims));
    }

    /**
     * A mean that is exactly c for n equal values c: the sum is taken in f64 ({@code sum} widens
     * what it is given), which is exact for f32 values; for f64 values the quotient q₀ is corrected
     * once, q₀ + Σ(x − q₀)/n, with q₀'s gradient stopped so that each element's is exactly g/n.
     */
    static Node exactMean(IrBuilder b, Node x, Node n, java.util.function.UnaryOperator<Node> sum) {
        Node first = b.div(sum.apply(x), n);
        if (x.type().dtype() != DType.F64) {
            return b.cast(first, x.type().dtype());
        }
        Node q0 = b.node(Op.STOP_GRADIENT, Attrs.Stop.LOWERING, first);
        return b.add(q0, b.div(sum.apply(b.sub(x, q0)), n));
    }

    /** Σ over kept elements of (x − masked mean)² / max(n − ddof, 1), n the kept count. */
    private Node maskedVariance(Node x, Node mask, List<String> dims, double ddof) {
        Node centered = b.sub(x, maskedMean(x, mask, dims));
        Node squares = reduce(Op.SUM, b.where(mask, b.mul(centered, centered), b.lit(0)), dims);
        Node divisor = b.arith(Op.MAX, b.sub(maskedCount(x, mask, dims), b.lit(ddof)), b.lit(1));
        return b.div(squares, divisor);
    }

    /** A reduction grouped by keys ({@link Groups}): the dimension stays, each element gets its group's result. */
    private Node grouped(Builtin builtin, Args a) {
        Groups g = lowerer.groups(a.t("by"), a.dims("over").getFirst());
        Node mask = a.has("mask") ? a.t("mask") : null;
        double ddof = a.constant("ddof", 0);
        return switch (builtin) {
            case SUM -> g.sum(numeric(a.t("x")));
            case MASKED_SUM -> g.sum(numeric(b.where(mask, a.t("x"), b.lit(0))));
            case MEAN, MASKED_MEAN -> g.mean(b.toFloat(a.t("x")), mask);
            case VAR, MASKED_VAR -> g.variance(b.toFloat(a.t("x")), mask, ddof);
            case STD, MASKED_STD -> b.floatUnary(Op.SQRT, g.variance(b.toFloat(a.t("x")), mask, ddof));
            case MAX, MIN -> extremum(g, a.t("x"), builtin == Builtin.MAX);
            case MASKED_MAX -> extremum(g, b.where(mask, a.t("x"), b.flit(Double.NEGATIVE_INFINITY)), true);
            case MASKED_MIN -> extremum(g, b.where(mask, a.t("x"), b.flit(Double.POSITIVE_INFINITY)), false);
            case QUANTILE -> g.quantile(b.toFloat(a.t("x")), a.t("q"), a.choice("method", "linear"));
            default -> throw new IllegalStateException(builtin.rloName() + " takes no `by`");
        };
    }

    /** A grouped max or min; bools are ordered as 0 and 1. */
    private Node extremum(Groups g, Node x, boolean max) {
        boolean bool = x.type().dtype() == DType.BOOL;
        Node result = g.extremum(numeric(x), max);
        return bool ? b.cast(result, DType.BOOL) : result;
    }

    // ---- along a dimension ----------------------------------------------------------------------

    /** log_softmax = x − logsumexp(x) along {@code dim}. */
    private Node logSoftmax(Node x, String dim) {
        return b.sub(x, b.node(Op.LOGSUMEXP, new Attrs.Dims(List.of(dim)), x));
    }

    /**
     * Softmax (or log-softmax) among the elements the mask keeps, 0 where it is off — also for log:
     * p·log p and its gradient are then 0 there, not 0·(−∞) = NaN — and 0 everywhere for an empty
     * mask. The logsumexp runs over x with −∞ where the mask is off, or over zeros in a row with an
     * empty mask, so that no exp of −∞ − (−∞) reaches the gradient (spec/builtins.md).
     */
    private Node maskedSoftmax(Node x, Node mask, String dim, boolean log) {
        List<String> all = TensorType.union(x.type().dims(), mask.type().dims());
        Node kept = all.equals(mask.type().dims()) ? mask : b.node(Op.EXPAND, new Attrs.Dims(all), mask);
        Node any = b.compare(Op.GT, reduce(Op.SUM, b.cast(kept, DType.I32), List.of(dim)), b.lit(0));
        Node filled = b.where(kept, x, b.where(any, b.flit(Double.NEGATIVE_INFINITY), b.lit(0)));
        Node lse = b.node(Op.LOGSUMEXP, new Attrs.Dims(List.of(dim)), filled);
        Node value = log ? b.sub(x, lse) : b.floatUnary(Op.EXP, b.sub(filled, lse));
        return b.where(kept, value, b.lit(0));
    }

    /** sort = x gathered at its argsort (a permutation gather: the index has {@code dim} too). */
    private Node sort(Node x, String dim, boolean descending) {
        return b.node(Op.GATHER, new Attrs.Dim(dim), x, b.node(Op.ARGSORT, new Attrs.Argsort(dim, descending), numeric(x)));
    }

    /** rank = argsort of the argsort: where each element lands when sorted. */
    private Node rank(Node x, String dim, boolean descending) {
        Node order = b.node(Op.ARGSORT, new Attrs.Argsort(dim, descending), numeric(x));
        return b.node(Op.ARGSORT, new Attrs.Argsort(dim, false), order);
    }

    /**
     * The q-quantile along {@code dim} by numpy's {@code method}: at position p = q(n − 1) of the
     * sorted values, q clipped to [0, 1] ({@link #quantileAt}).
     */
    private Node quantile(Node x, Node q, String dim, String method) {
        Node sorted = sort(x, dim, false);
        QuantileAt at = quantileAt(b, q, b.sub(size(dim), b.lit(1)), x.type().dtype(), method);
        return at.value(b, i -> b.node(Op.GATHER, new Attrs.Dim(dim), sorted, i));
    }

    /** Where a quantile lies among sorted values: one position, or two and the fraction between them. */
    record QuantileAt(Node lo, Node hi, Node frac) {
        Node value(IrBuilder b, java.util.function.UnaryOperator<Node> at) {
            Node low = at.apply(lo);
            return frac == null ? low : b.add(low, b.mul(frac, b.sub(at.apply(hi), low)));
        }
    }

    /**
     * numpy's quantile methods at p = clip(q, 0, 1)·last (last = n − 1, an integer): "linear"
     * interpolates between ⌊p⌋ and ⌊p⌋ + 1 (at most last); "lower" takes ⌊p⌋, "higher" ⌈p⌉,
     * "nearest" the nearer, a tie to the even position (np.around).
     */
    static QuantileAt quantileAt(IrBuilder b, Node q, Node last, DType d, String method) {
        Node pos = b.mul(b.clip(b.toFloat(q), b.lit(0), b.lit(1)), b.cast(last, d));
        Node lo = b.cast(pos, DType.I32);
        Node frac = b.sub(pos, b.cast(lo, pos.type().dtype()));
        return switch (method) {
            case "lower" -> new QuantileAt(lo, lo, null);
            case "higher" -> {
                Node up = b.add(lo, b.cast(b.compare(Op.GT, frac, b.lit(0)), DType.I32));
                yield new QuantileAt(up, up, null);
            }
            case "nearest" -> {
                Node odd = b.compare(Op.NE, b.sub(lo, b.mul(b.lit(2), b.cast(b.div(lo, b.lit(2)), DType.I32))), b.lit(0));
                Node tieUp = b.node(Op.AND, Attrs.NONE, b.compare(Op.EQ, frac, b.flit(0.5)), odd);
                Node up = b.node(Op.OR, Attrs.NONE, b.compare(Op.GT, frac, b.flit(0.5)), tieUp);
                Node i = b.add(lo, b.cast(up, DType.I32));
                yield new QuantileAt(i, i, null);
            }
            default -> new QuantileAt(lo, b.arith(Op.MIN, b.add(lo, b.lit(1)), b.cast(last, DType.I32)), frac);
        };
    }

    /**
     * CVaR_α: the mean of the lowest fraction α along {@code dim}, with the boundary element weighted
     * by its fraction: Σᵢ sᵢ · clip(k − i, 0, 1) / k with k = max(α n, 1e-12) over the ascending
     * sorted values s (so α ≤ 1/n gives the minimum and α = 1 the mean).
     */
    private Node cvar(Node x, Node alpha, String dim) {
        Node sorted = sort(x, dim, false);
        Node k = b.arith(Op.MAX, b.mul(b.toFloat(alpha), b.cast(size(dim), x.type().dtype())), b.flit(1e-12));
        Node i = b.cast(iota(dim), x.type().dtype());
        Node w = b.div(b.clip(b.sub(k, i), b.lit(0), b.lit(1)), k);
        return b.node(Op.SUM, new Attrs.Dims(List.of(dim)), b.mul(w, sorted));
    }

    private Node scan(Args a) {
        Node x = b.toFloat(a.t("x"));
        Node decay = b.toFloat(a.t("decay"));
        DType d = TensorType.promote(x.type(), decay.type());
        return b.node(Op.SCAN, new Attrs.Scan(a.dim("over"), a.constant("reverse", 0) != 0), b.cast(x, d), b.cast(decay, d));
    }

    private Node shift(Args a) {
        Node x = a.t("x");
        Node fill = a.t("fill", 0);
        DType d = b.dtype(TensorType.promote(x.type(), fill.type()));
        Attrs.Shift s = new Attrs.Shift(a.dim("over"), (int) a.constant("by", 0));
        return b.node(Op.SHIFT, s, b.cast(x, d), b.cast(fill, d));
    }

    private Node iota(String dim) {
        return b.node(Op.IOTA, new Attrs.Dim(dim));
    }

    private Node size(String dim) {
        return b.node(Op.SIZE, new Attrs.Dim(dim));
    }
}
