package dev.rlo.compiler.grad;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.IrBuilder;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.types.DType;
import java.util.Arrays;
import java.util.List;

/**
 * Reverse-mode autodiff is a table: for each {@link Op}, the cotangents of its inputs given the
 * cotangent {@code g} of its output (the "gradient rule" column of spec/ir.md). A {@code null} entry
 * means no gradient flows to that input. A cotangent may have more dimensions than its input —
 * {@link Autodiff} sums them away (the adjoint of broadcasting by name) — but never fewer.
 * <p>
 * Sub-gradients at kinks follow JAX and PyTorch: |x|′(0) = 0, relu′(0) = 0 (relu is lowered to
 * where), √x′(0) = 0 (not ∞, so std of equal values has gradient 0, not NaN), element-wise min/max
 * split a tie evenly, reductions max/min share it evenly among the tied elements, clip passes the
 * gradient to x on the closed interval [lo, hi].
 */
final class VjpRules {

    private final IrBuilder b;

    VjpRules(IrBuilder b) {
        this.b = b;
    }

    /** The input cotangents of node {@code n}, whose output cotangent is {@code g}. */
    List<Node> vjp(Node n, Node g) {
        Node x = n.inputs().isEmpty() ? null : n.in(0);
        return switch (n.op()) {
            case INPUT, CONST, IOTA, SIZE, NOT, SIGN, FLOOR, CEIL, LT, LE, GT, GE, EQ, NE, AND, OR, ARGMAX, ARGMIN, ARGSORT, STOP_GRADIENT ->
                    none(n);
            case NEG -> List.of(neg(g));
            case ABS -> List.of(mul(g, b.node(Op.SIGN, Attrs.NONE, x)));
            case EXP -> List.of(mul(g, n));
            case LOG -> List.of(div(g, x));
            case LOG1P -> List.of(div(g, add(x, one(x))));
            case EXPM1 -> List.of(mul(g, add(n, one(n))));
            case SQRT -> List.of(b.where(gt(x, zero(x)), div(g, mul(c(2, n), n)), zero(g)));
            case TANH -> List.of(mul(g, sub(one(n), mul(n, n))));
            case SIGMOID -> List.of(mul(g, mul(n, sub(one(n), n))));
            case SOFTPLUS -> List.of(mul(g, b.node(Op.SIGMOID, Attrs.NONE, x)));
            case NORMAL_CDF -> List.of(mul(g, mul(c(0.3989422804014327, x), exp(mul(c(-0.5, x), mul(x, x))))));
            case NORMAL_ICDF -> List.of(mul(g, mul(c(2.5066282746310002, n), exp(mul(c(0.5, n), mul(n, n))))));
            case LGAMMA -> List.of(mul(g, b.node(Op.POLYGAMMA, new Attrs.Order(0), x)));
            case POLYGAMMA -> List.of(mul(g, b.node(Op.POLYGAMMA, new Attrs.Order(n.attrs(Attrs.Order.class).n() + 1), x)));
            case CAST -> x.type().dtype().isFloat() ? List.of(b.cast(g, x.type().dtype())) : none(n);
            case ADD -> List.of(g, g);
            case SUB -> List.of(g, neg(g));
            case MUL -> List.of(mul(g, n.in(1)), mul(g, x));
            case DIV -> List.of(div(g, n.in(1)), neg(div(mul(g, n), n.in(1))));
            case POW -> pow(n, g);
            case MIN -> tie(n, g, Op.LT);
            case MAX -> tie(n, g, Op.GT);
            case WHERE -> Arrays.asList(null, b.where(x, g, zero(g)), b.where(x, zero(g), g));
            case CLIP -> List.of(
                    b.where(b.node(Op.AND, Attrs.NONE, ge(x, n.in(1)), b.node(Op.LE, Attrs.NONE, x, n.in(2))), g, zero(g)),
                    b.where(b.node(Op.LT, Attrs.NONE, x, n.in(1)), g, zero(g)),
                    b.where(gt(x, n.in(2)), g, zero(g)));
            case SUM -> List.of(expand(g, x));
            case MEAN -> List.of(expand(div(g, count(n.attrs(Attrs.Dims.class).dims(), g)), x));
            case REDUCE_MAX, REDUCE_MIN -> List.of(extremum(n, g));
            case LOGSUMEXP -> List.of(mul(expand(g, x), exp(sub(x, expand(n, x)))));
            case SCAN -> scan(n, g);
            case GATHER -> Arrays.asList(gather(n, g), null);
            case SCATTER_ADD -> Arrays.asList(b.node(Op.GATHER, new Attrs.Dim(n.attrs(Attrs.Scatter.class).dim()), g, n.in(1)), null);
            case RENAME -> List.of(b.node(Op.RENAME, new Attrs.Rename(n.attrs(Attrs.Rename.class).to(),
                    n.attrs(Attrs.Rename.class).from()), g));
            case EXPAND -> List.of(g);
            case SHIFT -> shift(n, g);
        };
    }

    // ---- the longer rules -----------------------------------------------------------------------

    /**
     * d x[D = index]: g scattered back along D, added up where indices repeat. Where the index
     * varies along nothing that x lacks, no two values of g meet, and the scatter is a select,
     * where(iota(D) = index, g, 0): element-wise, so it fuses and vectorises like any other.
     */
    private Node gather(Node n, Node g) {
        Node x = n.in(0);
        Node index = n.in(1);
        String dim = n.attrs(Attrs.Dim.class).dim();
        if (index.type().dims().stream().anyMatch(d -> d.equals(dim) || !x.type().has(d))) {
            return b.node(Op.SCATTER_ADD, new Attrs.Scatter(dim, x.type().dims()), g, index);
        }
        Node picked = b.where(b.compare(Op.EQ, b.node(Op.IOTA, new Attrs.Dim(dim)), index), g, zero(g));
        return picked.type().dims().equals(x.type().dims()) ? picked : b.node(Op.EXPAND, new Attrs.Dims(x.type().dims()), picked);
    }

