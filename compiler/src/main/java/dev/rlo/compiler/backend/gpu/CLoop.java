package dev.rlo.compiler.backend.gpu;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders a {@link Kernel.Loop} as C kernels: with no outer dimensions, one kernel per phase
 * ({@code k<id>_<phase>}); otherwise one kernel ({@code k<id>}) whose work items each take outer
 * indices and run every phase for them, finishing in place the reductions later phases read.
 * <p>
 * How work is split: a phase that only stores element-wise values strides over the whole space,
 * flattened (consecutive work items touch consecutive elements); any other kernel strides over
 * its first dimension. A reduction whose output has that dimension is owned by one work item per
 * element; any other is <em>partial</em>: each work item folds into its own slice of scratch, and
 * a finishing kernel ({@code f<buffer>}) merges the slices in order and writes the output. A
 * reduction invariant along the innermost loop accumulates in locals first, and one that reduces
 * over exactly that loop is finished and stored right after it.
 */
final class CLoop {

    private final KernelPlan plan;
    private final Kernel.Loop k;
    private final StringBuilder out;
    private final CEmitter emit;

    CLoop(KernelPlan plan, Dialect dialect, Kernel.Loop k, StringBuilder out) {
        this.plan = plan;
        this.k = k;
        this.out = out;
        this.emit = new CEmitter(plan, dialect, out);
    }

    /** Whether phase {@code p} of {@code k} strides over its flattened space: element-wise stores only. */
    static boolean flattened(Kernel.Loop k, int p) {
        return k.outer() == 0 && !k.space().isEmpty()
                && k.phases().get(p).outputs().stream().noneMatch(CReduction::reduces);
    }

    /** True for a reduction over exactly the innermost dimension (not the split one): kept in locals, stored after that loop. */
    static boolean finishedInRow(Kernel.Loop k, Buffer r) {
        return k.space().size() > 1 && CReduction.reduces(r) && r.node().reduced().equals(List.of(k.space().getLast()));
    }

    /** True for a reduction over inner dimensions only, which an outer kernel finishes per outer index. */
    static boolean finishedInKernel(Kernel.Loop k, Buffer r) {
        return k.outer() > 0 && CReduction.reduces(r) && !finishedInRow(k, r) && k.innerDims().containsAll(r.node().reduced());
    }

    /** Whether reduction {@code r} folds into per-work-item slices: its output lacks the split dimension. */
    static boolean partial(Kernel.Loop k, Buffer r) {
        return !k.space().isEmpty() && !r.type().has(k.space().getFirst());
    }

    /** Renders the kernels; {@code kernel} receives each one's name and body. */
    void render(CSource.Sink kernel) {
        if (k.outer() == 0) {
            for (int p = 0; p < k.phases().size(); p++) {
                int start = out.length();
                if (flattened(k, p)) {
                    flat(p);
                } else {
                    nest(k.space(), 0, p, "    ");
                }
                kernel.accept("k" + k.id() + "_" + p, cut(start));
            }
        } else {
            int start = out.length();
            nestOuter(0, "    ");
            kernel.accept("k" + k.id(), cut(start));
        }
    }

    private String cut(int start) {
        String body = out.substring(start);
        out.setLength(start);
        return body;
    }

    private String open(String dim, boolean split, String indent) {
        String i = CEmitter.index(dim);
        String n = CEmitter.size(dim);
        out.append(indent).append(split ? "for (rlo_i64 " + i + " = part; " + i + " < " + n + "; " + i + " += items) {\n"
                : "for (rlo_i64 " + i + " = 0; " + i + " < " + n + "; " + i + "++) {\n");
        return indent + "    ";
    }

    private void close(String indent) {
        out.append(indent).append("}\n");
    }

    /** An element-wise phase: each work item takes every items-th point of the flattened space. */
    private void flat(int p) {
        List<String> dims = k.space();
        out.append("    const rlo_i64 total = ").append(dims.stream().map(CEmitter::size).collect(Collectors.joining(" * "))).append(";\n");
        out.append("    for (rlo_i64 at = part; at < total; at += items) {\n");
        CSource.decompose(out, dims, "at", "        ");
        body(p, "        ", List.of());
        out.append("    }\n");
    }

    private void nestOuter(int at, String indent) {
        if (at == k.outer()) {
            for (int p = 0; p < k.phases().size(); p++) {
                nest(k.innerDims(), 0, p, indent);
                finishInKernel(k.phases().get(p), indent);
            }
            return;
        }
        nestOuter(at + 1, open(k.space().get(at), at == 0, indent));
        close(indent);
    }

