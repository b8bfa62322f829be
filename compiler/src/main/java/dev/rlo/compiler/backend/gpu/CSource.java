package dev.rlo.compiler.backend.gpu;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.fuse.Reduction;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Renders a {@link KernelPlan} as one OpenCL C or CUDA C program: the {@link Prelude}, then each
 * kernel of the plan in order ({@link CLoop} for loops; scans, argsorts and scatters here), and a
 * finishing kernel for every reduction that needs one. Deterministic: the same plan gives the same
 * text, byte for byte. Every kernel's parameters are the buffers its body names, then {@code n},
 * {@code err}, and {@code items} ({@link GpuProgram}).
 */
public final class CSource {

    private final KernelPlan plan;
    private final Dialect dialect;
    private final StringBuilder program = new StringBuilder();
    private final Map<String, List<String>> params = new LinkedHashMap<>();

    private CSource(KernelPlan plan, Dialect dialect) {
        this.plan = plan;
        this.dialect = dialect;
    }

    public static GpuProgram render(Schedule schedule, Dialect dialect) {
        CSource s = new CSource(schedule.plan(), dialect);
        s.program.append(Prelude.render(dialect));
        for (Schedule.Step step : schedule.steps()) {
            switch (step) {
                case Schedule.Launch l -> s.launch(l);
                case Schedule.Finish f -> {
                    if (f.reduce().partial()) {
                        s.kernel("m" + f.reduce().buffer().id(), s.merge(f.reduce()));
                    }
                    s.kernel(f.name(), s.finish(f.reduce()));
                }
            }
        }
        return new GpuProgram(dialect, s.program.toString(), schedule.plan().dims(), s.params);
    }

    /** The kernels of a launch: a Loop's, a scan's (and its chunked form's), an argsort's or a scatter's. */
    private void launch(Schedule.Launch l) {
        switch (l.kernel()) {
            case Kernel.Loop k -> kernel(l.name(), new CLoop(plan, dialect, l, new StringBuilder()).render());
            case Kernel.Scan s -> {
                kernel(l.name(), scan(s));
                ScanChunks chunks = new ScanChunks(plan, dialect, s);
                kernel(l.name() + "_c0", chunks.local());
                kernel(l.name() + "_c1", chunks.carries());
                kernel(l.name() + "_c2", chunks.apply());
            }
            case Kernel.Argsort a -> kernel(l.name(), argsort(a));
            case Kernel.Scatter s -> kernel(l.name(), scatter(s));
        }
    }

    private static final Pattern BUFFER = Pattern.compile("\\b(b|aux|tmp)(\\d+)\\[");
    private static final Pattern SIZE = Pattern.compile("\\bn_(\\w+)\\b");

    /** Appends kernel {@code name}: its signature from the names its body uses, the sizes it reads, the body. */
    private void kernel(String name, String body) {
        Set<Integer> b = new TreeSet<>();
        Set<Integer> aux = new TreeSet<>();
        Set<Integer> tmp = new TreeSet<>();
        Matcher m = BUFFER.matcher(body);
        while (m.find()) {
            (m.group(1).equals("b") ? b : m.group(1).equals("aux") ? aux : tmp).add(Integer.parseInt(m.group(2)));
        }
        List<String> names = new ArrayList<>();
        List<String> decls = new ArrayList<>();
        for (int id : b) {
            names.add("b" + id);
            decls.add(dialect.global(dialect.storage(plan.buffers().get(id).type().dtype())) + " b" + id);
        }
        for (int id : aux) {
            names.add("aux" + id);
            decls.add(dialect.global("double") + " aux" + id);
        }
        for (int id : tmp) {
            names.add("tmp" + id);
            decls.add(dialect.global("int") + " tmp" + id);
        }
        names.addAll(List.of("n", "err"));
        decls.add(dialect.global("const rlo_i64") + " n");
        decls.add(dialect.global("int") + " err");
        if (name.startsWith("f") || name.startsWith("m")) {
            names.addAll(List.of("slices", "stride"));
            decls.addAll(List.of("const rlo_i64 slices", "const rlo_i64 stride"));
        }
        names.add("items");
        decls.add("const rlo_i64 items");
        params.put(name, names);
        program.append(dialect.kernel()).append(" void ").append(name).append("(")
                .append(String.join(",\n        ", decls)).append(") {\n");
        program.append("    const rlo_i64 part = ").append(dialect.workItem()).append(";\n");
        program.append("    if (part >= items) {\n        return;\n    }\n");
        Set<String> used = new java.util.HashSet<>();
        Matcher s = SIZE.matcher(body);
        while (s.find()) {
            used.add(s.group(1));
        }
        List<String> dims = plan.dims();
        for (int i = 0; i < dims.size(); i++) {
            if (used.contains(dims.get(i))) {
                program.append("    const rlo_i64 ").append(CEmitter.size(dims.get(i))).append(" = n[").append(i).append("];\n");
            }
        }
        program.append(body).append("}\n\n");
    }

