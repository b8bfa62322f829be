package dev.rlo.compiler.backend.cpu;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.fuse.Reduction;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.DType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits Java for the element-wise part of a kernel: the value of an IR node at the current point of
 * the loop nest, as a chain of local variables. A buffer is read (through the views over it), any
 * other node is computed from its inputs; each (node, index mapping) is emitted once per point.
 * Renames change which loop index a dimension reads, so a node is keyed by its index mapping too.
 * <p>
 * Scalar mode computes in f64 for f32 nodes where Java has no f32 function (exp, log, …) and rounds
 * to f32 after each op, as the reference backend does; vector mode ({@link VectorEmitter}) computes
 * a whole vector of points along the innermost dimension.
 */
class Emitter {

    final KernelPlan plan;
    final Sizes sizes;
    final StringBuilder out;
    private final Map<String, String> locals = new HashMap<>();
    private java.util.Set<Node> inline = java.util.Set.of();
    private final String prefix;
    private int next;

    /** How Java spells the reduction table's text (fuse/Reduction). */
    static final Reduction.Spelling JAVA = new Reduction.Spelling() {
        @Override
        public String constant() {
            return "final double";
        }

        @Override
        public String f64(double v) {
            return literal(v, DType.F64);
        }

        @Override
        public String max(String a, String b) {
            return "Math.max(" + a + ", " + b + ")";
        }

        @Override
        public String min(String a, String b) {
            return "Math.min(" + a + ", " + b + ")";
        }

        @Override
        public String isNan(String x) {
            return "Double.isNaN(" + x + ")";
        }

        @Override
        public String exp(String x) {
            return "Math.exp(" + x + ")";
        }

        @Override
        public String log(String x) {
            return "Math.log(" + x + ")";
        }

        @Override
        public String total(String s, String c) {
            return "Sums.total(" + s + ", " + c + ")";
        }

        @Override
        public String mean(String s, String c, String n) {
            return "Sums.mean(" + s + ", " + c + ", " + n + ")";
        }
    };

    /** Index variables and dimension sizes as the generated code names them. */
    interface Sizes {
        /** The Java expression for dimension {@code dim}'s size (a long local). */
        String size(String dim);
    }

    Emitter(KernelPlan plan, Sizes sizes, StringBuilder out) {
        this(plan, sizes, out, "");
    }

    /** An emitter whose locals start with {@code prefix}, so that two can write into nested scopes. */
    Emitter(KernelPlan plan, Sizes sizes, StringBuilder out, String prefix) {
        this.plan = plan;
        this.sizes = sizes;
        this.out = out;
        this.prefix = prefix;
    }

    /** Forgets emitted values: at the start of a new loop body. */
    void reset() {
        locals.clear();
    }

    /**
     * Buffers to compute rather than read: the ones the current loop body itself writes, whose
     * values are not in memory yet (the body stores them after computing them).
     */
    void computeInline(java.util.Set<Node> nodes) {
        inline = nodes;
    }

    /** A new local name. */
    String fresh(String kind) {
        return prefix + kind + next++;
    }

    /** The Java type of a value of {@code d}. */
    static String javaType(DType d) {
        return switch (d) {
            case F32 -> "float";
            case F64 -> "double";
            case I32 -> "int";
            case BOOL -> "boolean";
        };
    }

    /** The memory layout constant for a buffer element of {@code d}. */
    static String layout(DType d) {
        return switch (d) {
            case F32 -> "JAVA_FLOAT";
            case F64 -> "JAVA_DOUBLE";
            case I32 -> "JAVA_INT";
            case BOOL -> "JAVA_BYTE";
        };
    }

    /**
     * The local holding {@code n}'s value where each dimension {@code d} of {@code n} is at index
     * {@code index.get(d)} (a long Java expression); emits its computation first if needed.
     */
    String value(Node n, Map<String, String> index, String indent) {
        Map<String, String> mine = restrict(index, n);
        String key = n.id() + "@" + mine;
        String done = locals.get(key);
        if (done != null) {
            return done;
        }
        String v = compute(n, mine, indent);
        locals.put(key, v);
        return v;
    }

