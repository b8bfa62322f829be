package dev.rlo.stdlib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The multistep estimators against naive loops written here from their papers' recursions (the
 * style guide's "reference against fast", as TorchRL's test_tdlambda), on random rollouts with
 * terminations and truncations; and the identities that tie them together.
 */
class MultistepTest {

    static final String SRC = """
            import std.advantage.{gae, lambda_returns, discounted_returns, group_norm, rloo}

            objective probe(value: f64[T] grad, reward: f64[T], next_value: f64[T], terminated: bool[T],
                            truncated: bool[T], gamma = 0.9, lambda = 0.8) {
              report adv = gae(reward, value, next_value, terminated, truncated, gamma: gamma, lambda: lambda)
              report ret = lambda_returns(reward, next_value, terminated, truncated, gamma: gamma, lambda: lambda)
              report mc = discounted_returns(reward, next_value, terminated, truncated, gamma: gamma)
              report mc_as_lambda = lambda_returns(reward, next_value, terminated, truncated, gamma: gamma, lambda: 1.0)
              sum(value)
            }
            """;

    static final int T = 40;

    record Rollout(double[] r, double[] v, double[] nv, boolean[] term, boolean[] trunc) { }

    static Rollout rollout(long seed) {
        Random rnd = new Random(seed);
        Rollout o = new Rollout(new double[T], new double[T], new double[T], new boolean[T], new boolean[T]);
        for (int t = 0; t < T; t++) {
            o.r[t] = rnd.nextGaussian();
            o.v[t] = rnd.nextGaussian();
            o.nv[t] = rnd.nextGaussian();
            o.term[t] = rnd.nextDouble() < 0.1;
            o.trunc[t] = !o.term[t] && rnd.nextDouble() < 0.1;
        }
        return o;
    }

    /** GAE by its recursion, walking back from the end of the rollout. */
    static double[] naiveGae(Rollout o, double gamma, double lambda) {
        double[] a = new double[T];
        double next = 0;
        for (int t = T - 1; t >= 0; t--) {
            double delta = o.r[t] + (o.term[t] ? 0 : gamma * o.nv[t]) - o.v[t];
            boolean done = o.term[t] || o.trunc[t];
            a[t] = delta + (done || t == T - 1 ? 0 : gamma * lambda * next);
            next = a[t];
        }
        return a;
    }

    /** λ-returns by their recursion: G_t = r_t + γ(1−term)[(1−λ)V' + λ G_{t+1}], V' alone where cut. */
    static double[] naiveLambdaReturns(Rollout o, double gamma, double lambda) {
        double[] g = new double[T];
        for (int t = T - 1; t >= 0; t--) {
            boolean cut = o.trunc[t] || t == T - 1;
            double boot = cut ? o.nv[t] : (1 - lambda) * o.nv[t] + lambda * g[t + 1];
            g[t] = o.r[t] + (o.term[t] ? 0 : gamma * boot);
        }
        return g;
    }

    /** One corpus, several configurations: every check runs on every backend ({@link Backends}). */
    static final List<Backend> BACKENDS = Backends.ALL;

    static Map<String, Tensor> run(Rollout o, Backend backend) {
        Compiler c = Compiler.fromSource("probe.rlo", SRC, null, List.of());
        CompiledObjective probe = c.compile("probe", Map.of(), true, backend);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("value", vec(DType.F64, o.v));
        in.put("reward", vec(DType.F64, o.r));
        in.put("next_value", vec(DType.F64, o.nv));
        in.put("terminated", flags(o.term));
        in.put("truncated", flags(o.trunc));
        return probe.run(in).reports();
    }

    static Tensor vec(DType d, double[] v) {
        return Tensor.of(d, List.of("T"), new long[] {v.length}, v);
    }

    static Tensor flags(boolean[] b) {
        double[] v = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i] ? 1 : 0;
        }
        return vec(DType.BOOL, v);
    }

    @Test
    void gaeAndLambdaReturnsMatchTheirRecursions() {
        for (Backend b : BACKENDS) {
            for (long seed = 1; seed <= 5; seed++) {
                Rollout o = rollout(seed);
                Map<String, Tensor> out = run(o, b);
                String at = ", seed " + seed + " on " + b.name();
                assertArrayEquals(naiveGae(o, 0.9, 0.8), out.get("adv").values(), 1e-12, "gae" + at);
                assertArrayEquals(naiveLambdaReturns(o, 0.9, 0.8), out.get("ret").values(), 1e-12, "λ-returns" + at);
                assertArrayEquals(naiveLambdaReturns(o, 0.9, 1.0), out.get("mc").values(), 1e-12, "returns" + at);
            }
        }
    }

    /**
     * Where the values are consistent — V(s_{t+1}) is the next step's V(s_t) inside an episode —
     * the λ-return minus the value is the GAE advantage (Schulman et al. 2015, eq. 17).
     */
    @Test
    void lambdaReturnsMinusValuesAreGaeAndLambdaOneIsDiscountedReturns() {
        Rollout o = rollout(9);
        for (int t = 0; t < T - 1; t++) {
            if (!o.term[t] && !o.trunc[t]) {
                o.nv[t] = o.v[t + 1];
            }
        }
        for (Backend b : BACKENDS) {
            Map<String, Tensor> out = run(o, b);
            double[] adv = out.get("adv").values();
            double[] ret = out.get("ret").values();
            for (int t = 0; t < T; t++) {
                ret[t] -= o.v[t];
            }
            assertArrayEquals(adv, ret, 1e-12, b.name());
            assertArrayEquals(out.get("mc").values(), out.get("mc_as_lambda").values(), 0.0, b.name());
        }
    }

    @Test
    void groupsOfOneOrOfEqualRewardsGiveZerosNotNaN() {
        String src = """
                import std.advantage.{group_norm, rloo}
                objective groups(reward: f64[G,K] grad) {
                  report norm = group_norm(reward)
                  report loo = rloo(reward)
                  sum(group_norm(reward)) + sum(rloo(reward))
                }
                """;
        for (Backend b : BACKENDS) {
            groupsOnBackend(src, b);
        }
    }

    private static void groupsOnBackend(String src, Backend b) {
        CompiledObjective o = Compiler.fromSource("g.rlo", src, null, List.of()).compile("groups", Map.of(), true, b);
        for (long k : new long[] {1, 4}) {
            double[] equal = new double[(int) (2 * k)];
            java.util.Arrays.fill(equal, 0.75);
            CompiledObjective.Result r = o.run(Map.of("reward", Tensor.of(DType.F64, List.of("G", "K"), new long[] {2, k}, equal)));
            assertArrayEquals(new double[equal.length], r.reports().get("norm").values(), 0.0, "group_norm, K = " + k + " on " + b.name());
            assertArrayEquals(new double[equal.length], r.reports().get("loo").values(), 0.0, "rloo, K = " + k + " on " + b.name());
            for (double g : r.grads().get("reward").values()) {
                assertTrue(Double.isFinite(g), "a finite gradient for K = " + k + " on " + b.name());
            }
        }
    }
}
