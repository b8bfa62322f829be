package dev.rlo.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.PlanPrinter;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.fuse.SchedulePrinter;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reductions read their input in the objective's inputs' order of dimensions (spec/ir.md#reduction-order):
 * a quantile Huber loss's mean over M, whose value is [N, B, M] because {@code tau: [N]} comes
 * first, is laid out [B, N] and summed over N along memory; an input that has N before B keeps
 * the order; a report whose order would change comes out in its own.
 */
class ReductionOrderTest {

    static final String PAIRS = """
            objective pairs(z: f32[B,N] grad, target: f32[B,M]) {
              let tau = (iota(N) + 0.5) / size(N)
              let u = target - z
              report per_quantile = mean(abs(tau - (u < 0)) * huber(u, 1.0), over: M)
              mean(sum(mean(abs(tau - (u < 0)) * huber(u, 1.0), over: M), over: N), over: B)
            }
            """;

    /** The same, with an input [N, B]: reading the mean's input as [B, N, M] would cross it. */
    static final String AGAINST = """
            objective pairs(z: f32[B,N] grad, target: f32[B,M], scale: f32[N,B]) {
              let tau = (iota(N) + 0.5) / size(N)
              let u = target - z
              mean(sum(scale * mean(abs(tau - (u < 0)) * huber(u, 1.0), over: M), over: N), over: B)
            }
            """;

    @Test
    void aReductionReadsItsInputInTheInputsOrder() {
        String plan = plan(PAIRS);
        assertTrue(plan.contains("mean : f32[B,N]"), plan);
        assertTrue(plan.contains("loop [B,N,M]"), plan);
        assertTrue(plan.contains("loop [B,N]\n"), plan);
        assertFalse(plan.contains("loop [N,B"), plan);
        String schedule = SchedulePrinter.print(Schedule.of(FusePass.plan(graph(PAIRS))));
        assertTrue(schedule.contains("sum over [N]: in locals, finished in the row"), schedule);
    }

    @Test
    void anInputTheOtherWayRoundKeepsTheOrder() {
        String plan = plan(AGAINST);
        assertTrue(plan.contains("loop [N,B,M]"), plan);
        assertFalse(plan.contains("loop [B,N,M]"), plan);
    }

    /** The report per_quantile is [N, B] as written; its reduction runs over [B, N, M] and a view shows it as [N, B]. */
    @Test
    void aReportKeepsItsOwnOrderAndValues() {
        Graph g = graph(PAIRS);
        assertEquals(List.of("N", "B"), g.output(Output.report("per_quantile")).type().dims());
        assertEquals(List.of("N", "B"), FusePass.plan(g).graph().output(Output.report("per_quantile")).type().dims());
        long seed = 5;
        for (long[] s : new long[][] {{1, 1, 1}, {3, 17, 5}, {5, 33, 40}}) {
            CpuMatchesReferenceTest.compare(new CpuBackend(), Rlo.source(PAIRS), "pairs", Map.of("B", s[0], "N", s[1], "M", s[2]), false, seed++, 1e-5);
        }
    }

    private static Graph graph(String source) {
        Compiler c = Rlo.source(source);
        return c.graph("pairs", Map.of(), false, true);
    }

    private static String plan(String source) {
        return PlanPrinter.print(FusePass.plan(graph(source)));
    }
}
