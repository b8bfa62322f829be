package dev.rlo.runtime.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.diag.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sweeps expanded into runs (spec/train.md#runs): order, labels, the rlo train arguments, random draws, checks. */
class PlanTest {

    static final Path EXAMPLE = Path.of("../examples/sweep-ppo-vs-spo.rlo");

    /** The example file with {@code sweep} blocks added. */
    static Compiler with(String sweeps) throws IOException {
        return Compiler.fromSource("sweeps.rlo", Files.readString(EXAMPLE) + "\n" + sweeps, EXAMPLE.getParent(), List.of());
    }

    @Test
    void theExampleIsTwoObjectivesTimesTwoEpsTimesFiveSeeds() {
        Plan plan = Plan.of(Compiler.load(EXAMPLE, List.of()), null, Plan.Changes.NONE);
        assertEquals(List.of(), plan.problems());
        assertEquals("ppo_vs_spo", plan.name());
        assertEquals(new Metric("mean_return", true), plan.metric());
        assertEquals(20, plan.runs().size());
        Run first = plan.runs().getFirst();
        assertEquals("objective=ppo eps=0.1", first.config());
        assertEquals(List.of("--train", "cartpole", "--objective", "ppo", "--set", "eps=0.1", "--seed", "1", "--steps", "100000"),
                first.args());
        assertTrue(first.id().matches("001-[0-9a-f]{8}"), first.id());
        /* configurations in the order written, the last key fastest; seeds innermost */
        assertEquals(List.of("objective=ppo eps=0.1", "objective=ppo eps=0.2", "objective=spo eps=0.1", "objective=spo eps=0.2"),
                plan.runs().stream().map(Run::config).distinct().toList());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), plan.runs().subList(0, 5).stream().map(Run::seed).toList());
        assertEquals(20, plan.runs().stream().map(Run::id).distinct().count());
    }

    @Test
    void variantsBringTheirHyperParametersAndSweptValuesWin() throws IOException {
        Plan plan = Plan.of(with("""
                sweep s {
                  objective      = [ppo(vf_coef: 0.25, eps: 0.3), spo]
                  eps            = [0.15]
                  network.hidden = [[32, 32], [64,64]]
                  seeds          = [7, 42]
                  steps          = 2_048
                  metric         = min(final_return)
                }
                """), "s", Plan.Changes.NONE);
        assertEquals(List.of(), plan.problems());
        assertEquals(8, plan.runs().size());
        assertEquals(new Metric("final_return", false), plan.metric());
        Run r = plan.runs().getFirst();
        assertEquals("objective=ppo(vf_coef:0.25,eps:0.3) network.hidden=[32,32]", r.config());
        assertEquals(Map.of("vf_coef", "0.25", "eps", "0.15", "network.hidden", "[32,32]"), r.set());
        assertEquals(List.of("--train", "cartpole", "--objective", "ppo", "--set", "vf_coef=0.25", "--set", "eps=0.15",
                "--set", "network.hidden=[32,32]", "--seed", "7", "--steps", "2048"), r.args());
        assertEquals(42, plan.runs().get(1).seed());
        Plan before = Plan.of(with("sweep t {\n  eps = [0.15]\n  objective = [ppo(eps: 0.3)]\n}\n"), "t", Plan.Changes.NONE);
        assertEquals("0.15", before.runs().getFirst().set().get("eps"), "whatever order the keys are written in");
    }

    @Test
    void theCommandLineReplacesAndAddsAxesSeedsAndBudget() {
        Plan plan = Plan.of(Compiler.load(EXAMPLE, List.of()), null,
                new Plan.Changes(Map.of("eps", List.of("0.3"), "optimizer.lr", List.of("1e-3", "3e-4")), 2, 512L));
        assertEquals(List.of(), plan.problems());
        assertEquals(2 * 1 * 2 * 2, plan.runs().size());
        assertEquals("objective=ppo optimizer.lr=1e-3", plan.runs().getFirst().config());
        assertEquals(List.of("--train", "cartpole", "--objective", "ppo", "--set", "eps=0.3", "--set", "optimizer.lr=1e-3",
                "--seed", "1", "--steps", "512"), plan.runs().getFirst().args());
    }

    /** Without a sweep block, --grid alone sweeps the file's train block. */
    @Test
    void aFileWithoutSweepIsSweptFromTheCommandLine() {
        Plan plan = Plan.of(Compiler.load(Path.of("../examples/ppo-cartpole.rlo"), List.of()), null,
                new Plan.Changes(Map.of("eps", List.of("0.1", "0.2")), 3, null));
        assertEquals(List.of(), plan.problems());
        assertEquals("ppo_cartpole", plan.name());
        assertEquals(6, plan.runs().size());
        assertEquals(List.of("--train", "ppo_cartpole", "--set", "eps=0.1", "--seed", "1", "--steps", "100000"),
                plan.runs().getFirst().args());
    }

    /**
     * Random search draws from SplitMix64 in the order the keys are written. The expected values were
     * computed by a separate Python SplitMix64 (state += 0x9E3779B97F4A7C15, Stafford's mix 13;
     * uniform = top 53 bits · 2⁻⁵³; below(n) = (next >>> 33) · n >>> 31), seed 3.
     */
    @Test
    void randomSearchDrawsFromItsSeededStream() throws IOException {
        Plan plan = Plan.of(with("""
                sweep search {
                  method       = random(trials: 3, seed: 3)
                  optimizer.lr = log_uniform(1e-4, 1e-2)
                  eps          = uniform(0.1, 0.3)
                  loop.epochs  = choice([1, 2, 4])
                  steps        = 256
                }
                """), "search", Plan.Changes.NONE);
        assertEquals(List.of(), plan.problems());
        double[][] expected = {{0.00016861673830112235, 0.24005870271858046, 2}, {0.0001398728659556676, 0.14328782175629698, 2},
                {0.00018633383274437517, 0.2777436868223088, 2}};
        assertEquals(3, plan.runs().size());
        for (int t = 0; t < 3; t++) {
            Map<String, String> set = plan.runs().get(t).set();
            assertEquals(expected[t][0], Double.parseDouble(set.get("optimizer.lr")));
            assertEquals(expected[t][1], Double.parseDouble(set.get("eps")));
            assertEquals((int) expected[t][2], Integer.parseInt(set.get("loop.epochs")));
        }
        assertTrue(plan.runs().getFirst().config().startsWith("optimizer.lr=1.6861673830112235E-4 eps="),
                plan.runs().getFirst().config());
    }

    /** What only the loop knows is checked per configuration, and reported where the sweep wrote it. */
    @Test
    void configurationsThatDoNotFitTheirLoopAreReportedAtTheSweptValue() throws IOException {
        Plan plan = Plan.of(with("""
                sweep bad {
                  loop.epochs   = [4, 0]
                  optimizer.lrr = [1e-3]
                }
                """), "bad", Plan.Changes.NONE);
        assertEquals(List.of(), plan.runs(), "nothing runs");
        List<String> found = plan.problems().stream().map(PlanTest::where).toList();
        int epochs = (int) Files.readString(EXAMPLE).lines().count() + 3;   // the file, an empty line, `sweep bad {`
        /* epochs = 4 gets past the loop to the optimizer; epochs = 0 stops at the loop */
        assertEquals(List.of(epochs + 1 + ":20 `adam` has no argument `lrr`", epochs + ":23 `epochs` of `on_policy` takes an integer ≥ 1"),
                found);
    }

    @Test
    void unknownSweepIsAUserError() {
        UserError e = assertThrows(UserError.class, () -> Plan.of(Compiler.load(EXAMPLE, List.of()), "nope", Plan.Changes.NONE));
        assertEquals("no sweep `nope`; the file has ppo_vs_spo", e.getMessage());
    }

    private static String where(Diagnostic d) {
        return d.span().line() + ":" + d.span().column() + " " + d.message();
    }
}
