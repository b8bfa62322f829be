package dev.rlo.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.check.Builtin;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every builtin and operator with every combination of argument dtypes the checker accepts, through
 * every backend: values, reports and gradients of the fused backends against the reference. A
 * combination the checker accepts must run everywhere (issue 15: `max` over a bool passed `check`
 * and did not compile on the cpu backend). The combinations are generated, not listed: each tensor
 * parameter of a builtin takes f32, f64, i32 and bool in turn; the checker decides which are legal.
 * Tensor parameters take a, b, c: [G,K]; levels and indices (q, alpha, index) take s: [G]. Inputs are
 * f32/f64 in (0.1, 0.9) (inside every op's domain), i32 in [0, 3) (valid indices along K of size 4)
 * and random bools; G = 3, K = 4.
 */
class OpDtypeSweepTest {

    static final List<String> DTYPES = List.of("f32", "f64", "i32", "bool");
    static final List<String> OPERATORS = List.of("+", "-", "*", "/", "**", "<", "<=", ">", ">=", "==", "!=", "and", "or");

    /** The probes of one builtin or operator group: accepted expressions over a/b/c_<dtype>, each a report. */
    record Batch(String name, List<String> exprs) { }

    /** Every accepted combination of each builtin, and of the operators. */
    static List<Batch> families() {
        List<Batch> out = new ArrayList<>();
        for (Builtin b : Builtin.values()) {
            List<String> exprs = new ArrayList<>();
            for (String call : calls(b)) {
                exprs.addAll(accepted(call));
            }
            assertTrue(!exprs.isEmpty(), b.rloName() + ": the checker accepts no combination");
            out.add(new Batch(b.rloName(), exprs));
        }
        List<String> ops = new ArrayList<>();
        for (String op : OPERATORS) {
            ops.addAll(accepted("A " + op + " B"));
            ops.addAll(accepted("A " + op + " 2"));
        }
        ops.addAll(accepted("-A"));
        ops.addAll(accepted("not A"));
        ops.addAll(accepted("A[K = B]"));
        ops.addAll(accepted("A[K -> M] * A"));
        out.add(new Batch("operators", ops));
        return out;
    }

    /**
     * The combinations kept where they bring an op a backend has not yet been given with those
     * dtypes (forward or backward; {@link #signatures}): the same IR reached twice would only cost
     * compile time (PoCL's especially). Grouped a few builtins a batch.
     */
    static List<Batch> batches() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<Batch> out = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Batch> families = families();
        for (int f = 0; f < families.size(); f++) {
            for (String e : families.get(f).exprs()) {
                if (seen.addAll(signatures(e))) {
                    batch.add(e);
                }
            }
            names.add(families.get(f).name());
            if (batch.size() >= 24 || f == families.size() - 1) {
                out.add(new Batch(String.join(", ", names), List.copyOf(batch)));
                batch.clear();
                names.clear();
            }
        }
        return out;
    }

    /** What an expression asks of a backend: each node of its graph as op, input dtypes and result dtype. */
    static java.util.Set<String> signatures(String expr) {
        Graph g = Rlo.source(source(List.of(expr))).graph("dtype_probe", Map.of(), false, true);
        java.util.Set<String> out = new java.util.HashSet<>();
        for (dev.rlo.compiler.ir.Node n : g.nodes()) {
            out.add(n.op().name() + n.inputs().stream().map(i -> i.type().dtype().name()).toList() + n.type().dtype());
        }
        return out;
    }

    /** Call templates for {@code b}: tensor parameters as A, B, C (dtypes filled in later); dimensions K. */
    static List<String> calls(Builtin b) {
        List<String> args = new ArrayList<>();
        List<String> grouped = new ArrayList<>();
        char next = 'A';
        for (Builtin.Formal f : b.formals()) {
            switch (f.kind()) {
                case TENSOR, DATA -> {
                    if (f.name().equals("by")) {
                        grouped.add("by: keys");
                    } else if (List.of("q", "alpha", "index").contains(f.name())) {
                        args.add(f.name() + ": S");   /* may not have the reduced (or new) dimension K */
                    } else if (!f.optional()) {
                        args.add(f.name() + ": " + next++);
                    }
                }
                case DIM -> args.add(f.name() + ": K");
                case DIMS -> args.add(f.name() + ": K");
                case INT -> {
                    if (!f.optional()) {
                        args.add(f.name() + ": " + (f.name().equals("k") ? 2 : 1));
                    }
                }
                case BOOL -> { }
            }
        }
        String name = b.rloName();
        List<String> out = new ArrayList<>();
        if (b == Builtin.MIN || b == Builtin.MAX) {
            out.add(name + "(x: A, y: B)");
        }
        if (b == Builtin.SCAN) {
            args.set(args.indexOf("decay: B"), "decay: B * 0.5");
        }
        out.add(name + "(" + String.join(", ", args) + ")");
        if (!grouped.isEmpty()) {
            out.add(name + "(" + String.join(", ", args) + ", " + grouped.getFirst() + ")");
        }
        return out;
    }

    /** Every dtype combination of {@code template}'s A, B, C, S that the checker accepts, as expressions. */
    static List<String> accepted(String template) {
        List<String> slots = Stream.of("A", "B", "C", "S").filter(x -> template.matches(".*\\b" + x + "\\b.*")).toList();
        List<String> out = new ArrayList<>();
        for (int combo = 0; combo < Math.pow(DTYPES.size(), slots.size()); combo++) {
            String expr = template;
            int c = combo;
            for (String slot : slots) {
                expr = expr.replaceAll("\\b" + slot + "\\b", slot.toLowerCase() + "_" + DTYPES.get(c % DTYPES.size()));
                c /= DTYPES.size();
            }
            try {
                Rlo.source(source(List.of(expr))).graph("dtype_probe", Map.of(), false, true);
                out.add(expr);
            } catch (Compiler.CheckFailed e) {
                /* not legal rlo: nothing to run */
            }
        }
        return out;
    }

    /** An objective reporting each expression; its loss reaches every float one, so gradients run through them. */
    static String source(List<String> exprs) {
        StringBuilder params = new StringBuilder();
        for (String v : List.of("a", "b", "c", "s")) {
            for (String d : DTYPES) {
                params.append(v).append('_').append(d).append(": ").append(d).append(v.equals("s") ? "[G]" : "[G,K]")
                        .append(d.startsWith("f") ? " grad" : "").append(", ");
            }
        }
        StringBuilder body = new StringBuilder();
        StringBuilder loss = new StringBuilder("  mean(f64(a_f32)) + mean(a_f64)");
        for (int i = 0; i < exprs.size(); i++) {
            body.append("  let e").append(i).append(" = ").append(exprs.get(i)).append('\n');
            body.append("  report r").append(i).append(" = e").append(i).append('\n');
            loss.append(" + mean(f64(e").append(i).append("))");
        }
        return "objective dtype_probe(" + params + "keys: i32[K]) {\n" + body + loss + "\n}\n";
    }

    static List<Supplier<Backend>> fused() {
        return List.of(CpuBackend::new, Devices::opencl);
    }

    @TestFactory
    Stream<DynamicTest> everyAcceptedCombinationRunsOnEveryBackend() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Batch batch : batches()) {
            for (Supplier<Backend> backend : fused()) {
                tests.add(DynamicTest.dynamicTest(batch.name() + " (" + batch.exprs().size() + " combinations)",
                        () -> check(batch, backend.get())));
            }
        }
        return tests.stream();
    }

    /** What `rlo check --types` says each report is, the IR computes: the same dtype and dimensions. */
    @TestFactory
    Stream<DynamicTest> theCheckersTypesAreTheIrsTypes() {
        return families().stream().map(batch -> DynamicTest.dynamicTest(batch.name(), () -> {
            Compiler c = Rlo.source(source(batch.exprs()));
            Graph g = c.graph("dtype_probe", Map.of(), false, false);
            List<String> wrong = new ArrayList<>();
            for (dev.rlo.compiler.check.FnInfo.Binding bind : c.info(c.objectiveDecls().getFirst()).bindings()) {
                if (bind.kind().equals("report") && bind.typed() instanceof dev.rlo.compiler.check.Typed.Value v) {
                    var ir = g.output(Output.report(bind.name())).type();
                    if (!(v.type().dtype() + "" + v.type().dims()).equals(ir.dtype() + "" + ir.dims())) {
                        wrong.add(describe(batch, Output.report(bind.name())) + ": checker " + v.type() + ", IR " + ir);
                    }
                }
            }
            assertEquals(List.of(), wrong);
        }));
    }

    private static void check(Batch batch, Backend fused) {
        Compiler c = Rlo.source(source(batch.exprs()));
        Graph g = c.graph("dtype_probe", Map.of(), false, true);
        Map<String, Tensor> inputs = inputs(g, new Random(batch.name().hashCode()));
        Map<Output, Tensor> want = new ReferenceBackend().compile(g).run(inputs);
        Map<Output, Tensor> got;
        try {
            got = fused.compile(g).run(inputs);
        } catch (RuntimeException e) {
            throw new AssertionError(batch.name() + " on " + fused.name() + ": " + failing(batch, fused) + ": " + e.getMessage(), e);
        }
        assertEquals(want.keySet(), got.keySet());
        want.forEach((name, w) -> {
            Tensor h = got.get(name);
            String what = batch.name() + " on " + fused.name() + ", " + describe(batch, name);
            assertEquals(w.dims(), h.dims(), what);
            assertEquals(w.dtype(), h.dtype(), what);
            /* f32 math differs by ulps between Java, PoCL and CUDA; an f64 loss sums such f32 values */
            double tol = 1e-5;
            double[] a = w.values();
            double[] b = h.values();
            for (int i = 0; i < a.length; i++) {
                boolean same = Double.isNaN(a[i]) ? Double.isNaN(b[i])
                        : a[i] == b[i] || Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(a[i]));
                int at = i;
                assertTrue(same, () -> what + "[" + at + "]: reference " + a[at] + ", " + fused.name() + " " + b[at]);
            }
        });
    }

    /** The expressions of a batch that fail on their own, to name the culprit of a failing batch. */
    private static List<String> failing(Batch batch, Backend fused) {
        List<String> bad = new ArrayList<>();
        for (String e : batch.exprs()) {
            Graph g = Rlo.source(source(List.of(e))).graph("dtype_probe", Map.of(), false, true);
            try {
                fused.compile(g).run(inputs(g, new Random(1)));
            } catch (RuntimeException ex) {
                bad.add(e);
            }
        }
        return bad;
    }

    /** An output, and for report {@code rN} the N-th expression of the batch, which it reports. */
    private static String describe(Batch batch, Output output) {
        if (output.kind() == Output.Kind.REPORT && output.name().startsWith("r")) {
            return output + " = " + batch.exprs().get(Integer.parseInt(output.name().substring(1)));
        }
        return output.toString();
    }

    static Map<String, Tensor> inputs(Graph g, Random r) {
        Map<String, Long> sizes = Map.of("G", 3L, "K", 4L);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Graph.Input in : g.inputs()) {
            long[] shape = in.type().dims().stream().mapToLong(sizes::get).toArray();
            int n = (int) java.util.Arrays.stream(shape).reduce(1, (x, y) -> x * y);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (in.type().dtype()) {
                    case F32, F64 -> 0.1 + 0.8 * r.nextDouble();
                    case I32 -> r.nextInt(3);
                    case BOOL -> r.nextBoolean() ? 1 : 0;
                };
            }
            out.put(in.name(), Tensor.of(in.type().dtype(), in.type().dims(), shape, v));
        }
        return out;
    }
}
