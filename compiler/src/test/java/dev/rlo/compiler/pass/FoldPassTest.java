package dev.rlo.compiler.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fold pass (spec/ir.md#passes). Its boolean identities: x and false, x or true are the
 * constant, x and true, x or false are x; a where on a constant condition then is the branch it
 * picks, and the other branch (GRPO's singleton division) is gone. Selects moving outwards, and
 * the negation of a sum's terms moving out of the sum; elements picked from a sorted row read
 * through the permutation. Values are worked out by hand, or by a plain sort in the test.
 */
class FoldPassTest {

    static final String SRC = """
            objective folds(x: f32[K]) {
              let a = where(size(K) == 1 and false, x / 2, x)
              let b = where(size(K) == 1 or true, x, x / 3)
              let c = where((size(K) == 2) and true, x * 4, x)
              let d = where((size(K) == 3) or false, x * 5, x)
              sum(a + b + c + d)
            }
            """;

    @Test
    void andAndOrWithAConstantFold() {
        Compiler compiler = Rlo.source(SRC);
        Graph g = compiler.graph("folds", Map.of(), false, false);
        List<Op> ops = g.nodes().stream().map(n -> n.op()).toList();
        assertEquals(0, ops.stream().filter(op -> op == Op.AND || op == Op.OR || op == Op.DIV).count(), ops.toString());
        assertEquals(2, ops.stream().filter(op -> op == Op.WHERE).count(), ops.toString());
        CompiledObjective o = compiler.compile(compiler.objective(null), Map.of(), false, new ReferenceBackend());
        Tensor x = Tensor.of(DType.F32, List.of("K"), new long[] {2}, new double[] {1, 2});
        /* a = x, b = x, c = 4x (K is 2), d = x: 7 · (1 + 2) */
        assertEquals(21.0, o.run(Map.of("x", x)).loss().item());
    }

    static final String SELECTS = """
            objective selects(terminated: bool[T], v: f32[T], tau: f32[N], u: f32[N,M], gamma = 0.5) {
              sum(gamma * (1 - terminated) * v) + sum(abs(tau - (u < 0)) * u) + sum(-(u * u)) + sum(where(u > 0, u, 0) * u)
            }
            """;

    @Test
    void selectsMoveOutwardsAndNegationsOutOfSums() {
        Compiler compiler = Rlo.source(SELECTS);
        Graph g = compiler.graph("selects", Map.of(), false, false);
        List<Node> nodes = g.nodes();
        /* γ·(1 − terminated) is where(terminated, 0, γ): no bool is cast to a number any more */
        assertTrue(nodes.stream().noneMatch(n -> n.op() == Op.CAST && n.in(0).type().dtype() == DType.BOOL), nodes.toString());
        assertTrue(nodes.stream().anyMatch(n -> n.op() == Op.WHERE && n.in(1).isConst() && n.in(2).isConst()), nodes.toString());
        /* |τ − 1{u < 0}| selects between two values computed over N alone */
        assertTrue(nodes.stream().anyMatch(n -> n.op() == Op.WHERE && n.in(1).type().dims().equals(List.of("N"))
                && n.in(2).type().dims().equals(List.of("N"))), nodes.toString());
        /* Σ(−u·u) is −Σ(u·u) */
        assertTrue(nodes.stream().anyMatch(n -> n.op() == Op.NEG && n.in(0).op() == Op.SUM), nodes.toString());
        /* where(u > 0, u, 0)·u keeps its product: the branch u·u would run over all of [N, M] as well */
        assertTrue(nodes.stream().anyMatch(n -> n.op() == Op.MUL && n.in(0).op() == Op.WHERE && n.type().dims().size() == 2), nodes.toString());

        Map<String, Tensor> in = Map.of(
                "terminated", Tensor.of(DType.BOOL, List.of("T"), new long[] {3}, new double[] {1, 0, 0}),
                "v", Tensor.of(DType.F32, List.of("T"), new long[] {3}, new double[] {1, 2, 3}),
                "tau", Tensor.of(DType.F32, List.of("N"), new long[] {2}, new double[] {0.25, 0.75}),
                "u", Tensor.of(DType.F32, List.of("N", "M"), new long[] {2, 2}, new double[] {1, -2, -3, 4}));
        /*   0.5·(0·1 + 1·2 + 1·3)                                  =   2.5
         * + |.25|·1 + |.25 − 1|·(−2) + |.75 − 1|·(−3) + |.75|·4    =   1.0
         * − (1 + 4 + 9 + 16)                                       = −30
         * + 1·1 + 4·4                                              =  17    */
        for (Backend backend : List.of(new ReferenceBackend(), new CpuBackend())) {
            CompiledObjective o = compiler.compile(compiler.objective(null), Map.of(), false, backend);
            assertEquals(-9.5, o.run(in).loss().item(), backend.toString());
        }
    }

    static final String PICKS = """
            objective picks(x: f32[G,K] grad) {
              report q = quantile(x, 0.4, over: K)
              sum(quantile(x, 0.75, over: K))
            }
            """;

    @Test
    void aQuantileReadsItsTwoElementsThroughThePermutation() {
        Compiler compiler = Rlo.source(PICKS);
        Graph g = compiler.graph("picks", Map.of(), false, false);
        /* no gather takes a whole argsort as its index: the sorted rows are never made */
        assertTrue(g.nodes().stream().noneMatch(n -> n.op() == Op.GATHER && n.in(1).op() == Op.ARGSORT), g.nodes().toString());
        assertTrue(g.nodes().stream().anyMatch(n -> n.op() == Op.GATHER && n.in(1).op() == Op.GATHER && n.in(1).in(0).op() == Op.ARGSORT),
                g.nodes().toString());

        /* 17 rows of 5 (a whole vector of rows and one more on the cpu backend), with ties, −0 and negatives */
        int rows = 17, k = 5;
        double[] x = new double[rows * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 7 == 3 ? -0.0 : ((i * 37) % 11) - 5 + (i % 3) * 0.25;
        }
        Map<String, Tensor> in = Map.of("x", Tensor.of(DType.F32, List.of("G", "K"), new long[] {rows, k}, x));
        /* numpy's "linear" quantile in f32, from a plain sort of each row: p = q·(n − 1), i = ⌊p⌋, s[i] + (p − i)(s[i + 1] − s[i]) */
        float[] q40 = new float[rows];
        double loss = 0;
        int[] rank3 = new int[rows];
        for (int r = 0; r < rows; r++) {
            float[] s = new float[k];
            for (int j = 0; j < k; j++) {
                s[j] = (float) x[r * k + j];
            }
            float[] sorted = s.clone();
            java.util.Arrays.sort(sorted);
            float p40 = 0.4f * (k - 1), p75 = 0.75f * (k - 1);
            q40[r] = sorted[(int) p40] + (p40 - (int) p40) * (sorted[(int) p40 + 1] - sorted[(int) p40]);
            loss += sorted[(int) p75] + (p75 - (int) p75) * (sorted[(int) p75 + 1] - sorted[(int) p75]);
            /* the stable order, −0 equal to 0: an element's rank counts the smaller ones and the equal ones before it */
            for (int j = 0; j < k; j++) {
                int rank = 0;
                for (int m = 0; m < k; m++) {
                    rank += s[m] < s[j] || s[m] == s[j] && m < j ? 1 : 0;
                }
                if (rank == 3) {
                    rank3[r] = j;
                }
            }
        }
        for (Backend backend : List.of(new ReferenceBackend(), new CpuBackend())) {
            CompiledObjective o = compiler.compile(compiler.objective(null), Map.of(), false, backend);
            CompiledObjective.Result result = o.run(in);
            double[] got = result.reports().get("q").values();
            for (int r = 0; r < rows; r++) {
                assertEquals(q40[r], got[r], 0.0, backend + " row " + r);
            }
            assertEquals((float) loss, result.loss().item(), 1e-5, backend.toString());
            /* p = 0.75·4 = 3 exactly: the gradient is 1 at each row's element of rank 3 (its stable position), 0 elsewhere */
            double[] dx = result.grads().get("x").values();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < k; j++) {
                    assertEquals(j == rank3[r] ? 1.0 : 0.0, dx[r * k + j], 0.0, backend + " row " + r + " column " + j);
                }
            }
        }
    }
}
