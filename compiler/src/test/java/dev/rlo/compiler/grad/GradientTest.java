package dev.rlo.compiler.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Gradcheck;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.ir.IrBuilder;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.pass.AutodiffPass;
import dev.rlo.compiler.pass.CsePass;
import dev.rlo.compiler.pass.FoldPass;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every differentiable op's vector-Jacobian rule against central finite differences (in f64, on the
 * reference backend, error ≤ 1e-6 as {@link Gradcheck} measures it). Each case is a small objective
 * that applies a builtin to {@code grad} inputs drawn from the op's domain — away from kinks and
 * ties — and contracts the result with fixed random weights, so that every output element counts.
 * Ops no source program reaches in a forward graph (expand, scatter_add, float casts) are built as
 * IR directly. Last, the test checks that the cases covered every differentiable op (run the class
 * whole for that).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class GradientTest {

    static final double TOLERANCE = 1e-6;
    static final Set<Op> NO_GRADIENT = EnumSet.of(Op.INPUT, Op.CONST, Op.IOTA, Op.SIZE, Op.NOT, Op.SIGN, Op.FLOOR, Op.CEIL, Op.LT, Op.LE,
            Op.GT, Op.GE, Op.EQ, Op.NE, Op.AND, Op.OR, Op.ARGMAX, Op.ARGMIN, Op.ARGSORT, Op.STOP_GRADIENT);
    static final Set<Op> COVERED = EnumSet.noneOf(Op.class);

    /** How an input's values are drawn: uniform in [lo, hi], with a random sign if {@code signed}. */
    public record Draw(double lo, double hi, boolean signed, boolean distinct) {
        static Draw range(double lo, double hi) {
            return new Draw(lo, hi, false, false);
        }

        double[] sample(int n, Random r) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                double step = distinct ? (hi - lo) / n : 0;
                double u = distinct ? lo + step * (i + 0.2 + 0.6 * r.nextDouble()) : lo + (hi - lo) * r.nextDouble();
                v[i] = signed && r.nextBoolean() ? -u : u;
            }
            if (distinct) {
                for (int i = n - 1; i > 0; i--) {
                    int j = r.nextInt(i + 1);
                    double t = v[i];
                    v[i] = v[j];
                    v[j] = t;
                }
            }
            return v;
        }
    }

    static final Draw ANY = Draw.range(-2, 2);
    static final Draw POSITIVE = Draw.range(0.3, 3);
    static final Draw NONZERO = new Draw(0.2, 2, true, false);
    static final Draw DISTINCT = new Draw(-3, 3, false, true);
    static final Draw UNIT = Draw.range(0.05, 0.95);

    /**
     * One case: {@code expr} over the inputs {@code params} (name → type and draw), whose result has
     * dimensions {@code dims}; the loss is sum(expr * w) with fixed weights w.
     */
    public record Case(String name, String params, String expr, String dims, Map<String, Draw> draws) { }

    public static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        String x = "x: f64[N] grad";
        String xy = "x: f64[N] grad, y: f64[N] grad";
        c.add(new Case("neg", x, "-x", "N", Map.of("x", ANY)));
        c.add(new Case("abs", x, "abs(x)", "N", Map.of("x", NONZERO)));
        c.add(new Case("exp", x, "exp(x)", "N", Map.of("x", ANY)));
        c.add(new Case("log", x, "log(x)", "N", Map.of("x", POSITIVE)));
        c.add(new Case("log1p", x, "log1p(x)", "N", Map.of("x", Draw.range(-0.5, 2))));
        c.add(new Case("expm1", x, "expm1(x)", "N", Map.of("x", ANY)));
        c.add(new Case("sqrt", x, "sqrt(x)", "N", Map.of("x", POSITIVE)));
        c.add(new Case("tanh", x, "tanh(x)", "N", Map.of("x", ANY)));
        c.add(new Case("sigmoid", x, "sigmoid(x)", "N", Map.of("x", ANY)));
        c.add(new Case("softplus", x, "softplus(x)", "N", Map.of("x", Draw.range(-4, 4))));
        c.add(new Case("log_sigmoid", x, "log_sigmoid(x)", "N", Map.of("x", Draw.range(-4, 4))));
        c.add(new Case("normal_cdf", x, "normal_cdf(x)", "N", Map.of("x", ANY)));
        c.add(new Case("normal_icdf", x, "normal_icdf(x)", "N", Map.of("x", UNIT)));
        c.add(new Case("lgamma", x, "lgamma(x)", "N", Map.of("x", Draw.range(0.3, 6))));
        c.add(new Case("lgamma_negative", x, "lgamma(x)", "N", Map.of("x", Draw.range(-2.8, -2.2))));
        c.add(new Case("digamma", x, "digamma(x)", "N", Map.of("x", Draw.range(0.5, 6))));
        c.add(new Case("square", x, "square(x)", "N", Map.of("x", ANY)));
        c.add(new Case("relu", x, "relu(x)", "N", Map.of("x", NONZERO)));
        c.add(new Case("add_sub", xy, "x + y - 2 * x", "N", Map.of("x", ANY, "y", ANY)));
        c.add(new Case("mul_div", xy, "x * y / (y * y + 1)", "N", Map.of("x", ANY, "y", ANY)));
        c.add(new Case("pow", xy, "x ** y", "N", Map.of("x", POSITIVE, "y", ANY)));
        c.add(new Case("min_max", xy, "min(x, y) + 2 * max(x, y)", "N", Map.of("x", DISTINCT, "y", DISTINCT)));
        c.add(new Case("where", "x: f64[N] grad, y: f64[N] grad, c: bool[N]", "where(c, x * 2, y * 3)", "N",
                Map.of("x", ANY, "y", ANY)));
        c.add(new Case("clip", "x: f64[N] grad, lo: f64 grad, hi: f64 grad", "clip(x, lo, hi)", "N",
                Map.of("x", new Draw(-3, 3, false, true), "lo", Draw.range(-0.9, -0.6), "hi", Draw.range(0.6, 0.9))));
        c.add(new Case("huber", x, "huber(x, 1.0)", "N", Map.of("x", new Draw(0.1, 0.8, true, false))));
        c.add(new Case("huber_linear", x, "huber(x, 1.0)", "N", Map.of("x", new Draw(1.2, 3, true, false))));
        c.add(new Case("beta_pdf", "x: f64[N] grad, a: f64 grad, b: f64 grad", "beta_pdf(x, a, b)", "N",
                Map.of("x", Draw.range(0.1, 0.9), "a", Draw.range(1.2, 3), "b", Draw.range(1.2, 3))));
        String gk = "x: f64[G,K] grad";
        c.add(new Case("sum_mean", gk, "sum(x, over: K) + mean(x, over: K) * 3 + mean(x)", "G", Map.of("x", ANY)));
        c.add(new Case("reduce_max_min", gk, "2 * max(x, over: K) - min(x, over: K)", "G",
                Map.of("x", DISTINCT)));
        c.add(new Case("logsumexp", gk, "logsumexp(x, over: K)", "G", Map.of("x", ANY)));
        c.add(new Case("var_std", gk, "var(x, over: K) + std(x, over: K, ddof: 1)", "G", Map.of("x", ANY)));
        c.add(new Case("masked_mean", "x: f64[G,K] grad, m: bool[G,K]", "masked_mean(x, m, over: K)", "G", Map.of("x", ANY)));
        c.add(new Case("masked_var_std", "x: f64[G,K] grad, m: bool[G,K]",
                "masked_var(x, m, over: K) + masked_std(x, m, over: K, ddof: 1)", "G", Map.of("x", ANY)));
        c.add(new Case("masked_max_min_lse", "x: f64[G,K] grad, m: bool[G,K]",
                "masked_max(x, m, over: K) + masked_min(x, m) + masked_logsumexp(x, m, over: K)", "G", Map.of("x", DISTINCT)));
        c.add(new Case("masked_softmax", "x: f64[G,K] grad, m: bool[G,K]",
                "masked_softmax(x, m, over: K) + masked_log_softmax(x, m, over: K)", "G,K", Map.of("x", ANY)));
        c.add(new Case("softmax", gk, "softmax(x, over: K) + log_softmax(x, over: K)", "G,K", Map.of("x", ANY)));
        c.add(new Case("scan", "x: f64[T] grad, c: f64[T] grad", "scan(x, over: T, decay: c)", "T",
                Map.of("x", ANY, "c", Draw.range(-0.9, 0.9))));
        c.add(new Case("scan_reverse", "x: f64[T] grad, c: f64[T] grad", "scan(x, over: T, decay: c, reverse: true)", "T",
                Map.of("x", ANY, "c", Draw.range(-0.9, 0.9))));
        c.add(new Case("scan_scalar_decay", "x: f64[T] grad, c: f64 grad", "scan(x, over: T, decay: c)", "T",
                Map.of("x", ANY, "c", Draw.range(0.2, 0.9))));
        c.add(new Case("shift", "x: f64[T] grad, f: f64 grad", "shift(x, over: T, by: 1, fill: f) + shift(x, over: T, by: -2)",
                "T", Map.of("x", ANY, "f", ANY)));
        c.add(new Case("gather", "q: f64[B,A] grad, a: i32[K]", "q[A = a]", "B,K", Map.of("q", ANY)));
        c.add(new Case("rename", "z: f64[N] grad", "z[N -> M] - z", "M,N", Map.of("z", ANY)));
        c.add(new Case("sort", x, "sort(x, over: N)", "N", Map.of("x", DISTINCT)));
        c.add(new Case("quantile", "x: f64[N] grad, q: f64 grad", "quantile(x, q, over: N)", "",
                Map.of("x", DISTINCT, "q", Draw.range(0.3, 0.45))));
        c.add(new Case("cvar", "x: f64[N] grad, a: f64 grad", "cvar(x, a, over: N)", "", Map.of("x", DISTINCT, "a", Draw.range(0.45, 0.6))));
        c.add(new Case("grouped", "x: f64[N] grad, g: i32[N]", "mean(x, over: N, by: g) + var(x, over: N, by: g, ddof: 1)"
                + " + 2 * max(x, over: N, by: g) - min(x, over: N, by: g) + quantile(x, 0.4, over: N, by: g)", "N",
                Map.of("x", DISTINCT)));
        c.add(new Case("grouped_masked", "x: f64[E,N] grad, m: bool[E,N], g: i32[N]", "masked_mean(x, m, over: N, by: g)"
                + " + masked_std(x, m, over: N, by: g) + sum(x, over: N, by: g)", "E,N", Map.of("x", DISTINCT)));
        c.add(new Case("mapped_fn_mean", "x: f64[N,E] grad",
                "centered(x)", "N,E", Map.of("x", ANY)));
        return c;
    }

    public static final String HELPERS = "\nfn centered(v: f64[N]) -> f64[N] { v - mean(v) }\n";

    @TestFactory
    @Order(1)
    Stream<DynamicTest> everyBuiltinsGradientMatchesFiniteDifferences() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(Case c) {
        String weights = c.dims().isEmpty() ? "w: f64" : "w: f64[" + c.dims() + "]";
        String src = "objective grad_case(" + c.params() + ", " + weights + ") {\n  sum((" + c.expr() + ") * w)\n}\n" + HELPERS;
        Compiler compiler = Rlo.source(src);
        Graph forward = compiler.graph("grad_case", Map.of(), true, false);
        forward.nodes().forEach(n -> COVERED.add(n.op()));
        Gradcheck.Report r = Gradcheck.run(compiler.graph("grad_case", Map.of(), true, true), forward,
                new Gradcheck.Options(Map.of("N", 5L, "G", 3L, "K", 4L, "T", 6L, "E", 2L, "B", 2L, "A", 3L), 7,
                        TOLERANCE, 64, given(forward, c.draws(), 11)));
        assertTrue(r.passed(), () -> c.name() + ": " + r);
    }

    /** Inputs drawn from each case's domains; the rest (weights, masks, indices) by Gradcheck's defaults. */
    static Map<String, Tensor> given(Graph g, Map<String, Draw> draws, long seed) {
        Map<String, Long> sizes = Map.of("N", 5L, "G", 3L, "K", 4L, "T", 6L, "E", 2L, "B", 2L, "A", 3L);
        Random r = new Random(seed);
        Map<String, Tensor> out = new HashMap<>();
        draws.forEach((name, draw) -> {
            Graph.Input in = g.input(name);
            long[] shape = in.type().dims().stream().mapToLong(sizes::get).toArray();
            int n = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            out.put(name, Tensor.of(DType.F64, in.type().dims(), shape, draw.sample(n, r)));
        });
        return out;
    }

    // ---- ops that only autodiff or the lowering of masks produce: built as IR -------------------

    @Test
    @Order(2)
    void expandScatterAddAndFloatCastsMatchFiniteDifferences() {
        IrBuilder b = new IrBuilder(false);
        TensorType x = TensorType.of(DType.F64, List.of("B"));
        Node in = b.input("x", x);
        Node index = b.input("i", TensorType.of(DType.I32, List.of("K")));
        Node weights = b.input("w", TensorType.of(DType.F64, List.of("B", "A")));
        Node expanded = b.node(Op.EXPAND, new Attrs.Dims(List.of("B", "A")), in);
        Node scattered = b.node(Op.SCATTER_ADD, new Attrs.Scatter("A", List.of("A", "B")),
                b.node(Op.EXPAND, new Attrs.Dims(List.of("K", "B")), in), index);
        Node body = b.node(Op.MUL, Attrs.NONE, b.node(Op.ADD, Attrs.NONE, expanded, scattered), weights);
        Node loss = b.node(Op.SUM, new Attrs.Dims(List.of("B", "A")), body);
        Graph forward = new Graph("ir_case", List.of(new Graph.Input("x", x, true),
                new Graph.Input("i", index.type(), false), new Graph.Input("w", weights.type(), false)),
                Map.of(Output.LOSS, loss), List.of());
        forward.nodes().forEach(n -> COVERED.add(n.op()));
        Graph full = new CsePass().run(new FoldPass().run(new AutodiffPass().run(forward)));
        Map<String, Tensor> given = new LinkedHashMap<>();
        given.put("x", Tensor.of(DType.F64, List.of("B"), new long[] {3}, new double[] {0.5, -1.25, 2}));
        given.put("i", Tensor.of(DType.I32, List.of("K"), new long[] {4}, new double[] {0, 2, 2, 1}));
        Gradcheck.Report r = Gradcheck.run(full, forward, new Gradcheck.Options(Map.of("A", 3L), 3, TOLERANCE, 64, given));
        assertTrue(r.passed(), r::toString);
    }

    /**
     * Two gradient rules that finite differences cannot check: a float cast passes the cotangent
     * through (an f32 round trip is too coarse to difference), and stopgrad blocks it (the loss
     * does depend on its input). So: the gradient of sum(f64(f32(x)) · stopgrad(x) · w) is x · w.
     */
    @Test
    @Order(2)
    void floatCastsPassGradientsAndStopgradBlocksThem() {
        IrBuilder b = new IrBuilder(false);
        TensorType x = TensorType.of(DType.F64, List.of("B"));
        Node in = b.input("x", x);
        Node w = b.input("w", x);
        Node roundTrip = b.node(Op.CAST, new Attrs.Cast(DType.F64), b.node(Op.CAST, new Attrs.Cast(DType.F32), in));
        Node body = b.node(Op.MUL, Attrs.NONE, b.node(Op.MUL, Attrs.NONE, roundTrip, b.node(Op.STOP_GRADIENT, Attrs.Stop.WRITTEN, in)), w);
        Node loss = b.node(Op.SUM, new Attrs.Dims(List.of("B")), body);
        Graph forward = new Graph("casts", List.of(new Graph.Input("x", x, true), new Graph.Input("w", x, false)),
                Map.of(Output.LOSS, loss), List.of());
        forward.nodes().forEach(n -> COVERED.add(n.op()));
        Graph full = new CsePass().run(new FoldPass().run(new AutodiffPass().run(forward)));
        Map<String, Tensor> inputs = Map.of(
                "x", Tensor.of(DType.F64, List.of("B"), new long[] {3}, new double[] {0.5, -1.25, 2}),
                "w", Tensor.of(DType.F64, List.of("B"), new long[] {3}, new double[] {3, 5, -7}));
        double[] grad = new dev.rlo.compiler.backend.reference.ReferenceBackend().compile(full).run(inputs).get(Output.grad("x")).values();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1.5, -6.25, -14}, grad, 0.0);
    }

    @Test
    @Order(3)
    void everyDifferentiableOpWasChecked() {
        Set<Op> missing = EnumSet.complementOf(EnumSet.copyOf(NO_GRADIENT));
        missing.removeAll(COVERED);
        assertEquals(Set.of(), missing, "differentiable ops without a finite-difference case");
    }
}
