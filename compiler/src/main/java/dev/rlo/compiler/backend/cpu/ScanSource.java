package dev.rlo.compiler.backend.cpu;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a scan, aₜ = xₜ + cₜ·aₜ∓₁, with x and c computed in place. The carry is the output
 * itself (in its dtype, each op rounded, as the reference does), so no scratch is needed.
 * <p>
 * The loop order follows memory. When the scanned dimension is the last one, each lane is a
 * contiguous row: lanes run in parallel, each walks its row. Otherwise (GAE's [T, E]: time major)
 * the scan walks the scanned dimension outermost and sweeps the contiguous rows inside it, a vector
 * at a time where {@link VectorLoopSource#vectorisable} allows: every step reads the row the step
 * before wrote, still in cache. The first dimension other than the scanned one is split among parts.
 */
final class ScanSource {

    private final KernelPlan plan;
    private final Kernel.Scan k;
    private final StringBuilder out;
    private final LoopSource frame;
    private final Buffer b;
    private final Node n;
    private final Attrs.Scan s;
    private final List<String> before;
    private final List<String> after;

    ScanSource(KernelPlan plan, Kernel.Scan k, StringBuilder out) {
        this.plan = plan;
        this.k = k;
        this.out = out;
        this.frame = new LoopSource(plan, null, Map.of(), out);
        this.b = k.output();
        this.n = b.node();
        this.s = n.attrs(Attrs.Scan.class);
        List<String> dims = n.type().dims();
        int at = dims.indexOf(s.dim());
        this.before = dims.subList(0, at);
        this.after = dims.subList(at + 1, dims.size());
    }

    void render(boolean vector) {
        out.append("    static void k").append(k.id())
                .append("(int phase, MemorySegment[] b, MemorySegment[] aux, long[] n, int part, int parts) {\n");
        LoopSource.declareSizes(out, plan);
        String indent = "        ";
        List<String> rest = TensorType.minus(n.type().dims(), List.of(s.dim()));
        if (rest.isEmpty()) {
            out.append(indent).append("if (part == 0) {\n");
            lanes(indent + "    ");
            out.append(indent).append("}\n");
        } else if (after.isEmpty()) {
            for (int i = 0; i < before.size(); i++) {
                indent = frame.open(before.get(i), i == 0, indent);
            }
            lanes(indent);
            close(before.size());
        } else {
            for (int i = 0; i < before.size(); i++) {
                indent = frame.open(before.get(i), i == 0, indent);
            }
            sweep(indent, vector && supports());
            close(before.size());
        }
        out.append("    }\n\n");
    }

    /** Each lane walks its own contiguous row, the carry in a local. */
    private void lanes(String indent) {
        String t = LoopSource.index(s.dim());
        String type = Emitter.javaType(b.type().dtype());
        out.append(indent).append(type).append(" a = 0;\n");
        out.append(indent).append("for (long t = 0; t < ").append(LoopSource.size(s.dim())).append("; t++) {\n");
        String body = indent + "    ";
        out.append(body).append("final long ").append(t).append(" = ").append(s.reverse() ? LoopSource.size(s.dim()) + " - 1 - t" : "t")
                .append(";\n");
        Map<String, String> ix = index();
        frame.emit.reset();
        frame.emit.computeInline(Set.of(n));
        String x = frame.emit.value(n.in(0), ix, body);
        String c = frame.emit.value(n.in(1), ix, body);
        out.append(body).append("a = ").append(x).append(" + ").append(c).append(" * a;\n");
        out.append(body).append(frame.store(b, "a", frame.emit.offset(b, ix))).append('\n');
        out.append(indent).append("}\n");
    }

    /** The scanned dimension outermost, then the rows after it; the first step has no carry. */
    private void sweep(String indent, boolean vector) {
        String size = LoopSource.size(s.dim());
        String t = LoopSource.index(s.dim());
        for (boolean first : new boolean[] {true, false}) {
            String inner = indent;
            if (first) {
                out.append(inner).append("{\n");
                inner += "    ";
                out.append(inner).append("final long ").append(t).append(" = ").append(s.reverse() ? size + " - 1" : "0").append(";\n");
            } else {
                out.append(inner).append("for (long t = 1; t < ").append(size).append("; t++) {\n");
                inner += "    ";
                out.append(inner).append("final long ").append(t).append(" = ").append(s.reverse() ? size + " - 1 - t" : "t").append(";\n");
                out.append(inner).append("final long prev_").append(s.dim()).append(" = ").append(s.reverse() ? t + " + 1" : t + " - 1")
                        .append(";\n");
            }
            boolean splitHere = before.isEmpty();
            for (int i = 0; i < after.size() - 1; i++) {
                inner = frame.open(after.get(i), splitHere && i == 0, inner);
            }
            String last = after.getLast();
            boolean splitLast = splitHere && after.size() == 1;
            if (vector) {
                vectorRow(last, splitLast, first, inner);
            } else {
                inner = frame.open(last, splitLast, inner);
                scalarPoint(first, inner);
                out.append(inner, 0, inner.length() - 4).append("}\n");
            }
            for (int i = after.size() - 2; i >= 0; i--) {
                out.append(indent).append("    ".repeat(i + 1)).append("}\n");
            }
            out.append(indent).append("}\n");
        }
    }

    /** One point of a sweep, scalar: x + c · (the previous step's output, or 0 at the first). */
    private void scalarPoint(boolean first, String indent) {
        Map<String, String> ix = index();
        frame.emit.reset();
        frame.emit.computeInline(Set.of(n));
        String x = frame.emit.value(n.in(0), ix, indent);
        String c = frame.emit.value(n.in(1), ix, indent);
        String prev = first ? Emitter.literal(0, b.type().dtype()) : frame.emit.load(b, previous(ix), indent);
        out.append(indent).append(frame.store(b, x + " + " + c + " * " + prev, frame.emit.offset(b, ix))).append('\n');
    }

    /**
     * A row of a sweep, a vector of points at a time; the last vector overlaps the one before (see
     * {@link VectorLoopSource}), and a row shorter than a vector is scalar.
     */
    private void vectorRow(String dim, boolean split, boolean first, String outer) {
        out.append(outer).append("{\n");
        String indent = outer + "    ";
        String i = LoopSource.index(dim);
        String at = "at_" + dim;
        String lo = split ? "Kernels.vectorSplit(" + LoopSource.size(dim) + ", part, parts, F.length())" : "0";
        String hi = split ? "Kernels.vectorSplit(" + LoopSource.size(dim) + ", part + 1, parts, F.length())" : LoopSource.size(dim);
        out.append(indent).append("final long lo_").append(dim).append(" = ").append(lo).append(";\n");
        out.append(indent).append("final long hi_").append(dim).append(" = ").append(hi).append(";\n");
        out.append(indent).append("long ").append(i).append(" = lo_").append(dim).append(";\n");
        StringBuilder rowCode = new StringBuilder();
        Emitter row = new Emitter(plan, LoopSource::size, rowCode, "r");
        StringBuilder body = new StringBuilder();
        String in = indent + "        ";
        VectorEmitter vec = step(row, body, at, first, indent + "    ", in);
        out.append(indent).append("if (hi_").append(dim).append(" - lo_").append(dim).append(" >= F.length()) {\n");
        out.append(rowCode);
        if (vec.probes()) {
            out.append(indent).append("    FloatVector ").append(VectorEmitter.PROBE).append(" = FloatVector.zero(F);\n");
        }
        out.append(indent).append("    for (; ").append(i).append(" < hi_").append(dim).append("; ").append(i).append(" += F.length()) {\n");
        out.append(in).append("final long ").append(at).append(" = Math.min(").append(i).append(", hi_").append(dim).append(" - F.length());\n");
        out.append(body);
        out.append(indent).append("    }\n");
        if (vec.probes()) {
            out.append(indent).append("    if (Float.isNaN(").append(VectorEmitter.PROBE).append(".reduceLanes(VectorOperators.ADD))) { ")
                    .append(vec.rescan("lo_" + dim, "hi_" + dim + " - lo_" + dim)).append("}\n");
        }
        out.append(indent).append("} else {\n");
        out.append(indent).append("    for (; ").append(i).append(" < hi_").append(dim).append("; ").append(i).append("++) {\n");
        scalarPoint(first, indent + "        ");
        out.append(indent).append("    }\n");
        out.append(indent).append("}\n");
        out.append(outer).append("}\n");
    }

    /** One vector step of a sweep at index {@code i}: x + c · (the previous step's output, or 0 at the first). */
    private VectorEmitter step(Emitter row, StringBuilder body, String i, boolean first, String rowIndent, String indent) {
        VectorEmitter vec = new VectorEmitter(plan, row, body, i, rowIndent);
        vec.computeInline(Set.of(n));
        Map<String, String> ix = index();
        ix.put(after.getLast(), i);
        VectorEmitter.Val x = vec.value(n.in(0), ix, indent);
        VectorEmitter.Val c = vec.value(n.in(1), ix, indent);
        String prev = first ? "0f" : vec.load(b, previous(ix), indent).expr();
        VectorEmitter.Val a = vec.declare(indent, DType.F32, vec.vec(x) + ".add(" + vec.vec(c) + ".mul(" + prev + "))");
        vec.store(b, a, ix, indent);
        return vec;
    }

    /** Whether the rows can be swept with vectors: f32, and x and c vectorisable along the last dimension. */
    private boolean supports() {
        if (b.type().dtype() != DType.F32) {
            return false;
        }
        Map<String, String> ix = index();
        String inner = LoopSource.index(after.getLast());
        return VectorLoopSource.vectorisable(plan, n.in(0), ix, inner, Set.of())
                && VectorLoopSource.vectorisable(plan, n.in(1), ix, inner, Set.of());
    }

    private Map<String, String> index() {
        Map<String, String> ix = new LinkedHashMap<>();
        n.type().dims().forEach(d -> ix.put(d, LoopSource.index(d)));
        return ix;
    }

    /** The same point one step back along the scan. */
    private Map<String, String> previous(Map<String, String> ix) {
        Map<String, String> p = new LinkedHashMap<>(ix);
        p.put(s.dim(), "prev_" + s.dim());
        return p;
    }

    private void close(int loops) {
        for (int i = loops - 1; i >= 0; i--) {
            out.append("        ").append("    ".repeat(i)).append("}\n");
        }
    }
}
