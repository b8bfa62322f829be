package dev.rlo.compiler.backend;

import static dev.rlo.compiler.Rlo.f64;
import static dev.rlo.compiler.Rlo.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The values of builtins and ops, in f64, against numbers worked out by hand (written next to each
 * case) or by a naive loop in the test. Each case evaluates one expression as a report of a probe
 * objective. One corpus, run by each backend: {@link ReferenceValuesTest}, {@link CpuValuesTest}.
 */
abstract class ValuesTest {

    abstract Backend backend();

    /** The backend, got before each test: where it is absent the test is skipped before anything runs, whatever it expects to throw. */
    private Backend backend;

    @BeforeEach
    void openBackend() {
        backend = backend();
    }

    /** The value of {@code expr} over inputs declared by {@code params}, computed in f64. */
    Tensor value(String params, String expr, Map<String, Tensor> inputs) {
        String src = "objective probe(" + params + (params.isEmpty() ? "" : ", ") + "probe_g: f64 grad) {\n"
                + "  report r = " + expr + "\n  probe_g\n}\n";
        Compiler c = Rlo.source(src);
        CompiledObjective o = c.compile("probe", Map.of(), true, backend);
        Map<String, Tensor> all = new HashMap<>(inputs);
        all.put("probe_g", Tensor.scalar(DType.F64, 0));
        return o.run(all).reports().get("r");
    }

    static void expect(Tensor t, String dims, double... want) {
        assertEquals(dims.isEmpty() ? List.of() : List.of(dims.split(",")), t.dims());
        assertArrayEquals(want, t.values(), 1e-12);
    }

    static final Tensor GK = f64("G,K", shape(2, 3), 1, 5, 3, 4, 2, 6);

    @Test
    void elementWiseOpsBroadcastByName() {
        expect(value("x: f64[G,K], y: f64[K]", "x - y", Map.of("x", GK, "y", f64("K", shape(3), 10, 20, 30))),
                "G,K", -9, -15, -27, -6, -18, -24);
        expect(value("a: f64[B], b: f64[M]", "a * b", Map.of("a", f64("B", shape(2), 1, 2), "b", f64("M", shape(3), 1, 10, 100))),
                "B,M", 1, 10, 100, 2, 20, 200);
        /* an input given in another layout is permuted to the declared one */
        Tensor kg = f64("K,G", shape(3, 2), 1, 4, 5, 2, 3, 6);
        expect(value("x: f64[G,K]", "x * 1", Map.of("x", kg)), "G,K", 1, 5, 3, 4, 2, 6);
    }

    @Test
    void reductionsRemoveTheDimensionsTheyName() {
        Map<String, Tensor> in = Map.of("x", GK);
        expect(value("x: f64[G,K]", "sum(x, over: K)", in), "G", 9, 12);
        expect(value("x: f64[G,K]", "mean(x, over: G)", in), "K", 2.5, 3.5, 4.5);
        expect(value("x: f64[G,K]", "max(x)", in), "", 6);
        expect(value("x: f64[G,K]", "min(x, over: K)", in), "G", 1, 2);
        expect(value("x: f64[G,K]", "sum(x, over: [G, K])", in), "", 21);
        double lse0 = Math.log(Math.exp(1) + Math.exp(5) + Math.exp(3));
        double lse1 = Math.log(Math.exp(4) + Math.exp(2) + Math.exp(6));
        expect(value("x: f64[G,K]", "logsumexp(x, over: K)", in), "G", lse0, lse1);
    }

    @Test
    void varianceDividesByNMinusDdofButNeverByZero() {
        Map<String, Tensor> in = Map.of("x", GK);
        /* row [1,5,3]: mean 3, Σ(x − 3)² = 8; row [4,2,6]: mean 4, Σ = 8 */
        expect(value("x: f64[G,K]", "var(x, over: K)", in), "G", 8.0 / 3, 8.0 / 3);
        expect(value("x: f64[G,K]", "var(x, over: K, ddof: 1)", in), "G", 4, 4);
        expect(value("x: f64[G,K]", "std(x, over: K, ddof: 1)", in), "G", 2, 2);
        Tensor single = f64("G,K", shape(2, 1), 7, 8);
        expect(value("x: f64[G,K]", "std(x, over: K, ddof: 1)", Map.of("x", single)), "G", 0, 0);
    }

