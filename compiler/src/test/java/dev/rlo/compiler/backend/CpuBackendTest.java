package dev.rlo.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the fused CPU backend does beyond computing the same values as the reference: it finds NaN
 * and ∞ in f32 inputs read by vector loops, writes gradients into caller-given arrays, accepts
 * inputs in any memory order, and reuses its workspace across runs of different sizes.
 */
class CpuBackendTest {

    static final String SQUARES = "objective squares(x: f32[B,N] grad) {\n  sum(x * x) / 2\n}\n";

    static CompiledObjective cpu(String src) {
        Compiler c = Rlo.source(src);
        return c.compile(c.objective(null), Map.of(), false, new CpuBackend());
    }

    /** x[b, n] = b + n / 1000, so that every element differs. */
    static Tensor ramp(long b, long n) {
        double[] v = new double[(int) (b * n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = i / n + (i % n) / 1000.0;
        }
        return Tensor.of(DType.F32, List.of("B", "N"), new long[] {b, n}, v);
    }

    @Test
    void aNanOrInfinityInAVectorisedInputIsReportedWhereItIs() {
        CompiledObjective o = cpu(SQUARES);
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            Tensor x = ramp(3, 3001);
            x.data().putScalar(new long[] {2, 1777}, bad);
            UserError e = assertThrows(UserError.class, () -> o.run(Map.of("x", x)));
            String shown = Double.isNaN(bad) ? "NaN" : bad > 0 ? "Infinity" : "-Infinity";
            assertEquals("input `x` has a non-finite value (" + shown + ") at [B=2, N=1777]; expected f32[B,N]", e.getMessage());
        }
        /* in the scalar tail of a row too: 3001 is not a multiple of any vector length */
        Tensor x = ramp(3, 3001);
        x.data().putScalar(new long[] {1, 3000}, Double.NaN);
        assertEquals("input `x` has a non-finite value (NaN) at [B=1, N=3000]; expected f32[B,N]",
                assertThrows(UserError.class, () -> o.run(Map.of("x", x))).getMessage());
    }