    /** A scan, one lane per work item: each walks its lane along the scanned dimension, the carry in a local. */
    private String scan(Kernel.Scan k) {
        Buffer b = k.output();
        Node n = b.node();
        Attrs.Scan s = n.attrs(Attrs.Scan.class);
        StringBuilder out = new StringBuilder();
        CEmitter emit = new CEmitter(plan, dialect, out);
        String indent = lanes(out, TensorType.minus(n.type().dims(), List.of(s.dim())));
        String t = CEmitter.index(s.dim());
        String size = CEmitter.size(s.dim());
        out.append(indent).append(Dialect.value(b.type().dtype())).append(" a = 0;\n");
        out.append(indent).append("for (rlo_i64 t = 0; t < ").append(size).append("; t++) {\n");
        String in = indent + "    ";
        out.append(in).append("const rlo_i64 ").append(t).append(" = ").append(s.reverse() ? size + " - 1 - t" : "t").append(";\n");
        Map<String, String> ix = indexOf(n.type().dims());
        emit.computeInline(Set.of(n));
        String x = emit.value(n.in(0), ix, in);
        String c = emit.value(n.in(1), ix, in);
        out.append(in).append("a = ").append(x).append(" + ").append(c).append(" * a;\n");
        out.append(in).append(emit.store(b, "a", emit.offset(b, ix))).append('\n');
        out.append(indent).append("}\n    }\n");
        return out.toString();
    }

    /**
     * An argsort, one lane per work item: stable, NaN last, in place in the output — insertion sort
     * of runs of 32, then bottom-up merges through {@code tmp} (as {@link dev.rlo.compiler.backend.cpu.Sorting}).
     */
    private String argsort(Kernel.Argsort k) {
        Attrs.Argsort a = k.output().node().attrs(Attrs.Argsort.class);
        Buffer in = k.input();
        Buffer o = k.output();
        StringBuilder out = new StringBuilder();
        String ind = lanes(out, TensorType.minus(in.type().dims(), List.of(a.dim())));
        String len = CEmitter.size(a.dim());
        String desc = a.descending() ? "1" : "0";
        CEmitter emit = new CEmitter(plan, dialect, out);
        String ob = "b" + o.id();
        String tb = "tmp" + o.id();
        java.util.function.Function<String, String> at = j -> {
            Map<String, String> ix = indexOf(in.type().dims());
            ix.put(a.dim(), j);
            return emit.offset(in, ix);
        };
        java.util.function.Function<String, String> val = j -> "(double) b" + in.id() + "[" + at.apply(j) + "]";
        out.append(ind).append("for (rlo_i64 j = 0; j < ").append(len).append("; j++) {\n");
        out.append(ind).append("    ").append(ob).append("[").append(at.apply("j")).append("] = (int) j;\n");
        out.append(ind).append("}\n");
        out.append(ind).append("for (rlo_i64 lo = 0; lo < ").append(len).append("; lo += 32) {\n");
        out.append(ind).append("    const rlo_i64 hi = lo + 32 < ").append(len).append(" ? lo + 32 : ").append(len).append(";\n");
        out.append(ind).append("    for (rlo_i64 i = lo + 1; i < hi; i++) {\n");
        out.append(ind).append("        const int x = ").append(ob).append("[").append(at.apply("i")).append("];\n");
        out.append(ind).append("        const double xv = ").append(val.apply("x")).append(";\n");
        out.append(ind).append("        rlo_i64 j = i - 1;\n");
        out.append(ind).append("        while (j >= lo && rlo_before(xv, ").append(val.apply(ob + "[" + at.apply("j") + "]")).append(", ")
                .append(desc).append(")) {\n");
        out.append(ind).append("            ").append(ob).append("[").append(at.apply("j + 1")).append("] = ").append(ob).append("[")
                .append(at.apply("j")).append("];\n");
        out.append(ind).append("            j--;\n");
        out.append(ind).append("        }\n");
        out.append(ind).append("        ").append(ob).append("[").append(at.apply("j + 1")).append("] = x;\n");
        out.append(ind).append("    }\n");
        out.append(ind).append("}\n");
        /* merges: ping-pong between the output and tmp, ties taken from the left run */
        String ptr = dialect.global("int").replace("* __restrict__", "*");
        out.append(ind).append("int inTmp = 0;\n");
        out.append(ind).append("for (rlo_i64 w = 32; w < ").append(len).append("; w *= 2) {\n");
        out.append(ind).append("    ").append(ptr).append(" from = inTmp ? ").append(tb).append(" : ").append(ob).append(";\n");
        out.append(ind).append("    ").append(ptr).append(" to = inTmp ? ").append(ob).append(" : ").append(tb).append(";\n");
        out.append(ind).append("    for (rlo_i64 lo = 0; lo < ").append(len).append("; lo += 2 * w) {\n");
        out.append(ind).append("        const rlo_i64 mid = lo + w < ").append(len).append(" ? lo + w : ").append(len).append(";\n");
        out.append(ind).append("        const rlo_i64 hi = lo + 2 * w < ").append(len).append(" ? lo + 2 * w : ").append(len).append(";\n");
        out.append(ind).append("        rlo_i64 i = lo;\n");
        out.append(ind).append("        rlo_i64 j = mid;\n");
        out.append(ind).append("        for (rlo_i64 q = lo; q < hi; q++) {\n");
        out.append(ind).append("            if (j < hi && (i >= mid || rlo_before(").append(val.apply("from[" + at.apply("j") + "]")).append(", ")
                .append(val.apply("from[" + at.apply("i") + "]")).append(", ").append(desc).append("))) {\n");
        out.append(ind).append("                to[").append(at.apply("q")).append("] = from[").append(at.apply("j")).append("];\n");
        out.append(ind).append("                j++;\n");
        out.append(ind).append("            } else {\n");
        out.append(ind).append("                to[").append(at.apply("q")).append("] = from[").append(at.apply("i")).append("];\n");
        out.append(ind).append("                i++;\n");
        out.append(ind).append("            }\n");
        out.append(ind).append("        }\n");
        out.append(ind).append("    }\n");
        out.append(ind).append("    inTmp = !inTmp;\n");
        out.append(ind).append("}\n");
        out.append(ind).append("if (inTmp) {\n");
        out.append(ind).append("    for (rlo_i64 j = 0; j < ").append(len).append("; j++) {\n");
        out.append(ind).append("        ").append(ob).append("[").append(at.apply("j")).append("] = ").append(tb).append("[")
                .append(at.apply("j")).append("];\n");
        out.append(ind).append("    }\n");
        out.append(ind).append("}\n");
        out.append("    }\n");
        return out.toString();
    }

