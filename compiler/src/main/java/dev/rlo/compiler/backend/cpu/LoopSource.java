package dev.rlo.compiler.backend.cpu;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.fuse.Reduction;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link Kernel.Loop} as a Java method: the loop nest over its space, the first dimension
 * split among the parts (threads), each phase's outputs stored or reduced at every point. Scalar
 * code; {@link VectorLoopSource} renders the same kernel with the Vector API where it can.
 * <p>
 * A reduction whose output does not vary along the innermost loop keeps its accumulator in locals
 * and folds it into its f64 scratch slots after that loop; others update their slots in place.
 * Reductions a later phase reads are finished inside the kernel, per outer index.
 */
class LoopSource {

    final KernelPlan plan;
    final Kernel.Loop k;
    final Map<Buffer, Schedule.Reduce> reduces;
    final StringBuilder out;
    final Emitter emit;

    LoopSource(KernelPlan plan, Kernel.Loop k, Map<Buffer, Schedule.Reduce> reduces, StringBuilder out) {
        this.plan = plan;
        this.k = k;
        this.reduces = reduces;
        this.out = out;
        this.emit = newEmitter();
    }

    Emitter newEmitter() {
        return new Emitter(plan, LoopSource::size, out);
    }

    static String size(String dim) {
        return "n_" + dim;
    }

    static String index(String dim) {
        return "i_" + dim;
    }

    /** The method {@code k<id>(phase, b, aux, n, part, parts)}. */
    void render() {
        out.append("    static void k").append(k.id())
                .append("(int phase, MemorySegment[] b, MemorySegment[] aux, long[] n, int part, int parts) {\n");
        declareSizes(out, plan);
        String indent = "        ";
        if (k.outer() == 0) {
            for (int p = 0; p < k.phases().size(); p++) {
                out.append(indent).append("if (phase == ").append(p).append(") {\n");
                nest(k.space(), 0, p, indent + "    ");
                out.append(indent).append("}\n");
            }
        } else {
            nestOuter(0, indent);
        }
        out.append("    }\n\n");
    }

    /**
     * {@code final long n_X = n[i];} for every dimension of the plan, then a place for
     * {@link #declareSegments} to put the segments the kernel uses.
     */
    static void declareSizes(StringBuilder out, KernelPlan plan) {
        List<String> dims = CpuPlan.dims(plan);
        for (int i = 0; i < dims.size(); i++) {
            out.append("        final long ").append(size(dims.get(i))).append(" = n[").append(i).append("];\n");
        }
        out.append(SEGMENTS);
    }

    private static final String SEGMENTS = "        // segments\n";
    private static final java.util.regex.Pattern SEGMENT = java.util.regex.Pattern.compile("\\b(b|aux)(\\d+)\\b");

    /**
     * Puts each buffer and scratch segment that the kernel rendered from {@code start} uses in a
     * local, so that C2 sees loop-invariant segments and hoists their checks; only those it uses,
     * so that a plan of many buffers does not repeat them all in every kernel.
     */
    static void declareSegments(StringBuilder out, int start) {
        int at = out.indexOf(SEGMENTS, start);
        if (at < 0) {
            return;
        }
        java.util.Set<String> used = new java.util.TreeSet<>(java.util.Comparator.comparing((String v) -> v.startsWith("aux"))
                .thenComparingInt(v -> Integer.parseInt(v.replaceAll("\\D", ""))));
        java.util.regex.Matcher m = SEGMENT.matcher(out).region(at + SEGMENTS.length(), out.length());
        while (m.find()) {
            used.add(m.group());
        }
        StringBuilder decls = new StringBuilder();
        for (String v : used) {
            String array = v.startsWith("aux") ? "aux" : "b";
            decls.append("        final MemorySegment ").append(v).append(" = ").append(array).append('[')
                    .append(v.substring(array.length())).append("];\n");
        }
        out.replace(at, at + SEGMENTS.length(), decls.toString());
    }