    /**
     * Rows of 16 and 32 run across lanes in square tiles, the first transposed in the kernel's own
     * method on a machine of 16 lanes, the second by the class's {@code in16} (KernelForm#INLINE): a
     * NaN or ±∞ in any block, row or column is reported where it is, and ±the largest finite f32 and a clean input run.
     */
    @Test
    void aNanInASquareTileIsReportedWhereItIs() {
        String norm = "objective norm(r: f32[G,K] grad) {\n  report a = (r - mean(r, over: K)) / (std(r, over: K) + 1e-4)\n  sum(r)\n}\n";
        assertTrue(CpuBackend.source(Rlo.source(norm).graph("norm", Map.of(), false, true), true).contains("sq0_at"), "the square written out");
        CompiledObjective o = cpu(norm);
        for (long k : new long[] {16, 32}) {
            for (long[] at : new long[][] {{0, 0}, {37, 5}, {63, k - 1}, {70, 15}}) {
                for (double bad : new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN}) {
                    Tensor r = Tensor.of(DType.F32, List.of("G", "K"), new long[] {71, k}, new double[(int) (71 * k)]);
                    assertEquals(0, o.run(Map.of("r", r)).reports().get("a").values()[0], 0);
                    /* the largest magnitudes are finite: the probe's bound is +∞'s bits, not below */
                    r.data().putScalar(at, -Float.MAX_VALUE);
                    r.data().putScalar(new long[] {at[0] == 0 ? 1 : 0, 0}, Float.MAX_VALUE);
                    o.run(Map.of("r", r));
                    r.data().putScalar(at, bad);
                    assertEquals("input `r` has a non-finite value (" + bad + ") at [G=" + at[0] + ", K=" + at[1] + "]; expected f32[G,K]",
                            assertThrows(UserError.class, () -> o.run(Map.of("r", r))).getMessage());
                }
            }
        }
    }

    /**
     * What a scalar innermost loop computes alike at each of its steps (here exp(r) for a row of x)
     * is computed once, before the loop (Renderer#innermost), and checked there: a non-finite value
     * is reported where it is, and a row of no steps reads nothing.
     */
    @Test
    void aRowsValuesTakenBeforeItsLoopAreCheckedThere() {
        IntFunction<Tensor> rows = a -> Tensor.of(DType.F32, List.of("B", "A"), new long[] {3, a}, new double[3 * a]);
        System.setProperty("rlo.vector", "false");
        try {
            CompiledObjective o = cpu("objective rows(x: f32[B,A] grad, r: f32[B]) {\n  sum(x * exp(r))\n}\n");
            Tensor r = Tensor.of(DType.F32, List.of("B"), new long[] {3}, new double[] {0, Double.NaN, 1});
            assertEquals("input `r` has a non-finite value (NaN) at [B=1]; expected f32[B]",
                    assertThrows(UserError.class, () -> o.run(Map.of("x", rows.apply(2), "r", r))).getMessage());
            assertEquals(0, o.run(Map.of("x", rows.apply(0), "r", r)).loss().values()[0], 0);
        } finally {
            System.clearProperty("rlo.vector");
        }
    }

    @Test
    void gradientsGoIntoTheArraysGiven() {
        CompiledObjective o = cpu(SQUARES);
        Tensor x = ramp(4, 1000);
        Tensor into = new Tensor(DType.F32, List.of("B", "N"), Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 1000));
        CompiledObjective.Result r = o.run(Map.of("x", x), Map.of("x", into));
        assertSame(into.data(), r.grads().get("x").data());
        /* d/dx sum(x²)/2 = x */
        assertArrayEquals(x.values(), into.values(), 0);
        Tensor wrong = new Tensor(DType.F32, List.of("N", "B"), Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1000, 4));
        assertEquals("the array given for output `grad:x` is f32[N,B][1000, 4], not a row-major f32[B,N][4, 1000]",
                assertThrows(UserError.class, () -> o.run(Map.of("x", x), Map.of("x", wrong))).getMessage());
        assertEquals("`y` has no gradient here; the gradients are of [x]",
                assertThrows(UserError.class, () -> o.run(Map.of("x", x), Map.of("y", into))).getMessage());
    }

    @Test
    void inputsInAnyMemoryOrderReadTheSame() {
        CompiledObjective o = cpu("objective rows(x: f32[B,N] grad) {\n  report s = sum(x * iota(N), over: N)\n  sum(x)\n}\n");
        Tensor x = ramp(5, 700);
        Tensor fortran = new Tensor(DType.F32, x.dims(), x.data().dup('f'));
        Tensor view = new Tensor(DType.F32, x.dims(), Nd4j.concat(1, x.data(), x.data()).get(
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(700, 1400)));
        double[] want = naiveRowSums(x);
        /* f32 results of sums near 1e6: a few ulps */
        double tol = 1e-6 * java.util.Arrays.stream(want).max().orElseThrow();
        assertArrayEquals(want, o.run(Map.of("x", x)).reports().get("s").values(), tol);
        assertArrayEquals(want, o.run(Map.of("x", fortran)).reports().get("s").values(), tol);
        assertArrayEquals(want, o.run(Map.of("x", view)).reports().get("s").values(), tol);
    }

    /** sum over n of x[b, n] · n, in f64. */
    static double[] naiveRowSums(Tensor x) {
        long b = x.size("B");
        long n = x.size("N");
        double[] v = x.values();
        double[] out = new double[(int) b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < n; j++) {
                out[i] += v[(int) (i * n + j)] * j;
            }
        }
        return out;
    }

    @Test
    void aWorkspaceServesRunsOfEverySize() {
        /* the softmax's max and sum are intermediates kept in the workspace between runs */
        CompiledObjective o = cpu("objective sm(x: f32[B,N] grad) {\n  report p = softmax(x, over: N)\n  sum(x)\n}\n");
        for (long n : new long[] {2000, 17, 5000, 3}) {
            Tensor x = ramp(3, n);
            double[] v = x.values();
            double[] p = o.run(Map.of("x", x)).reports().get("p").values();
            for (int b = 0; b < 3; b++) {
                double max = Double.NEGATIVE_INFINITY;
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    max = Math.max(max, v[(int) (b * n + j)]);
                }
                for (int j = 0; j < n; j++) {
                    sum += Math.exp(v[(int) (b * n + j)] - max);
                }
                for (int j = 0; j < n; j += 7) {
                    assertEquals(Math.exp(v[(int) (b * n + j)] - max) / sum, p[(int) (b * n + j)], 1e-6, "n=" + n);
                }
            }
        }
    }

    @Test
    void anArgmaxSplitAmongThreadsKeepsTheFirstOfTies() {
        System.setProperty("rlo.parts.min", "0");
        try {
            CompiledObjective o = cpu("objective am(x: f32[N] grad, q: f32[A,N]) {\n"
                    + "  report a = argmax(x, over: N)\n  report b = argmax(q, over: N)\n  sum(x)\n}\n");
            double[] x = new double[1000];
            x[100] = 5;
            x[700] = 5;
            double[] q = new double[2 * 1000];
            java.util.Arrays.fill(q, 0, 1000, 3);
            q[1000 + 999] = 1;
            CompiledObjective.Result r = o.run(Map.of("x", Tensor.of(DType.F32, List.of("N"), new long[] {1000}, x),
                    "q", Tensor.of(DType.F32, List.of("A", "N"), new long[] {2, 1000}, q)));
            /* ties go to the first index, in whichever part it lies */
            assertEquals(100, r.reports().get("a").item());
            assertArrayEquals(new double[] {0, 999}, r.reports().get("b").values());
        } finally {
            System.clearProperty("rlo.parts.min");
        }
    }

    /**
     * A gather's gradient, a scatter-add of several terms into each row, split among parts by row
     * (spec/ir.md#schedule, a scatter-add's lanes): each element gets Σ w[b, j] over the j that pick
     * it. The weights are multiples of 1/8, so the sum is exact in f64 and the golden a plain loop.
     */
    @Test
    void aScatterAddSplitAmongThreadsSumsEachRowsTerms() {
        System.setProperty("rlo.parts.min", "0");
        try {
            CompiledObjective o = cpu("objective sc(x: f32[B,A] grad, idx: i32[B,J], w: f32[B,J]) {\n  sum(x[A = idx] * w)\n}\n");
            int b = 300, a = 5, j = 7;
            java.util.Random random = new java.util.Random(19);
            double[] idx = new double[b * j];
            double[] w = new double[b * j];
            double[] expected = new double[b * a];
            for (int r = 0; r < b; r++) {
                for (int k = 0; k < j; k++) {
                    idx[r * j + k] = random.nextInt(a);
                    w[r * j + k] = (random.nextInt(201) - 100) / 8.0;
                    expected[r * a + (int) idx[r * j + k]] += w[r * j + k];
                }
            }
            CompiledObjective.Result res = o.run(Map.of(
                    "x", Tensor.of(DType.F32, List.of("B", "A"), new long[] {b, a}, new double[b * a]),
                    "idx", Tensor.of(DType.I32, List.of("B", "J"), new long[] {b, j}, idx),
                    "w", Tensor.of(DType.F32, List.of("B", "J"), new long[] {b, j}, w)));
            assertArrayEquals(expected, res.grads().get("x").values(), 0);
        } finally {
            System.clearProperty("rlo.parts.min");
        }
    }
    /**
     * Scatter-adds split among parts add each element's terms in the same order as on one part:
     * bit for bit the same gradient, with random f32 weights whose sums round. One index picks
     * along A per (b, j); the other is a permutation-like index over A itself, so A, the dimension
     * scattered along, is also summed over within the lane.
     */
    @Test
    void aScatterAddGivesTheSameBitsOnOnePartAndOnSeveral() {
        CompiledObjective o = cpu("objective sc(x: f32[B,A] grad, idx: i32[B,J], w: f32[B,J], perm: i32[B,A], v: f32[B,A]) {\n"
                + "  sum(x[A = idx] * w) + sum(x[A = perm] * v)\n}\n");
        int b = 300, a = 5, j = 7;
        java.util.Random random = new java.util.Random(23);
        double[] idx = new double[b * j], w = new double[b * j], perm = new double[b * a], v = new double[b * a];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = random.nextInt(a);
            w[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < perm.length; i++) {
            perm[i] = random.nextInt(a);
            v[i] = (float) (1e3 * random.nextGaussian());
        }
        Map<String, Tensor> in = Map.of(
                "x", Tensor.of(DType.F32, List.of("B", "A"), new long[] {b, a}, new double[b * a]),
                "idx", Tensor.of(DType.I32, List.of("B", "J"), new long[] {b, j}, idx),
                "w", Tensor.of(DType.F32, List.of("B", "J"), new long[] {b, j}, w),
                "perm", Tensor.of(DType.I32, List.of("B", "A"), new long[] {b, a}, perm),
                "v", Tensor.of(DType.F32, List.of("B", "A"), new long[] {b, a}, v));
        double[] one;
        double[] several;
        System.setProperty("rlo.parts.min", String.valueOf(Long.MAX_VALUE));
        try {
            one = o.run(in).grads().get("x").values();
        } finally {
            System.clearProperty("rlo.parts.min");
        }
        System.setProperty("rlo.parts.min", "0");
        try {
            several = o.run(in).grads().get("x").values();
        } finally {
            System.clearProperty("rlo.parts.min");
        }
        assertArrayEquals(one, several, 0);
    }

    /**
     * A gather's gradient where the index varies along nothing the gathered value lacks
     * (spec/ir.md, gather's gradient rule): no two terms meet, so it is a select, with no
     * scatter-add in the graph. The golden is a plain loop: w[b, n] at A = idx[b], zero elsewhere.
     * Run split among parts, reusing its arrays a second time with other indices (a value left from
     * the first run would show); then an index out of range is reported.
     */
    @Test
    void aGathersGradientWithNothingToSumIsASelect() {
        String src = "objective col(x: f32[B,A,N] grad, idx: i32[B], w: f32[B,N]) {\n  sum(x[A = idx] * w)\n}\n";
        Compiler c = Rlo.source(src);
        assertTrue(c.graph("col", Map.of(), false, true).nodes().stream().noneMatch(n -> n.op() == dev.rlo.compiler.ir.Op.SCATTER_ADD),
                "no scatter-add");
        System.setProperty("rlo.parts.min", "0");
        try {
            CompiledObjective o = cpu(src);
            int b = 300, a = 5, n = 9;
            java.util.Random random = new java.util.Random(29);
            for (int run = 0; run < 2; run++) {
                double[] idx = new double[b];
                double[] w = new double[b * n];
                double[] expected = new double[b * a * n];
                for (int r = 0; r < b; r++) {
                    idx[r] = random.nextInt(a);
                    for (int k = 0; k < n; k++) {
                        w[r * n + k] = (float) random.nextGaussian();
                        expected[(r * a + (int) idx[r]) * n + k] = w[r * n + k];
                    }
                }
                double[] got = o.runReusing(Map.of(
                        "x", Tensor.of(DType.F32, List.of("B", "A", "N"), new long[] {b, a, n}, new double[b * a * n]),
                        "idx", Tensor.of(DType.I32, List.of("B"), new long[] {b}, idx),
                        "w", Tensor.of(DType.F32, List.of("B", "N"), new long[] {b, n}, w))).grads().get("x").values();
                assertArrayEquals(expected, got, 0);
            }
            double[] bad = new double[b];
            bad[b - 1] = a;
            UserError e = assertThrows(UserError.class, () -> o.run(Map.of(
                    "x", Tensor.of(DType.F32, List.of("B", "A", "N"), new long[] {b, a, n}, new double[b * a * n]),
                    "idx", Tensor.of(DType.I32, List.of("B"), new long[] {b}, bad),
                    "w", Tensor.of(DType.F32, List.of("B", "N"), new long[] {b, n}, new double[b * n]))));
            assertEquals("input `idx` has the index 5 at [B=299], out of range for dimension A of size 5", e.getMessage());

            /* an index over [N, B], its dimensions in another order than x's */
            CompiledObjective t = cpu("objective col(x: f32[B,A,N] grad, idx: i32[N,B], w: f32[B,N]) {\n  sum(x[A = idx] * w)\n}\n");
            double[] idx = new double[n * b];
            double[] w = new double[b * n];
            double[] expected = new double[b * a * n];
            for (int r = 0; r < b; r++) {
                for (int k = 0; k < n; k++) {
                    idx[k * b + r] = random.nextInt(a);
                    w[r * n + k] = (float) random.nextGaussian();
                    expected[(r * a + (int) idx[k * b + r]) * n + k] = w[r * n + k];
                }
            }
            assertArrayEquals(expected, t.run(Map.of(
                    "x", Tensor.of(DType.F32, List.of("B", "A", "N"), new long[] {b, a, n}, new double[b * a * n]),
                    "idx", Tensor.of(DType.I32, List.of("N", "B"), new long[] {n, b}, idx),
                    "w", Tensor.of(DType.F32, List.of("B", "N"), new long[] {b, n}, w))).grads().get("x").values(), 0);
        } finally {
            System.clearProperty("rlo.parts.min");
        }
    }
}
