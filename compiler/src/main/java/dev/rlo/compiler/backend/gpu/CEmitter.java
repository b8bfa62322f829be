package dev.rlo.compiler.backend.gpu;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.DType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Emits C for the element-wise part of a kernel: the value of an IR node at the current point, as a
 * chain of {@code const} locals, the same in OpenCL C and CUDA C but for the names of the f32 math
 * functions. Like the CPU backend's emitter, a buffer is read, any other node computed from its
 * inputs, each (node, index mapping) once per point; renames change which index a dimension reads.
 * <p>
 * Values are computed in their own dtype with the device's math functions (an f32 exp is
 * {@code expf} on CUDA), so results may differ from the reference by an ulp or two per op; the
 * special functions are computed in f64 and rounded, as the reference does.
 */
final class CEmitter {

    private final KernelPlan plan;
    private final Dialect dialect;
    private final StringBuilder out;
    private final List<String> dims;
    private final Map<String, String> locals = new HashMap<>();
    private Set<Node> inline = Set.of();
    private int next;

    CEmitter(KernelPlan plan, Dialect dialect, StringBuilder out) {
        this.plan = plan;
        this.dialect = dialect;
        this.out = out;
        this.dims = plan.dims();
    }

    static String size(String dim) {
        return "n_" + dim;
    }

    static String index(String dim) {
        return "i_" + dim;
    }

    /** Forgets emitted values: at the start of a new loop body. */
    void reset() {
        locals.clear();
    }

    /** Buffers the current body writes itself: computed, not read (their values are not in memory yet). */
    void computeInline(Set<Node> nodes) {
        inline = nodes;
    }

    /** The local holding {@code n}'s value with each of its dimensions at the index expression {@code ix} gives. */
    String value(Node n, Map<String, String> ix, String indent) {
        Map<String, String> mine = new LinkedHashMap<>();
        for (String d : n.type().dims()) {
            mine.put(d, ix.get(d));
        }
        String key = n.id() + "@" + mine;
        String done = locals.get(key);
        if (done != null) {
            return done;
        }
        String v = compute(n, mine, indent);
        locals.put(key, v);
        return v;
    }

    private String compute(Node n, Map<String, String> ix, String indent) {
        if (plan.isBuffer(n) && !inline.contains(n)) {
            return load(plan.buffer(n), ix, indent);
        }
        switch (n.op()) {
            case RENAME -> {
                Attrs.Rename r = n.attrs(Attrs.Rename.class);
                Map<String, String> inner = new LinkedHashMap<>(ix);
                inner.put(r.from(), ix.get(r.to()));
                inner.remove(r.to());
                return value(n.in(0), inner, indent);
            }
            case STOP_GRADIENT, EXPAND -> {
                return value(n.in(0), ix, indent);
            }
            case GATHER -> {
                return value(n.in(0), gathered(n, ix, indent), indent);
            }
            default -> { }
        }
        String expr = switch (n.op()) {
            case CONST -> literal(n.constValue(), n.type().dtype());
            case SIZE -> "(int) " + size(n.attrs(Attrs.Dim.class).dim());
            case IOTA -> "(int) " + ix.get(n.attrs(Attrs.Dim.class).dim());
            case SHIFT -> shift(n, ix, indent);
            default -> elementwise(n, ix, indent);
        };
        return declare(Dialect.value(n.type().dtype()), expr, indent);
    }

    /** Declares a new local of C type {@code type} holding {@code expr}; returns its name. */
    String declare(String type, String expr, String indent) {
        String v = "v" + next++;
        out.append(indent).append("const ").append(type).append(' ').append(v).append(" = ").append(expr).append(";\n");
        return v;
    }

    /** A read of buffer {@code b} at {@code ix}. */
    String load(Buffer b, Map<String, String> ix, String indent) {
        return declare(Dialect.value(b.type().dtype()), read(b, ix), indent);
    }