    private static Map<String, String> restrict(Map<String, String> index, Node n) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String d : n.type().dims()) {
            out.put(d, index.get(d));
        }
        return out;
    }

    private String compute(Node n, Map<String, String> ix, String indent) {
        if (plan.isBuffer(n) && !inline.contains(n)) {
            return load(plan.buffer(n), ix, indent);
        }
        String t = javaType(n.type().dtype());
        String v = fresh("v");
        String expr = switch (n.op()) {
            case CONST -> literal(n.constValue(), n.type().dtype());
            case SIZE -> "(int) " + sizes.size(n.attrs(Attrs.Dim.class).dim());
            case IOTA -> "(int) " + ix.get(n.attrs(Attrs.Dim.class).dim());
            case RENAME -> {
                Attrs.Rename r = n.attrs(Attrs.Rename.class);
                Map<String, String> inner = new LinkedHashMap<>(ix);
                inner.put(r.from(), ix.get(r.to()));
                inner.remove(r.to());
                yield value(n.in(0), inner, indent);
            }
            case STOP_GRADIENT, EXPAND -> value(n.in(0), ix, indent);
            case GATHER -> gather(n, ix, indent);
            case SHIFT -> shift(n, ix, indent);
            default -> elementwise(n, ix, indent);
        };
        out.append(indent).append("final ").append(t).append(' ').append(v).append(" = ").append(expr).append(";\n");
        return v;
    }

    /** A read of buffer {@code b} at {@code ix} (its dimensions → index expressions). */
    String load(Buffer b, Map<String, String> ix, String indent) {
        String v = fresh("v");
        String elem = "b" + b.id() + ".getAtIndex(" + layout(b.type().dtype()) + ", " + offset(b, ix) + ")";
        String expr = b.type().dtype() == DType.BOOL ? elem + " != 0" : elem;
        out.append(indent).append("final ").append(javaType(b.type().dtype())).append(' ').append(v).append(" = ").append(expr).append(";\n");
        if (b.node().op() == dev.rlo.compiler.ir.Op.INPUT && b.type().dtype().isFloat()) {
            /* inputs are checked for NaN and ∞ as the kernels read them, not in a pass of their own */
            out.append(indent).append("if (!Double.isFinite(").append(v).append(")) Kernels.nonFinite(").append(b.id())
                    .append(", ").append(offset(b, ix)).append(");\n");
        }
        return v;
    }

    /** The row-major element offset in buffer {@code b} of the point {@code ix} over its dims. */
    String offset(Buffer b, Map<String, String> ix) {
        List<String> dims = b.type().dims();
        if (dims.isEmpty()) {
            return "0L";
        }
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < dims.size(); k++) {
            String i = ix.get(dims.get(k));
            s = k == 0 ? new StringBuilder("(" + i + ")") : new StringBuilder("(" + s + ") * " + sizes.size(dims.get(k)) + " + (" + i + ")");
        }
        return s.toString();
    }

    private String gather(Node n, Map<String, String> ix, String indent) {
        return value(n.in(0), gathered(n, ix, indent), indent);
    }

    /** Where a gather reads: {@code ix} with the gathered dimension at the (checked) index's value. */
    Map<String, String> gathered(Node n, Map<String, String> ix, String indent) {
        String dim = n.attrs(Attrs.Dim.class).dim();
        String index = value(n.in(1), ix, indent);
        String at = fresh("g");
        out.append(indent).append("final long ").append(at).append(" = Kernels.checkGather(").append(index).append(", ")
                .append(sizes.size(dim)).append(", ").append(plan.gathers().indexOf(n)).append(");\n");
        Map<String, String> src = new LinkedHashMap<>(ix);
        src.put(dim, at);
        return src;
    }

    private String shift(Node n, Map<String, String> ix, String indent) {
        Attrs.Shift s = n.attrs(Attrs.Shift.class);
        String from = fresh("s");
        out.append(indent).append("final long ").append(from).append(" = ").append(ix.get(s.dim())).append(" - (")
                .append(s.by()).append(");\n");
        String inside = from + " >= 0 && " + from + " < " + sizes.size(s.dim());
        Map<String, String> src = new LinkedHashMap<>(ix);
        src.put(s.dim(), inside + " ? " + from + " : 0");
        String x = value(n.in(0), src, indent);
        String fill = value(n.in(1), ix, indent);
        return "(" + inside + ") ? " + x + " : " + fill;
    }

    private String elementwise(Node n, Map<String, String> ix, String indent) {
        String[] a = new String[n.inputs().size()];
        for (int k = 0; k < a.length; k++) {
            a[k] = value(n.in(k), ix, indent);
        }
        DType d = n.type().dtype();
        DType in = n.inputs().isEmpty() ? d : n.in(0).type().dtype();
        String f = d == DType.F32 ? "(float) " : "";
        return switch (n.op()) {
            case NEG -> "-" + a[0];
            case NOT -> "!" + a[0];
            case ABS -> "Math.abs(" + a[0] + ")";
            case SIGN -> in == DType.I32 ? "Integer.signum(" + a[0] + ")" : "Math.signum(" + a[0] + ")";
            case EXP -> f + "Math.exp(" + a[0] + ")";
            case LOG -> f + "Math.log(" + a[0] + ")";
            case LOG1P -> f + "Math.log1p(" + a[0] + ")";
            case EXPM1 -> f + "Math.expm1(" + a[0] + ")";
            case FLOOR -> f + "Math.floor(" + a[0] + ")";
            case CEIL -> f + "Math.ceil(" + a[0] + ")";
            case SQRT -> f + "Math.sqrt(" + a[0] + ")";
            case TANH -> f + "Math.tanh(" + a[0] + ")";
            case SIGMOID -> f + "Special.sigmoid(" + a[0] + ")";
            case SOFTPLUS -> f + "Special.softplus(" + a[0] + ")";
            case NORMAL_CDF -> f + "Special.normalCdf(" + a[0] + ")";
            case NORMAL_ICDF -> f + "Special.normalIcdf(" + a[0] + ")";
            case LGAMMA -> f + "Special.lgamma(" + a[0] + ")";
            case POLYGAMMA -> f + "Special.polygamma(" + n.attrs(Attrs.Order.class).n() + ", " + a[0] + ")";
            case CAST -> cast(a[0], in, d);
            case ADD -> "(" + a[0] + " + " + a[1] + ")";
            case SUB -> "(" + a[0] + " - " + a[1] + ")";
            case MUL -> "(" + a[0] + " * " + a[1] + ")";
            case DIV -> "(" + a[0] + " / " + a[1] + ")";
            case POW -> f + "Math.pow(" + a[0] + ", " + a[1] + ")";
            case MIN -> "Math.min(" + a[0] + ", " + a[1] + ")";
            case MAX -> "Math.max(" + a[0] + ", " + a[1] + ")";
            case LT -> "(" + a[0] + " < " + a[1] + ")";
            case LE -> "(" + a[0] + " <= " + a[1] + ")";
            case GT -> "(" + a[0] + " > " + a[1] + ")";
            case GE -> "(" + a[0] + " >= " + a[1] + ")";
            case EQ -> "(" + a[0] + " == " + a[1] + ")";
            case NE -> "(" + a[0] + " != " + a[1] + ")";
            case AND -> "(" + a[0] + " & " + a[1] + ")";
            case OR -> "(" + a[0] + " | " + a[1] + ")";
            case WHERE -> "(" + a[0] + " ? " + a[1] + " : " + a[2] + ")";
            case CLIP -> "Math.min(Math.max(" + a[0] + ", " + a[1] + "), " + a[2] + ")";
            default -> throw new IllegalStateException(n.op() + " is not element-wise");
        };
    }

    private static String cast(String a, DType from, DType to) {
        if (from == DType.BOOL) {
            return "(" + a + " ? (" + javaType(to) + ") 1 : (" + javaType(to) + ") 0)";
        }
        return to == DType.BOOL ? "(" + a + " != 0)" : "(" + javaType(to) + ") " + a;
    }

    /** A Java literal of dtype {@code d}, exact. */
    static String literal(double v, DType d) {
        return switch (d) {
            case BOOL -> v != 0 ? "true" : "false";
            case I32 -> String.valueOf((int) v);
            case F32 -> Float.isNaN((float) v) ? "Float.NaN" : Float.isInfinite((float) v)
                    ? (v > 0 ? "Float.POSITIVE_INFINITY" : "Float.NEGATIVE_INFINITY") : Float.toString((float) v) + "f";
            case F64 -> Double.isNaN(v) ? "Double.NaN" : Double.isInfinite(v)
                    ? (v > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY") : Double.toString(v);
        };
    }
}
