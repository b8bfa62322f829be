package dev.rlo.compiler.backend.cpu;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.fuse.Reduction;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.TensorType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the kernel boundaries of a plan other than scans ({@link ScanSource}): an argsort (each
 * lane sorted stably, NaN last) and a scatter-add (single-threaded, its input and index computed in
 * place, summed in f64 scratch).
 */
final class OtherSources {

    private OtherSources() { }

    static void argsort(KernelPlan plan, Kernel.Argsort k, StringBuilder out) {
        Attrs.Argsort a = k.output().node().attrs(Attrs.Argsort.class);
        Buffer in = k.input();
        List<String> rest = TensorType.minus(in.type().dims(), List.of(a.dim()));
        LoopSource frame = header(plan, k.id(), out);
        String indent = "        ";
        /* one lane's values and permutation, allocated once per part */
        String len = "(int) " + LoopSource.size(a.dim());
        out.append(indent).append("final double[] row = new double[").append(len).append("];\n");
        out.append(indent).append("final int[] order = new int[").append(len).append("];\n");
        out.append(indent).append("final int[] tmp = new int[").append(len).append("];\n");
        for (int i = 0; i < rest.size(); i++) {
            indent = frame.open(rest.get(i), i == 0, indent);
        }
        if (rest.isEmpty()) {
            out.append(indent).append("if (part == 0) {\n");
            indent += "    ";
        }
        String n = LoopSource.size(a.dim());
        Map<String, String> ix = new LinkedHashMap<>();
        in.type().dims().forEach(d -> ix.put(d, d.equals(a.dim()) ? "j" : LoopSource.index(d)));
        out.append(indent).append("for (long j = 0; j < ").append(n).append("; j++) {\n");
        frame.emit.reset();
        String v = frame.emit.load(in, ix, indent + "    ");
        out.append(indent).append("    row[(int) j] = ").append(v).append(";\n");
        out.append(indent).append("}\n");
        out.append(indent).append("Sorting.argsort(row, (int) ").append(n).append(", order, tmp, ").append(a.descending()).append(");\n");
        out.append(indent).append("for (long j = 0; j < ").append(n).append("; j++) {\n");
        out.append(indent).append("    ").append(frame.store(k.output(), "order[(int) j]", frame.emit.offset(k.output(), ix))).append('\n');
        out.append(indent).append("}\n");
        close(out, rest.size() + (rest.isEmpty() ? 1 : 0));
    }

    static void scatter(KernelPlan plan, Kernel.Scatter k, StringBuilder out) {
        Buffer b = k.output();
        Node n = b.node();
        Attrs.Scatter s = n.attrs(Attrs.Scatter.class);
        List<String> space = n.in(0).type().dims();
        LoopSource frame = header(plan, k.id(), out);
        out.append("        if (part != 0) {\n            return;\n        }\n");
        String indent = "        ";
        for (String d : space) {
            indent = frame.open(d, false, indent);
        }
        Map<String, String> ix = new LinkedHashMap<>();
        space.forEach(d -> ix.put(d, LoopSource.index(d)));
        frame.emit.reset();
        String g = frame.emit.value(n.in(0), ix, indent);
        String idx = frame.emit.value(n.in(1), ix, indent);
        out.append(indent).append("final long at = Kernels.checkIndex(").append(idx).append(", ").append(LoopSource.size(s.dim()))
                .append(", \"").append(s.dim()).append("\");\n");
        Map<String, String> target = new LinkedHashMap<>(ix);
        target.put(s.dim(), "at");
        out.append(indent).append("Kernels.fold(").append(Reduction.SUM.ordinal()).append(", aux").append(b.id()).append(", (")
                .append(frame.emit.offset(b, target)).append(") * ").append(Reduction.SUM.slots()).append(", (double) ").append(g).append(");\n");
        close(out, space.size());
    }

    /** The method header; returns a LoopSource to borrow its emitter and loop helpers. */
    private static LoopSource header(KernelPlan plan, int id, StringBuilder out) {
        out.append("    static void k").append(id)
                .append("(int phase, MemorySegment[] b, MemorySegment[] aux, long[] n, int part, int parts) {\n");
        LoopSource.declareSizes(out, plan);
        return new LoopSource(plan, null, Map.of(), out);
    }

    private static void close(StringBuilder out, int loops) {
        for (int i = loops - 1; i >= 0; i--) {
            out.append("        ").append("    ".repeat(i)).append("}\n");
        }
        out.append("    }\n\n");
    }
}
