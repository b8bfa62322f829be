package dev.rlo.compiler.ir;

import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes IR nodes. Each node is typed by {@link TypeRules}, and each distinct (op, inputs, attributes)
 * is made once, so common subexpressions are shared as they are built. The typed helpers apply the
 * language's promotion rules (spec/types-and-shapes.md#promotion), inserting CASTs so that operands
 * reach each op in its result dtype; two weak constants fold into one at once.
 * <p>
 * With {@code f64} set, every f32 the program names is computed as f64 ({@code rlo eval --dtype f64},
 * {@code rlo gradcheck}).
 */
public final class IrBuilder {

    private record Key(Op op, List<Integer> inputs, Attrs attrs, TensorType type) { }

    private final boolean f64;
    private final Map<Key, Node> made = new HashMap<>();
    private int nextId;

    public IrBuilder(boolean f64) {
        this.f64 = f64;
    }

    /** The float dtype computations default to: f32, or f64 in f64 mode. */
    public DType defaultFloat() {
        return f64 ? DType.F64 : DType.F32;
    }

    /** {@code d}, with f32 read as f64 in f64 mode. */
    public DType dtype(DType d) {
        return f64 && d == DType.F32 ? DType.F64 : d;
    }

    // ---- raw nodes ------------------------------------------------------------------------------

    public Node input(String name, TensorType type) {
        return make(Op.INPUT, List.of(), new Attrs.Input(name), type.withDtype(dtype(type.dtype())).strong());
    }

    /** A scalar constant; a weak one takes the dtype of what it meets. */
    public Node constant(double value, DType dtype, boolean weak) {
        return constant(value, value, dtype, weak);
    }

    /**
     * A scalar constant whose value before any rounding to f32 is {@code exact} (it may differ from
     * {@code value} when computed from rounded constants): an f32 constant keeps it as it is.
     */
    public Node constant(double value, double exact, DType dtype, boolean weak) {
        DType d = weak ? dtype : dtype(dtype);
        double stored = weak ? value : d.round(value);
        double unrounded = weak || d == DType.F32 ? exact : d.round(exact);
        return make(Op.CONST, List.of(), new Attrs.Const(stored, unrounded), new TensorType(d, List.of(), weak));
    }

    /** A node of {@code op} on inputs already in the dtypes the op needs. */
    public Node node(Op op, Attrs attrs, Node... inputs) {
        List<TensorType> types = Arrays.stream(inputs).map(Node::type).toList();
        return make(op, List.of(inputs), attrs, TypeRules.infer(op, types, attrs));
    }

    /** Rebuilds {@code n}'s op and attributes on new inputs (for passes). */
    public Node remake(Node n, List<Node> inputs) {
        return switch (n.op()) {
            case INPUT, CONST -> make(n.op(), List.of(), n.attrs(), n.type());
            default -> node(n.op(), n.attrs(), inputs.toArray(Node[]::new));
        };
    }

    private Node make(Op op, List<Node> inputs, Attrs attrs, TensorType type) {
        List<Integer> ids = new ArrayList<>(inputs.size());
        for (Node n : inputs) {
            ids.add(n.id());
        }
        boolean typed = op == Op.INPUT || op == Op.CONST;
        return made.computeIfAbsent(new Key(op, ids, attrs, typed ? type : null),
                k -> new Node(nextId++, op, inputs, attrs, type));
    }

    // ---- typed helpers: promotion and casts -----------------------------------------------------

    /** {@code x} as dtype {@code d}: itself, a re-typed constant, or a CAST. */
    public Node cast(Node x, DType d) {
        if (x.type().dtype() == d && !x.type().weak()) {
            return x;
        }
        if (x.isConst()) {
            return constant(x.constValue(), x.exactValue(), d, false);
        }
        return node(Op.CAST, new Attrs.Cast(d), x);
    }

    /** {@code x} as a float: its own dtype if float, else the default float. */
    public Node toFloat(Node x) {
        DType d = x.type().dtype();
        return cast(x, d.isFloat() ? dtype(d) : defaultFloat());
    }

