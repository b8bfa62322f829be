package dev.rlo.compiler.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Sums along short rows across lanes take blocks of 8 steps pairwise in f32 before f64 (spec/ir.md,
 * *Short rows across lanes*): each row's sum, raw bits, against that order worked out by a loop
 * here — ((t₀ + t₁) + (t₂ + t₃)) + ((t₄ + t₅) + (t₆ + t₇)) in f32, added in f64; a block whose f32
 * sum is not finite, and the row's last steps, fewer than 8, added term by term in f64 — for rows in tiles
 * (a row sum over [G, K]) and across lanes of an outer dimension (Σ over M of |z − y| over [B, N,
 * M]), whole and split among threads. The data mixes magnitudes so that this order differs from an
 * exact f64 sum in many rows (checked, so the test tells them apart), and some rows overflow in
 * f32 where f64 does not, next to rows that do not.
 */
class PairedSumsTest {

    static final String SOURCE = """
            objective rows(x: f32[G,K] grad) {
              report s = sum(x, over: K)
              sum(sum(x, over: K) * sum(x, over: K))
            }
            objective pairs(z: f32[B,N] grad, y: f32[B,M]) {
              report s = sum(abs(z - y), over: M)
              sum(sum(abs(z - y), over: M))
            }
            """;

    /** A row's sum in the documented order, from its terms {@code t}. */
    static float paired(float[] t) {
        return (float) pairedF64(t);
    }

    /** The f64 sum of a row's terms {@code t} in the documented order, before its rounding to f32. */
    static double pairedF64(float[] t) {
        double acc = 0;
        int u = 0;
        for (; u + 8 <= t.length; u += 8) {
            float block = ((t[u] + t[u + 1]) + (t[u + 2] + t[u + 3])) + ((t[u + 4] + t[u + 5]) + (t[u + 6] + t[u + 7]));
            if (Float.isFinite(block)) {
                acc += block;
            } else {
                for (int v = u; v < u + 8; v++) {
                    acc += t[v];
                }
            }
        }
        for (; u < t.length; u++) {
            acc += t[u];
        }
        return acc;
    }

    static float exact(float[] t) {
        double acc = 0;
        for (float v : t) {
            acc += v;
        }
        return (float) acc;
    }

