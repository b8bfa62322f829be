package dev.rlo.compiler.ir;

import dev.rlo.compiler.tensor.TensorText;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The readable form of a graph ({@code rlo compile --emit ir}): its inputs, one line per node in
 * topological order, numbered from 0, then its outputs.
 * <pre>
 * graph ppo_clip
 *   input logp : f32[B] grad
 *   %0 = input logp : f32[B]
 *   %2 = sub %0 %1 : f32[B]
 *   %9 = mean %8 [B] : f32
 *   loss = %12
 * </pre>
 */
public final class IrPrinter {

    private IrPrinter() { }

    public static String print(Graph g) {
        Map<Node, Integer> number = new IdentityHashMap<>();
        StringBuilder out = new StringBuilder("graph " + g.name() + "\n");
        for (Graph.Input in : g.inputs()) {
            out.append("  input ").append(in.name()).append(" : ").append(in.type()).append(in.grad() ? " grad" : "").append('\n');
        }
        for (Node n : g.nodes()) {
            number.put(n, number.size());
            String args = n.inputs().stream().map(i -> "%" + number.get(i)).collect(Collectors.joining(" "));
            String attrs = n.isConst() ? TensorText.value(n.constValue(), n.type().dtype()) : n.attrs().toString();
            out.append("  %").append(number.get(n)).append(" = ").append(n.op().label())
                    .append(args.isEmpty() ? "" : " " + args)
                    .append(attrs.isEmpty() ? "" : " " + attrs)
                    .append(" : ").append(n.type()).append('\n');
        }
        for (Map.Entry<Output, Node> o : g.outputs().entrySet()) {
            out.append("  ").append(o.getKey().label()).append(" = %").append(number.get(o.getValue())).append('\n');
        }
        return out.toString();
    }
}
