package dev.rlo.compiler.fuse;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrBuilder;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.ir.Output;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Before fusion, every reduction reads its input in the inputs' order of dimensions
 * (spec/ir.md#reduction-order). A value's order of dimensions is where its operands put them:
 * {@code tau - (u < 0)} with {@code tau: [N]} and {@code u: [B, M]} is [N, B, M], though the
 * objective's inputs are [B, A, N]. A reduction's result is a buffer laid out in that order and
 * its Loop runs in it, so a quantile loss's mean over M would be written [N, B] and summed over
 * N across memory. Each reduction whose input's order differs from the ranks of the objective's
 * inputs (each dimension ranked where an input first has it, the others where a node first has
 * them) reads it through a permuting {@link Op#EXPAND}, a view; an output whose order changes
 * with it is shown in its own order again, also by a view. Where an input of the objective has
 * two of the reduced value's dimensions the other way round, the reduction keeps its order:
 * it would read that input across memory.
 */
final class ReductionOrder {

    private ReductionOrder() { }

    static Graph of(Graph graph) {
        Map<String, Integer> rank = new HashMap<>();
        graph.inputs().forEach(in -> in.type().dims().forEach(d -> rank.putIfAbsent(d, rank.size())));
        graph.nodes().forEach(n -> n.type().dims().forEach(d -> rank.putIfAbsent(d, rank.size())));
        IrBuilder b = new IrBuilder(false);
        Map<Node, Node> copied = new IdentityHashMap<>();
        for (Node n : graph.nodes()) {
            List<Node> inputs = new ArrayList<>(n.inputs().stream().map(copied::get).toList());
            if (n.op().isReduction()) {
                List<String> dims = inputs.getFirst().type().dims();
                List<String> ranked = dims.stream().sorted(Comparator.comparing(rank::get)).toList();
                if (!ranked.equals(dims) && !againstAnInput(graph, ranked)) {
                    inputs.set(0, b.node(Op.EXPAND, new Attrs.Dims(ranked), inputs.getFirst()));
                }
            }
            copied.put(n, b.remake(n, inputs));
        }
        Map<Output, Node> outputs = new LinkedHashMap<>();
        graph.outputs().forEach((o, n) -> {
            Node made = copied.get(n);
            outputs.put(o, made.type().dims().equals(n.type().dims()) ? made : b.node(Op.EXPAND, new Attrs.Dims(n.type().dims()), made));
        });
        return graph.withOutputs(outputs);
    }

    /** Whether an input of {@code graph} has two of {@code dims} in the other order. */
    private static boolean againstAnInput(Graph graph, List<String> dims) {
        for (Graph.Input in : graph.inputs()) {
            List<String> own = in.type().dims().stream().filter(dims::contains).toList();
            if (!own.equals(dims.stream().filter(own::contains).toList())) {
                return true;
            }
        }
        return false;
    }
}