    /** A value of magnitude 10⁻³ to 10³, or, in an {@code overflowing} row, ±3·10³⁸ at 4 of every 10 places (summing to 0). */
    static float value(Random r, boolean overflowing, int i) {
        if (overflowing && i % 5 < 2) {
            return (i % 10 < 5 ? 3e38f : -3e38f);
        }
        return (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
    }

    @Test
    void rowsInTilesSumBlocksOfEightPairwise() {
        inParts(() -> {
            int differs = 0;
            for (int k : new int[] {8, 16, 19, 24, 32}) {
                int g = 40;
                Random r = new Random(k);
                float[][] rows = new float[g][k];
                double[] x = new double[g * k];
                for (int i = 0; i < g; i++) {
                    for (int j = 0; j < k; j++) {
                        rows[i][j] = value(r, i % 7 == 3, j);
                        x[i * k + j] = rows[i][j];
                    }
                }
                CompiledObjective o = Rlo.source(SOURCE).compile("rows", Map.of(), false, new CpuBackend());
                double[] got = o.run(Map.of("x", Rlo.t(DType.F32, "G,K", Rlo.shape(g, k), x))).reports().get("s").values();
                differs += agree("rows, K = " + k, g, i -> rows[i], got);
            }
            assertTrue(differs > 20, "the data should tell pairwise from exact sums apart in many rows, but did in " + differs);
        });
    }

    @Test
    void rowsAcrossAnOuterDimensionSumBlocksOfEightPairwise() {
        inParts(() -> {
            int differs = 0;
            for (int m : new int[] {8, 16, 21, 200}) {
                int b = 3;
                int n = 37;
                Random r = new Random(m);
                float[] z = new float[b * n];
                float[] y = new float[b * m];
                for (int i = 0; i < z.length; i++) {
                    z[i] = value(r, false, i);
                }
                for (int i = 0; i < y.length; i++) {
                    y[i] = value(r, false, i);
                }
                CompiledObjective o = Rlo.source(SOURCE).compile("pairs", Map.of(), false, new CpuBackend());
                double[] got = o.run(Map.of("z", Rlo.t(DType.F32, "B,N", Rlo.shape(b, n), doubles(z)),
                        "y", Rlo.t(DType.F32, "B,M", Rlo.shape(b, m), doubles(y)))).reports().get("s").values();
                differs += agree("pairs, M = " + m, b * n, row -> {
                    float[] t = new float[m];
                    for (int j = 0; j < m; j++) {
                        t[j] = Math.abs(z[row] - y[(row / n) * m + j]);
                    }
                    return t;
                }, got);
            }
            assertTrue(differs > 20, "the data should tell pairwise from exact sums apart in many rows, but did in " + differs);
        });
    }

    static final String MANY = """
            objective many(x: f32[G,K] grad, y: f32[G,K]) {
              let a = sum(exp(x) * y, over: K)
              let b = sum(log1p(x * x) * y, over: K)
              let c = sum(tanh(x) * y, over: K)
              let d = sum(sigmoid(x) * y, over: K)
              let e = sum(softplus(x) * y * x, over: K)
              let f = sum(exp(-x * x) * y, over: K)
              let h = sum(log1p(exp(x)) * x, over: K)
              let i = sum(tanh(x * y) * x, over: K)
              sum(a * b + c * d + e * e + f * h + i)
            }
            """;

    /**
     * Eight sums along K in one loop, written out nine times each, make a kernel's method for rows
     * across lanes longer than HotSpot compiles, in every form that pairs them: that kernel is
     * rendered again with its sums term by term, short enough, and still agrees with the reference.
     */
    @Test
    void aKernelTooLongToCompileWhenPairedSumsTermByTerm() {
        org.junit.jupiter.api.Assumptions.assumeTrue(CpuPlan.vectorApi(), "needs the Vector API (jdk.incubator.vector)");
        dev.rlo.compiler.ir.Graph graph = Rlo.source(MANY).graph("many", Map.of(), false, true);
        dev.rlo.compiler.fuse.Schedule schedule = dev.rlo.compiler.fuse.Schedule.of(dev.rlo.compiler.fuse.FusePass.plan(graph));
        String paired = JavaTarget.body(schedule, true, Map.of());
        assertEquals(java.util.Set.of(0), KernelCompiler.tooLong(KernelCompiler.cachedOrCompiled(KernelCompiler.className(paired), paired)),
                "paired, kernel 0 should be too long for HotSpot");
        String body = KernelCompiler.body(schedule, true);
        assertEquals(java.util.Set.of(), KernelCompiler.tooLong(KernelCompiler.cachedOrCompiled(KernelCompiler.className(body), body)));
        assertTrue(!body.contains("NOT_PAIRED;") && paired.contains("NOT_PAIRED;"), "only the paired body pairs its sums");
        Map<String, Tensor> in = dev.rlo.compiler.Gradcheck.inputs(graph,
                new dev.rlo.compiler.Gradcheck.Options(Map.of("G", 40L, "K", 19L), 5, 0, 0, Map.of()));
        double want = new dev.rlo.compiler.backend.reference.ReferenceBackend().compile(graph).run(in).get(dev.rlo.compiler.ir.Output.LOSS).values()[0];
        double got = new CpuBackend().compile(graph).run(in).get(dev.rlo.compiler.ir.Output.LOSS).values()[0];
        assertEquals(want, got, 1e-4 * Math.abs(want));
    }

    /** Checks each of {@code count} rows' sums, raw bits; returns in how many rows the order differs from an exact sum. */
    static int agree(String what, int count, IntFunction<float[]> terms, double[] got) {
        int differs = 0;
        for (int i = 0; i < count; i++) {
            float[] t = terms.apply(i);
            float want = paired(t);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits((float) got[i]),
                    what + ", row " + i + ": want " + want + " (exact f64 sum " + exact(t) + "), got " + (float) got[i]);
            if (want != exact(t)) {
                differs++;
            }
        }
        return differs;
    }

    static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Runs {@code check} whole and split among parts. */
    static void inParts(Runnable check) {
        check.run();
        System.setProperty("rlo.parts.min", "0");
        try {
            check.run();
        } finally {
            System.clearProperty("rlo.parts.min");
        }
    }
}