    /** The expression reading buffer {@code b} at {@code ix}, as a register value. */
    String read(Buffer b, Map<String, String> ix) {
        String elem = "b" + b.id() + "[" + offset(b, ix) + "]";
        return b.type().dtype() == DType.BOOL ? "(int) " + elem : elem;
    }

    /** The statement storing register value {@code v} into buffer {@code b} at offset {@code off}. */
    String store(Buffer b, String v, String off) {
        String value = b.type().dtype() == DType.BOOL ? "(rlo_u8) (" + v + " ? 1 : 0)" : v;
        return "b" + b.id() + "[" + off + "] = " + value + ";";
    }

    /** The row-major element offset in buffer {@code b} of the point {@code ix}. */
    String offset(Buffer b, Map<String, String> ix) {
        return offset(b.type().dims(), ix);
    }

    static String offset(List<String> dims, Map<String, String> ix) {
        if (dims.isEmpty()) {
            return "0";
        }
        String s = ix.get(dims.getFirst());
        for (int k = 1; k < dims.size(); k++) {
            s = "(" + s + ") * " + size(dims.get(k)) + " + " + ix.get(dims.get(k));
        }
        return s;
    }

    /** Where a gather reads: {@code ix} with the gathered dimension at the (checked) index's value. */
    private Map<String, String> gathered(Node n, Map<String, String> ix, String indent) {
        String dim = n.attrs(Attrs.Dim.class).dim();
        String index = value(n.in(1), ix, indent);
        String at = declare("rlo_i64", "rlo_check(" + index + ", " + size(dim) + ", " + (plan.gathers().indexOf(n) + 1) + ", err)", indent);
        Map<String, String> src = new LinkedHashMap<>(ix);
        src.put(dim, at);
        return src;
    }

    private String shift(Node n, Map<String, String> ix, String indent) {
        Attrs.Shift s = n.attrs(Attrs.Shift.class);
        String from = declare("rlo_i64", ix.get(s.dim()) + " - (" + s.by() + ")", indent);
        String inside = declare("int", from + " >= 0 && " + from + " < " + size(s.dim()), indent);
        Map<String, String> src = new LinkedHashMap<>(ix);
        src.put(s.dim(), declare("rlo_i64", inside + " ? " + from + " : 0", indent));
        String x = value(n.in(0), src, indent);
        String fill = value(n.in(1), ix, indent);
        return inside + " ? " + x + " : " + fill;
    }

