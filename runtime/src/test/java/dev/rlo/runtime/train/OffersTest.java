package dev.rlo.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each loop declares each input once, in an {@link Contract.Offers} table that the contract check
 * and the loop's calls both read (spec/runtime.md). For every table, objectives that together ask for
 * every input it offers pass the check and then run an iteration of the loop on the reference
 * backend, which refuses an input of another dtype or shape than the objective declares: so what the
 * check accepts, the loop makes, as declared.
 */
class OffersTest {

    private static final String DISCRETE = "objective o(logits: f32[B,A] grad, value: f32[B] grad, action: i32[B], old_logp: f32[B],"
            + " old_value: f32[B], old_logits: f32[B,A], adv: f32[B], ret: f32[B], reward: f32[B]) {\n"
            + "  mean(sum(logits * old_logits, over: A)) + mean(value * (old_logp + old_value + adv + ret + reward + f32(action)))\n}\n";

    private static final String CONTINUOUS = "objective o(mu: f32[B,D] grad, log_std: f32[D] grad, value: f32[B] grad, action: f32[B,D],"
            + " old_logp: f32[B], old_value: f32[B], adv: f32[B], ret: f32[B], reward: f32[B]) {\n"
            + "  mean(sum(mu * action, over: D)) + mean(log_std) + mean(value * (old_logp + old_value + adv + ret + reward))\n}\n";

    private static final String STAGE = "fn stage(reward: f32[T,E], value: f32[T,E], next_value: f32[T,E], terminated: bool[T,E],"
            + " truncated: bool[T,E], done: bool[T,E]) -> f32[T,E] {\n"
            + "  reward + value + next_value + f32(terminated) + f32(truncated) + f32(done)\n}\n";

    private static final String OFF_POLICY = "  loop = off_policy(buffer: 64, batch: 4, learning_starts: 0, train_every: 8, gradient_steps: 1%s)\n";

    @Test
    void everyOnPolicyInputIsMadeAsDeclared() {
        assertEquals(union(OnPolicy.STAGE), names(STAGE));
        assertEquals(union(OnPolicy.LOSS), names(DISCRETE));
        assertEquals(union(OnPolicy.CONTINUOUS_LOSS), names(CONTINUOUS));
        String loop = "  loop = on_policy(steps: 4, epochs: 1, minibatches: 2, advantages: stage)\n";
        iterate(STAGE + DISCRETE + block("cartpole(envs: 2)", loop, "mlp(hidden: [8])"));
        iterate(STAGE + CONTINUOUS + block("pendulum(envs: 2)", loop, "mlp(hidden: [8])"));
    }

    @Test
    void everyOffPolicyInputIsMadeAsDeclared() {
        String q = "objective o(q: f32[B,A] grad, q_next: f32[B,A], q_next_online: f32[B,A], action: i32[B], reward: f32[B],"
                + " terminated: bool[B], truncated: bool[B], done: bool[B]) {\n"
                + "  mean(sum(q * (q_next + q_next_online), over: A) + f32(action) + reward + f32(terminated) + f32(truncated) + f32(done))\n}\n";
        String z = "objective o(z: f32[B,A,N] grad, z_next: f32[B,A,M], tau: f32[N]) {\n"
                + "  mean(sum(z * tau, over: N)) + mean(z_next)\n}\n";
        String logits = "fn act(logits: f32[B,A,N]) -> f32[B,A] {\n  mean(logits, over: N)\n}\n"
                + "objective o(logits: f32[B,A,N] grad, next_logits: f32[B,A,N]) {\n  mean(logits * next_logits)\n}\n";
        assertEquals(union(OffPolicy.LOSS), names(q, z, logits));
        iterate(q + block("cartpole(envs: 2)", OFF_POLICY.formatted(""), "mlp(hidden: [8])"));
        iterate(z + block("cartpole(envs: 2)", OFF_POLICY.formatted(""), "mlp(hidden: [8], N: 3, M: 2)"));
        iterate(logits + block("cartpole(envs: 2)", OFF_POLICY.formatted(", act: act"), "mlp(hidden: [8], N: 3)"));
    }

    @Test
    void everyGroupAndPreferenceInputIsMadeAsDeclared() {
        String rest = "old_logp: f32[G,K,L], ref_logp: f32[G,K,L], mask: bool[G,K,L], token: i32[G,K,L], reward: f32[G,K]) {\n"
                + "  mean(old_logp + ref_logp + f32(mask) + f32(token)) + mean(reward) + ";
        String logp = "objective o(logp: f32[G,K,L] grad, " + rest + "mean(logp)\n}\n";
        String logits = "objective o(logits: f32[G,K,L,V] grad, " + rest + "mean(logits)\n}\n";
        String pairs = "objective o(logp_w: f32[P] grad, logp_l: f32[P] grad, ref_w: f32[P], ref_l: f32[P]) {\n"
                + "  mean(logp_w - logp_l + ref_w - ref_l)\n}\n";
        assertEquals(union(Group.LOSS), names(logp, logits));
        assertEquals(union(Preference.LOSS), names(pairs));
        String digits = "digits(length: 2, base: 4)";
        iterate(logp + block(digits, "  loop = group(prompts: 2, samples: 2)\n", "mlp(hidden: [8])"));
        iterate(logits + block(digits, "  loop = group(prompts: 2, samples: 2)\n", "mlp(hidden: [8])"));
        iterate(pairs + block(digits, "  loop = preference(pairs: 4, samples: 4, batch: 2)\n", "mlp(hidden: [8])"));
    }

    private static String block(String env, String loop, String network) {
        return "train t {\n  env = " + env + "\n" + loop + "  network = " + network + "\n  objective = o\n  steps = 1000\n}\n";
    }

    /** One iteration of the file's loop: it checks the objective, then calls it with the inputs the loop makes. */
    private static void iterate(String source) {
        Compiler compiler = Compiler.fromSource("offers.rlo", source, null, List.of());
        Experiment x = Experiment.of(compiler, null, new Experiment.Overrides(null, Map.of(), Map.of(), null, null));
        Map<String, Double> row = Loops.build(x, new ReferenceBackend()).iterate(0);
        assertTrue(Double.isFinite(row.getOrDefault("losses/loss", Double.NaN)), source + row);
    }

    /** The inputs the fns and objectives of {@code sources} declare, together. */
    private static Set<String> names(String... sources) {
        Set<String> out = new TreeSet<>();
        for (String source : sources) {
            Compiler c = Compiler.fromSource("offers.rlo", source, null, List.of());
            Stream.concat(c.fnDecls().stream(), c.objectiveDecls().stream())
                    .forEach(f -> f.params().forEach(p -> out.add(p.name().name())));
        }
        return out;
    }

    private static Set<String> union(Contract.Offers<?> offers) {
        return new TreeSet<>(offers.names());
    }
}
