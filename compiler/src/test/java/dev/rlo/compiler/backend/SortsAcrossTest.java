package dev.rlo.compiler.backend;

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
}