    private void nest(List<String> dims, int at, int p, String indent) {
        if (dims.isEmpty()) {
            if (k.outer() == 0) {
                out.append(indent).append("if (part == 0) {\n");
                body(p, indent + "    ", List.of());
                close(indent);
            } else {
                body(p, indent, List.of());
            }
            return;
        }
        boolean split = at == 0 && k.outer() == 0;
        if (at == dims.size() - 1) {
            innermost(dims.get(at), split, p, indent);
            return;
        }
        nest(dims, at + 1, p, open(dims.get(at), split, indent));
        close(indent);
    }

    /** The innermost loop, with local accumulators for the reductions invariant along it. */
    private void innermost(String dim, boolean split, int p, String indent) {
        List<Buffer> local = new ArrayList<>();
        for (Buffer b : k.phases().get(p).outputs()) {
            if (CReduction.reduces(b) && !b.type().has(dim)) {
                local.add(b);
                CReduction red = CReduction.of(b);
                String[] id = red.identity();
                for (int s = 0; s < red.slots(); s++) {
                    out.append(indent).append("double ").append(acc(b, s)).append(" = ").append(id[s]).append(";\n");
                }
            }
        }
        body(p, open(dim, split, indent), local);
        close(indent);
        for (Buffer r : local) {
            CReduction red = CReduction.of(r);
            String off = emit.offset(r, indexOf(r.type().dims()));
            if (finishedInRow(k, r)) {
                String v = red.finish(acc(r, 0), acc(r, 1), count(r.node()));
                out.append(indent).append(emit.store(r, "(" + Dialect.value(r.type().dtype()) + ") (" + v + ")", off)).append('\n');
            } else {
                out.append(indent).append(red.merge(aux(r, off, 0), aux(r, off, 1), acc(r, 0), acc(r, 1))).append('\n');
            }
        }
    }

    /** The work at one point: phase {@code p}'s stores and folds. */
    private void body(int p, String indent, List<Buffer> local) {
        emit.reset();
        emit.computeInline(k.phases().get(p).outputs().stream().map(Buffer::node)
                .filter(n -> !n.op().isReduction()).collect(Collectors.toSet()));
        Map<String, String> ix = indexOf(k.space());
        for (Buffer b : k.phases().get(p).outputs()) {
            Node n = b.node();
            if (!CReduction.reduces(b)) {
                String v = emit.value(n, ix, indent);
                out.append(indent).append(emit.store(b, v, emit.offset(b, ix))).append('\n');
                continue;
            }
            CReduction red = CReduction.of(b);
            String v = "(double) " + emit.value(n.in(0), ix, indent);
            String at = n.attrs() instanceof Attrs.Dim d ? ix.get(d.dim()) : "0";
            String off = emit.offset(b, ix);
            out.append(indent).append(local.contains(b) ? red.fold(acc(b, 0), acc(b, 1), v, at)
                    : red.fold(aux(b, off, 0), aux(b, off, 1), v, at)).append('\n');
        }
    }

    /** Finishes, for the current outer indices, the reductions of {@code ph} that later phases read. */
    private void finishInKernel(Kernel.Phase ph, String indent) {
        for (Buffer r : ph.outputs()) {
            if (!finishedInKernel(k, r)) {
                continue;
            }
            CReduction red = CReduction.of(r);
            String in = indent;
            List<String> rest = TensorType.minus(r.type().dims(), k.outerDims());
            for (String d : rest) {
                in = open(d, false, in);
            }
            String off = emit.offset(r, indexOf(r.type().dims()));
            String v = red.finish(aux(r, off, 0), aux(r, off, 1), count(r.node()));
            out.append(in).append(emit.store(r, "(" + Dialect.value(r.type().dtype()) + ") (" + v + ")", off)).append('\n');
            for (int i = rest.size() - 1; i >= 0; i--) {
                close(indent + "    ".repeat(i));
            }
        }
    }

    /** Slot {@code s} of reduction {@code r}'s scratch at output offset {@code off}, in this work item's slice if partial. */
    private String aux(Buffer r, String off, int s) {
        int slots = CReduction.of(r).slots();
        if (s >= slots) {
            return null;
        }
        String base = partial(k, r) ? "part * " + CSource.volume(r.type().dims()) + " + " : "";
        return "aux" + r.id() + "[(" + base + off + ") * " + slots + " + " + s + "]";
    }

    private static String acc(Buffer r, int s) {
        return s < CReduction.of(r).slots() ? "acc" + r.id() + "_" + s : null;
    }

    /** The number of elements a reduction reduces, as a C double. */
    static String count(Node n) {
        List<String> reduced = n.reduced();
        return reduced.isEmpty() ? "1.0" : "(double) (" + reduced.stream().map(CEmitter::size).collect(Collectors.joining(" * ")) + ")";
    }

    private static Map<String, String> indexOf(List<String> dims) {
        Map<String, String> ix = new LinkedHashMap<>();
        dims.forEach(d -> ix.put(d, CEmitter.index(d)));
        return ix;
    }
}