    /** The loop over dimension {@code dims.get(at)}; the first of the kernel's loops is split among parts. */
    String open(String dim, boolean first, String indent) {
        String i = index(dim);
        if (first) {
            out.append(indent).append("for (long ").append(i).append(" = ").append(size(dim)).append(" * part / parts; ")
                    .append(i).append(" < ").append(size(dim)).append(" * (part + 1) / parts; ").append(i).append("++) {\n");
        } else {
            out.append(indent).append("for (long ").append(i).append(" = 0; ").append(i).append(" < ").append(size(dim))
                    .append("; ").append(i).append("++) {\n");
        }
        return indent + "    ";
    }

    private void nestOuter(int at, String indent) {
        if (at == k.outer()) {
            for (int p = 0; p < k.phases().size(); p++) {
                nest(k.innerDims(), 0, p, indent);
                finishInKernel(k.phases().get(p), indent);
            }
            return;
        }
        String inner = open(k.space().get(at), at == 0, indent);
        nestOuter(at + 1, inner);
        out.append(indent).append("}\n");
    }

    /** The loops over {@code dims} from {@code at}, then phase {@code p}'s body. */
    void nest(List<String> dims, int at, int p, String indent) {
        if (dims.isEmpty()) {
            if (k.outer() == 0) {
                out.append(indent).append("if (part == 0) {\n");
                body(p, indent + "    ", List.of());
                out.append(indent).append("}\n");
            } else {
                body(p, indent, List.of());
            }
            return;
        }
        if (at == dims.size() - 1) {
            innermost(dims.get(at), at == 0 && k.outer() == 0, p, indent);
            return;
        }
        String inner = open(dims.get(at), at == 0 && k.outer() == 0, indent);
        nest(dims, at + 1, p, inner);
        out.append(indent).append("}\n");
    }

    /** The innermost loop, with local accumulators for reductions invariant along it. */
    void innermost(String dim, boolean first, int p, String indent) {
        List<Buffer> local = invariant(p, dim);
        for (Buffer r : local) {
            Reduction red = reduces.get(r).reduction();
            for (int s = 0; s < red.slots(); s++) {
                out.append(indent).append("double ").append(acc(r, s)).append(" = ").append(red.identity(Emitter.JAVA, s)).append(";\n");
            }
        }
        String inner = open(dim, first, indent);
        body(p, inner, local);
        out.append(indent).append("}\n");
        for (Buffer r : local) {
            foldLocal(r, indent);
        }
    }

    /** The phase's reductions that keep their location along the innermost dimension {@code dim}. */
    List<Buffer> invariant(int p, String dim) {
        List<Buffer> out = new ArrayList<>();
        for (Buffer b : k.phases().get(p).outputs()) {
            if (b.node().op().isReduction() && !b.type().has(dim)) {
                out.add(b);
            }
        }
        return out;
    }

    /** The work at one point: stores and reductions of phase {@code p}. */
    void body(int p, String indent, List<Buffer> local) {
        emit.reset();
        emit.computeInline(k.phases().get(p).outputs().stream().map(Buffer::node)
                .filter(n -> !n.op().isReduction()).collect(java.util.stream.Collectors.toSet()));
        Map<String, String> ix = new LinkedHashMap<>();
        k.space().forEach(d -> ix.put(d, index(d)));
        for (Buffer b : k.phases().get(p).outputs()) {
            Node n = b.node();
            if (!n.op().isReduction()) {
                String v = emit.value(n, ix, indent);
                out.append(indent).append(store(b, v, emit.offset(b, ix))).append('\n');
                continue;
            }
            Reduction red = reduces.get(b).reduction();
            String v = "(double) " + emit.value(n.in(0), ix, indent);
            String off = emit.offset(b, ix);
            if (local.contains(b)) {
                out.append(indent).append(red.fold(Emitter.JAVA, acc(b, 0), acc(b, 1), v, reducedIndex(n, ix))).append('\n');
            } else if (red.isArg()) {
                out.append(indent).append("Kernels.merge(").append(red.ordinal()).append(", aux").append(b.id()).append(", (")
                        .append(off).append(") * ").append(red.slots()).append(", ").append(v).append(", (double) ")
                        .append(reducedIndex(n, ix)).append(");\n");
            } else {
                out.append(indent).append("Kernels.fold(").append(red.ordinal()).append(", aux").append(b.id()).append(", (")
                        .append(off).append(") * ").append(red.slots()).append(", ").append(v).append(");\n");
            }
        }
    }

