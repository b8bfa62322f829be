package dev.rlo.compiler.pass;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrBuilder;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.types.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Constant folding and algebraic identities that hold for every value, NaN and ∞ included:
 * an element-wise op on constants is its value; x + 0, x − 0, x · 1, x / 1, x¹, −(−x), a
 * stop-gradient of a constant and an expand to a node's own layout are the node itself; x² is x · x;
 * a float sum or mean of −x is −(the sum or mean of x);
 * x and false, x or true are the constant, x and true, x or false are x; a where on a constant
 * condition is the branch it picks. (x · 0 is not 0 when x is NaN or ∞, so it
 * stays.)
 * <p>
 * And selects move outwards: an element-wise op f of a where, f(where(c, a, b), k) =
 * where(c, f(a, k), f(b, k)) — a bool cast to a number counts as where(c, 1, 0), and other
 * wheres on the same c give their branches too — wherever both branches then have fewer
 * dimensions than f (or fold to a constant or to a node that exists), so that f runs on the
 * branches' few values and the full loop keeps one select. It holds value for value: QR-DQN's
 * |τ − 1{u < 0}| over [N, B, M] becomes a select between |τ − 1| and |τ| over [N].
 * <p>
 * An element picked from a sorted row is read through the permutation:
 * (x[D = argsort(y)])[D = i] = x[D = argsort(y)[D = i]], so a quantile reads two elements per row
 * and the sorted row is not written.
 */
public final class FoldPass implements Pass {

    @Override
    public String name() {
        return "fold";
    }

    @Override
    public Graph run(Graph graph) {
        return Rebuild.copy(graph, new IrBuilder(false), FoldPass::rewrite);
    }

    private static Node rewrite(IrBuilder b, Node n, List<Node> in) {
        if (n.op().isElementwise() && in.stream().allMatch(Node::isConst)) {
            return b.fold(n.op(), in, n.attrs());
        }
        Node hoisted = hoistSelect(b, n, in);
        if (hoisted != null) {
            return hoisted;
        }
        Node picked = pickFromSorted(b, n, in);
        if (picked != null) {
            return picked;
        }
        Node same = switch (n.op()) {
            case ADD -> isConst(in.get(1), 0) ? in.get(0) : isConst(in.get(0), 0) ? in.get(1) : null;
            case SUB -> isConst(in.get(1), 0) ? in.get(0) : null;
            case MUL -> isConst(in.get(1), 1) ? in.get(0) : isConst(in.get(0), 1) ? in.get(1) : null;
            case DIV -> isConst(in.get(1), 1) ? in.get(0) : null;
            /* x and false is false, x and true is x; x or true is true, x or false is x */
            case AND -> isConst(in.get(1), 0) || isConst(in.get(0), 1) ? in.get(1) : isConst(in.get(0), 0) || isConst(in.get(1), 1) ? in.get(0) : null;
            case OR -> isConst(in.get(1), 1) || isConst(in.get(0), 0) ? in.get(1) : isConst(in.get(0), 1) || isConst(in.get(1), 0) ? in.get(0) : null;
            case NEG -> in.get(0).op() == Op.NEG ? in.get(0).in(0) : null;
            /* Σ(−x) = −Σx exactly (rounding to nearest is symmetric): the negation runs once per result, not per term */
            case SUM, MEAN -> in.get(0).op() == Op.NEG && n.type().dtype().isFloat() ? b.node(Op.NEG, Attrs.NONE, b.node(n.op(), n.attrs(), in.get(0).in(0))) : null;
            case STOP_GRADIENT -> in.get(0).isConst() ? in.get(0) : null;
            case EXPAND -> in.get(0).type().dims().equals(n.attrs(Attrs.Dims.class).dims()) ? in.get(0) : null;
            case WHERE -> in.get(0).isConst() ? (in.get(0).constValue() != 0 ? in.get(1) : in.get(2)) : null;
            case POW -> isConst(in.get(1), 1) ? in.get(0) : isConst(in.get(1), 2) ? b.node(Op.MUL, Attrs.NONE, in.get(0), in.get(0)) : null;
            default -> null;
        };
        /* an identity may only stand in for a node of exactly the same type (dims and their order) */
        return same != null && same.type().equals(n.type()) ? same : null;
    }