    /** Element-wise unary {@code op} with a float result (exp, log, …). */
    public Node floatUnary(Op op, Node x) {
        return fold(op, List.of(toFloat(x)), Attrs.NONE);
    }

    /**
     * Arithmetic {@code + - * / **}, min and max, with promotion. Bools count as i32 (0 and 1): the
     * min or max of two bools is computed so and is a bool again.
     */
    public Node arith(Op op, Node a, Node b) {
        DType d = dtype(TensorType.promote(a.type(), b.type()));
        if ((op == Op.DIV || op == Op.POW) && !d.isFloat()) {
            d = defaultFloat();
        } else if (d == DType.BOOL) {
            Node n = foldWeak(op, DType.I32, a, b);
            return op == Op.MIN || op == Op.MAX ? cast(n, DType.BOOL) : n;
        }
        return foldWeak(op, d, a, b);
    }

    /** A comparison, on operands promoted to one dtype; bools are ordered as i32 (false < true). */
    public Node compare(Op op, Node a, Node b) {
        DType d = dtype(TensorType.promote(a.type(), b.type()));
        if (d == DType.BOOL && op != Op.EQ && op != Op.NE) {
            d = DType.I32;
        }
        return fold(op, List.of(cast(a, d), cast(b, d)), Attrs.NONE);
    }

    /** {@code where(cond, a, b)} with {@code a}, {@code b} promoted. */
    public Node where(Node cond, Node a, Node b) {
        DType d = dtype(TensorType.promote(a.type(), b.type()));
        return node(Op.WHERE, Attrs.NONE, cond, cast(a, d), cast(b, d));
    }

    /** {@code clip(x, lo, hi)}, all three promoted. */
    public Node clip(Node x, Node lo, Node hi) {
        TensorType t = new TensorType(TensorType.promote(x.type(), lo.type()), List.of(), x.type().weak() && lo.type().weak());
        DType d = dtype(TensorType.promote(t, hi.type()));
        return node(Op.CLIP, Attrs.NONE, cast(x, d), cast(lo, d), cast(hi, d));
    }

    public Node add(Node a, Node b) {
        return arith(Op.ADD, a, b);
    }

    public Node sub(Node a, Node b) {
        return arith(Op.SUB, a, b);
    }

    public Node mul(Node a, Node b) {
        return arith(Op.MUL, a, b);
    }

    public Node div(Node a, Node b) {
        return arith(Op.DIV, a, b);
    }

    /** A weak constant: takes the dtype of what it meets. */
    public Node lit(double v) {
        return constant(v, v == Math.rint(v) ? DType.I32 : DType.F32, true);
    }

    /** A weak float constant. */
    public Node flit(double v) {
        return constant(v, DType.F32, true);
    }

    /** Two weak constants fold into one, computed in f64; anything else becomes a node. */
    private Node foldWeak(Op op, DType d, Node a, Node b) {
        if (a.isConst() && b.isConst() && a.type().weak() && b.type().weak()) {
            double v = Scalars.apply(op, Attrs.NONE, a.constValue(), b.constValue());
            double exact = Scalars.apply(op, Attrs.NONE, a.exactValue(), b.exactValue());
            boolean isFloat = a.type().dtype().isFloat() || b.type().dtype().isFloat() || op == Op.DIV || op == Op.POW;
            return constant(v, exact, isFloat ? DType.F32 : DType.I32, true);
        }
        return fold(op, List.of(cast(a, d), cast(b, d)), Attrs.NONE);
    }

    /** Makes the node, or its value when every input is a constant (element-wise ops only). */
    public Node fold(Op op, List<Node> in, Attrs attrs) {
        if (in.stream().allMatch(Node::isConst)) {
            TensorType t = TypeRules.infer(op, in.stream().map(Node::type).toList(), attrs);
            double[] args = in.stream().mapToDouble(Node::constValue).toArray();
            double[] exact = in.stream().mapToDouble(Node::exactValue).toArray();
            return constant(Scalars.apply(op, attrs, args), Scalars.apply(op, attrs, exact), t.dtype(), false);
        }
        return node(op, attrs, in.toArray(Node[]::new));
    }
}