    /** A scatter-add: one work item, in order (deterministic), summing into its f64 scratch (compensated pairs). */
    private String scatter(Kernel.Scatter k) {
        Buffer b = k.output();
        Node n = b.node();
        Attrs.Scatter s = n.attrs(Attrs.Scatter.class);
        List<String> space = n.in(0).type().dims();
        StringBuilder out = new StringBuilder();
        CEmitter emit = new CEmitter(plan, dialect, out);
        out.append("    if (part != 0) {\n        return;\n    }\n");
        String indent = "    ";
        for (String d : space) {
            String i = CEmitter.index(d);
            out.append(indent).append("for (rlo_i64 ").append(i).append(" = 0; ").append(i).append(" < ").append(CEmitter.size(d))
                    .append("; ").append(i).append("++) {\n");
            indent += "    ";
        }
        Map<String, String> ix = indexOf(space);
        String g = emit.value(n.in(0), ix, indent);
        String idx = emit.value(n.in(1), ix, indent);
        String at = emit.declare("rlo_i64", "rlo_check(" + idx + ", " + CEmitter.size(s.dim()) + ", " + -(plan.dims().indexOf(s.dim()) + 1)
                + ", err)", indent);
        ix.put(s.dim(), at);
        String slot = emit.declare("rlo_i64", "2 * (" + emit.offset(b, ix) + ")", indent);
        out.append(indent).append(Reduction.SUM.fold(dialect, "aux" + b.id() + "[" + slot + "]", "aux" + b.id() + "[" + slot + " + 1]",
                "(double) " + g, null)).append('\n');
        for (int i = space.size() - 1; i >= 0; i--) {
            out.append("    ".repeat(i + 1)).append("}\n");
        }
        return out.toString();
    }

