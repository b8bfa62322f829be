package dev.rlo.compiler.backend.python;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The body of one emitted Python function: the graph's inputs bound by name (sizes, dtypes,
 * checks), then one line per IR node, numbered as {@code rlo compile --emit ir} numbers them, each
 * value an array whose axes are its node's dimensions in order (spec/python.md#layout).
 * <p>
 * Broadcasting by name is resolved here, at compile time: an operand is permuted into the order
 * its dimensions have in the result and indexed with {@code None} where it lacks one, so every
 * element-wise op is the host's positional broadcasting. Constants are literals in the line that
 * uses them; renames are the same array under another name. What each op is called in the
 * dialect is the dialect's row ({@link ArrayDialect#row}); gathers, scatters, scans, shifts and
 * argsorts call the prelude's helpers, which every dialect defines with one signature.
 */
final class ArrayEmitter {

    private final Graph graph;
    private final ArrayDialect dialect;
    private final Map<Node, String> values = new IdentityHashMap<>();
    private final StringBuilder out = new StringBuilder();

    private ArrayEmitter(Graph graph, ArrayDialect dialect) {
        this.graph = graph;
        this.dialect = dialect;
    }

    /**
     * The statements of the function computing {@code graph}, indented by four spaces: binding
     * ({@code _bind(NAME, SPEC, (PARAMS), SIZED, check)}), the nodes, the checks, and a return of
     * {@code returns}, whose {@code %output} placeholders are replaced by the outputs' values.
     */
    static String body(Graph graph, ArrayDialect dialect, String spec, List<String> params, String returns) {
        ArrayEmitter e = new ArrayEmitter(graph, dialect);
        List<String> bound = new ArrayList<>();
        for (int i = 0; i < graph.inputs().size(); i++) {
            bound.add("_i" + i);
        }
        e.line("_F, _dev, _n, _err, (" + String.join(", ", bound) + (bound.size() == 1 ? "," : "") + ") = _bind(\""
                + graph.name() + "\", " + spec + ", (" + String.join(", ", params) + (params.size() == 1 ? "," : "") + "), "
                + sized(graph) + ", check)");
        for (Attrs.Rename r : graph.renames()) {
            e.line("_rename(_n, \"" + r.from() + "\", \"" + r.to() + "\")");
        }
        List<Node> nodes = graph.nodes();
        for (int k = 0; k < nodes.size(); k++) {
            e.emit(nodes.get(k), k);
        }
        e.line("_done(_err)");
        String r = returns;
        for (Map.Entry<Output, Node> o : graph.outputs().entrySet()) {
            r = r.replace("%" + o.getKey() + "%", e.output(o.getValue()));
        }
        e.line("return " + r);
        return e.out.toString();
    }

    /**
     * The sizes the graph declares ({@code S = 2}, {@code T1 = T + 1}) as {@code (dim, base or None,
     * offset)} triples, in dimension order, for _bind to check or derive.
     */
    private static String sized(Graph graph) {
        List<String> triples = new java.util.TreeMap<>(graph.sizes()).entrySet().stream()
                .map(e -> "(\"" + e.getKey() + "\", " + (e.getValue().fixed() ? "None" : "\"" + e.getValue().base() + "\"") + ", "
                        + e.getValue().offset() + ")")
                .toList();
        return "(" + String.join(", ", triples) + (triples.size() == 1 ? ",)" : ")");
    }

    private void line(String s) {
        out.append("    ").append(s).append('\n');
    }

    private void emit(Node n, int number) {
        switch (n.op()) {
            case INPUT -> values.put(n, "_i" + inputIndex(n.attrs(Attrs.Input.class).name()));
            case CONST -> values.put(n, dialect.literal(value(n), n.type().dtype()));
            case RENAME -> values.put(n, values.get(n.in(0)));
            case STOP_GRADIENT -> {
                String x = values.get(n.in(0));
                String e = n.in(0).isConst() ? x : dialect.stopGradient(x);
                values.put(n, e.equals(x) ? x : line("_v" + number, e, n));
            }
            default -> values.put(n, line("_v" + number, expression(n), n));
        }
    }