    @Test
    void maskedMeanOfAnEmptyMaskIsZero() {
        Tensor x = f64("T", shape(4), 1, 2, 3, 4);
        Tensor some = Rlo.t(DType.BOOL, "T", shape(4), 1, 0, 1, 0);
        Tensor none = Rlo.t(DType.BOOL, "T", shape(4), 0, 0, 0, 0);
        expect(value("x: f64[T], m: bool[T]", "masked_sum(x, m)", Map.of("x", x, "m", some)), "", 4);
        expect(value("x: f64[T], m: bool[T]", "masked_mean(x, m)", Map.of("x", x, "m", some)), "", 2);
        expect(value("x: f64[T], m: bool[T]", "masked_mean(x, m)", Map.of("x", x, "m", none)), "", 0);
        /* kept [1, 3]: mean 2, Σ(x − 2)² = 2 */
        expect(value("x: f64[T], m: bool[T]", "masked_var(x, m)", Map.of("x", x, "m", some)), "", 1);
        expect(value("x: f64[T], m: bool[T]", "masked_std(x, m, ddof: 1)", Map.of("x", x, "m", some)), "", Math.sqrt(2));
        expect(value("x: f64[T], m: bool[T]", "masked_max(x, m)", Map.of("x", x, "m", some)), "", 3);
        expect(value("x: f64[T], m: bool[T]", "masked_min(x, m)", Map.of("x", x, "m", some)), "", 1);
        expect(value("x: f64[T], m: bool[T]", "masked_logsumexp(x, m)", Map.of("x", x, "m", some)), "",
                Math.log(Math.exp(1) + Math.exp(3)));
        expect(value("x: f64[T], m: bool[T]", "masked_var(x, m)", Map.of("x", x, "m", none)), "", 0);
        expect(value("x: f64[T], m: bool[T]", "masked_max(x, m)", Map.of("x", x, "m", none)), "", Double.NEGATIVE_INFINITY);
        expect(value("x: f64[T], m: bool[T]", "masked_logsumexp(x, m)", Map.of("x", x, "m", none)), "", Double.NEGATIVE_INFINITY);
    }

    @Test
    void argmaxTakesTheFirstOfTiedMaxima() {
        expect(value("x: f64[A]", "argmax(x, over: A)", Map.of("x", f64("A", shape(4), 3, 7, 7, 1))), "", 1);
        expect(value("x: f64[A]", "argmin(x, over: A)", Map.of("x", f64("A", shape(3), 2, 0, 0))), "", 1);
    }

