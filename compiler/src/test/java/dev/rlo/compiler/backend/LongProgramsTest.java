package dev.rlo.compiler.backend;

import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.base.Limits;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Programs long in the ways the limits allow (hardening cases F1, F9): thousands of `let`s in a
 * chain, and chains whose every step reads the previous value twice. The fused backend must
 * compile them (each kernel small enough for a JVM method, its analysis linear in the graph) and
 * agree with the reference. The {@code @Timeout}s are watchdogs against the exponential and
 * quadratic walks these programs used to hit, not speed requirements.
 */
class LongProgramsTest {

    /** Runs {@code body} on a thread like the CLI's, and rethrows what it threw. */
    static void onCompileThread(Runnable body) throws Throwable {
        Throwable[] thrown = {null};
        Thread t = Limits.thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }, "long-program");
        t.start();
        t.join();
        if (thrown[0] != null) {
            throw thrown[0];
        }
    }

    static String chain(int n, String step) {
        return "objective long_chain(x: f64[B] grad, y: f64[B]) {\n  let v0 = x\n"
                + IntStream.range(1, n).mapToObj(i -> "  let v" + i + " = " + step.replace("PREV", "v" + (i - 1)) + "\n")
                .collect(Collectors.joining()) + "  mean(v" + (n - 1) + ")\n}\n";
    }

    /** F9: 3,000 chained lets (a graph of some 9,000 nodes with its gradient) compile to kernels javac accepts. */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aLongChainOfLetsCompilesAndAgrees() throws Throwable {
        onCompileThread(() -> CpuMatchesReferenceTest.compare(new CpuBackend(), Rlo.source(chain(3000, "tanh(PREV) * 0.9 + y")),
                "long_chain", Map.of("B", 37L), true, 3, 1e-9));
    }

    /** F9: each step reads the previous value in both branches of a where: 60 steps, 2^60 paths, one pass each. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sharedValuesAreAnalysedOnce() throws Throwable {
        onCompileThread(() -> CpuMatchesReferenceTest.compare(new CpuBackend(),
                Rlo.source(chain(60, "where(PREV > y, log_sigmoid(PREV) + y, clip(PREV, -1, 1) * 0.5)")),
                "long_chain", Map.of("B", 37L), true, 5, 1e-9));
    }
}