    /** A finishing kernel: each work item takes output elements, merges their slices in order, and stores the result. */
    private String finish(Schedule.Reduce reduce) {
        Buffer r = reduce.buffer();
        Reduction red = reduce.reduction();
        int slots = red.slots();
        StringBuilder out = new StringBuilder();
        CEmitter emit = new CEmitter(plan, dialect, out);
        String aux = "aux" + r.id();
        out.append("    const rlo_i64 count = ").append(volume(r.type().dims())).append(";\n");
        out.append("    for (rlo_i64 e = part; e < count; e += items) {\n");
        out.append("        double p0 = ").append(aux).append("[e * ").append(slots).append("];\n");
        if (slots > 1) {
            out.append("        double p1 = ").append(aux).append("[e * 2 + 1];\n");
        }
        out.append("        for (rlo_i64 s = stride; s < slices; s += stride) {\n");
        out.append("            const double q0 = ").append(aux).append("[(s * count + e) * ").append(slots).append("];\n");
        if (slots > 1) {
            out.append("            const double q1 = ").append(aux).append("[(s * count + e) * 2 + 1];\n");
        }
        out.append("            ").append(red.merge(dialect, "p0", "p1", "q0", "q1")).append('\n');
        out.append("        }\n");
        String v = red.finish(dialect, "p0", "p1", CLoop.count(reduce.reduced()));
        String typed = switch (r.type().dtype()) {
            case BOOL -> "(" + v + ") != 0.0";
            default -> "(" + Dialect.value(r.type().dtype()) + ") (" + v + ")";
        };
        out.append("        ").append(emit.store(r, typed, "e")).append('\n');
        out.append("    }\n");
        return out.toString();
    }

    /**
     * One level of a merge tree over a reduction's partial slices: work item (element e, group g)
     * merges slices g·stride·FAN + j·stride, j < {@link GpuProgram#FAN}, in order, into the first of
     * them. No two work items touch the same slice, and the order is fixed, so results stay
     * deterministic; the finishing kernel then merges what is left, every stride-th slice.
     */
    private String merge(Schedule.Reduce reduce) {
        Buffer r = reduce.buffer();
        Reduction red = reduce.reduction();
        int slots = red.slots();
        String aux = "aux" + r.id();
        StringBuilder out = new StringBuilder();
        out.append("    const rlo_i64 count = ").append(volume(r.type().dims())).append(";\n");
        out.append("    const rlo_i64 span = stride * ").append(GpuProgram.FAN).append(";\n");
        out.append("    const rlo_i64 groups = (slices + span - 1) / span;\n");
        out.append("    for (rlo_i64 w = part; w < count * groups; w += items) {\n");
        out.append("        const rlo_i64 e = w % count;\n");
        out.append("        const rlo_i64 first = (w / count) * span;\n");
        out.append("        double p0 = ").append(aux).append("[(first * count + e) * ").append(slots).append("];\n");
        if (slots > 1) {
            out.append("        double p1 = ").append(aux).append("[(first * count + e) * 2 + 1];\n");
        }
        out.append("        for (rlo_i64 s = first + stride; s < first + span && s < slices; s += stride) {\n");
        out.append("            const double q0 = ").append(aux).append("[(s * count + e) * ").append(slots).append("];\n");
        if (slots > 1) {
            out.append("            const double q1 = ").append(aux).append("[(s * count + e) * 2 + 1];\n");
        }
        out.append("            ").append(red.merge(dialect, "p0", "p1", "q0", "q1")).append('\n');
        out.append("        }\n");
        out.append("        ").append(aux).append("[(first * count + e) * ").append(slots).append("] = p0;\n");
        if (slots > 1) {
            out.append("        ").append(aux).append("[(first * count + e) * 2 + 1] = p1;\n");
        }
        out.append("    }\n");
        return out.toString();
    }

    /** Opens a loop over the lanes of {@code dims} (one per work item, strided) and declares their indices; returns the body's indent. */
    private static String lanes(StringBuilder out, List<String> dims) {
        out.append("    const rlo_i64 lanes = ").append(volume(dims)).append(";\n");
        out.append("    for (rlo_i64 lane = part; lane < lanes; lane += items) {\n");
        decompose(out, dims, "lane", "        ");
        return "        ";
    }

    /** Declares {@code i_<dim>} for each of {@code dims} from the row-major linear index {@code linear}. */
    static void decompose(StringBuilder out, List<String> dims, String linear, String indent) {
        if (dims.isEmpty()) {
            return;
        }
        out.append(indent).append("rlo_i64 rest = ").append(linear).append(";\n");
        for (int k = dims.size() - 1; k > 0; k--) {
            String d = dims.get(k);
            out.append(indent).append("const rlo_i64 ").append(CEmitter.index(d)).append(" = rest % ").append(CEmitter.size(d)).append(";\n");
            out.append(indent).append("rest /= ").append(CEmitter.size(d)).append(";\n");
        }
        out.append(indent).append("const rlo_i64 ").append(CEmitter.index(dims.getFirst())).append(" = rest;\n");
    }

    /** The number of elements over {@code dims}, as a C expression. */
    static String volume(List<String> dims) {
        return dims.isEmpty() ? "1" : "(" + dims.stream().map(CEmitter::size).collect(Collectors.joining(" * ")) + ")";
    }

    static Map<String, String> indexOf(List<String> dims) {
        Map<String, String> ix = new LinkedHashMap<>();
        dims.forEach(d -> ix.put(d, CEmitter.index(d)));
        return ix;
    }
}
