package dev.rlo.compiler.backend.cpu;

import dev.rlo.compiler.ast.DType;
import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Renders a Loop kernel with the Vector API: the innermost loop steps a vector of points at a time
 * (the preferred species, e.g. 8 or 16 f32 lanes), values that do not vary along it are computed
 * once per row, reductions accumulate in vector registers flushed into f64 every block, and a
 * scalar loop finishes the row. Falls back to {@link LoopSource} for the kernels it cannot handle
 * ({@link #supports}): f64 work, logsumexp and argmax reductions, strided or data-dependent access
 * along the innermost dimension, special functions there.
 */
final class VectorLoopSource extends LoopSource {

    /** Element-wise ops with a Vector API form. */
    static final Set<Op> VECTOR_OPS = EnumSet.of(Op.NEG, Op.NOT, Op.ABS, Op.EXP, Op.LOG, Op.LOG1P, Op.EXPM1, Op.SQRT,
            Op.TANH, Op.SIGMOID, Op.SOFTPLUS, Op.CAST, Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.POW, Op.MIN, Op.MAX, Op.LT,
            Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE, Op.AND, Op.OR, Op.WHERE, Op.CLIP, Op.IOTA, Op.RENAME, Op.EXPAND,
            Op.STOP_GRADIENT);
    /** Points per flush of the vector accumulators into f64, bounding f32 rounding error. */
    static final int BLOCK = 1024;

    VectorLoopSource(KernelPlan plan, Kernel.Loop k, StringBuilder out) {
        super(plan, k, out);
    }

    /** Whether every phase of {@code k} can be vectorised along its innermost dimension. */
    static boolean supports(KernelPlan plan, Kernel.Loop k) {
        if (k.space().isEmpty()) {
            return false;
        }
        String dim = k.space().getLast();
        Map<String, String> ix = new LinkedHashMap<>();
        k.space().forEach(d -> ix.put(d, index(d)));
        for (Kernel.Phase p : k.phases()) {
            Set<Node> own = p.outputs().stream().map(Buffer::node).filter(n -> !FusePass.isReduction(n)).collect(Collectors.toSet());
            for (Buffer b : p.outputs()) {
                Node n = b.node();
                if (FusePass.isReduction(n)) {
                    boolean ok = EnumSet.of(Op.SUM, Op.MEAN, Op.REDUCE_MAX, Op.REDUCE_MIN).contains(n.op()) && !b.type().has(dim)
                            && n.in(0).type().dtype() != DType.F64 && n.in(0).type().dtype() != DType.BOOL
                            && vectorisable(plan, n.in(0), ix, index(dim), own);
                    if (!ok) {
                        return false;
                    }
                } else if (b.type().dtype() == DType.F64 || !b.type().dims().isEmpty() && !b.type().dims().getLast().equals(dim)
                        || !vectorisable(plan, n, ix, index(dim), own) || !b.type().has(dim)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether {@code n} at {@code ix} can be computed by {@link VectorEmitter} (or is per-row). */
    private static boolean vectorisable(KernelPlan plan, Node n, Map<String, String> ix, String inner, Set<Node> own) {
        boolean varies = n.type().dims().stream().anyMatch(d -> inner.equals(ix.get(d)));
        if (!varies) {
            return true;
        }
        if (n.type().dtype() == DType.F64) {
            return false;
        }
        if (plan.isBuffer(n) && !own.contains(n)) {
            List<String> dims = n.type().dims();
            long atInner = dims.stream().filter(d -> inner.equals(ix.get(d))).count();
            return atInner == 1 && inner.equals(ix.get(dims.getLast()));
        }
        if (!VECTOR_OPS.contains(n.op())) {
            return false;
        }
        Map<String, String> inputs = ix;
        if (n.op() == Op.RENAME) {
            Attrs.Rename r = n.attrs(Attrs.Rename.class);
            inputs = new LinkedHashMap<>(ix);
            inputs.put(r.from(), ix.get(r.to()));
        }
        for (Node in : n.inputs()) {
            if (!vectorisable(plan, in, inputs, inner, own)) {
                return false;
            }
        }
        return true;
    }

    @Override
    void innermost(String dim, boolean first, int p, String outer) {
        /* a block of its own: several phases may share the enclosing scope */
        out.append(outer).append("{\n");
        String indent = outer + "    ";
        List<Buffer> local = invariant(p, dim);
        for (Buffer r : local) {
            Reduction red = Reduction.of(r);
            out.append(indent).append("double ").append(acc(r, 0)).append(" = ")
                    .append(Emitter.literal(red.identity()[0], DType.F64)).append(";\n");
        }
        String i = index(dim);
        out.append(indent).append("final long lo_").append(dim).append(" = ")
                .append(first ? size(dim) + " * part / parts" : "0").append(";\n");
        out.append(indent).append("final long hi_").append(dim).append(" = ")
                .append(first ? size(dim) + " * (part + 1) / parts" : size(dim)).append(";\n");
        out.append(indent).append("final long up_").append(dim).append(" = lo_").append(dim).append(" + (hi_").append(dim)
                .append(" - lo_").append(dim).append(") / F.length() * F.length();\n");

        StringBuilder rowCode = new StringBuilder();
        Emitter row = new Emitter(plan, LoopSource::size, rowCode, "r");
        StringBuilder body = new StringBuilder();
        VectorEmitter vector = new VectorEmitter(plan, row, body, i, indent);
        Set<Node> own = k.phases().get(p).outputs().stream().map(Buffer::node).filter(n -> !FusePass.isReduction(n))
                .collect(Collectors.toSet());
        vector.computeInline(own);
        Map<String, String> ix = new LinkedHashMap<>();
        k.space().forEach(d -> ix.put(d, index(d)));
        String inner = indent + "        ";
        for (Buffer b : k.phases().get(p).outputs()) {
            Node n = b.node();
            if (FusePass.isReduction(n)) {
                VectorEmitter.Val v = vector.value(n.in(0), ix, inner);
                String f = v.dtype() == DType.I32 ? "((FloatVector) " + vector.vec(v) + ".convert(VectorOperators.I2F, 0))"
                        : v.vector() ? v.expr() : "FloatVector.broadcast(F, (float) " + v.expr() + ")";
                String op = switch (Reduction.of(b)) {
                    case MAX -> ".max(";
                    case MIN -> ".min(";
                    default -> ".add(";
                };
                body.append(inner).append(vacc(b)).append(" = ").append(vacc(b)).append(op).append(f).append(");\n");
            } else {
                store(b, vector.value(n, ix, inner), ix, vector, inner, body);
            }
        }
        out.append(rowCode);
        out.append(indent).append("long ").append(i).append(" = lo_").append(dim).append(";\n");
        out.append(indent).append("while (").append(i).append(" < up_").append(dim).append(") {\n");
        out.append(indent).append("    final long end_").append(dim).append(" = Math.min(up_").append(dim).append(", ").append(i)
                .append(" + ").append(BLOCK).append("L * F.length());\n");
        for (Buffer r : local) {
            String start = switch (Reduction.of(r)) {
                case MAX -> "FloatVector.broadcast(F, Float.NEGATIVE_INFINITY)";
                case MIN -> "FloatVector.broadcast(F, Float.POSITIVE_INFINITY)";
                default -> "FloatVector.zero(F)";
            };
            out.append(indent).append("    FloatVector ").append(vacc(r)).append(" = ").append(start).append(";\n");
        }
        if (vector.probes()) {
            out.append(indent).append("    final long start_").append(dim).append(" = ").append(i).append(";\n");
            out.append(indent).append("    FloatVector ").append(VectorEmitter.PROBE).append(" = FloatVector.zero(F);\n");
        }
        out.append(indent).append("    for (; ").append(i).append(" < end_").append(dim).append("; ").append(i).append(" += F.length()) {\n");
        out.append(body);
        out.append(indent).append("    }\n");
        if (vector.probes()) {
            out.append(indent).append("    if (Float.isNaN(").append(VectorEmitter.PROBE).append(".reduceLanes(VectorOperators.ADD))) { ")
                    .append(vector.rescan("start_" + dim, i + " - start_" + dim)).append("}\n");
        }
        for (Buffer r : local) {
            out.append(indent).append("    ").append(flush(r)).append('\n');
        }
        out.append(indent).append("}\n");
        out.append(indent).append("for (; ").append(i).append(" < hi_").append(dim).append("; ").append(i).append("++) {\n");
        body(p, indent + "    ", local);
        out.append(indent).append("}\n");
        for (Buffer r : local) {
            foldLocal(r, indent);
        }
        out.append(outer).append("}\n");
    }

    private void store(Buffer b, VectorEmitter.Val v, Map<String, String> ix, VectorEmitter vector, String indent, StringBuilder body) {
        String off = emit.offset(b, ix);
        String seg = "b" + b.id();
        String w = vector.vec(v);
        String text = switch (b.type().dtype()) {
            case F32, I32 -> w + ".intoMemorySegment(" + seg + ", (" + off + ") * 4L, ORDER);";
            case BOOL -> "ByteVector.zero(B).blend((byte) 1, " + w + ".cast(B)).intoMemorySegment(" + seg + ", (" + off + "), ORDER);";
            case F64 -> throw new IllegalStateException("f64 kernels are not vectorised");
        };
        body.append(indent).append(text).append('\n');
    }

    private static String vacc(Buffer r) {
        return "vacc" + r.id();
    }

    private static String flush(Buffer r) {
        return switch (Reduction.of(r)) {
            case MAX -> acc(r, 0) + " = Math.max(" + acc(r, 0) + ", " + vacc(r) + ".reduceLanes(VectorOperators.MAX));";
            case MIN -> acc(r, 0) + " = Math.min(" + acc(r, 0) + ", " + vacc(r) + ".reduceLanes(VectorOperators.MIN));";
            default -> acc(r, 0) + " += " + vacc(r) + ".reduceLanes(VectorOperators.ADD);";
        };
    }
}