    /** The index along the reduced dimension, for argmax/argmin. */
    static String reducedIndex(Node n, Map<String, String> ix) {
        return n.attrs() instanceof dev.rlo.compiler.ir.Attrs.Dim d ? ix.get(d.dim()) : "0";
    }

    /** True for a reduction the schedule finishes right after its row, from its locals. */
    boolean finishedInRow(Buffer r) {
        return reduces.get(r).finished() == Schedule.Finished.ROW;
    }

    /** Folds a local accumulator into its scratch slots after the innermost loop (or finishes it there). */
    void foldLocal(Buffer r, String indent) {
        Reduction red = reduces.get(r).reduction();
        Map<String, String> ix = new LinkedHashMap<>();
        r.type().dims().forEach(d -> ix.put(d, index(d)));
        String off = emit.offset(r, ix);
        if (finishedInRow(r)) {
            String value = red.finish(Emitter.JAVA, acc(r, 0), acc(r, 1), count(r.node()));
            out.append(indent).append(store(r, "(" + Emitter.javaType(r.type().dtype()) + ") (" + value + ")", off)).append('\n');
            return;
        }
        out.append(indent).append("Kernels.merge(").append(red.ordinal()).append(", aux").append(r.id()).append(", (")
                .append(off).append(") * ").append(red.slots());
        for (int i = 0; i < red.slots(); i++) {
            out.append(", ").append(acc(r, i));
        }
        out.append(");\n");
    }

    /** Finishes, for the current outer index, the reductions of phase {@code ph} that later phases read. */
    private void finishInKernel(Kernel.Phase ph, String indent) {
        for (Buffer r : ph.outputs()) {
            if (!r.node().op().isReduction() || reduces.get(r).finished() != Schedule.Finished.KERNEL) {
                continue;
            }
            Reduction red = reduces.get(r).reduction();
            List<String> rest = TensorType.minus(r.type().dims(), k.outerDims());
            String in = indent;
            for (String d : rest) {
                in = open(d, false, in);
            }
            Map<String, String> ix = new LinkedHashMap<>();
            r.type().dims().forEach(d -> ix.put(d, index(d)));
            String off = emit.offset(r, ix);
            List<String> slots = auxSlots(r, red, off);
            String value = red.finish(Emitter.JAVA, slots.get(0), slots.size() > 1 ? slots.get(1) : null, count(r.node()));
            out.append(in).append(store(r, "(" + Emitter.javaType(r.type().dtype()) + ") (" + value + ")", off)).append('\n');
            for (int i = rest.size() - 1; i >= 0; i--) {
                out.append(indent).append("    ".repeat(i)).append("}\n");
            }
        }
    }

    /** The number of elements a reduction reduces, as Java text. */
    static String count(Node n) {
        StringBuilder s = new StringBuilder("(double) 1");
        for (String d : n.reduced()) {
            s.append(" * ").append(size(d));
        }
        return "(" + s + ")";
    }

    String store(Buffer b, String v, String off) {
        String value = b.type().dtype() == DType.BOOL ? "(byte) (" + v + " ? 1 : 0)" : v;
        return "b" + b.id() + ".setAtIndex(" + Emitter.layout(b.type().dtype()) + ", " + off + ", " + value + ");";
    }

    static String acc(Buffer r, int slot) {
        return "acc" + r.id() + "_" + slot;
    }

    static List<String> auxSlots(Buffer r, Reduction red, String off) {
        List<String> out = new ArrayList<>();
        for (int s = 0; s < red.slots(); s++) {
            out.add("aux" + r.id() + ".getAtIndex(JAVA_DOUBLE, (" + off + ") * " + red.slots() + " + " + s + ")");
        }
        return out;
    }

}
