package dev.rlo.compiler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.PlanPrinter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Kernel-plan goldens: {@code golden/plan/Name.rlo}'s objectives, with gradients, print as
 * {@code Name.plan} ({@code rlo compile --emit plan}). A diff here changes how many times the fused
 * backends touch memory.
 */
class PlanGoldenTest {

    static final Path DIR = Path.of("src/test/golden/plan");

    @TestFactory
    Stream<DynamicTest> objectivesFuseIntoTheirPlans() {
        return Goldens.suite(DIR, ".plan", file -> plans(file).collect(Collectors.joining("\n")));
    }

    /** The bar: PPO-clip with value and entropy, loss and gradients, in at most two passes. */
    @Test
    void ppoLossAndGradientsTakeAtMostTwoPasses() {
        String plan = plans(DIR.resolve("PpoFull.rlo")).findFirst().orElseThrow();
        int passes = Integer.parseInt(plan.lines().findFirst().orElseThrow().replaceAll(".*, (\\d+) passes? over the data", "$1"));
        assertTrue(passes <= 2, plan);
    }

    /**
     * spec/ir.md#fusion, values recomputed along a dimension they lack: a row over M computed from
     * an input and compared with each of N values is buffered once; a value of constants and
     * indices alone, and one that does not vary along the vector loop's M, stay recomputed.
     */
    @Test
    void aRowComparedWithEveryNIsComputedOnce() {
        String plan = plan("""
                objective pairs(x: f32[B,N] grad, y: f32[B,N], w: f32[B]) {
                  let row  = (2 * y + 1)[N -> M]
                  let tau  = (iota(N) + 0.5) / size(N)
                  let u    = row - x
                  mean(sum(mean(tau * abs(u) * exp(w), over: M), over: N), over: B)
                }
                """);
        assertTrue(plan.contains(" add : f32[B,N]\n"), plan);
        assertFalse(plan.contains(" div : f32[N]\n"), plan);
        assertFalse(plan.contains(" exp : f32[B]\n"), plan);
    }

    private static String plan(String source) {
        Compiler c = Compiler.fromSource("pairs.rlo", source, Path.of("."), List.of());
        return PlanPrinter.print(FusePass.plan(c.graph(c.objectives().getFirst(), Map.of(), false, true)));
    }

    private static Stream<String> plans(Path file) {
        try {
            Compiler c = Compiler.fromSource(file.getFileName().toString(), Files.readString(file),
                    file.toAbsolutePath().getParent(), List.of());
            return c.objectives().stream().map(o -> PlanPrinter.print(FusePass.plan(c.graph(o, Map.of(), false, true))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