    /** d(a^b) = b a^(b−1) da + a^b log a db, the second taken as 0 where a ≤ 0. */
    private List<Node> pow(Node n, Node g) {
        Node a = n.in(0);
        Node e = n.in(1);
        Node da = mul(g, mul(e, b.node(Op.POW, Attrs.NONE, a, sub(e, one(e)))));
        Node db = b.where(gt(a, zero(a)), mul(g, mul(n, b.node(Op.LOG, Attrs.NONE, a))), zero(g));
        return List.of(da, db);
    }

    /** Element-wise min/max: the gradient goes to the winner, half to each on a tie. */
    private List<Node> tie(Node n, Node g, Op wins) {
        Node a = n.in(0);
        Node bb = n.in(1);
        Node share = b.where(b.node(wins, Attrs.NONE, a, bb), one(g),
                b.where(b.node(Op.EQ, Attrs.NONE, a, bb), c(0.5, g), zero(g)));
        return List.of(mul(g, share), mul(g, sub(one(g), share)));
    }

    /** Reductions max/min: the gradient is shared evenly among the elements equal to the result. */
    private Node extremum(Node n, Node g) {
        Node x = n.in(0);
        Node hit = b.node(Op.EQ, Attrs.NONE, x, expand(n, x));
        Node ties = b.node(Op.SUM, n.attrs(), b.cast(hit, g.type().dtype()));
        return b.where(hit, expand(div(g, ties), x), zero(g));
    }

    /**
     * a_t = x_t + c_t a_{t−1} (forward): λ_t = g_t + c_{t+1} λ_{t+1}, a scan the other way with the
     * decay moved one step; dx = λ and dc_t = λ_t a_{t−1}. A reverse scan mirrors this.
     */
    private List<Node> scan(Node n, Node g) {
        Attrs.Scan s = n.attrs(Attrs.Scan.class);
        int toward = s.reverse() ? 1 : -1;
        Node decay = n.in(1);
        Node lambda = b.node(Op.SCAN, new Attrs.Scan(s.dim(), !s.reverse()), g, shifted(decay, s.dim(), toward));
        return List.of(lambda, mul(lambda, shifted(n, s.dim(), -toward)));
    }

    /** {@code x} moved {@code by} places along {@code dim} with 0 filled in, also when x lacks dim. */
    private Node shifted(Node x, String dim, int by) {
        if (x.type().has(dim)) {
            return b.node(Op.SHIFT, new Attrs.Shift(dim, by), x, zero(x));
        }
        return b.where(valid(dim, by), x, zero(x));
    }

    /** Where SHIFT along {@code dim} by {@code by} has a source element (not the fill). */
    private Node valid(String dim, int by) {
        Node i = b.node(Op.IOTA, new Attrs.Dim(dim));
        if (by >= 0) {
            return ge(i, b.constant(by, DType.I32, false));
        }
        Node size = b.node(Op.SIZE, new Attrs.Dim(dim));
        return b.node(Op.LT, Attrs.NONE, i, b.node(Op.ADD, Attrs.NONE, size, b.constant(by, DType.I32, false)));
    }

    /** dx = g shifted back; dfill = g where the fill was used. */
    private List<Node> shift(Node n, Node g) {
        Attrs.Shift s = n.attrs(Attrs.Shift.class);
        Node dx = b.node(Op.SHIFT, new Attrs.Shift(s.dim(), -s.by()), g, zero(g));
        Node dfill = b.where(valid(s.dim(), s.by()), zero(g), g);
        return List.of(dx, dfill);
    }

    // ---- small helpers (operands already share a dtype) -----------------------------------------

    private List<Node> none(Node n) {
        return Arrays.asList(new Node[n.inputs().size()]);
    }

    private Node count(List<String> dims, Node like) {
        Node n = b.node(Op.SIZE, new Attrs.Dim(dims.getFirst()));
        for (String d : dims.subList(1, dims.size())) {
            n = b.node(Op.MUL, Attrs.NONE, n, b.node(Op.SIZE, new Attrs.Dim(d)));
        }
        return b.cast(n, like.type().dtype());
    }

    private Node expand(Node g, Node like) {
        return g.type().dims().size() == like.type().dims().size() ? g
                : b.node(Op.EXPAND, new Attrs.Dims(like.type().dims()), g);
    }

    private Node c(double v, Node like) {
        return b.constant(v, like.type().dtype(), false);
    }

    private Node zero(Node like) {
        return c(0, like);
    }

    private Node one(Node like) {
        return c(1, like);
    }

    private Node neg(Node x) {
        return b.node(Op.NEG, Attrs.NONE, x);
    }

    private Node add(Node x, Node y) {
        return b.node(Op.ADD, Attrs.NONE, x, y);
    }

    private Node sub(Node x, Node y) {
        return b.node(Op.SUB, Attrs.NONE, x, y);
    }

    private Node mul(Node x, Node y) {
        return b.node(Op.MUL, Attrs.NONE, x, y);
    }

    private Node div(Node x, Node y) {
        return b.node(Op.DIV, Attrs.NONE, x, y);
    }

    private Node exp(Node x) {
        return b.node(Op.EXP, Attrs.NONE, x);
    }

    private Node gt(Node x, Node y) {
        return b.node(Op.GT, Attrs.NONE, x, y);
    }

    private Node ge(Node x, Node y) {
        return b.node(Op.GE, Attrs.NONE, x, y);
    }
}
