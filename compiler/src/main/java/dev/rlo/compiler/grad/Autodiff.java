package dev.rlo.compiler.grad;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrBuilder;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.ir.Output;
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
 */
public final class Autodiff {

    private Autodiff() { }

    /** {@code graph} with its gradient outputs, built with {@code b} (which made the graph's nodes). */
    public static Graph differentiate(Graph graph, IrBuilder b) {
        List<Node> order = graph.nodes();
        Set<Node> active = active(graph, order);
        Map<Node, Node> cot = new IdentityHashMap<>();
        Node loss = graph.output(Output.LOSS);
        cot.put(loss, b.constant(1, loss.type().dtype(), false));
        VjpRules rules = new VjpRules(b);
        for (int i = order.size() - 1; i >= 0; i--) {
            Node n = order.get(i);
            Node g = cot.get(n);
            if (g == null || n.op() == Op.INPUT) {
                continue;
            }
            List<Node> parts = rules.vjp(n, g);
            for (int k = 0; k < n.inputs().size(); k++) {
                Node input = n.in(k);
                if (parts.get(k) != null && active.contains(input)) {
                    cot.merge(input, reduceTo(b, parts.get(k), input), (x, y) -> b.node(Op.ADD, Attrs.NONE, x, y));
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
            Node g = node == null ? null : cot.get(node);
            if (g != null && !g.type().dims().equals(in.type().dims())) {
                g = b.node(Op.EXPAND, new Attrs.Dims(in.type().dims()), g); /* the input's own layout */
            }
            outputs.put(Output.grad(in.name()), g != null ? g : zeros(b, in));
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

    /** A cotangent brought to {@code like}'s dimensions: extra ones summed away, missing ones added. */
    private static Node reduceTo(IrBuilder b, Node g, Node like) {
        List<String> extra = g.type().dims().stream().filter(d -> !like.type().has(d)).toList();
        if (!extra.isEmpty()) {
            g = b.node(Op.SUM, new Attrs.Dims(extra), g);
        }
        if (g.type().dims().size() < like.type().dims().size()) {
            g = b.node(Op.EXPAND, new Attrs.Dims(like.type().dims()), g);
        }
        return b.cast(g, like.type().dtype());
    }

    private static Node zeros(IrBuilder b, Graph.Input in) {
        Node zero = b.constant(0, in.type().dtype(), false);
        return in.type().isScalar() ? zero : b.node(Op.EXPAND, new Attrs.Dims(in.type().dims()), zero);
    }
}
