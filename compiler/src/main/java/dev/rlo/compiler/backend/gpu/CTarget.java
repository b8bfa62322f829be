package dev.rlo.compiler.backend.gpu;

import dev.rlo.compiler.backend.Renderer;
import dev.rlo.compiler.backend.Values;
import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.fuse.Reduction;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.DType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The C target of the renderer ({@link Renderer}): a schedule as one OpenCL C or CUDA C program —
 * the {@link Prelude}, then a kernel per launch (a scan also in its chunked form, {@link ScanChunks}),
 * and a finishing kernel (after a merge tree's, for a partial reduction) per finishing step.
 * Deterministic: the same schedule gives the same text, byte for byte. Every kernel's parameters are
 * the buffers its body names, then {@code n}, {@code err}, and {@code items} ({@link GpuProgram}).
 * <p>
 * What is C here: locals are {@code const}, booleans are ints, a work item takes every
 * {@code items}-th index of the split dimension, and an element-wise phase strides over its whole
 * space, flattened (consecutive work items touch consecutive elements). Values are computed in
 * their own dtype with the device's math functions (an f32 exp is {@code expf} on CUDA), so results
 * may differ from the reference by an ulp or two per op; the special functions are computed in f64
 * and rounded, as the reference does. The two dialects differ only in what {@link Dialect} spells.
 */
public final class CTarget extends Renderer {

    private final Dialect dialect;
    private final StringBuilder program = new StringBuilder();
    private final Map<String, List<String>> params = new LinkedHashMap<>();

    private CTarget(Schedule schedule, Dialect dialect) {
        super(schedule);
        this.dialect = dialect;
    }

    public static GpuProgram render(Schedule schedule, Dialect dialect) {
        CTarget c = new CTarget(schedule, dialect);
        c.program.append(Prelude.render(dialect));
        c.renderSteps();
        return new GpuProgram(dialect, c.program.toString(), schedule.plan().dims(), c.params);
    }

    // ---- kernels ----------------------------------------------------------------------------------

    @Override
    protected String indent(Schedule.Launch l) {
        return "    ";
    }

    @Override
    protected void entry(Schedule.Launch l, String body) {
        kernel(l.name(), body);
        if (l.kernel() instanceof Kernel.Scan s) {
            ScanChunks chunks = new ScanChunks(this, s);
            kernel(l.name() + "_c0", chunks.local());
            kernel(l.name() + "_c1", chunks.carries());
            kernel(l.name() + "_c2", chunks.apply());
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
        Set<String> used = new HashSet<>();
        Matcher s = SIZE.matcher(body);
        while (s.find()) {
            used.add(s.group(1));
        }
        List<String> dims = plan.dims();
        for (int i = 0; i < dims.size(); i++) {
            if (used.contains(dims.get(i))) {
                program.append("    const rlo_i64 ").append(size(dims.get(i))).append(" = n[").append(i).append("];\n");
            }
        }
        program.append(body).append("}\n\n");
    }

    /** An element-wise phase strides over its whole space, flattened; any other is the renderer's nest. */
    @Override
    protected void phase(Schedule.Launch l, Schedule.Phase p, String indent) {
        List<String> dims = l.nest().inner();
        if (!p.elementwise() || dims.isEmpty()) {
            super.phase(l, p, indent);
            return;
        }
        line(indent, "const rlo_i64 total = " + dims.stream().map(this::size).collect(Collectors.joining(" * ")) + ";");
        line(indent, "for (rlo_i64 at = part; at < total; at += items) {");
        decompose(out, dims, "at", indent + "    ");
        body(l, p, indent + "    ");
        close(indent);
    }

    @Override
    protected String loop(String index, String from, String size, boolean split) {
        return split ? "for (rlo_i64 " + index + " = part; " + index + " < " + size + "; " + index + " += items) {"
                : "for (rlo_i64 " + index + " = " + from + "; " + index + " < " + size + "; " + index + "++) {";
    }

    /** One lane per work item, strided; the lane's indices from its row-major number. */
    @Override
    protected String openLanes(List<String> dims, String indent) {
        out.append(lanes(dims));
        return "        ";
    }

    @Override
    protected void closeLanes(List<String> dims, String indent) {
        line("    ", "}");
    }

    /** The loop over the lanes of {@code dims}, with their indices declared. */
    String lanes(List<String> dims) {
        StringBuilder s = new StringBuilder();
        s.append("    const rlo_i64 lanes = ").append(volume(dims)).append(";\n");
        s.append("    for (rlo_i64 lane = part; lane < lanes; lane += items) {\n");
        decompose(s, dims, "lane", "        ");
        return s.toString();
    }

    /** Declares {@code i_<dim>} for each of {@code dims} from the row-major linear index {@code linear}. */
    void decompose(StringBuilder s, List<String> dims, String linear, String indent) {
        if (dims.isEmpty()) {
            return;
        }
        s.append(indent).append("rlo_i64 rest = ").append(linear).append(";\n");
        for (int k = dims.size() - 1; k > 0; k--) {
            String d = dims.get(k);
            s.append(indent).append("const rlo_i64 ").append(index(d)).append(" = rest % ").append(size(d)).append(";\n");
            s.append(indent).append("rest /= ").append(size(d)).append(";\n");
        }
        s.append(indent).append("const rlo_i64 ").append(index(dims.getFirst())).append(" = rest;\n");
    }

    /** The number of elements over {@code dims}, as a C expression. */
    String volume(List<String> dims) {
        return dims.isEmpty() ? "1" : "(" + dims.stream().map(this::size).collect(Collectors.joining(" * ")) + ")";
    }

    @Override
    protected boolean sweeps() {
        return false;
    }

    // ---- memory -----------------------------------------------------------------------------------

    @Override
    public Values.Value load(Values memo, Buffer b, Map<String, String> ix) {
        String elem = "b" + b.id() + "[" + offset(b, ix) + "]";
        return memo.declare(b.type().dtype(), b.type().dtype() == DType.BOOL ? "(int) " + elem : elem);
    }

    @Override
    protected String store(Buffer b, String offset, String value) {
        String v = b.type().dtype() == DType.BOOL ? "(rlo_u8) (" + value + " ? 1 : 0)" : value;
        return "b" + b.id() + "[" + offset + "] = " + v + ";";
    }

    @Override
    protected String offset(List<String> dims, Map<String, String> ix) {
        if (dims.isEmpty()) {
            return "0";
        }
        String s = ix.get(dims.getFirst());
        for (int k = 1; k < dims.size(); k++) {
            s = "(" + s + ") * " + size(dims.get(k)) + " + " + ix.get(dims.get(k));
        }
        return s;
    }

    /** Slot {@code slot} of {@code r}'s scratch at {@code offset}, in this work item's slice if partial. */
    @Override
    protected String scratch(Schedule.Reduce r, String offset, int slot) {
        int slots = r.reduction().slots();
        if (slot >= slots) {
            return null;
        }
        String base = r.partial() ? "part * " + volume(r.buffer().type().dims()) + " + " : "";
        return "aux" + r.buffer().id() + "[(" + base + offset + ") * " + slots + " + " + slot + "]";
    }

    @Override
    protected String scatterInto(Values memo, Schedule.Reduce r, String offset, String v) {
        String slot = memo.declare(indexType(), "2 * (" + offset + ")");
        String aux = "aux" + r.buffer().id();
        return Reduction.SUM.fold(this, aux + "[" + slot + "]", aux + "[" + slot + " + 1]", v, null);
    }

    @Override
    protected String count(List<String> dims) {
        return dims.isEmpty() ? "1.0" : "(double) (" + dims.stream().map(this::size).collect(Collectors.joining(" * ")) + ")";
    }

    @Override
    protected String checkScatter(String index, String dim) {
        return "rlo_check(" + index + ", " + size(dim) + ", " + -(plan.dims().indexOf(dim) + 1) + ", err)";
    }

    @Override
    public String checkGather(String index, String dim, int gather) {
        return "rlo_check(" + index + ", " + size(dim) + ", " + (gather + 1) + ", err)";
    }

    // ---- finishing steps --------------------------------------------------------------------------

    /** A partial reduction's merge tree level, then its finishing kernel. */
    @Override
    protected void finish(Schedule.Finish f) {
        if (f.reduce().partial()) {
            kernel("m" + f.reduce().buffer().id(), merge(f.reduce()));
        }
        kernel(f.name(), finishing(f.reduce()));
    }

    /** A finishing kernel: each work item takes output elements, merges their slices in order, and stores the result. */
    private String finishing(Schedule.Reduce reduce) {
        Buffer r = reduce.buffer();
        Reduction red = reduce.reduction();
        int slots = red.slots();
        String aux = "aux" + r.id();
        StringBuilder s = new StringBuilder();
        s.append("    const rlo_i64 count = ").append(volume(r.type().dims())).append(";\n");
        s.append("    for (rlo_i64 e = part; e < count; e += items) {\n");
        s.append("        double p0 = ").append(aux).append("[e * ").append(slots).append("];\n");
        if (slots > 1) {
            s.append("        double p1 = ").append(aux).append("[e * 2 + 1];\n");
        }
        s.append("        for (rlo_i64 s = stride; s < slices; s += stride) {\n");
        slices(s, red, aux);
        String v = red.finish(this, "p0", "p1", count(reduce.reduced()));
        String typed = r.type().dtype() == DType.BOOL ? "(" + v + ") != 0.0" : "(" + type(r.type().dtype()) + ") (" + v + ")";
        s.append("        ").append(store(r, "e", typed)).append('\n');
        s.append("    }\n");
        return s.toString();
    }

    /** Inside the loop over slices {@code s}: slice s of element e merged into p0, p1. */
    private void slices(StringBuilder s, Reduction red, String aux) {
        int slots = red.slots();
        s.append("            const double q0 = ").append(aux).append("[(s * count + e) * ").append(slots).append("];\n");
        if (slots > 1) {
            s.append("            const double q1 = ").append(aux).append("[(s * count + e) * 2 + 1];\n");
        }
        s.append("            ").append(red.merge(this, "p0", "p1", "q0", "q1")).append('\n');
        s.append("        }\n");
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
        StringBuilder s = new StringBuilder();
        s.append("    const rlo_i64 count = ").append(volume(r.type().dims())).append(";\n");
        s.append("    const rlo_i64 span = stride * ").append(GpuProgram.FAN).append(";\n");
        s.append("    const rlo_i64 groups = (slices + span - 1) / span;\n");
        s.append("    for (rlo_i64 w = part; w < count * groups; w += items) {\n");
        s.append("        const rlo_i64 e = w % count;\n");
        s.append("        const rlo_i64 first = (w / count) * span;\n");
        s.append("        double p0 = ").append(aux).append("[(first * count + e) * ").append(slots).append("];\n");
        if (slots > 1) {
            s.append("        double p1 = ").append(aux).append("[(first * count + e) * 2 + 1];\n");
        }
        s.append("        for (rlo_i64 s = first + stride; s < first + span && s < slices; s += stride) {\n");
        slices(s, red, aux);
        s.append("        ").append(aux).append("[(first * count + e) * ").append(slots).append("] = p0;\n");
        if (slots > 1) {
            s.append("        ").append(aux).append("[(first * count + e) * 2 + 1] = p1;\n");
        }
        s.append("    }\n");
        return s.toString();
    }

    // ---- argsort ----------------------------------------------------------------------------------

    /** Nothing: the merges' scratch is the device buffer tmp&lt;id&gt;, a parameter of the kernel. */
    @Override
    protected void sortScratch(Schedule.Sort s, String indent) {
    }

    /**
     * A row of an argsort (a lane of a work item, or a Loop's outer index): stable, NaN last, in
     * place in the output — insertion sort of runs of 32, then bottom-up merges through {@code tmp}
     * (as {@link dev.rlo.compiler.backend.cpu.Sorting}).
     */
    @Override
    protected void sortRow(Schedule.Sort s, String indent) {
        Attrs.Argsort a = s.attrs();
        Buffer in = s.input();
        line(indent, "{");
        String ind = indent + "    ";
        String len = size(a.dim());
        String desc = a.descending() ? "1" : "0";
        String ob = "b" + s.buffer().id();
        String tb = "tmp" + s.buffer().id();
        Function<String, String> at = j -> {
            Map<String, String> ix = indexOf(in.type().dims());
            ix.put(a.dim(), j);
            return offset(in, ix);
        };
        Function<String, String> val = j -> "(double) b" + in.id() + "[" + at.apply(j) + "]";
        String[] text = {
            "for (rlo_i64 j = 0; j < " + len + "; j++) {",
            "    " + ob + "[" + at.apply("j") + "] = (int) j;",
            "}",
            "for (rlo_i64 lo = 0; lo < " + len + "; lo += 32) {",
            "    const rlo_i64 hi = lo + 32 < " + len + " ? lo + 32 : " + len + ";",
            "    for (rlo_i64 i = lo + 1; i < hi; i++) {",
            "        const int x = " + ob + "[" + at.apply("i") + "];",
            "        const double xv = " + val.apply("x") + ";",
            "        rlo_i64 j = i - 1;",
            "        while (j >= lo && rlo_before(xv, " + val.apply(ob + "[" + at.apply("j") + "]") + ", " + desc + ")) {",
            "            " + ob + "[" + at.apply("j + 1") + "] = " + ob + "[" + at.apply("j") + "];",
            "            j--;",
            "        }",
            "        " + ob + "[" + at.apply("j + 1") + "] = x;",
            "    }",
            "}",
        };
        for (String t : text) {
            line(ind, t);
        }
        /* merges: ping-pong between the output and tmp, ties taken from the left run */
        String ptr = dialect.global("int").replace("* __restrict__", "*");
        String[] merges = {
            "int inTmp = 0;",
            "for (rlo_i64 w = 32; w < " + len + "; w *= 2) {",
            "    " + ptr + " from = inTmp ? " + tb + " : " + ob + ";",
            "    " + ptr + " to = inTmp ? " + ob + " : " + tb + ";",
            "    for (rlo_i64 lo = 0; lo < " + len + "; lo += 2 * w) {",
            "        const rlo_i64 mid = lo + w < " + len + " ? lo + w : " + len + ";",
            "        const rlo_i64 hi = lo + 2 * w < " + len + " ? lo + 2 * w : " + len + ";",
            "        rlo_i64 i = lo;",
            "        rlo_i64 j = mid;",
            "        for (rlo_i64 q = lo; q < hi; q++) {",
            "            if (j < hi && (i >= mid || rlo_before(" + val.apply("from[" + at.apply("j") + "]") + ", "
                    + val.apply("from[" + at.apply("i") + "]") + ", " + desc + "))) {",
            "                to[" + at.apply("q") + "] = from[" + at.apply("j") + "];",
            "                j++;",
            "            } else {",
            "                to[" + at.apply("q") + "] = from[" + at.apply("i") + "];",
            "                i++;",
            "            }",
            "        }",
            "    }",
            "    inTmp = !inTmp;",
            "}",
            "if (inTmp) {",
            "    for (rlo_i64 j = 0; j < " + len + "; j++) {",
            "        " + ob + "[" + at.apply("j") + "] = " + tb + "[" + at.apply("j") + "];",
            "    }",
            "}",
        };
        for (String t : merges) {
            line(ind, t);
        }
        close(indent);
    }

    // ---- spellings --------------------------------------------------------------------------------

    @Override
    public String type(DType d) {
        return switch (d) {
            case F32 -> "float";
            case F64 -> "double";
            case I32, BOOL -> "int";
        };
    }

    @Override
    public String indexType() {
        return "rlo_i64";
    }

    @Override
    public String declare(String type, String name, String expr) {
        return "const " + type + " " + name + " = " + expr + ";";
    }

    @Override
    public String literal(double v, DType d) {
        return switch (d) {
            case BOOL -> v != 0 ? "1" : "0";
            case I32 -> String.valueOf((int) v);
            case F32 -> Float.isNaN((float) v) ? "RLO_NAN_F" : Float.isInfinite((float) v)
                    ? (v > 0 ? "RLO_INF_F" : "(-RLO_INF_F)") : Float.toString((float) v) + "f";
            case F64 -> Double.isNaN(v) ? "RLO_NAN_D" : Double.isInfinite(v)
                    ? (v > 0 ? "RLO_INF_D" : "(-RLO_INF_D)") : Double.toString(v);
        };
    }

    @Override
    protected String function(Node n, String[] a) {
        DType d = n.type().dtype();
        DType in = n.inputs().isEmpty() ? d : n.in(0).type().dtype();
        String s = in == DType.F32 ? "_f" : "_d";
        String cast = d == DType.F32 ? "(float) " : "";
        return switch (n.op()) {
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
            case POW -> math("pow", d) + "(" + a[0] + ", " + a[1] + ")";
            case MIN -> minMax("min", in, s, a[0], a[1]);
            case MAX -> minMax("max", in, s, a[0], a[1]);
            case CLIP -> minMax("min", in, s, minMax("max", in, s, a[0], a[1]), a[2]);
            default -> throw new IllegalStateException(n.op() + " is not element-wise");
        };
    }

    /** A C math function for a value of {@code d}: CUDA spells the f32 ones with an f. */
    private String math(String f, DType d) {
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

    private String cast(String a, DType from, DType to) {
        if (from == DType.BOOL || to == DType.BOOL) {
            return to == DType.BOOL ? "(" + a + " != 0)" : "(" + type(to) + ") " + a;
        }
        if (to == DType.I32 && from.isFloat()) {
            return "rlo_to_int" + (from == DType.F32 ? "_f" : "_d") + "(" + a + ")";
        }
        return "(" + type(to) + ") " + a;
    }

    // ---- the reduction table's spellings ----------------------------------------------------------

    @Override
    public String constant() {
        return "const double";
    }

    @Override
    public String f64(double v) {
        return Double.isNaN(v) ? "RLO_NAN_D" : Double.isInfinite(v) ? (v > 0 ? "RLO_INF_D" : "-RLO_INF_D") : v == 1e300 ? "1e300" : Double.toString(v);
    }

    @Override
    public String max(String a, String b) {
        return "rlo_max_d(" + a + ", " + b + ")";
    }

    @Override
    public String min(String a, String b) {
        return "rlo_min_d(" + a + ", " + b + ")";
    }

    @Override
    public String isNan(String x) {
        return "RLO_ISNAN(" + x + ")";
    }

    @Override
    public String exp(String x) {
        return "exp(" + x + ")";
    }

    @Override
    public String log(String x) {
        return "log(" + x + ")";
    }

    @Override
    public String total(String s, String c) {
        return "rlo_total(" + s + ", " + c + ")";
    }

    @Override
    public String mean(String s, String c, String n) {
        return "rlo_mean(" + s + ", " + c + ", " + n + ")";
    }

    /** A memo for code outside the renderer's walk ({@link ScanChunks}), its locals numbered from 0. */
    Values values(StringBuilder to, String indent) {
        return new Values(plan, this, to, indent, "v", new int[1]);
    }
}
