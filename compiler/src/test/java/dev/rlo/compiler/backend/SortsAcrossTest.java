package dev.rlo.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Short sorts across vector lanes (spec/ir.md#short-rows): ranks both ways and of values with NaNs
 * (log of negatives: last), a sort and a quantile with their gradients, against the reference, on random rows and on rows full of ties (−0 and 0
 * among them, which sort as equal and keep their order), at sizes around the vector length, those
 * whose network is written out (4, 8, 16), and the fallback above 32 — every output the same, ranks exactly.
 */
class SortsAcrossTest {

    static final String SORTS = """
            objective sorts(x: f32[B,G,K] grad, w: f32[B,G,K]) {
              report up = rank(x, over: K)
              report down = rank(x, over: K, descending: true)
              report q = quantile(x, 0.4, over: K)
              report nan_last = rank(log(x), over: K)
              sum(sort(x, over: K) * w)
            }
            """;

    @Test
    void randomRowsAgreeWithTheReference() {
        long seed = 11;
        for (long g : new long[] {16, 21, 40}) {
            for (long k : new long[] {1, 2, 4, 5, 8, 16, 17, 32, 33}) {
                CpuMatchesReferenceTest.compare(new CpuBackend(), Rlo.source(SORTS), "sorts", Map.of("B", 2L, "G", g, "K", k), false, seed++, 1e-5);
            }
        }
    }

    @Test
    void tiesKeepTheirOrderAsInTheReference() {
        Compiler c = Rlo.source(SORTS);
        Graph graph = c.graph("sorts", Map.of(), false, true);
        for (long k : new long[] {3, 4, 8, 16, 24}) {
            long g = 19;
            double[] x = new double[(int) (2 * g * k)];
            double[] w = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                /* a handful of values, so most rows have ties; −0 beside 0 */
                x[i] = i % 7 == 0 ? -0.0 : Math.round(Math.sin(i) * 2) / 2.0;
                w[i] = Math.cos(i);
            }
            Map<String, Tensor> in = Map.of("x", Tensor.of(DType.F32, List.of("B", "G", "K"), new long[] {2, g, k}, x),
                    "w", Tensor.of(DType.F32, List.of("B", "G", "K"), new long[] {2, g, k}, w));
            CpuMatchesReferenceTest.agree("sorts, K = " + k, new ReferenceBackend().compile(graph).run(in),
                    new CpuBackend().compile(graph).run(in), 1e-6);
        }
    }

    /**
     * QAE's advantage, whose argsort is the first phase of the loop that reads it (spec/ir.md#fusion):
     * every reader of the argsort is over [G, K].
     */
    static final String IN_THE_LOOP = """
            objective in_the_loop(x: f32[G,K] grad, w: f32[G,K]) {
              report below = x - quantile(x, 0.4, over: K)
              let adv = (x - quantile(x, 0.4, over: K)) / (std(x, over: K) + 1e-4)
              sum(adv * w) + sum(quantile(x, 0.75, over: K, method: "nearest") * w)
            }
            """;

    @Test
    void aSortInTheLoopThatReadsItAgreesWithTheReference() {
        Compiler c = Rlo.source(IN_THE_LOOP);
        Graph graph = c.graph("in_the_loop", Map.of(), false, true);
        dev.rlo.compiler.fuse.Schedule schedule = dev.rlo.compiler.fuse.Schedule.of(dev.rlo.compiler.fuse.FusePass.plan(graph));
        assertTrue(schedule.steps().stream().anyMatch(s -> s instanceof dev.rlo.compiler.fuse.Schedule.Launch l && l.nest() != null
                && l.nest().phases().stream().anyMatch(p -> p.sort() != null)), "the argsort is a phase of a loop");
        long seed = 5;
        for (long g : new long[] {3, 16, 21, 40}) {
            for (long k : new long[] {1, 2, 4, 5, 8, 16, 17, 32, 33}) {
                CpuMatchesReferenceTest.compare(new CpuBackend(), c, "in_the_loop", Map.of("G", g, "K", k), false, seed++, 1e-5);
            }
        }
        for (long k : new long[] {4, 16, 24}) {
            long g = 19;
            double[] x = new double[(int) (g * k)];
            double[] w = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 7 == 0 ? -0.0 : Math.round(Math.sin(i) * 2) / 2.0;
                w[i] = Math.cos(i);
            }
            Map<String, Tensor> in = Map.of("x", Tensor.of(DType.F32, List.of("G", "K"), new long[] {g, k}, x),
                    "w", Tensor.of(DType.F32, List.of("G", "K"), new long[] {g, k}, w));
            CpuMatchesReferenceTest.agree("in the loop, ties, K = " + k, new ReferenceBackend().compile(graph).run(in),
                    new CpuBackend().compile(graph).run(in), 1e-6);
        }
    }

    /**
     * Sorts by value (spec/ir.md#sort-by-value): no gradient flows through these argsorts and
     * nothing reads their permutations but picks of the sorted values, so each of the three loops
     * sorts its block's tile by value — ascending and descending, NaN last (log of negatives), the
     * two elements of a quantile, a whole sorted row and a sorted row stored as it is.
     */
    static final String PICKS = """
            objective picks(x: f32[G,K], w: f32[G,K] grad) {
              report centred = (x - quantile(x, 0.4, over: K)) / (std(x, over: K) + 1e-4)
              report up = sort(x, over: K)
              report down = sort(x, over: K, descending: true) - mean(sort(x, over: K, descending: true), over: K)
              let y = log(x)
              let q = quantile(y, 0.6, over: K)
              report logs = (y - q) / (mean((y - q) * (y - q), over: K) + 1)
              sum(w * (x - quantile(x, 0.75, over: K, method: "nearest") - mean(x, over: K)))
            }
            """;

    @Test
    void aSortByValuePicksWhatThePermutationPicks() {
        Compiler c = Rlo.source(PICKS);
        Graph graph = c.graph("picks", Map.of(), false, true);
        String code = dev.rlo.compiler.backend.cpu.CpuBackend.source(graph, true);
        assertEquals(3, code.split("sortValues\\(t", -1).length - 1, "the three loops sort by value");
        long seed = 31;
        for (long g : new long[] {3, 16, 21, 40}) {
            for (long k : new long[] {1, 2, 4, 5, 8, 16, 17, 32, 33}) {
                CpuMatchesReferenceTest.compare(new CpuBackend(), c, "picks", Map.of("G", g, "K", k), false, seed++, 1e-5);
            }
        }
        for (long k : new long[] {4, 16, 24}) {
            long g = 19;
            double[] x = new double[(int) (g * k)];
            double[] w = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 7 == 0 ? -0.0 : Math.round(Math.sin(i) * 2) / 2.0;
                w[i] = Math.cos(i);
            }
            Map<String, Tensor> in = Map.of("x", Tensor.of(DType.F32, List.of("G", "K"), new long[] {g, k}, x),
                    "w", Tensor.of(DType.F32, List.of("G", "K"), new long[] {g, k}, w));
            CpuMatchesReferenceTest.agree("picks, ties, K = " + k, new ReferenceBackend().compile(graph).run(in),
                    new CpuBackend().compile(graph).run(in), 1e-6);
        }
    }

    /**
     * A sort by value of values computed in the loop keeps NaN last whatever its sign: −log of
     * negatives is a NaN with its sign bit set, whose bits alone would order it first. (A tile of an
     * input has no NaN by then: it was checked as it was transposed in, and its keys skip the map.)
     */
    static final String NEGATIVE_NANS = """
            objective nans(x: f32[G,K]) {
              let y = -log(x)
              let q = quantile(y, 0.25, over: K)
              report centred = (y - q) / (mean(where(y > q, y - q, 0.0), over: K) + 1)
              sum(x)
            }
            """;

    @Test
    void aSortByValueOfComputedValuesKeepsNegativeNanLast() {
        Compiler c = Rlo.source(NEGATIVE_NANS);
        String code = CpuBackend.source(c.graph("nans", Map.of(), false, false), true);
        assertTrue(code.contains("sortValues(t") && code.contains(", false, false, sorted"), "a sort by value of computed values, NaN mapped");
        assertTrue(code.contains("IntVector vs"), "and, for rows of 16, written out in the kernel's method (KernelForm.INLINE)");
        long seed = 41;
        for (long g : new long[] {16, 37}) {
            for (long k : new long[] {4, 8, 16, 24}) {
                CpuMatchesReferenceTest.compare(new CpuBackend(), c, "nans", Map.of("G", g, "K", k), false, seed++, 1e-5);
            }
        }
    }
}
