package dev.rlo.compiler.backend.reference;

import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.backend.Inputs;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.ir.Scalars;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The oracle: evaluates a graph one op at a time, each op by its definition in spec/ir.md, on ND4J
 * arrays, in f64 arithmetic whatever the dtype (results are then stored in their dtype). No fusion,
 * no cleverness: every faster backend is tested against this one.
 * <p>
 * Element-wise ops broadcast their inputs to the result's dimensions and apply
 * {@link Scalars#apply}; ops along one dimension ({@link Lanes}) work on each 1-D lane along it;
 * gather and scatter follow named indices ({@link Indexing}).
 */
public final class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Executable compile(Graph graph) {
        List<Node> order = graph.nodes();
        /* after node i, the values whose last reader it is are dropped: a long chain keeps few arrays alive */
        Map<Node, Integer> lastUse = new IdentityHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            for (Node in : order.get(i).inputs()) {
                lastUse.put(in, i);
            }
        }
        graph.outputs().values().forEach(n -> lastUse.put(n, Integer.MAX_VALUE));
        Inputs.Binder binder = new Inputs.Binder(graph);
        return inputs -> {
            Inputs.Bound bound = binder.bind(inputs, true);
            Map<Node, Tensor> values = new IdentityHashMap<>();
            for (int i = 0; i < order.size(); i++) {
                Backend.checkInterrupt();
                Node n = order.get(i);
                values.put(n, eval(n, n.inputs().stream().map(values::get).toList(), bound));
                for (Node in : n.inputs()) {
                    if (lastUse.get(in) == i) {
                        values.remove(in);
                    }
                }
            }
            Map<Output, Tensor> out = new LinkedHashMap<>();
            graph.outputs().forEach((o, n) -> out.put(o, values.get(n)));
            return out;
        };
    }

    private static Tensor eval(Node n, List<Tensor> in, Inputs.Bound bound) {
        Map<String, Long> sizes = bound.sizes();
        DType dtype = n.type().dtype();
        List<String> dims = n.type().dims();
        return switch (n.op()) {
            case INPUT -> bound.tensors().get(n.attrs(Attrs.Input.class).name());
            case CONST -> Tensor.scalar(dtype, n.constValue());
            case IOTA -> Lanes.iota(n.attrs(Attrs.Dim.class).dim(), sizes);
            case SIZE -> Tensor.scalar(DType.I32, sizes.get(n.attrs(Attrs.Dim.class).dim()));
            case SUM, MEAN, REDUCE_MAX, REDUCE_MIN, LOGSUMEXP -> Lanes.reduce(n.op(), in.getFirst(),
                    n.attrs(Attrs.Dims.class).dims(), dtype);
            case ARGMAX, ARGMIN -> Lanes.arg(n.op(), in.getFirst(), n.attrs(Attrs.Dim.class).dim());
            case SCAN -> Lanes.scan(in.get(0).alignedTo(dims, sizes), in.get(1).alignedTo(dims, sizes),
                    n.attrs(Attrs.Scan.class), dtype);
            case SHIFT -> Lanes.shift(in.get(0).alignedTo(dims, sizes), in.get(1).alignedTo(dims, sizes),
                    n.attrs(Attrs.Shift.class), dtype);
            case ARGSORT -> Lanes.argsort(in.getFirst(), n.attrs(Attrs.Argsort.class));
            case GATHER -> Indexing.gather(in.get(0), in.get(1), n.attrs(Attrs.Dim.class), dims, sizes);
            case SCATTER_ADD -> Indexing.scatterAdd(in.get(0), in.get(1), n.attrs(Attrs.Scatter.class), sizes);
            case RENAME -> {
                Attrs.Rename r = n.attrs(Attrs.Rename.class);
                yield new Tensor(dtype, in.getFirst().dims().stream().map(d -> d.equals(r.from()) ? r.to() : d).toList(),
                        in.getFirst().data());
            }
            case EXPAND -> in.getFirst().alignedTo(dims, sizes);
            case STOP_GRADIENT -> in.getFirst();
            default -> elementwise(n, in, sizes);
        };
    }

    /** Every input broadcast to the result's dimensions, then {@link Scalars#apply} element by element. */
    private static Tensor elementwise(Node n, List<Tensor> in, Map<String, Long> sizes) {
        List<String> dims = n.type().dims();
        double[][] args = new double[in.size()][];
        for (int k = 0; k < in.size(); k++) {
            args[k] = in.get(k).alignedTo(dims, sizes).values();
        }
        int length = args.length == 0 ? 1 : args[0].length;
        double[] out = new double[length];
        double[] x = new double[in.size()];
        for (int i = 0; i < length; i++) {
            for (int k = 0; k < args.length; k++) {
                x[k] = args[k][i];
            }
            out[i] = Scalars.apply(n.op(), n.attrs(), x);
        }
        return Tensor.of(n.type().dtype(), dims, shape(dims, sizes), out);
    }

    static long[] shape(List<String> dims, Map<String, Long> sizes) {
        return dims.stream().mapToLong(sizes::get).toArray();
    }

}