    @Test
    void softmaxAndLogSoftmax() {
        Tensor x = f64("A", shape(3), 1, 2, 3);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        expect(value("x: f64[A]", "softmax(x, over: A)", Map.of("x", x)), "A", Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z);
        expect(value("x: f64[A]", "log_softmax(x, over: A)", Map.of("x", x)), "A", 1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z));
    }

    @Test
    void maskedSoftmaxNormalisesAmongKeptElementsAndGivesZeroForAnEmptyMask() {
        /* row 0 keeps x = 1 and 3: e/(e + e³), e³/(e + e³); row 1 keeps nothing: zeros */
        Map<String, Tensor> in = Map.of("x", GK, "m", Rlo.t(DType.BOOL, "G,K", shape(2, 3), 1, 0, 1, 0, 0, 0));
        double z = Math.exp(1) + Math.exp(3);
        expect(value("x: f64[G,K], m: bool[G,K]", "masked_softmax(x, m, over: K)", in), "G,K",
                Math.exp(1) / z, 0, Math.exp(3) / z, 0, 0, 0);
        expect(value("x: f64[G,K], m: bool[G,K]", "masked_log_softmax(x, m, over: K)", in), "G,K",
                1 - Math.log(z), 0, 3 - Math.log(z), 0, 0, 0);
    }

    @Test
    void anEmptyMaskGivesMaskedSoftmaxZeroGradientsNotNaN() {
        /* issue 15: where + masked_logsumexp gave NaN gradients for a row with an empty mask */
        String src = "objective o(x: f64[G,K] grad, m: bool[G,K], w: f64[G,K]) {\n"
                + "  sum((masked_softmax(x, m, over: K) + masked_log_softmax(x, m, over: K)) * w)\n}\n";
        CompiledObjective o = Rlo.source(src).compile("o", Map.of(), true, backend());
        Map<String, Tensor> in = Map.of("x", GK, "m", Rlo.t(DType.BOOL, "G,K", shape(2, 3), 1, 0, 1, 0, 0, 0),
                "w", f64("G,K", shape(2, 3), 0.5, -1, 2, 3, -4, 5));
        double[] g = o.run(in).grads().get("x").values();
        for (double v : g) {
            assertTrue(Double.isFinite(v), java.util.Arrays.toString(g));
        }
        /* the masked-off elements and the empty row get nothing; the row's two kept elements sum to 0 (softmax's
           gradient is orthogonal to the ones vector, log-softmax's sums to Σw − n·Σ(w)p … here both over kept) */
        assertArrayEquals(new double[] {0, 0, 0, 0}, new double[] {g[1], g[3], g[4], g[5]}, 0.0);
    }

    @Test
    void maxOverABoolMaskIsAnyOf() {
        /* issue 15: this passed check and did not compile on the cpu backend */
        Map<String, Tensor> in = Map.of("m", Rlo.t(DType.BOOL, "G,K", shape(2, 3), 0, 1, 0, 0, 0, 0));
        expect(value("m: bool[G,K]", "max(m, over: K)", in), "G", 1, 0);
        expect(value("m: bool[G,K]", "min(m, over: K)", in), "G", 0, 0);
    }

    @Test
    void quantileInterpolatesLinearlyAsNumpy() {
        /* np.quantile([3,1,4,1,5], q): sorted [1,1,3,4,5], position q·4 */
        Map<String, Tensor> in = Map.of("x", f64("N", shape(5), 3, 1, 4, 1, 5));
        expect(value("x: f64[N]", "quantile(x, 0.4, over: N)", in), "", 2.2);
        expect(value("x: f64[N]", "quantile(x, 0.0, over: N)", in), "", 1);
        expect(value("x: f64[N]", "quantile(x, 0.5, over: N)", in), "", 3);
        expect(value("x: f64[N]", "quantile(x, 1.0, over: N)", in), "", 5);
        Map<String, Tensor> levels = Map.of("x", f64("N", shape(5), 3, 1, 4, 1, 5), "q", f64("Q", shape(2), 0.25, 0.75));
        expect(value("x: f64[N], q: f64[Q]", "quantile(x, q, over: N)", levels), "Q", 1, 4);
    }

    @Test
    void quantileMethodsAreNumpys() {
        /* np.quantile([30, 10, 50, 20, 40], q, method=m) for q = 0.125, 0.375, 0.625, 0.875, 0.3 (numpy 1.24):
           positions 0.5, 1.5, 2.5, 3.5 (ties: "nearest" rounds to the even one) and 1.2 */
        Map<String, Tensor> in = Map.of("x", f64("N", shape(5), 30, 10, 50, 20, 40), "q", f64("Q", shape(5), 0.125, 0.375, 0.625, 0.875, 0.3));
        String p = "x: f64[N], q: f64[Q]";
        expect(value(p, "quantile(x, q, over: N)", in), "Q", 15, 25, 35, 45, 22);
        expect(value(p, "quantile(x, q, over: N, method: \"linear\")", in), "Q", 15, 25, 35, 45, 22);
        expect(value(p, "quantile(x, q, over: N, method: \"lower\")", in), "Q", 10, 20, 30, 40, 20);
        expect(value(p, "quantile(x, q, over: N, method: \"higher\")", in), "Q", 20, 30, 40, 50, 30);
        expect(value(p, "quantile(x, q, over: N, method: \"nearest\")", in), "Q", 10, 30, 30, 50, 20);
        /* grouped: the same per group, here one group of all five and one of the first two (30, 10: pos 0.25·… ) */
        Map<String, Tensor> grouped = Map.of("x", f64("N", shape(5), 30, 10, 50, 20, 40), "g", Rlo.t(DType.I32, "N", shape(5), 1, 1, 1, 1, 1));
        expect(value("x: f64[N], g: i32[N]", "quantile(x, 0.625, over: N, by: g, method: \"nearest\")", grouped), "N", 30, 30, 30, 30, 30);
    }

    @Test
    void cvarAveragesTheLowestFraction() {
        /* sorted [1,1,3,4,5]: α = 0.4 → k = 2: (1 + 1)/2; α = 0.5 → k = 2.5: (1 + 1 + 0.5·3)/2.5;
           α = 1 → the mean 2.8; α = 0.1 → k = 0.5 < 1: the minimum */
        Map<String, Tensor> in = Map.of("x", f64("N", shape(5), 3, 1, 4, 1, 5));
        expect(value("x: f64[N]", "cvar(x, 0.4, over: N)", in), "", 1);
        expect(value("x: f64[N]", "cvar(x, 0.5, over: N)", in), "", 1.4);
        expect(value("x: f64[N]", "cvar(x, 1.0, over: N)", in), "", 2.8);
        expect(value("x: f64[N]", "cvar(x, 0.1, over: N)", in), "", 1);
    }

    @Test
    void groupedReductionsGiveEachElementItsGroupsResult() {
        /* keys 7, −2, 7, 3, −2, 7, 3: groups {1, 3, 6} (indices 0, 2, 5), {5, 2} (1, 4), {4, 10} (3, 6) */
        Map<String, Tensor> in = Map.of("x", f64("B", shape(7), 1, 5, 3, 4, 2, 6, 10),
                "g", Rlo.t(DType.I32, "B", shape(7), 7, -2, 7, 3, -2, 7, 3));
        String p = "x: f64[B], g: i32[B]";
        double third = 10.0 / 3;
        expect(value(p, "sum(x, over: B, by: g)", in), "B", 10, 7, 10, 14, 7, 10, 14);
        expect(value(p, "mean(x, over: B, by: g)", in), "B", third, 3.5, third, 7, 3.5, third, 7);
        /* Σ(x − 10/3)² = 38/3 over {1, 3, 6}; 4.5 over {5, 2}; 18 over {4, 10} */
        expect(value(p, "var(x, over: B, by: g, ddof: 1)", in), "B", 19.0 / 3, 4.5, 19.0 / 3, 18, 4.5, 19.0 / 3, 18);
        expect(value(p, "max(x, over: B, by: g)", in), "B", 6, 5, 6, 10, 5, 6, 10);
        expect(value(p, "min(x, over: B, by: g)", in), "B", 1, 2, 1, 4, 2, 1, 4);
        expect(value(p, "quantile(x, 0.25, over: B, by: g)", in), "B", 2, 2.75, 2, 5.5, 2.75, 2, 5.5);
        /* masked off: index 2 (3) and index 6 (10): {1, 6}, {5, 2}, {4} */
        Map<String, Tensor> masked = new HashMap<>(in);
        masked.put("m", Rlo.t(DType.BOOL, "B", shape(7), 1, 1, 0, 1, 1, 1, 0));
        String pm = p + ", m: bool[B]";
        expect(value(pm, "masked_mean(x, m, over: B, by: g)", masked), "B", 3.5, 3.5, 3.5, 4, 3.5, 3.5, 4);
        expect(value(pm, "masked_max(x, m, over: B, by: g)", masked), "B", 6, 5, 6, 4, 5, 6, 4);
        expect(value(pm, "masked_sum(x, m, over: B, by: g)", masked), "B", 7, 7, 7, 4, 7, 7, 4);
    }

    /** Grouped reductions against a naive loop over every pair, on random keys, values and masks, mapped over E. */
    @Test
    void groupedReductionsMatchANaiveLoop() {
        java.util.Random rnd = new java.util.Random(15);
        for (int trial = 0; trial < 6; trial++) {
            int e = 1 + rnd.nextInt(3);
            int n = 1 + rnd.nextInt(40);
            double[] x = new double[e * n];
            double[] m = new double[e * n];
            double[] g = new double[n];
            for (int i = 0; i < e * n; i++) {
                x[i] = Math.round(rnd.nextGaussian() * 100) / 10.0;
                m[i] = rnd.nextInt(4) == 0 ? 0 : 1;
            }
            for (int j = 0; j < n; j++) {
                g[j] = rnd.nextInt(5) - 2;
            }
            Map<String, Tensor> in = Map.of("x", f64("E,B", shape(e, n), x), "m", Rlo.t(DType.BOOL, "E,B", shape(e, n), m),
                    "g", Rlo.t(DType.I32, "B", shape(n), g));
            String p = "x: f64[E,B], m: bool[E,B], g: i32[B]";
            double[][] want = new double[5][e * n];
            for (int r = 0; r < e; r++) {
                for (int j = 0; j < n; j++) {
                    java.util.List<Double> all = new java.util.ArrayList<>();
                    java.util.List<Double> kept = new java.util.ArrayList<>();
                    for (int k = 0; k < n; k++) {
                        if (g[k] == g[j]) {
                            all.add(x[r * n + k]);
                            if (m[r * n + k] != 0) {
                                kept.add(x[r * n + k]);
                            }
                        }
                    }
                    double mean = all.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                    double keptMean = kept.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                    double ss = all.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
                    double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                    double pos = 0.3 * (sorted.length - 1);
                    int lo = (int) pos;
                    double q = sorted[lo] + (pos - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]);
                    want[0][r * n + j] = mean;
                    want[1][r * n + j] = ss / Math.max(all.size() - 1, 1);
                    want[2][r * n + j] = sorted[sorted.length - 1];
                    want[3][r * n + j] = q;
                    want[4][r * n + j] = keptMean;
                }
            }
            String[] exprs = {"mean(x, over: B, by: g)", "var(x, over: B, by: g, ddof: 1)", "max(x, over: B, by: g)",
                "quantile(x, 0.3, over: B, by: g)", "masked_mean(x, m, over: B, by: g)"};
            for (int k = 0; k < exprs.length; k++) {
                Tensor t = value(p, exprs[k], in);
                assertEquals(List.of("E", "B"), t.dims(), exprs[k]);
                assertArrayEquals(want[k], t.values(), 1e-9, exprs[k] + " in trial " + trial);
            }
        }
    }

    @Test
    void sortRankAndTopkAreStable() {
        expect(value("x: f64[A]", "sort(x, over: A)", Map.of("x", f64("A", shape(3), 3, 1, 2))), "A", 1, 2, 3);
        expect(value("x: f64[A]", "sort(x, over: A, descending: true)", Map.of("x", f64("A", shape(3), 3, 1, 2))), "A", 3, 2, 1);
        expect(value("x: f64[A]", "rank(x, over: A)", Map.of("x", f64("A", shape(3), 30, 10, 20))), "A", 2, 0, 1);
        /* ties keep their order: [5, 5, 1] sorts as indices [2, 0, 1], so ranks are [1, 2, 0] */
        expect(value("x: f64[A]", "rank(x, over: A)", Map.of("x", f64("A", shape(3), 5, 5, 1))), "A", 1, 2, 0);
        expect(value("x: f64[A]", "topk(x, 2, over: A)", Map.of("x", f64("A", shape(3), 30, 10, 20))), "A", 1, 0, 1);
    }

    @Test
    void scanRunsTheLinearRecurrenceEitherWay() {
        Map<String, Tensor> in = Map.of("x", f64("T", shape(3), 1, 2, 3));
        /* a = [1, 2 + .5·1, 3 + .5·2.5]; reverse: a2 = 3, a1 = 2 + .5·3, a0 = 1 + .5·3.5 */
        expect(value("x: f64[T]", "scan(x, over: T, decay: 0.5)", in), "T", 1, 2.5, 4.25);
        expect(value("x: f64[T]", "scan(x, over: T, decay: 0.5, reverse: true)", in), "T", 2.75, 3.5, 3);
        Map<String, Tensor> per = Map.of("x", f64("T", shape(3), 1, 2, 3), "c", f64("T", shape(3), 1, 0, 2));
        expect(value("x: f64[T], c: f64[T]", "scan(x, over: T, decay: c)", per), "T", 1, 2, 7);
    }

    @Test
    void shiftMovesAlongADimensionAndFills() {
        Map<String, Tensor> in = Map.of("x", f64("T", shape(4), 1, 2, 3, 4));
        expect(value("x: f64[T]", "shift(x, over: T, by: 1)", in), "T", 0, 1, 2, 3);
        expect(value("x: f64[T]", "shift(x, over: T, by: -2, fill: 9)", in), "T", 3, 4, 9, 9);
    }

    @Test
    void gatherRenameOneHotIotaAndSize() {
        Map<String, Tensor> in = Map.of("q", f64("B,A", shape(2, 3), 1, 2, 3, 4, 5, 6),
                "a", Rlo.t(DType.I32, "B", shape(2), 2, 0), "perm", Rlo.t(DType.I32, "K", shape(2), 1, 1));
        String params = "q: f64[B,A], a: i32[B], perm: i32[K]";
        expect(value(params, "q[A = a]", in), "B", 3, 4);
        expect(value(params, "q[A = perm]", in), "B,K", 2, 2, 5, 5);
        expect(value(params, "one_hot(a, A)", in), "B,A", 0, 0, 1, 1, 0, 0);
        expect(value(params, "iota(A)", in), "A", 0, 1, 2);
        expect(value(params, "size(A)", in), "", 3);
        expect(value("x: f64[N]", "x[N -> M] - x", Map.of("x", f64("N", shape(2), 1, 10))), "M,N", 0, -9, 9, 0);
    }

    /**
     * An index input out of range is named when the inputs are checked; an index computed in the
     * program, by the backend, at the place the gather was written (issue 15: both were unnamed).
     */
    @Test
    void anIndexOutOfRangeIsAUserError() {
        Map<String, Tensor> in = Map.of("q", f64("B,A", shape(1, 3), 1, 2, 3), "a", Rlo.t(DType.I32, "B", shape(1), 3));
        UserError e = assertThrows(UserError.class, () -> value("q: f64[B,A], a: i32[B]", "q[A = a]", in));
        assertEquals("input `a` has the index 3 at [B=0], out of range for dimension A of size 3", e.getMessage());
        Map<String, Tensor> two = Map.of("q", f64("B,A", shape(1, 3), 1, 2, 3), "a", Rlo.t(DType.I32, "B", shape(1), 2));
        UserError computed = assertThrows(UserError.class, () -> value("q: f64[B,A], a: i32[B]", "q[A = a + 1]", two));
        /* the probe's report is on line 2, from column 14: where the gather was written, and how */
        assertEquals("test.rlo:2:14: index 3 is out of range for dimension A of size 3, in `q[A = a + 1]`", computed.getMessage());
        /* below the range too: the kernels check an index as unsigned, so −1 must fail as well */
        Map<String, Tensor> zero = Map.of("q", f64("B,A", shape(1, 3), 1, 2, 3), "a", Rlo.t(DType.I32, "B", shape(1), 0));
        UserError below = assertThrows(UserError.class, () -> value("q: f64[B,A], a: i32[B]", "q[A = a - 1]", zero));
        assertEquals("test.rlo:2:14: index -1 is out of range for dimension A of size 3, in `q[A = a - 1]`", below.getMessage());
    }

    @Test
    void elementWiseCompositions() {
        expect(value("x: f64[N]", "huber(x, 1.0)", Map.of("x", f64("N", shape(2), 0.5, 3))), "N", 0.125, 2.5);
        /* Beta(2, 5) at 0.3: 30 · 0.3 · 0.7⁴ = 2.1609; Beta(1, 3) at 0: 3 (the 0 · log 0 term is 0) */
        expect(value("", "beta_pdf(0.3, 2.0, 5.0)", Map.of()), "", 2.1609);
        expect(value("", "beta_pdf(0.0, 1.0, 3.0)", Map.of()), "", 3);
        expect(value("x: f64[N]", "clip(x, 0, 1)", Map.of("x", f64("N", shape(3), -1, 0.5, 2))), "N", 0, 0.5, 1);
        expect(value("x: f64[N]", "relu(x)", Map.of("x", f64("N", shape(2), -1, 2))), "N", 0, 2);
        expect(value("x: f64[N]", "where(x > 0, x, 10 * x)", Map.of("x", f64("N", shape(2), -1, 2))), "N", -10, 2);
    }

    @Test
    void stableFormsDoNotOverflow() {
        Map<String, Tensor> in = Map.of("x", f64("N", shape(2), -800, 800));
        expect(value("x: f64[N]", "log_sigmoid(x)", in), "N", -800, 0);
        expect(value("x: f64[N]", "softplus(x)", in), "N", 0, 800);
        expect(value("x: f64[N]", "sigmoid(x)", in), "N", 0, 1);
        /* −∞ passes through logsumexp as a value, not as NaN */
        expect(value("x: f64[N]", "logsumexp(log(x), over: N)", Map.of("x", f64("N", shape(2), 0, 0))), "", Double.NEGATIVE_INFINITY);
        expect(value("x: f64[N]", "logsumexp(log(x), over: N)", Map.of("x", f64("N", shape(2), 0, 1))), "", 0);
    }

    @Test
    void floorAndCeilRoundTowardMinusAndPlusInfinity() {
        Map<String, Tensor> in = Map.of("x", f64("N", shape(5), -1.5, -0.5, 0, 2.25, 3));
        expect(value("x: f64[N]", "floor(x)", in), "N", -2, -1, 0, 2, 3);
        expect(value("x: f64[N]", "ceil(x)", in), "N", -1, -0.0, 0, 3, 3);
    }

    @Test
    void conversionsTruncateAndTest() {
        expect(value("x: f64[N]", "i32(x)", Map.of("x", f64("N", shape(2), -1.7, 2.9))), "N", -1, 2);
        expect(value("i: i32[N]", "bool(i)", Map.of("i", Rlo.t(DType.I32, "N", shape(2), 0, 3))), "N", 0, 1);
    }

    @Test
    void weakConstantsKeepF64Precision() {
        /* 0.1 as a weak literal meets an f64: it is the f64 0.1, so 3 · 0.1 = 0.30000000000000004 */
        Tensor r = value("x: f64", "x * 0.1", Map.of("x", Tensor.scalar(DType.F64, 3)));
        assertEquals(3 * 0.1, r.item(), 0.0);
    }

    @Test
    void sizedDimensionsNarrowAndAreChecked() {
        /* values over T + 1 = 4 steps: the first three, and the last three (a shift by one, then the first three) */
        Map<String, Tensor> in = Map.of("v", f64("V", shape(4), 1, 2, 3, 4), "r", f64("T", shape(3), 10, 20, 30));
        String p = "v: f64[V = T + 1], r: f64[T]";
        expect(value(p, "v[V -> T] + r", in), "T", 11, 22, 33);
        expect(value(p, "shift(v, over: V, by: -1)[V -> T] + r", in), "T", 12, 23, 34);
        UserError wrong = assertThrows(UserError.class, () -> value(p, "v[V -> T] + r",
                Map.of("v", f64("V", shape(5), 1, 2, 3, 4, 5), "r", f64("T", shape(3), 10, 20, 30))));
        assertEquals("dimension V is 5 in `v`, but probe declares V = T + 1 = 4 (T is 3 in `r`)", wrong.getMessage());
        Map<String, Tensor> pair = Map.of("x", f64("B,S", shape(1, 3), 1, 2, 3));
        UserError three = assertThrows(UserError.class, () -> value("x: f64[B, S = 2]", "x[S = 0] - x[S = 1]", pair));
        assertEquals("dimension S is 3 in `x`, but probe declares S = 2", three.getMessage());
        expect(value("x: f64[B, S = 2]", "x[S = 0] - x[S = 1]", Map.of("x", f64("B,S", shape(2, 2), 1, 5, 7, 3))), "B", -4, 4);
    }

    @Test
    void inputsAreValidatedWithClearMessages() {
        String params = "x: f64[G,K], y: f64[K]";
        UserError missing = assertThrows(UserError.class, () -> value(params, "x - y", Map.of("x", GK)));
        assertEquals("missing input `y`: expected f64[K]", missing.getMessage());
        UserError dims = assertThrows(UserError.class, () -> value(params, "x - y",
                Map.of("x", GK, "y", f64("L", shape(3), 1, 2, 3))));
        assertEquals("input `y` has dimensions [L], but probe declares f64[K]", dims.getMessage());
        UserError size = assertThrows(UserError.class, () -> value(params, "x - y",
                Map.of("x", GK, "y", f64("K", shape(2), 1, 2))));
        assertEquals("dimension K is 3 in `x` but 2 in `y`", size.getMessage());
        UserError finite = assertThrows(UserError.class, () -> value(params, "x - y",
                Map.of("x", GK, "y", f64("K", shape(3), 1, Double.NaN, 3))));
        assertEquals("input `y` has a non-finite value (NaN) at [K=1]; expected f64[K]", finite.getMessage());
        UserError bool = assertThrows(UserError.class, () -> value("m: bool[K]", "m",
                Map.of("m", f64("K", shape(2), 1, 2))));
        assertTrue(bool.getMessage().startsWith("input `m` has the value 2.0, which is not a bool"), bool.getMessage());
    }
}
