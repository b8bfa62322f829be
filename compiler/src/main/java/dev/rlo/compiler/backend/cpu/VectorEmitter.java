package dev.rlo.compiler.backend.cpu;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.fuse.Reduction;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.DType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Emits the Vector API form of a node's value for a whole vector of points along the innermost loop
 * dimension: f32 values as {@code FloatVector}, i32 as {@code IntVector} (the same lane count), bools
 * as {@code VectorMask<Float>}. A node that does not vary along the innermost dimension is computed
 * once per row, as a scalar, by the row {@link Emitter}, and broadcast where a vector meets it.
 * {@link VectorLoopSource#supports} decides which kernels can be emitted this way.
 */
final class VectorEmitter {

    /** A value: its Java expression (a local) and whether it is a vector or a per-row scalar. */
    record Val(String expr, boolean vector, DType dtype) { }

    /** The vector every f32 input vector is folded into (as x·0): NaN if any lane of any was NaN or ±∞. */
    static final String PROBE = "probe";

    private final KernelPlan plan;
    private final Emitter row;
    private final StringBuilder out;
    private final String innermost;
    private final String rowIndent;
    private final Map<String, Val> locals = new HashMap<>();
    private Set<Node> inline = Set.of();
    /** The f32 inputs read, with where: the block's probe covers them. */
    private final Map<String, Probe> probed = new LinkedHashMap<>();
    /** Reads an earlier phase of the kernel probed already: the same points of the same inputs. */
    private Set<String> checked = Set.of();

    /** An input read, and where. */
    record Probe(Buffer buffer, Map<String, String> at) {
        String key() {
            return buffer.id() + "@" + at;
        }
    }
    private int next;

    /**
     * @param row       the scalar emitter for per-row values; it writes where the row's code goes
     * @param out       where the vector loop body goes
     * @param innermost the innermost dimension's index variable
     * @param rowIndent the indentation of the row's code
     */
    VectorEmitter(KernelPlan plan, Emitter row, StringBuilder out, String innermost, String rowIndent) {
        this.plan = plan;
        this.row = row;
        this.out = out;
        this.innermost = innermost;
        this.rowIndent = rowIndent;
    }

    void computeInline(Set<Node> nodes) {
        inline = nodes;
        row.computeInline(nodes);
    }

    /** Whether {@code n} at {@code ix} varies along the innermost loop. */
    boolean varies(Node n, Map<String, String> ix) {
        for (String d : n.type().dims()) {
            if (innermost.equals(ix.get(d))) {
                return true;
            }
        }
        return false;
    }

    Val value(Node n, Map<String, String> ix, String indent) {
        if (!varies(n, ix)) {
            return new Val(row.value(n, ix, rowIndent), false, n.type().dtype());
        }
        Map<String, String> mine = new LinkedHashMap<>();
        n.type().dims().forEach(d -> mine.put(d, ix.get(d)));
        String key = n.id() + "@" + mine;
        Val done = locals.get(key);
        if (done != null) {
            return done;
        }
        Val v = compute(n, mine, indent);
        locals.put(key, v);
        return v;
    }

    private Val compute(Node n, Map<String, String> ix, String indent) {
        DType d = n.type().dtype();
        if (plan.isBuffer(n) && !inline.contains(n)) {
            return load(plan.buffer(n), ix, indent);
        }
        return switch (n.op()) {
            case IOTA -> declare(indent, d, "IntVector.broadcast(I, (int) " + innermost + ").add(IOTA)");
            case RENAME -> {
                Attrs.Rename r = n.attrs(Attrs.Rename.class);
                Map<String, String> inner = new LinkedHashMap<>(ix);
                inner.put(r.from(), ix.get(r.to()));
                inner.remove(r.to());
                yield value(n.in(0), inner, indent);
            }
            case STOP_GRADIENT, EXPAND -> value(n.in(0), ix, indent);
            /* the index is the same along the row (VectorLoopSource#vectorisable): a contiguous row elsewhere */
            case GATHER -> value(n.in(0), row.gathered(n, ix, rowIndent), indent);
            default -> elementwise(n, ix, indent);
        };
    }

    /** A contiguous vector load (the buffer's last dimension is the innermost loop's). */
    Val load(Buffer b, Map<String, String> ix, String indent) {
        DType d = b.type().dtype();
        String off = row.offset(b, ix);
        String seg = "b" + b.id();
        String expr = switch (d) {
            case F32 -> "FloatVector.fromMemorySegment(F, " + seg + ", (" + off + ") * 4L, ORDER" + ")";
            case I32 -> "IntVector.fromMemorySegment(I, " + seg + ", (" + off + ") * 4L, ORDER" + ")";
            case BOOL -> "ByteVector.fromMemorySegment(B, " + seg + ", (" + off + "), ORDER).compare(VectorOperators.NE, (byte) 0).cast(F)";
            case F64 -> throw new IllegalStateException("f64 kernels are not vectorised");
        };
        Val v = declare(indent, d, expr);
        Map<String, String> at = new LinkedHashMap<>();
        b.type().dims().forEach(dim -> at.put(dim, ix.get(dim)));
        Probe probe = new Probe(b, at);
        if (b.node().op() == dev.rlo.compiler.ir.Op.INPUT && d == DType.F32 && !checked.contains(probe.key())) {
            /* x·0 is NaN exactly when x is NaN or ±∞: one fused multiply-add per input vector */
            out.append(indent).append(PROBE).append(" = ").append(v.expr()).append(".fma(FloatVector.zero(F), ").append(PROBE).append(");\n");
            probed.put(probe.key(), probe);
        }
        return v;
    }

    /** A store of {@code v} into buffer {@code b} at {@code ix}. */
    void store(Buffer b, Val v, Map<String, String> ix, String indent) {
        String off = row.offset(b, ix);
        String seg = "b" + b.id();
        String w = vec(v);
        String text = switch (b.type().dtype()) {
            case F32 -> w + ".intoMemorySegment(" + seg + ", (" + off + ") * 4L, ORDER" + ");";
            case I32 -> w + ".intoMemorySegment(" + seg + ", (" + off + ") * 4L, ORDER" + ");";
            case BOOL -> "ByteVector.zero(B).blend((byte) 1, " + w + ".cast(B)).intoMemorySegment(" + seg + ", (" + off + "), ORDER);";
            case F64 -> throw new IllegalStateException("f64 kernels are not vectorised");
        };
        out.append(indent).append(text).append('\n');
    }

    /**
     * {@code acc} updated with {@code v} by reduction {@code red} (sum, mean, max or min), only the
     * lanes of mask {@code fresh} if not null: the others are replaced by the reduction's identity
     * (a blend, then an unmasked op; masked arithmetic falls back to scalar code in C2 on JDK 25).
     */
    String accumulate(String acc, Val v, Reduction red, String fresh) {
        boolean sum = red != Reduction.MAX && red != Reduction.MIN;
        String f = v.dtype() == DType.I32 ? "((FloatVector) " + vec(v) + ".convert(VectorOperators.I2F, 0))"
                : v.vector() ? v.expr() : "FloatVector.broadcast(F, (float) " + v.expr() + ")";
        String identity = switch (red) {
            case MAX -> "Float.NEGATIVE_INFINITY";
            case MIN -> "Float.POSITIVE_INFINITY";
            default -> "0f";
        };
        if (fresh != null) {
            f = "FloatVector.broadcast(F, " + identity + ").blend(" + f + ", " + fresh + ")";
        }
        if (sum) {
            /* in f64 lanes: the f32 vector's two halves, converted exactly */
            return "{ final FloatVector f_ = " + f + "; " + acc + "_0 = " + acc + "_0.add((DoubleVector) f_.convertShape(VectorOperators.F2D, D, 0)); "
                    + acc + "_1 = " + acc + "_1.add((DoubleVector) f_.convertShape(VectorOperators.F2D, D, 1)); }";
        }
        return acc + " = " + acc + (red == Reduction.MAX ? ".max(" : ".min(") + f + ");";
    }

    private Val elementwise(Node n, Map<String, String> ix, String indent) {
        Val[] a = new Val[n.inputs().size()];
        for (int k = 0; k < a.length; k++) {
            a[k] = value(n.in(k), ix, indent);
        }
        DType d = n.type().dtype();
        DType in = a.length == 0 ? d : n.in(0).type().dtype();
        String expr = switch (n.op()) {
            case NEG -> vec(a[0]) + ".neg()";
            case ABS -> vec(a[0]) + ".abs()";
            /* x itself where it is ±0 or NaN, as Math.signum */
            case SIGN -> in == DType.I32
                    ? vec(a[0]) + ".blend(1, " + vec(a[0]) + ".compare(VectorOperators.GT, 0)).blend(-1, " + vec(a[0]) + ".compare(VectorOperators.LT, 0))"
                    : vec(a[0]) + ".blend(1f, " + vec(a[0]) + ".compare(VectorOperators.GT, 0f)).blend(-1f, " + vec(a[0]) + ".compare(VectorOperators.LT, 0f))";
            case NOT -> vec(a[0]) + ".not()";
            case EXP -> vec(a[0]) + ".lanewise(VectorOperators.EXP)";
            case LOG -> vec(a[0]) + ".lanewise(VectorOperators.LOG)";
            case LOG1P -> vec(a[0]) + ".lanewise(VectorOperators.LOG1P)";
            case EXPM1 -> vec(a[0]) + ".lanewise(VectorOperators.EXPM1)";
            case SQRT -> vec(a[0]) + ".sqrt()";
            case TANH -> vec(a[0]) + ".lanewise(VectorOperators.TANH)";
            case SIGMOID -> "FloatVector.broadcast(F, 1f).div(" + vec(a[0]) + ".neg().lanewise(VectorOperators.EXP).add(1f))";
            case SOFTPLUS -> vec(a[0]) + ".max(0f).add(" + vec(a[0]) + ".abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P))";
            case CAST -> cast(a[0], in, d);
            case ADD -> vec(a[0]) + ".add(" + arg(a[1]) + ")";
            case SUB -> vec(a[0]) + ".sub(" + arg(a[1]) + ")";
            case MUL -> vec(a[0]) + ".mul(" + arg(a[1]) + ")";
            case DIV -> vec(a[0]) + ".div(" + arg(a[1]) + ")";
            case POW -> vec(a[0]) + ".pow(" + arg(a[1]) + ")";
            case MIN -> vec(a[0]) + ".min(" + arg(a[1]) + ")";
            case MAX -> vec(a[0]) + ".max(" + arg(a[1]) + ")";
            case LT, LE, GT, GE, EQ, NE -> compare(n, a, in);
            case AND -> vec(a[0]) + ".and(" + vec(a[1]) + ")";
            case OR -> vec(a[0]) + ".or(" + vec(a[1]) + ")";
            case WHERE -> a[1].dtype() == DType.BOOL
                    ? vec(a[1]) + ".and(" + vec(a[0]) + ").or(" + vec(a[2]) + ".andNot(" + vec(a[0]) + "))"
                    : vec(a[2]) + ".blend(" + vec(a[1]) + ", " + mask(a[0], a[1].dtype()) + ")";
            case CLIP -> vec(a[0]) + ".max(" + arg(a[1]) + ").min(" + arg(a[2]) + ")";
            default -> throw new IllegalStateException(n.op() + " is not vectorised");
        };
        return declare(indent, d, expr);
    }

    private String compare(Node n, Val[] a, DType in) {
        String op = "VectorOperators." + n.op().name();
        if (in == DType.BOOL) {
            /* == and != on masks: equal lanes are where both or neither is set */
            String same = vec(a[0]) + ".eq(" + vec(a[1]) + ")";
            return n.op() == dev.rlo.compiler.ir.Op.EQ ? same : same + ".not()";
        }
        String m = vec(a[0]) + ".compare(" + op + ", " + arg(a[1]) + ")";
        return in == DType.I32 ? m + ".cast(F)" : m;
    }

    private String cast(Val a, DType from, DType to) {
        if (from == to) {
            return vec(a);
        }
        return switch (from) {
            case BOOL -> to == DType.F32 ? "FloatVector.zero(F).blend(1f, " + vec(a) + ")" : "IntVector.zero(I).blend(1, " + vec(a) + ".cast(I))";
            case I32 -> to == DType.F32 ? "((FloatVector) " + vec(a) + ".convert(VectorOperators.I2F, 0))"
                    : vec(a) + ".compare(VectorOperators.NE, 0).cast(F)";
            case F32 -> to == DType.I32 ? "((IntVector) " + vec(a) + ".convert(VectorOperators.F2I, 0))"
                    : vec(a) + ".compare(VectorOperators.NE, 0f)";
            case F64 -> throw new IllegalStateException("f64 kernels are not vectorised");
        };
    }

    /** A value as a vector: itself, or a per-row scalar broadcast to every lane. */
    String vec(Val v) {
        if (v.vector()) {
            return v.expr();
        }
        return switch (v.dtype()) {
            case F32 -> "FloatVector.broadcast(F, " + v.expr() + ")";
            case I32 -> "IntVector.broadcast(I, " + v.expr() + ")";
            case BOOL -> "F.maskAll(" + v.expr() + ")";
            case F64 -> throw new IllegalStateException("f64 kernels are not vectorised");
        };
    }

    /** A value as the second operand of a vector method, which takes a scalar directly. */
    private String arg(Val v) {
        return v.vector() ? v.expr() : v.expr();
    }

    /** A bool as a mask for blending values of dtype {@code d}. */
    private String mask(Val m, DType d) {
        String f = vec(m);
        return d == DType.I32 ? f + ".cast(I)" : f;
    }

    Val declare(String indent, DType d, String expr) {
        String name = "w" + next++;
        String type = switch (d) {
            case F32 -> "FloatVector";
            case I32 -> "IntVector";
            case BOOL -> "VectorMask<Float>";
            case F64 -> throw new IllegalStateException("f64 kernels are not vectorised");
        };
        out.append(indent).append("final ").append(type).append(' ').append(name).append(" = ").append(expr).append(";\n");
        return new Val(name, true, d);
    }

    /**
     * After a block whose probe is NaN: a scan of each input's block (whose innermost index starts
     * at {@code start} and runs {@code count} points) that throws at the first NaN or ±∞.
     */
    String rescan(String start, String count) {
        StringBuilder s = new StringBuilder();
        for (Probe p : probed.values()) {
            Map<String, String> at = new LinkedHashMap<>(p.at());
            at.replaceAll((d, i) -> i.equals(innermost) ? start : i);
            s.append("Kernels.nonFiniteIn(b").append(p.buffer().id()).append(", ").append(p.buffer().id()).append(", ")
                    .append(row.offset(p.buffer(), at)).append(", ").append(count).append("); ");
        }
        return s.toString();
    }

    boolean probes() {
        return !probed.isEmpty();
    }

    /** Skips probing reads an earlier phase probed ({@link Probe#key}s). */
    void alreadyChecked(Set<String> keys) {
        checked = keys;
    }

    /** The reads this emitter probed. */
    Set<String> probedKeys() {
        return probed.keySet();
    }

    /** Forgets emitted vector values: at the start of a new loop body. */
    void reset() {
        locals.clear();
    }
}
