package dev.rlo.compiler.backend;

import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.grad.GradientTest;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The opencl backend against the reference, as {@link CpuMatchesReferenceTest} checks the cpu one:
 * every op's gradient case in f64 (to 1e-9) and random programs with random shapes in f32 (to 1e-4
 * relative). On PoCL each new program costs a build (about 0.1 s), so this is the slowest corpus.
 */
class OpenClMatchesReferenceTest {

    /** Fewer than on cpu: each is new code for PoCL to compile (about 1 s); the op cases cover every op. */
    static final int RANDOM_PROGRAMS = 12;

    @TestFactory
    Stream<DynamicTest> everyOpsGradientCaseAgrees() {
        Backend opencl = Devices.opencl();
        return GradientTest.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            String weights = c.dims().isEmpty() ? "w: f64" : "w: f64[" + c.dims() + "]";
            String src = "objective grad_case(" + c.params() + ", " + weights + ") {\n  sum((" + c.expr() + ") * w)\n}\n"
                    + GradientTest.HELPERS;
            CpuMatchesReferenceTest.compare(opencl, Rlo.source(src), "grad_case", Map.of(), true, 7, 1e-9);
        }));
    }

    /**
     * Reductions over 300000 elements: 4096 work items leave 4096 partial slices each, merged by one
     * level of the merge tree (16 groups of 256) and the finishing kernel (stride 256).
     */
    @Test
    void reductionsOverManySlicesMergeInATree() {
        String src = "objective big(x: f64[N] grad) {\n  report s = sum(x)\n  report m = max(x)\n  report l = logsumexp(x)\n"
                + "  report a = argmax(x, over: N)\n  mean(x * x)\n}\n";
        CpuMatchesReferenceTest.compare(Devices.opencl(), Rlo.source(src), "big", Map.of("N", 300_000L), true, 3, 1e-9);
    }

    /**
     * GAE over one environment and 20000 steps (79 chunks of 256, one lane): the chunked scan, and
     * the reverse scan of its gradient, against the reference (f64, 1e-9).
     */
    @Test
    void aLongScanWithFewLanesRunsInChunks() {
        String src = "import std.advantage.{gae}\nobjective long_gae(value: f64[T,E] grad, reward: f64[T,E], next_value: f64[T,E],\n"
                + "    terminated: bool[T,E], truncated: bool[T,E]) {\n  let adv = gae(reward, value, next_value, terminated, truncated)\n"
                + "  report a = adv\n  mean(adv * adv)\n}\n";
        CpuMatchesReferenceTest.compare(Devices.opencl(), Rlo.source(src), "long_gae", Map.of("T", 20_000L, "E", 1L), true, 5, 1e-9);
    }

    /** A sort that is the first phase of its loop (SortsAcrossTest.IN_THE_LOOP): rows of 5 and of 40, which merge runs of 32. */
    @Test
    void aSortInTheLoopThatReadsItAgrees() {
        for (long k : new long[] {5, 40}) {
            CpuMatchesReferenceTest.compare(Devices.opencl(), Rlo.source(SortsAcrossTest.IN_THE_LOOP), "in_the_loop", Map.of("G", 21L, "K", k),
                    false, 9, 1e-5);
        }
    }

    @Test
    void randomProgramsAgree() {
        CpuMatchesReferenceTest.randomProgramsAgree(Devices.opencl(), RANDOM_PROGRAMS);
    }
}