    /** A where's condition and branches: a WHERE, a bool cast to a number (1 and 0), either under an expand. */
    private record Select(Node cond, Node whenTrue, Node whenFalse) {
        static Select of(IrBuilder b, Node n) {
            Node x = n.op() == Op.EXPAND ? n.in(0) : n;
            if (x.op() == Op.WHERE) {
                return new Select(x.in(0), x.in(1), x.in(2));
            }
            DType to = x.type().dtype();
            if (x.op() == Op.CAST && x.in(0).type().dtype() == DType.BOOL && to != DType.BOOL) {
                return new Select(x.in(0), b.constant(1, 1, to, false), b.constant(0, 0, to, false));
            }
            return null;
        }
    }

    /** f(where(c, a, b), k) as where(c, f(a, k), f(b, k)) where that leaves the full loop one select and no more (above); else null. */
    private static Node hoistSelect(IrBuilder b, Node n, List<Node> in) {
        if (!n.op().isElementwise() || n.op() == Op.WHERE || n.type().dtype() == DType.BOOL) {
            return null;
        }
        for (Node first : in) {
            Select s = Select.of(b, first);
            if (s == null) {
                continue;
            }
            List<Node> whenTrue = new ArrayList<>();
            List<Node> whenFalse = new ArrayList<>();
            for (Node x : in) {
                Select t = Select.of(b, x);
                boolean same = t != null && t.cond() == s.cond();
                /* an expanded input broadcasts by name as well without its expand: the result is expanded at the end */
                Node plain = x.op() == Op.EXPAND ? x.in(0) : x;
                whenTrue.add(same ? t.whenTrue() : plain);
                whenFalse.add(same ? t.whenFalse() : plain);
            }
            Node a = simplified(b, n, whenTrue);
            Node c = simplified(b, n, whenFalse);
            if (!fewer(a, n, whenTrue) || !fewer(c, n, whenFalse)) {
                continue;
            }
            Node w = b.node(Op.WHERE, Attrs.NONE, s.cond(), a, c);
            if (!w.type().dims().equals(n.type().dims())) {
                w = b.node(Op.EXPAND, new Attrs.Dims(n.type().dims()), w);
            }
            return w.type().equals(n.type()) ? w : null;
        }
        return null;
    }

    /**
     * (x[D = argsort(..)])[D = i] as x[D = argsort(..)[D = i]]: the elements a quantile picks from a
     * sorted row are read through the permutation, so the sorted row itself need not be written.
     * An argsort's values are always in range, so no out-of-range error is lost; i is checked
     * against the same size as before.
     */
    private static Node pickFromSorted(IrBuilder b, Node n, List<Node> in) {
        if (n.op() != Op.GATHER) {
            return null;
        }
        Node sorted = in.get(0);
        if (sorted.op() != Op.GATHER || sorted.in(1).op() != Op.ARGSORT) {
            return null;
        }
        String d = n.attrs(Attrs.Dim.class).dim();
        if (!sorted.attrs(Attrs.Dim.class).dim().equals(d) || !sorted.in(1).attrs(Attrs.Argsort.class).dim().equals(d)) {
            return null;
        }
        Node at = b.node(Op.GATHER, n.attrs(), sorted.in(1), in.get(1));
        Node picked = b.node(Op.GATHER, sorted.attrs(), sorted.in(0), at);
        return picked.type().equals(n.type()) ? picked : null;
    }

    /** {@code n}'s op on {@code in}, folded and rewritten as any node is. */
    private static Node simplified(IrBuilder b, Node n, List<Node> in) {
        Node made = b.node(n.op(), n.attrs(), in.toArray(Node[]::new));
        Node r = rewrite(b, made, in);
        return r != null ? r : made;
    }

    /** Whether branch {@code x} of a hoisted select costs the full loop nothing: a constant, one of its operands, or fewer dimensions than {@code n}. */
    private static boolean fewer(Node x, Node n, List<Node> operands) {
        return x.isConst() || operands.contains(x) || !x.type().dims().containsAll(n.type().dims());
    }

    /** A constant that is {@code v} however it is computed: before rounding to f32 too. */
    private static boolean isConst(Node n, double v) {
        return n.isConst() && n.constValue() == v && n.exactValue() == v;
    }
}
