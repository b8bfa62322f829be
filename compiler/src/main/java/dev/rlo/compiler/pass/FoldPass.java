package dev.rlo.compiler.pass;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrBuilder;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import java.util.List;

/**
 * Constant folding and algebraic identities that hold for every value, NaN and ∞ included:
 * an element-wise op on constants is its value; x + 0, x − 0, x · 1, x / 1, x¹, −(−x), a
 * stop-gradient of a constant and an expand to a node's own layout are the node itself; x² is x · x;
 * x and false, x or true are the constant, x and true, x or false are x; a where on a constant
 * condition is the branch it picks. (x · 0 is not 0 when x is NaN or ∞, so it
 * stays.)
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
        Node same = switch (n.op()) {
            case ADD -> isConst(in.get(1), 0) ? in.get(0) : isConst(in.get(0), 0) ? in.get(1) : null;
            case SUB -> isConst(in.get(1), 0) ? in.get(0) : null;
            case MUL -> isConst(in.get(1), 1) ? in.get(0) : isConst(in.get(0), 1) ? in.get(1) : null;
            case DIV -> isConst(in.get(1), 1) ? in.get(0) : null;
            /* x and false is false, x and true is x; x or true is true, x or false is x */
            case AND -> isConst(in.get(1), 0) || isConst(in.get(0), 1) ? in.get(1) : isConst(in.get(0), 0) || isConst(in.get(1), 1) ? in.get(0) : null;
            case OR -> isConst(in.get(1), 1) || isConst(in.get(0), 0) ? in.get(1) : isConst(in.get(0), 1) || isConst(in.get(1), 0) ? in.get(0) : null;
            case NEG -> in.get(0).op() == Op.NEG ? in.get(0).in(0) : null;
            case STOP_GRADIENT -> in.get(0).isConst() ? in.get(0) : null;
            case EXPAND -> in.get(0).type().dims().equals(n.attrs(Attrs.Dims.class).dims()) ? in.get(0) : null;
            case WHERE -> in.get(0).isConst() ? (in.get(0).constValue() != 0 ? in.get(1) : in.get(2)) : null;
            case POW -> isConst(in.get(1), 1) ? in.get(0) : isConst(in.get(1), 2) ? b.node(Op.MUL, Attrs.NONE, in.get(0), in.get(0)) : null;
            default -> null;
        };
        /* an identity may only stand in for a node of exactly the same type (dims and their order) */
        return same != null && same.type().equals(n.type()) ? same : null;
    }

    /** A constant that is {@code v} however it is computed: before rounding to f32 too. */
    private static boolean isConst(Node n, double v) {
        return n.isConst() && n.constValue() == v && n.exactValue() == v;
    }
}