    private String elementwise(Node n, Map<String, String> ix, String indent) {
        String[] a = new String[n.inputs().size()];
        for (int k = 0; k < a.length; k++) {
            a[k] = value(n.in(k), ix, indent);
        }
        DType d = n.type().dtype();
        DType in = n.inputs().isEmpty() ? d : n.in(0).type().dtype();
        String s = in == DType.F32 ? "_f" : "_d";
        String cast = d == DType.F32 ? "(float) " : "";
        return switch (n.op()) {
            case NEG -> "-" + a[0];
            case NOT -> "!" + a[0];
            case ABS -> in == DType.I32 ? "abs(" + a[0] + ")" : math("fabs", d) + "(" + a[0] + ")";
            case SIGN -> in == DType.I32 ? "(" + a[0] + " > 0) - (" + a[0] + " < 0)" : "rlo_sign" + s + "(" + a[0] + ")";
            case EXP -> math("exp", d) + "(" + a[0] + ")";
            case LOG -> math("log", d) + "(" + a[0] + ")";
            case LOG1P -> math("log1p", d) + "(" + a[0] + ")";
            case EXPM1 -> math("expm1", d) + "(" + a[0] + ")";
            case FLOOR -> math("floor", d) + "(" + a[0] + ")";
            case CEIL -> math("ceil", d) + "(" + a[0] + ")";
            case SQRT -> math("sqrt", d) + "(" + a[0] + ")";
            case TANH -> math("tanh", d) + "(" + a[0] + ")";
            case SIGMOID -> "rlo_sigmoid" + s + "(" + a[0] + ")";
            case SOFTPLUS -> "rlo_softplus" + s + "(" + a[0] + ")";
            case NORMAL_CDF -> cast + "rlo_normal_cdf((double) " + a[0] + ")";
            case NORMAL_ICDF -> cast + "rlo_normal_icdf((double) " + a[0] + ")";
            case LGAMMA -> cast + "lgamma((double) " + a[0] + ")";
            case POLYGAMMA -> cast + "rlo_polygamma(" + n.attrs(Attrs.Order.class).n() + ", (double) " + a[0] + ")";
            case CAST -> cast(a[0], in, d);
            case ADD -> "(" + a[0] + " + " + a[1] + ")";
            case SUB -> "(" + a[0] + " - " + a[1] + ")";
            case MUL -> "(" + a[0] + " * " + a[1] + ")";
            case DIV -> "(" + a[0] + " / " + a[1] + ")";
            case POW -> math("pow", d) + "(" + a[0] + ", " + a[1] + ")";
            case MIN -> minMax("min", in, s, a[0], a[1]);
            case MAX -> minMax("max", in, s, a[0], a[1]);
            case LT -> "(" + a[0] + " < " + a[1] + ")";
            case LE -> "(" + a[0] + " <= " + a[1] + ")";
            case GT -> "(" + a[0] + " > " + a[1] + ")";
            case GE -> "(" + a[0] + " >= " + a[1] + ")";
            case EQ -> "(" + a[0] + " == " + a[1] + ")";
            case NE -> "(" + a[0] + " != " + a[1] + ")";
            case AND -> "(" + a[0] + " & " + a[1] + ")";
            case OR -> "(" + a[0] + " | " + a[1] + ")";
            case WHERE -> "(" + a[0] + " ? " + a[1] + " : " + a[2] + ")";
            case CLIP -> minMax("min", in, s, minMax("max", in, s, a[0], a[1]), a[2]);
            default -> throw new IllegalStateException(n.op() + " is not element-wise");
        };
    }

    /** A C math function for a value of {@code d}: CUDA spells the f32 ones with an f. */
    String math(String f, DType d) {
        return dialect == Dialect.CUDA && d == DType.F32 ? f + "f" : f;
    }

    private static String minMax(String f, DType in, String s, String a, String b) {
        if (in == DType.BOOL) {
            return "(" + a + (f.equals("min") ? " & " : " | ") + b + ")";
        }
        if (in == DType.I32) {
            return "(" + a + (f.equals("min") ? " < " : " > ") + b + " ? " + a + " : " + b + ")";
        }
        return "rlo_" + f + s + "(" + a + ", " + b + ")";
    }

    private static String cast(String a, DType from, DType to) {
        if (from == DType.BOOL || to == DType.BOOL) {
            return to == DType.BOOL ? "(" + a + " != 0)" : "(" + Dialect.value(to) + ") " + a;
        }
        if (to == DType.I32 && from.isFloat()) {
            return "rlo_to_int" + (from == DType.F32 ? "_f" : "_d") + "(" + a + ")";
        }
        return "(" + Dialect.value(to) + ") " + a;
    }

    /** A C literal of dtype {@code d}, exact. */
    static String literal(double v, DType d) {
        return switch (d) {
            case BOOL -> v != 0 ? "1" : "0";
            case I32 -> String.valueOf((int) v);
            case F32 -> Float.isNaN((float) v) ? "RLO_NAN_F" : Float.isInfinite((float) v)
                    ? (v > 0 ? "RLO_INF_F" : "(-RLO_INF_F)") : Float.toString((float) v) + "f";
            case F64 -> Double.isNaN(v) ? "RLO_NAN_D" : Double.isInfinite(v)
                    ? (v > 0 ? "RLO_INF_D" : "(-RLO_INF_D)") : Double.toString(v);
        };
    }
}
