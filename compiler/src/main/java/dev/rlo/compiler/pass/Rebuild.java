package dev.rlo.compiler.pass;

import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrBuilder;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Output;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies a graph into a builder, node by node in topological order, letting a rewrite replace each
 * node once its inputs are copied. The copy holds only what the outputs reach, and the builder makes
 * each distinct computation once: rebuilding is also dead-code removal and CSE.
 */
public final class Rebuild {

    /** Replaces a node, given its copied inputs; returns {@code null} to keep it as it is. */
    public interface Rewrite {
        Node apply(IrBuilder b, Node original, List<Node> inputs);
    }

    private Rebuild() { }

    public static Graph copy(Graph graph, IrBuilder b, Rewrite rewrite) {
        Map<Node, Node> copied = new IdentityHashMap<>();
        for (Node n : graph.nodes()) {
            List<Node> inputs = new ArrayList<>(n.inputs().size());
            for (Node in : n.inputs()) {
                inputs.add(copied.get(in));
            }
            Node replaced = rewrite == null ? null : rewrite.apply(b, n, inputs);
            copied.put(n, replaced != null ? replaced : b.remake(n, inputs));
        }
        Map<Output, Node> outputs = new LinkedHashMap<>();
        graph.outputs().forEach((o, n) -> outputs.put(o, copied.get(n)));
        return graph.withOutputs(outputs);
    }
}
