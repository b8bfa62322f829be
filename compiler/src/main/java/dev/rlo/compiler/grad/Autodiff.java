package dev.rlo.compiler.grad;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrBuilder;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.ir.Output;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode autodiff over the IR: walks the nodes from the loss back to the inputs, asks
 * {@link VjpRules} for each node's input cotangents, reduces each to its input's dimensions (the
 * adjoint of broadcasting) and sums the contributions. Only nodes between a {@code grad} input and
 * the loss are visited. Adds an output {@code grad:<input>} per {@code grad} input; an input the
 * loss does not reach gets zeros.
 * <p>
 * A branch that a {@code where} (or a clip, a √ at 0, …) does not take gets no gradient at all,
 * not a zero multiplied by its derivative: a cotangent is {@link Masked}, exactly zero outside a
 * mask, and the mask rides along element-wise ops, broadcasts and reductions instead of being
 * applied at once. So {@code where(x > 0, log(x), 0)} has gradient 0 at x = 0, not 0·(1/0) = NaN,
 * and the two branches of a {@code where} meet again as one select rather than a sum of two
 * (spec/ir.md#passes).
 */
public final class Autodiff {

    private final IrBuilder b;

    private Autodiff(IrBuilder b) {
        this.b = b;
    }

    /** {@code graph} with its gradient outputs, built with {@code b} (which made the graph's nodes). */
    public static Graph differentiate(Graph graph, IrBuilder b) {
        return new Autodiff(b).run(graph);
    }

    /** A cotangent: {@code value} where every literal of {@code mask} holds, exactly zero elsewhere. */
    record Masked(Node value, List<Node> mask) { }

    private Graph run(Graph graph) {
        List<Node> order = graph.nodes();
        Set<Node> active = active(graph, order);
        Map<Node, List<Masked>> cot = new IdentityHashMap<>();
        Node loss = graph.output(Output.LOSS);
        cot.put(loss, new ArrayList<>(List.of(new Masked(b.constant(1, loss.type().dtype(), false), List.of()))));
        VjpRules rules = new VjpRules(b);
        for (int i = order.size() - 1; i >= 0; i--) {
            Node n = order.get(i);
            List<Masked> parts = cot.get(n);
            if (parts == null || n.op() == Op.INPUT) {
                continue;
            }
            /* rules that map each element of g to the same points of an input let the mask wait; others see the zeros */
            Masked g = combine(parts);
            List<Node> base = pointwise(n.op()) ? g.mask() : List.of();
            List<Node> in = rules.vjp(n, base.isEmpty() ? materialise(g) : g.value());
            for (int k = 0; k < n.inputs().size(); k++) {
                Node input = n.in(k);
                if (in.get(k) != null && active.contains(input)) {
                    cot.computeIfAbsent(input, x -> new ArrayList<>()).add(reduceTo(peel(in.get(k), base), input));
                }
            }
        }
        Map<Output, Node> outputs = new LinkedHashMap<>(graph.outputs());
        for (Graph.Input in : graph.inputs()) {
            if (!in.grad()) {
                continue;
            }
            Node node = order.stream().filter(n -> n.op() == Op.INPUT && n.attrs(Attrs.Input.class).name().equals(in.name()))
                    .findFirst().orElse(null);
            Node g = node == null || !cot.containsKey(node) ? null : materialise(combine(cot.get(node)));
            if (g != null && !g.type().dims().equals(in.type().dims())) {
                g = b.node(Op.EXPAND, new Attrs.Dims(in.type().dims()), g); /* the input's own layout */
            }
            outputs.put(Output.grad(in.name()), g != null ? g : zeros(in));
        }
        return graph.withOutputs(outputs);
    }

    /**
     * The nodes a gradient flows through: float nodes that depend on a {@code grad} input through
     * differentiable edges (not through STOP_GRADIENT, indices, masks or integer values).
     */
    private static Set<Node> active(Graph graph, List<Node> order) {
        Set<Node> active = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : order) {
            boolean on = switch (n.op()) {
                case INPUT -> {
                    Graph.Input in = graph.input(n.attrs(Attrs.Input.class).name());
                    yield in != null && in.grad();
                }
                case STOP_GRADIENT -> false;
                default -> n.type().dtype().isFloat() && n.inputs().stream().anyMatch(active::contains);
            };
            if (on) {
                active.add(n);
            }
        }
        return active;
    }

    // ---- masks ----------------------------------------------------------------------------------

    /**
     * Whether {@code op}'s rule gives each input point a multiple of g at the point it came from
     * (element-wise ops, broadcasts, and reductions but argmax and argmin), so that a mask on g
     * holds for the input's cotangent too. Scans, gathers, scatters, shifts and renames move
     * values between points: g goes in with its mask applied.
     */
    private static boolean pointwise(Op op) {
        return op.isElementwise() || switch (op) {
            case EXPAND, SUM, MEAN, REDUCE_MAX, REDUCE_MIN, LOGSUMEXP -> true;
            default -> false;
        };
    }

    /**
     * A rule's cotangent {@code g}, under mask {@code base}, with its selects against zero taken
     * into the mask: where(c, x, 0) is x under c, where(c, 0, x) is x under not c (when x has the
     * select's dimensions, so that the mask never reaches beyond the value).
     */
    private Masked peel(Node g, List<Node> base) {
        List<Node> mask = new ArrayList<>(base);
        while (g.op() == Op.WHERE) {
            boolean taken = isZero(g.in(2)) && sameDims(g.in(1), g);
            if (!taken && !(isZero(g.in(1)) && sameDims(g.in(2), g))) {
                break;
            }
            Node lit = taken ? literal(g.in(0)) : not(g.in(0));
            if (!mask.contains(lit)) {
                mask.add(lit);
            }
            g = g.in(taken ? 1 : 2);
        }
        return new Masked(g, List.copyOf(mask));
    }

    /**
     * One cotangent from a node's contributions: those under the same mask added (in the order they
     * came), two under masks that differ only in c and not c joined by where(c, ·, ·), and what
     * is left summed with its masks applied, under the literals they all share.
     */
    private Masked combine(List<Masked> parts) {
        List<Masked> groups = new ArrayList<>();
        for (Masked p : parts) {
            add(groups, p);
        }
        for (boolean joined = true; joined && groups.size() > 1; ) {
            joined = false;
            for (int i = 0; i < groups.size() && !joined; i++) {
                for (int j = i + 1; j < groups.size() && !joined; j++) {
                    Node lx = complement(groups.get(i).mask(), groups.get(j).mask());
                    if (lx != null) {
                        Masked x = groups.get(i);
                        Masked y = groups.remove(j);
                        groups.remove(i);
                        List<Node> rest = x.mask().stream().filter(l -> l != lx).toList();
                        boolean xTaken = lx.op() != Op.NOT;
                        Node c = xTaken ? lx : lx.in(0);
                        add(groups, new Masked(b.where(c, (xTaken ? x : y).value(), (xTaken ? y : x).value()), rest));
                        joined = true;
                    }
                }
            }
        }
        if (groups.size() == 1) {
            return groups.getFirst();
        }
        List<Node> shared = groups.getFirst().mask().stream().filter(l -> groups.stream().allMatch(m -> m.mask().contains(l))).toList();
        Node sum = null;
        for (Masked m : groups) {
            Node v = materialise(new Masked(m.value(), m.mask().stream().filter(l -> !shared.contains(l)).toList()));
            sum = sum == null ? v : b.node(Op.ADD, Attrs.NONE, sum, v);
        }
        return new Masked(sum, shared);
    }

    /** {@code p} added to the group of its mask, or a new group. */
    private void add(List<Masked> groups, Masked p) {
        for (int i = 0; i < groups.size(); i++) {
            Masked m = groups.get(i);
            if (m.mask().size() == p.mask().size() && m.mask().containsAll(p.mask())) {
                groups.set(i, new Masked(b.node(Op.ADD, Attrs.NONE, m.value(), p.value()), m.mask()));
                return;
            }
        }
        groups.add(p);
    }

    /** Mask {@code x}'s literal that differs, when masks {@code x} and {@code y} differ only in c and not c; else null. */
    private Node complement(List<Node> x, List<Node> y) {
        if (x.size() != y.size()) {
            return null;
        }
        List<Node> onlyX = x.stream().filter(l -> !y.contains(l)).toList();
        List<Node> onlyY = y.stream().filter(l -> !x.contains(l)).toList();
        if (onlyX.size() != 1 || onlyY.size() != 1 || not(onlyX.getFirst()) != onlyY.getFirst()) {
            return null;
        }
        return onlyX.getFirst();
    }

    /** The cotangent as a plain value: its mask applied by one select (on c, not on not c, when all its literals are negated). */
    private Node materialise(Masked m) {
        if (m.mask().isEmpty()) {
            return m.value();
        }
        Node zero = b.constant(0, m.value().type().dtype(), false);
        if (m.mask().stream().allMatch(l -> l.op() == Op.NOT)) {
            return b.where(join(Op.OR, m.mask().stream().map(l -> l.in(0)).toList()), zero, m.value());
        }
        return b.where(join(Op.AND, m.mask()), m.value(), zero);
    }

    private Node join(Op op, List<Node> literals) {
        Node all = literals.getFirst();
        for (Node l : literals.subList(1, literals.size())) {
            all = b.node(op, Attrs.NONE, all, l);
        }
        return all;
    }

    /** not c, as a literal: one NOT at most (not not a is a), so that not(not(l)) is l. */
    private Node not(Node c) {
        return c.op() == Op.NOT ? literal(c.in(0)) : b.node(Op.NOT, Attrs.NONE, c);
    }

    /** {@code c} without pairs of NOTs in front. */
    private static Node literal(Node c) {
        while (c.op() == Op.NOT && c.in(0).op() == Op.NOT) {
            c = c.in(0).in(0);
        }
        return c;
    }

    private static boolean isZero(Node n) {
        return n.isConst() && n.constValue() == 0;
    }

    private static boolean sameDims(Node x, Node y) {
        return x.type().dims().size() == y.type().dims().size() && x.type().dims().containsAll(y.type().dims());
    }

    // ---- shapes ---------------------------------------------------------------------------------

    /**
     * A cotangent brought to {@code like}'s dimensions: extra ones summed away, missing ones added.
     * The literals of its mask that vary along a summed dimension are applied before the sum; the
     * others hold for the sum as well.
     */
    private Masked reduceTo(Masked g, Node like) {
        Node v = g.value();
        List<Node> mask = g.mask();
        List<String> extra = v.type().dims().stream().filter(d -> !like.type().has(d)).toList();
        if (!extra.isEmpty()) {
            List<Node> along = mask.stream().filter(l -> l.type().dims().stream().anyMatch(extra::contains)).toList();
            v = b.node(Op.SUM, new Attrs.Dims(extra), materialise(new Masked(v, along)));
            mask = mask.stream().filter(l -> !along.contains(l)).toList();
        }
        if (v.type().dims().size() < like.type().dims().size()) {
            v = b.node(Op.EXPAND, new Attrs.Dims(like.type().dims()), v);
        }
        return new Masked(b.cast(v, like.type().dtype()), mask);
    }

    private Node zeros(Graph.Input in) {
        Node zero = b.constant(0, in.type().dtype(), false);
        return in.type().isScalar() ? zero : b.node(Op.EXPAND, new Attrs.Dims(in.type().dims()), zero);
    }
}
