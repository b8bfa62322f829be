package dev.rlo.compiler.ir;

import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a graph against spec/ir.md: every node has its op's number of inputs and attribute kind,
 * and exactly the type {@link TypeRules} gives it; nothing is weakly typed any more; constants are
 * exact in their dtype; every dimension is an input's or a rename's; the loss is a float scalar and
 * each gradient has its input's type. {@link dev.rlo.compiler.Pipeline} runs it after every pass
 * when {@code -Drlo.verify=true}, as the tests do.
 */
public final class IrVerifier {

    private IrVerifier() { }

    /** Throws {@link IllegalStateException} naming the pass, the node and the broken rule. */
    public static void verify(Graph g, String after) {
        Set<String> dims = new HashSet<>();
        g.inputs().forEach(i -> dims.addAll(i.type().dims()));
        g.renames().forEach(r -> dims.add(r.to()));
        for (Node n : g.nodes()) {
            String problem = check(g, n, dims);
            if (problem != null) {
                throw new IllegalStateException("IR verifier, after " + after + ": " + n + " = " + n.op().label()
                        + " " + n.inputs() + " " + n.attrs() + " : " + n.type() + ": " + problem);
            }
        }
        Node loss = g.output(Output.LOSS);
        if (loss == null ? g.output(Output.RESULT) == null : !loss.type().isScalar() || !loss.type().dtype().isFloat()) {
            throw new IllegalStateException("IR verifier, after " + after + ": the loss must be a float scalar");
        }
        for (Map.Entry<Output, Node> out : g.outputs().entrySet()) {
            if (out.getKey().kind() == Output.Kind.GRAD) {
                Graph.Input in = g.input(out.getKey().name());
                if (in == null || !out.getValue().type().equals(in.type())) {
                    throw new IllegalStateException("IR verifier, after " + after + ": " + out.getKey()
                            + " has type " + out.getValue().type() + ", not its input's");
                }
            }
        }
    }

    private static String check(Graph g, Node n, Set<String> knownDims) {
        if (n.inputs().size() != n.op().arity()) {
            return "takes " + n.op().arity() + " inputs";
        }
        if (n.type().weak()) {
            return "a weak type survived lowering";
        }
        for (String d : n.type().dims()) {
            if (!knownDims.contains(d)) {
                return "dimension " + d + " is neither an input's nor a rename's";
            }
        }
        return switch (n.op()) {
            case INPUT -> {
                Graph.Input in = n.attrs() instanceof Attrs.Input a ? g.input(a.name()) : null;
                yield in == null ? "reads no input of the graph" : in.type().equals(n.type()) ? null : "differs from its input's type";
            }
            case CONST -> {
                if (!(n.attrs() instanceof Attrs.Const c) || !n.type().isScalar()) {
                    yield "a constant is a scalar with a Const attribute";
                }
                double v = c.value();
                yield Double.compare(n.type().dtype().round(v), v) == 0 || Double.isNaN(v) ? null
                        : "value " + v + " is not exact in " + n.type().dtype();
            }
            default -> {
                try {
                    List<TensorType> in = n.inputs().stream().map(Node::type).toList();
                    TensorType want = TypeRules.infer(n.op(), in, n.attrs());
                    yield want.equals(n.type()) ? null : "its rule gives " + want;
                } catch (IllegalArgumentException | ClassCastException e) {
                    yield e.getMessage();
                }
            }
        };
    }

    /** Used by tests: the dtypes a graph computes in. */
    static Set<DType> dtypes(Graph g) {
        Set<DType> out = new HashSet<>();
        g.nodes().forEach(n -> out.add(n.type().dtype()));
        return out;
    }
}
