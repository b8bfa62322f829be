package dev.rlo.compiler.backend.gpu;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.fuse.Reduction;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders a launch of a Loop kernel ({@link Schedule.Launch}) as a C kernel: with no outer dimensions, one kernel per phase
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

    private final Schedule.Launch launch;
    private final Schedule.Nest nest;
    private final StringBuilder out;
    private final CEmitter emit;
    private final Dialect dialect;

    CLoop(KernelPlan plan, Dialect dialect, Schedule.Launch launch, StringBuilder out) {
        this.launch = launch;
        this.nest = launch.nest();
        this.out = out;
        this.dialect = dialect;
        this.emit = new CEmitter(plan, dialect, out);
    }

    /** The kernel's body. */
    String render() {
        int start = out.length();
        if (nest.outer().isEmpty()) {
            Schedule.Phase p = nest.phases().getFirst();
            if (p.elementwise() && !nest.inner().isEmpty()) {
                flat(p);
            } else {
                nest(nest.inner(), 0, p, "    ");
            }
        } else {
            nestOuter(0, "    ");
        }
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
    private void flat(Schedule.Phase p) {
        List<String> dims = nest.inner();
        out.append("    const rlo_i64 total = ").append(dims.stream().map(CEmitter::size).collect(Collectors.joining(" * "))).append(";\n");
        out.append("    for (rlo_i64 at = part; at < total; at += items) {\n");
        CSource.decompose(out, dims, "at", "        ");
        body(p, "        ");
        out.append("    }\n");
    }

    private void nestOuter(int at, String indent) {
        if (at == nest.outer().size()) {
            for (Schedule.Phase p : nest.phases()) {
                nest(nest.inner(), 0, p, indent);
                finishInKernel(p, indent);
            }
            return;
        }
        nestOuter(at + 1, open(nest.outer().get(at), at == 0, indent));
        close(indent);
    }

    private void nest(List<String> dims, int at, Schedule.Phase p, String indent) {
        boolean outer = !nest.outer().isEmpty();
        if (dims.isEmpty()) {
            if (!outer) {
                out.append(indent).append("if (part == 0) {\n");
                body(p, indent + "    ");
                close(indent);
            } else {
                body(p, indent);
            }
            return;
        }
        boolean split = at == 0 && !outer;
        if (at == dims.size() - 1) {
            innermost(dims.get(at), split, p, indent);
            return;
        }
        nest(dims, at + 1, p, open(dims.get(at), split, indent));
        close(indent);
    }

    /** The innermost loop, with local accumulators for the reductions invariant along it. */
    private void innermost(String dim, boolean split, Schedule.Phase p, String indent) {
        List<Schedule.Reduce> local = new ArrayList<>();
        for (Schedule.Output o : p.outputs()) {
            if (o instanceof Schedule.Reduce r && r.local()) {
                local.add(r);
                for (int s = 0; s < r.reduction().slots(); s++) {
                    out.append(indent).append("double ").append(acc(r, s)).append(" = ").append(r.reduction().identity(dialect, s)).append(";\n");
                }
            }
        }
        body(p, open(dim, split, indent));
        close(indent);
        for (Schedule.Reduce r : local) {
            Reduction red = r.reduction();
            String off = emit.offset(r.buffer(), CSource.indexOf(r.buffer().type().dims()));
            if (r.finished() == Schedule.Finished.ROW) {
                String v = red.finish(dialect, acc(r, 0), acc(r, 1), count(r.reduced()));
                out.append(indent).append(emit.store(r.buffer(), "(" + Dialect.value(r.buffer().type().dtype()) + ") (" + v + ")", off)).append('\n');
            } else {
                out.append(indent).append(red.merge(dialect, aux(r, off, 0), aux(r, off, 1), acc(r, 0), acc(r, 1))).append('\n');
            }
        }
    }

    /** The work at one point: phase {@code p}'s stores and folds. */
    private void body(Schedule.Phase p, String indent) {
        emit.reset();
        emit.computeInline(p.outputs().stream().filter(o -> o instanceof Schedule.Store).map(o -> o.buffer().node()).collect(Collectors.toSet()));
        Map<String, String> ix = CSource.indexOf(launch.points());
        for (Schedule.Output o : p.outputs()) {
            Buffer b = o.buffer();
            Node n = b.node();
            if (!(o instanceof Schedule.Reduce r)) {
                String v = emit.value(n, ix, indent);
                out.append(indent).append(emit.store(b, v, emit.offset(b, ix))).append('\n');
                continue;
            }
            String v = "(double) " + emit.value(n.in(0), ix, indent);
            String at = n.attrs() instanceof Attrs.Dim d ? ix.get(d.dim()) : "0";
            String off = emit.offset(b, ix);
            out.append(indent).append(r.local() ? r.reduction().fold(dialect, acc(r, 0), acc(r, 1), v, at)
                    : r.reduction().fold(dialect, aux(r, off, 0), aux(r, off, 1), v, at)).append('\n');
        }
    }

    /** Finishes, for the current outer indices, the reductions of {@code p} that later phases read. */
    private void finishInKernel(Schedule.Phase p, String indent) {
        for (Schedule.Output o : p.outputs()) {
            if (!(o instanceof Schedule.Reduce r) || r.finished() != Schedule.Finished.KERNEL) {
                continue;
            }
            String in = indent;
            List<String> rest = TensorType.minus(r.buffer().type().dims(), nest.outer());
            for (String d : rest) {
                in = open(d, false, in);
            }
            String off = emit.offset(r.buffer(), CSource.indexOf(r.buffer().type().dims()));
            String v = r.reduction().finish(dialect, aux(r, off, 0), aux(r, off, 1), count(r.reduced()));
            out.append(in).append(emit.store(r.buffer(), "(" + Dialect.value(r.buffer().type().dtype()) + ") (" + v + ")", off)).append('\n');
            for (int i = rest.size() - 1; i >= 0; i--) {
                close(indent + "    ".repeat(i));
            }
        }
    }

    /** Slot {@code s} of reduction {@code r}'s scratch at output offset {@code off}, in this work item's slice if partial. */
    private static String aux(Schedule.Reduce r, String off, int s) {
        int slots = r.reduction().slots();
        if (s >= slots) {
            return null;
        }
        String base = r.partial() ? "part * " + CSource.volume(r.buffer().type().dims()) + " + " : "";
        return "aux" + r.buffer().id() + "[(" + base + off + ") * " + slots + " + " + s + "]";
    }

    private static String acc(Schedule.Reduce r, int s) {
        return s < r.reduction().slots() ? "acc" + r.buffer().id() + "_" + s : null;
    }

    /** The number of elements a reduction reduces, as a C double. */
    static String count(List<String> reduced) {
        return reduced.isEmpty() ? "1.0" : "(double) (" + reduced.stream().map(CEmitter::size).collect(Collectors.joining(" * ")) + ")";
    }
}
