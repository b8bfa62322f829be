package dev.rlo.compiler.backend.cpu;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.fuse.Reduction;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.types.DType;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Renders a Loop kernel with the Vector API: the innermost loop steps a vector of points at a time
 * (the preferred species, e.g. 8 or 16 f32 lanes), values that do not vary along it are computed
 * once per row, reductions accumulate in vector registers (sums in f64 lanes, each f32 vector
 * converted in two halves) flushed into their scalar slots every block, and a scalar loop finishes
 * the row. Falls back to {@link LoopSource} for the kernels it cannot handle
 * ({@link #supports}): f64 work, logsumexp and argmax reductions, strided or data-dependent access
 * along the innermost dimension, special functions there.
 */
final class VectorLoopSource extends LoopSource {

    /** Element-wise ops with a Vector API form. */
    static final Set<Op> VECTOR_OPS = EnumSet.of(Op.NEG, Op.NOT, Op.ABS, Op.SIGN, Op.EXP, Op.LOG, Op.LOG1P, Op.EXPM1, Op.SQRT,
            Op.TANH, Op.SIGMOID, Op.SOFTPLUS, Op.CAST, Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.POW, Op.MIN, Op.MAX, Op.LT,
            Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE, Op.AND, Op.OR, Op.WHERE, Op.CLIP, Op.IOTA, Op.RENAME, Op.EXPAND,
            Op.STOP_GRADIENT);
    /** Vectors per block: the accumulators are flushed and the non-finite probe checked after each. */
    static final int BLOCK = 1024;

    /** The input reads probed for NaN and ∞ by earlier phases: later phases read the same values. */
    private final Set<String> checked = new java.util.HashSet<>();

    VectorLoopSource(KernelPlan plan, Kernel.Loop k, Map<Buffer, Schedule.Reduce> reduces, StringBuilder out) {
        super(plan, k, reduces, out);
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
            Set<Node> own = p.outputs().stream().map(Buffer::node).filter(n -> !n.op().isReduction()).collect(Collectors.toSet());
            for (Buffer b : p.outputs()) {
                Node n = b.node();
                if (n.op().isReduction()) {
                    Node in = accumulated(plan, n);
                    boolean ok = EnumSet.of(Op.SUM, Op.MEAN, Op.REDUCE_MAX, Op.REDUCE_MIN).contains(n.op()) && !b.type().has(dim)
                            && in.type().dtype() != DType.F64 && in.type().dtype() != DType.BOOL
                            && vectorisable(plan, in, ix, index(dim), own);
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

    /**
     * The value a reduction folds in: its input, or for a sum of an f32 value cast to f64 (how
     * lowering keeps a masked mean exact) that f32 value, since sums accumulate in f64 anyway.
     */
    static Node accumulated(KernelPlan plan, Node reduction) {
        Node in = reduction.in(0);
        boolean widened = in.op() == Op.CAST && in.type().dtype() == DType.F64 && in.in(0).type().dtype() == DType.F32
                && !plan.isBuffer(in);
        return widened && reduction.op() == Op.SUM ? in.in(0) : in;
    }

    /** Whether {@code n} at {@code ix} can be computed by {@link VectorEmitter} (or is per-row). */
    static boolean vectorisable(KernelPlan plan, Node n, Map<String, String> ix, String inner, Set<Node> own) {
        return vectorisable(plan, n, ix, inner, own, new java.util.HashMap<>());
    }

    /** The same, remembering each (node, index) answered in {@code seen}: a shared value is asked once, not once per path to it. */
    private static boolean vectorisable(KernelPlan plan, Node n, Map<String, String> ix, String inner, Set<Node> own,
                                        Map<String, Boolean> seen) {
        String key = n.id() + "@" + ix;
        Boolean known = seen.get(key);
        if (known == null) {
            known = decide(plan, n, ix, inner, own, seen);
            seen.put(key, known);
        }
        return known;
    }

    private static boolean decide(KernelPlan plan, Node n, Map<String, String> ix, String inner, Set<Node> own,
                                  Map<String, Boolean> seen) {
        if (!varies(n, ix, inner)) {
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
        if (n.op() == Op.GATHER) {
            /* a gather whose index is the same along the row reads a contiguous row of its source */
            Map<String, String> at = new LinkedHashMap<>(ix);
            at.put(n.attrs(Attrs.Dim.class).dim(), "gathered");
            return !varies(n.in(1), ix, inner) && vectorisable(plan, n.in(0), at, inner, own, seen);
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
            if (!vectorisable(plan, in, inputs, inner, own, seen)) {
                return false;
            }
        }
        return true;
    }

    private static boolean varies(Node n, Map<String, String> ix, String inner) {
        return n.type().dims().stream().anyMatch(d -> inner.equals(ix.get(d)));
    }

    @Override
    void innermost(String dim, boolean first, int p, String outer) {
        /* a block of its own: several phases may share the enclosing scope */
        out.append(outer).append("{\n");
        String indent = outer + "    ";
        List<Buffer> local = invariant(p, dim);
        for (Buffer r : local) {
            Reduction red = reduces.get(r).reduction();
            for (int s = 0; s < red.slots(); s++) {
                out.append(indent).append("double ").append(acc(r, s)).append(" = ").append(red.identity(Emitter.JAVA, s)).append(";\n");
            }
        }
        String i = index(dim);
        out.append(indent).append("final long lo_").append(dim).append(" = ")
                .append(first ? "Kernels.vectorSplit(" + size(dim) + ", part, parts, F.length())" : "0").append(";\n");
        out.append(indent).append("final long hi_").append(dim).append(" = ")
                .append(first ? "Kernels.vectorSplit(" + size(dim) + ", part + 1, parts, F.length())" : size(dim)).append(";\n");

        /*
         * Whole vectors only, no masks. After the vectors that fit, one more starts at hi − L and
         * overlaps the one before: its stores rewrite the same values, its reductions blend the
         * lanes done already to the identity. (Masked arithmetic fell back to slow scalar code under
         * C2 on JDK 25, and blending in every step cost 10% on PPO: both measured.) Rows shorter than
         * a vector run the scalar body.
         */
        String at = "at_" + dim;
        StringBuilder rowCode = new StringBuilder();
        Emitter row = new Emitter(plan, LoopSource::size, rowCode, "r");
        StringBuilder body = new StringBuilder();
        String in = indent + "        ";
        VectorEmitter whole = vectorBody(p, row, body, i, indent + "    ", in + "    ", null);
        StringBuilder lastBody = new StringBuilder();
        VectorEmitter last = vectorBody(p, row, lastBody, at, indent + "    ", in, local.isEmpty() ? null : "fresh");
        checked.addAll(whole.probedKeys());

        out.append(indent).append("long ").append(i).append(" = lo_").append(dim).append(";\n");
        out.append(indent).append("if (hi_").append(dim).append(" - lo_").append(dim).append(" >= F.length()) {\n");
        out.append(rowCode);
        String block = indent + "    ";
        out.append(block).append("final long up_").append(dim).append(" = lo_").append(dim).append(" + (hi_").append(dim)
                .append(" - lo_").append(dim).append(") / F.length() * F.length();\n");
        out.append(block).append("while (").append(i).append(" < up_").append(dim).append(") {\n");
        out.append(in).append("final long end_").append(dim).append(" = Math.min(up_").append(dim).append(", ").append(i)
                .append(" + ").append(BLOCK).append("L * F.length());\n");
        blockStart(local, whole, dim, in);
        out.append(in).append("for (; ").append(i).append(" < end_").append(dim).append("; ").append(i).append(" += F.length()) {\n");
        out.append(body);
        out.append(in).append("}\n");
        blockEnd(local, whole, dim, i + " - start_" + dim, in);
        out.append(block).append("}\n");
        out.append(block).append("if (").append(i).append(" < hi_").append(dim).append(") {\n");
        out.append(in).append("final long ").append(at).append(" = hi_").append(dim).append(" - F.length();\n");
        if (!local.isEmpty()) {
            out.append(in).append("final VectorMask<Float> fresh = IOTA.compare(VectorOperators.GE, (int) (").append(i).append(" - ")
                    .append(at).append(")).cast(F);\n");
        }
        blockStart(local, last, dim, in);
        out.append(lastBody);
        blockEnd(local, last, dim, "hi_" + dim + " - start_" + dim, in);
        out.append(block).append("}\n");
        out.append(indent).append("} else {\n");
        out.append(block).append("for (; ").append(i).append(" < hi_").append(dim).append("; ").append(i).append("++) {\n");
        body(p, block + "    ", local);
        out.append(block).append("}\n");
        out.append(indent).append("}\n");
        for (Buffer r : local) {
            foldLocal(r, indent);
        }
        out.append(outer).append("}\n");
    }

    /**
     * The vector code for one step of phase {@code p}'s innermost loop at index {@code i}; reductions
     * take only the lanes of {@code fresh} (a mask variable, or null for all).
     */
    private VectorEmitter vectorBody(int p, Emitter row, StringBuilder body, String i, String rowIndent, String indent, String fresh) {
        VectorEmitter vector = new VectorEmitter(plan, row, body, i, rowIndent);
        vector.alreadyChecked(Set.copyOf(checked));
        vector.computeInline(k.phases().get(p).outputs().stream().map(Buffer::node).filter(n -> !n.op().isReduction())
                .collect(Collectors.toSet()));
        Map<String, String> ix = new LinkedHashMap<>();
        k.space().forEach(d -> ix.put(d, index(d)));
        ix.put(k.space().getLast(), i);
        for (Buffer b : k.phases().get(p).outputs()) {
            Node n = b.node();
            if (n.op().isReduction()) {
                VectorEmitter.Val v = vector.value(accumulated(plan, n), ix, indent);
                body.append(indent).append(vector.accumulate(vacc(b), v, reduces.get(b).reduction(), fresh)).append('\n');
            } else {
                vector.store(b, vector.value(n, ix, indent), ix, indent);
            }
        }
        return vector;
    }

    /** Before a block of vectors: fresh vector accumulators and probe. */
    private void blockStart(List<Buffer> local, VectorEmitter vector, String dim, String indent) {
        for (Buffer r : local) {
            switch (reduces.get(r).reduction()) {
                case MAX -> out.append(indent).append("FloatVector ").append(vacc(r)).append(" = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);\n");
                case MIN -> out.append(indent).append("FloatVector ").append(vacc(r)).append(" = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);\n");
                default -> out.append(indent).append("DoubleVector ").append(vacc(r)).append("_0 = DoubleVector.zero(D), ")
                        .append(vacc(r)).append("_1 = DoubleVector.zero(D);\n");
            }
        }
        if (vector.probes()) {
            out.append(indent).append("final long start_").append(dim).append(" = ").append(index(dim)).append(";\n");
            out.append(indent).append("FloatVector ").append(VectorEmitter.PROBE).append(" = FloatVector.zero(F);\n");
        }
    }

    /** After a block of {@code count} points: the probe checked, the accumulators flushed into f64. */
    private void blockEnd(List<Buffer> local, VectorEmitter vector, String dim, String count, String indent) {
        if (vector.probes()) {
            out.append(indent).append("if (Float.isNaN(").append(VectorEmitter.PROBE).append(".reduceLanes(VectorOperators.ADD))) { ")
                    .append(vector.rescan("start_" + dim, count)).append("}\n");
        }
        for (Buffer r : local) {
            out.append(indent).append(flush(r)).append('\n');
        }
    }

    private static String vacc(Buffer r) {
        return "vacc" + r.id();
    }

    /** Folds a vector accumulator's lanes (a sum's in lane order) into the row's scalar slots. */
    private String flush(Buffer r) {
        Reduction red = reduces.get(r).reduction();
        String lanes = switch (red) {
            case MAX, MIN -> vacc(r) + ".reduceLanes(VectorOperators." + red + ")";
            default -> "sumLanes(" + vacc(r) + "_0) + sumLanes(" + vacc(r) + "_1)";
        };
        return red.fold(Emitter.JAVA, acc(r, 0), acc(r, 1), lanes, null);
    }
}
