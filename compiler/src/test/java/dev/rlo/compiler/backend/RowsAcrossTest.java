package dev.rlo.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Short rows across vector lanes (spec/ir.md#short-rows): a group norm, a max − min, a dot per row
 * and their gradients against the reference, at sizes around the vector length (rows of 1 to 33,
 * 16 to 40 of them, blocks that overlap at the end, square and gathered transposes, the fallback
 * above 32), whole and split among threads; and a NaN in such a row reported where it is. And
 * rows across lanes of an outer dimension (a quantile Huber loss over [N, B, M], lanes along N,
 * the target row the same in every lane), at any row length. And one plan run on shape after
 * shape, its kernels' arrays kept across the calls.
 */
class RowsAcrossTest {

    static final String GROUPS = """
            objective groups(x: f32[B,G,K] grad, y: f32[G,K], s: f32[G]) {
              let z = (x - mean(x, over: K)) / (std(x, over: K, ddof: 1) + 1e-4)
              report spread = max(x, over: K) - min(x, over: K)
              report dot = sum(x * y, over: K) + s
              sum(z * y)
            }
            """;

    @Test
    void shortRowsAgreeWithTheReference() {
        agree();
    }

    @Test
    void shortRowsAgreeWhenSplitIntoParts() {
        System.setProperty("rlo.parts.min", "0");
        try {
            agree();
        } finally {
            System.clearProperty("rlo.parts.min");
        }
    }

    private static void agree() {
        long seed = 7;
        for (long b : new long[] {1, 2}) {
            for (long g : new long[] {16, 23, 40}) {
                for (long k : new long[] {1, 7, 8, 16, 32, 33}) {
                    CpuMatchesReferenceTest.compare(new CpuBackend(), Rlo.source(GROUPS), "groups", Map.of("B", b, "G", g, "K", k),
                            false, seed++, 1e-4);
                }
            }
        }
    }

    static final String REUSED = """
            objective reused(x: f32[G,K] grad, y: f32[G,K]) {
              let z = (x - quantile(x, 0.4, over: K)) / (std(x, over: K, ddof: 1) + 1e-4)
              report spread = max(x, over: K) - min(x, over: K)
              sum(z * y)
            }
            """;

    /**
     * One plan run again and again on other shapes and values, as a training loop runs it: its
     * kernels' arrays ({@code Locals}: tiles, stages, sort keys, sums) come back with the last
     * call's contents and sizes, and every result is still bit for bit a fresh plan's (and within
     * rounding of the reference's). With and without the gradient (a sort that permutes, and one by
     * value), whole and split among parts.
     */
    @Test
    void aPlanRunAgainOnOtherShapesGivesAFreshPlansBits() {
        Compiler c = Rlo.source(REUSED);
        long[][] shapes = {{40, 16}, {23, 5}, {70, 32}, {40, 16}, {16, 1}, {33, 33}, {17, 8}, {40, 16}};
        long seed = 3;
        for (boolean gradients : new boolean[] {true, false}) {
            dev.rlo.compiler.ir.Graph graph = c.graph("reused", Map.of(), false, gradients);
            for (String parts : new String[] {null, "0"}) {
                if (parts != null) {
                    System.setProperty("rlo.parts.min", parts);
                }
                try {
                    Backend.Executable reused = new CpuBackend().compile(graph);
                    for (long[] shape : shapes) {
                        Map<String, Tensor> in = dev.rlo.compiler.Gradcheck.inputs(graph,
                                new dev.rlo.compiler.Gradcheck.Options(Map.of("G", shape[0], "K", shape[1]), seed++, 0, 0, Map.of()));
                        String at = "G = " + shape[0] + ", K = " + shape[1] + (gradients ? ", with gradient" : "") + (parts != null ? ", in parts" : "");
                        Map<dev.rlo.compiler.ir.Output, Tensor> got = reused.run(in);
                        new CpuBackend().compile(graph).run(in).forEach((o, fresh) ->
                                org.junit.jupiter.api.Assertions.assertArrayEquals(fresh.values(), got.get(o).values(), at + ": " + o));
                        CpuMatchesReferenceTest.agree(at, new dev.rlo.compiler.backend.reference.ReferenceBackend().compile(graph).run(in), got, 1e-4);
                    }
                } finally {
                    System.clearProperty("rlo.parts.min");
                }
            }
        }
    }

    static final String PICKS = """
            objective picks(x: f32[G,K] grad, at: i32[G,K]) {
              let y = x[K = at]
              report total = sum(y, over: K)
              sum(y * y)
            }
            """;

    /** A gather along K whose index differs from row to row: each lane reads its own row's tile; an index out of range is reported as the reference reports it. */
    @Test
    void eachRowGathersAtItsOwnIndex() {
        Compiler c = Rlo.source(PICKS);
        dev.rlo.compiler.ir.Graph graph = c.graph("picks", Map.of(), false, true);
        for (long k : new long[] {5, 16}) {
            long g = 37;
            double[] x = new double[(int) (g * k)];
            double[] at = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.sin(i);
                at[i] = (i * 7 + i / k) % k;
            }
            Map<String, Tensor> in = Map.of("x", Tensor.of(DType.F32, List.of("G", "K"), new long[] {g, k}, x),
                    "at", Tensor.of(DType.I32, List.of("G", "K"), new long[] {g, k}, at));
            CpuMatchesReferenceTest.agree("picks, K = " + k, new dev.rlo.compiler.backend.reference.ReferenceBackend().compile(graph).run(in),
                    new CpuBackend().compile(graph).run(in), 1e-5);
            at[(int) (30 * k + 2)] = k;
            Map<String, Tensor> bad = Map.of("x", in.get("x"), "at", Tensor.of(DType.I32, List.of("G", "K"), new long[] {g, k}, at));
            UserError expected = assertThrows(UserError.class, () -> new dev.rlo.compiler.backend.reference.ReferenceBackend().compile(graph).run(bad));
            UserError e = assertThrows(UserError.class, () -> new CpuBackend().compile(graph).run(bad));
            assertEquals(expected.getMessage(), e.getMessage());
        }
    }

    @Test
    void aNanInAShortRowIsReportedWhereItIs() {
        Compiler c = Rlo.source(GROUPS);
        CompiledObjective o = c.compile(c.objective(null), Map.of(), false, new CpuBackend());
        long g = 23;
        long k = 16;
        double[] v = new double[(int) (2 * g * k)];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sin(i);
        }
        v[(int) ((g + 19) * k + 5)] = Double.NaN;
        Tensor x = Tensor.of(DType.F32, List.of("B", "G", "K"), new long[] {2, g, k}, v);
        Tensor y = Tensor.of(DType.F32, List.of("G", "K"), new long[] {g, k}, new double[(int) (g * k)]);
        Tensor s = Tensor.of(DType.F32, List.of("G"), new long[] {g}, new double[(int) g]);
        UserError e = assertThrows(UserError.class, () -> o.run(Map.of("x", x, "y", y, "s", s)));
        assertEquals("input `x` has a non-finite value (NaN) at [B=1, G=19, K=5]; expected f32[B,G,K]", e.getMessage());
    }

    static final String LAST_BY_ROWS = """
            objective advantages(x: f32[G,K], y: f32[G,K], s: f32[G]) {
              let q = quantile(x, 0.4, over: K)
              report adv = where(quantile(x, 0.5, over: K) > 0.0, (x - q) / (std(x, over: K, ddof: 1) + 1e-4), x) * y + s
              x[G = 0][K = 0]
            }
            """;

    /**
     * A loop's last phase, element-wise, run row by row where the rows fill a vector
     * (spec/ir.md#last-by-rows): what it takes per row from the phases across lanes kept lane by
     * lane (a quantile, the std, s, and a mask from the median, true in about half the rows), y
     * read only by that phase. Against the reference at rows either side of 8 and 16 lanes, blocks
     * that overlap, whole and in parts; and a NaN in y reported where it is.
     */
    @Test
    void aBlocksLastPhaseRunRowByRowAgreesWithTheReference() {
        long seed = 11;
        for (String parts : new String[] {null, "0"}) {
            if (parts != null) {
                System.setProperty("rlo.parts.min", parts);
            }
            try {
                for (long g : new long[] {16, 23, 40}) {
                    for (long k : new long[] {1, 7, 8, 9, 15, 16, 17, 24, 32}) {
                        CpuMatchesReferenceTest.compare(new CpuBackend(), Rlo.source(LAST_BY_ROWS), "advantages", Map.of("G", g, "K", k),
                                false, seed++, 1e-4);
                    }
                }
            } finally {
                System.clearProperty("rlo.parts.min");
            }
        }
        Compiler c = Rlo.source(LAST_BY_ROWS);
        CompiledObjective o = c.compile(c.objective(null), Map.of(), false, new CpuBackend());
        long g = 23;
        long k = 16;
        double[] v = new double[(int) (g * k)];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sin(i);
        }
        Tensor x = Tensor.of(DType.F32, List.of("G", "K"), new long[] {g, k}, v.clone());
        v[(int) (19 * k + 5)] = Double.NaN;
        Tensor y = Tensor.of(DType.F32, List.of("G", "K"), new long[] {g, k}, v);
        Tensor s = Tensor.of(DType.F32, List.of("G"), new long[] {g}, new double[(int) g]);
        UserError e = assertThrows(UserError.class, () -> o.run(Map.of("x", x, "y", y, "s", s)));
        assertEquals("input `y` has a non-finite value (NaN) at [G=19, K=5]; expected f32[G,K]", e.getMessage());
    }

    static final String PAIRS = """
            objective pairs(z: f32[B,N] grad, target: f32[B,M], scale: f32[N,B]) {
              let tau = (iota(N) + 0.5) / size(N)
              let u = target - z
              report row = sum(scale * mean(abs(tau - (u < 0)) * huber(u, 1.0), over: M), over: N)
              mean(sum(mean(abs(tau - (u < 0)) * huber(u, 1.0), over: M), over: N), over: B)
            }
            """;

    /**
     * The quantile Huber loss's loop [N, B, M] runs across lanes of N: the row of M is the same in
     * every lane, read one step at a time. (Its input {@code scale} keeps the loop in that order,
     * spec/ir.md#reduction-order; without it, the loop would be [B, N, M].)
     */
    @Test
    void pairsRunAcrossLanesOfTheirOuterDimension() {
        String code = CpuBackend.source(Rlo.source(PAIRS).graph("pairs", Map.of(), false, true));
        org.junit.jupiter.api.Assertions.assertTrue(code.contains("for (long g_N = lo_N;"), "blocks of rows along N");
        long seed = 11;
        for (String parts : new String[] {null, "0"}) {
            if (parts != null) {
                System.setProperty("rlo.parts.min", parts);
            }
            try {
                for (long b : new long[] {1, 3}) {
                    for (long n : new long[] {15, 16, 23, 40}) {
                        for (long m : new long[] {1, 7, 33, 70}) {
                            CpuMatchesReferenceTest.compare(new CpuBackend(), Rlo.source(PAIRS), "pairs", Map.of("B", b, "N", n, "M", m), false, seed++, 1e-5);
                        }
                    }
                }
            } finally {
                System.clearProperty("rlo.parts.min");
            }
        }
    }

    /** A NaN read along the lanes (z) or the same for every lane (target) is reported where it is. */
    @Test
    void aNanInAPairIsReportedWhereItIs() {
        Compiler c = Rlo.source(PAIRS);
        CompiledObjective o = c.compile(c.objective(null), Map.of(), false, new CpuBackend());
        long b = 3;
        long n = 23;
        long m = 9;
        for (String bad : new String[] {"z", "target"}) {
            double[] z = new double[(int) (b * n)];
            double[] t = new double[(int) (b * m)];
            for (int i = 0; i < z.length; i++) {
                z[i] = Math.sin(i);
            }
            for (int i = 0; i < t.length; i++) {
                t[i] = Math.cos(i);
            }
            if (bad.equals("z")) {
                z[(int) (2 * n + 17)] = Double.NaN;
            } else {
                t[(int) (1 * m + 5)] = Double.NaN;
            }
            Map<String, Tensor> in = Map.of("z", Tensor.of(DType.F32, List.of("B", "N"), new long[] {b, n}, z),
                    "target", Tensor.of(DType.F32, List.of("B", "M"), new long[] {b, m}, t),
                    "scale", Tensor.of(DType.F32, List.of("N", "B"), new long[] {n, b}, new double[(int) (n * b)]));
            UserError e = assertThrows(UserError.class, () -> o.run(in));
            assertEquals(bad.equals("z") ? "input `z` has a non-finite value (NaN) at [B=2, N=17]; expected f32[B,N]"
                    : "input `target` has a non-finite value (NaN) at [B=1, M=5]; expected f32[B,M]", e.getMessage());
        }
    }
}