    /** {@code v = e  # [dims]}; returns {@code v}. */
    private String line(String v, String e, Node n) {
        line(v + " = " + e + "  # " + TensorType.show(n.type().dims()));
        return v;
    }

    private int inputIndex(String name) {
        for (int i = 0; i < graph.inputs().size(); i++) {
            if (graph.inputs().get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("no input " + name);
    }

    /** An output's value as an array (a literal becomes one). */
    private String output(Node n) {
        return n.isConst() ? dialect.tensor(value(n), n.type().dtype()) : values.get(n);
    }

    /** A constant's value: unrounded for an f32 one, since f32 is the call's float dtype. */
    private static double value(Node n) {
        return n.type().dtype() == DType.F32 ? n.exactValue() : n.constValue();
    }

    private String expression(Node n) {
        List<String> dims = n.type().dims();
        return switch (n.op()) {
            case GATHER -> gather(n);
            case SCATTER_ADD -> scatterAdd(n);
            case SCAN -> "_scan(" + array(n.in(0), dims) + ", " + array(n.in(1), dims) + ", " + axis(n.attrs(Attrs.Scan.class).dim(), dims)
                    + ", " + bool(n.attrs(Attrs.Scan.class).reverse()) + ")";
            case SHIFT -> "_shift(" + array(n.in(0), dims) + ", " + array(n.in(1), dims) + ", " + axis(n.attrs(Attrs.Shift.class).dim(), dims)
                    + ", " + n.attrs(Attrs.Shift.class).by() + ")";
            case ARGSORT -> "_argsort(" + array(n.in(0), n.in(0).type().dims()) + ", " + axis(n.attrs(Attrs.Argsort.class).dim(), dims)
                    + ", " + bool(n.attrs(Attrs.Argsort.class).descending()) + ")";
            case EXPAND -> n.in(0).isConst() ? dialect.full(shape(dims), value(n.in(0)), n.type().dtype())
                    : dialect.expand(view(n.in(0), dims), shape(dims));
            default -> dialect.row(n, new Row(n));
        };
    }

    /**
     * x along D at an index: x viewed as [result dims..., D] (D moved last; where the result has D
     * too, from the index, x is broadcast along it), the index viewed as the result; the helper
     * broadcasts both, checks the index and takes along the last axis.
     */
    private String gather(Node n) {
        String dim = n.attrs(Attrs.Dim.class).dim();
        List<String> dims = n.type().dims();
        List<String> xLayout = new ArrayList<>(dims.stream().map(d -> d.equals(dim) ? "\0" : d).toList());
        xLayout.add(dim);
        Attrs.Dim at = n.attrs(Attrs.Dim.class);
        String located = at.where() == null ? "" : ", " + pyString(at.where()) + ", " + pyString(at.written());
        return "_gather(" + array(n.in(0), xLayout) + ", " + array(n.in(1), dims) + ", " + size(dim) + ", \"" + dim + "\", _err" + located + ")";
    }

    /** A Python string literal of {@code s}. */
    private static String pyString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + "\"";
    }

    /**
     * g added into zeros at an index along D: g permuted to [kept dims..., summed dims...] (kept:
     * the result's dims but D, in order), the index viewed so; the helper returns [kept..., D],
     * permuted here into the result's order.
     */
    private String scatterAdd(Node n) {
        Attrs.Scatter s = n.attrs(Attrs.Scatter.class);
        List<String> keep = TensorType.minus(s.dims(), List.of(s.dim()));
        List<String> layout = new ArrayList<>(keep);
        layout.addAll(TensorType.minus(n.in(0).type().dims(), keep));
        List<String> result = new ArrayList<>(keep);
        result.add(s.dim());
        String call = "_scatter_add(" + array(n.in(0), layout) + ", " + array(n.in(1), layout) + ", " + keep.size() + ", "
                + size(s.dim()) + ", \"" + s.dim() + "\", _err)";
        return permuted(call, result, s.dims());
    }

    /** {@code n}'s value viewed in {@code layout}, an array even where it is a constant. */
    private String array(Node n, List<String> layout) {
        return n.isConst() ? dialect.tensor(value(n), n.type().dtype()) : view(n, layout);
    }

    /**
     * {@code n}'s value broadcastable by position to {@code layout} (which has all of n's
     * dimensions): permuted into layout order, then {@code None} where it lacks a dimension;
     * leading {@code None}s are left to right-aligned broadcasting.
     */
    String view(Node n, List<String> layout) {
        List<String> own = n.type().dims();
        String v = values.get(n);
        if (own.isEmpty() || n.isConst()) {
            return v;
        }
        List<String> order = layout.stream().filter(own::contains).toList();
        if (order.size() != own.size()) {
            throw new IllegalStateException(n + " " + own + " does not fit the layout " + layout);
        }
        v = permuted(v, own, order);
        List<String> index = layout.stream().map(d -> own.contains(d) ? ":" : "None").collect(Collectors.toCollection(ArrayList::new));
        while (!index.isEmpty() && index.getFirst().equals("None")) {
            index.removeFirst();
        }
        while (!index.isEmpty() && index.getLast().equals(":")) {
            index.removeLast();
        }
        return index.isEmpty() ? v : v + "[" + String.join(", ", index) + "]";
    }

    /** {@code v}, whose axes are {@code from}, with its axes in the order of {@code to}. */
    private String permuted(String v, List<String> from, List<String> to) {
        if (from.equals(to)) {
            return v;
        }
        return dialect.permute(v, to.stream().map(d -> String.valueOf(from.indexOf(d))).collect(Collectors.joining(", ")));
    }

    static String size(String dim) {
        return "_n[\"" + dim + "\"]";
    }

    /** {@code (_n["B"], _n["A"])}: a shape tuple. */
    static String shape(List<String> dims) {
        return "(" + dims.stream().map(ArrayEmitter::size).collect(Collectors.joining(", ")) + (dims.size() == 1 ? ",)" : ")");
    }

    private static String axis(String dim, List<String> layout) {
        return String.valueOf(layout.indexOf(dim));
    }

    private static String bool(boolean b) {
        return b ? "True" : "False";
    }

    /** What a dialect's row sees of a node: its operands, viewed or as they are, and its axes. */
    final class Row {
        private final Node node;

        Row(Node node) {
            this.node = node;
        }

        /** Operand {@code i} in the node's layout (element-wise ops). */
        String x(int i) {
            return view(node.in(i), node.type().dims());
        }

        /** Operand {@code i} as it is (the operand of a reduction). */
        String v(int i) {
            return values.get(node.in(i));
        }

        /** Operand {@code i} in the node's layout, an array even where it is a constant. */
        String array(int i) {
            return ArrayEmitter.this.array(node.in(i), node.type().dims());
        }

        boolean literal(int i) {
            return node.in(i).isConst();
        }

        DType in(int i) {
            return node.in(i).type().dtype();
        }

        /** The axes of the operand that {@code dims} are, as a tuple: {@code (0, 2)}. */
        String axes(List<String> dims) {
            List<String> own = node.in(0).type().dims();
            String s = dims.stream().map(d -> String.valueOf(own.indexOf(d))).collect(Collectors.joining(", "));
            return "(" + s + (dims.size() == 1 ? ",)" : ")");
        }

        /** The axis of the operand along dimension {@code dim}. */
        String axis(String dim) {
            return ArrayEmitter.axis(dim, node.in(0).type().dims());
        }

        /** The number of elements over {@code dims}: {@code _n["B"] * _n["A"]}. */
        String count(List<String> dims) {
            return dims.stream().map(ArrayEmitter::size).collect(Collectors.joining(" * "));
        }
    }
}
