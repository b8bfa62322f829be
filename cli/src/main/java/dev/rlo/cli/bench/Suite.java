package dev.rlo.cli.bench;

import dev.rlo.compiler.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmark suite of issue 4: PPO-clip with value loss and entropy (loss and gradients), GAE,
 * GRPO and QAE advantages, and QR-DQN's quantile Huber loss and gradient, each at the shapes the
 * reference points were measured at; then the calls a training loop makes (issue 19): PPO on
 * minibatches of 256 and 4096, double DQN on 64, QR-DQN on 32 with 200 quantiles, GRPO on 64 groups.
 */
final class Suite {

    private Suite() { }

    static final String PPO = """
            objective ppo_full(logp: f32[N] grad, old_logp: f32[N], adv: f32[N], value: f32[N] grad, ret: f32[N],
                               entropy: f32[N] grad, eps = 0.2, vf_coef = 0.5, ent_coef = 0.01) {
              let ratio = exp(logp - old_logp)
              let pg = -mean(min(ratio * adv, clip(ratio, 1 - eps, 1 + eps) * adv))
              pg + vf_coef * mean((value - ret) ** 2) - ent_coef * mean(entropy)
            }
            """;

    static final String GAE = """
            import std.advantage.{gae}
            objective gae_bench(value: f32[T,E] grad, reward: f32[T,E], next_value: f32[T,E], terminated: bool[T,E],
                                truncated: bool[T,E]) {
              report adv = gae(reward, value, next_value, terminated, truncated)
              value[T = 0][E = 0]
            }
            """;

    static final String GROUPS = """
            import std.advantage.{group_norm, qae_advantage}
            objective grpo_bench(reward: f32[G,K] grad) {
              report adv = group_norm(reward)
              reward[G = 0][K = 0]
            }
            objective qae_bench(reward: f32[G,K] grad) {
              report adv = qae_advantage(reward, q: 0.4)
              reward[G = 0][K = 0]
            }
            """;

    static final String QR_DQN = """
            objective qr_dqn(z: f32[B,A,N] grad, action: i32[B], reward: f32[B], terminated: bool[B],
                             z_next: f32[B,A,N], gamma = 0.99, kappa = 1.0) {
              let tau    = (iota(N) + 0.5) / size(N)
              let a_star = argmax(mean(z_next, over: N), over: A)
              let target = stopgrad(reward + gamma * (1 - terminated) * z_next[A = a_star])[N -> M]
              let u      = target - z[A = action]
              mean(sum(mean(abs(tau - (u < 0)) * huber(u, kappa) / kappa, over: M), over: N), over: B)
            }
            """;

    static final String DQN = """
            import std.bellman.{double_dqn_target}
            objective double_dqn(q: f32[B,A] grad, action: i32[B], reward: f32[B], terminated: bool[B],
                                 q_next: f32[B,A], q_next_online: f32[B,A], gamma = 0.99) {
              let q_a    = q[A = action]
              let target = double_dqn_target(q_next_online, q_next, reward, terminated, gamma: gamma)
              mean(huber(q_a - stopgrad(target)))
            }
            """;

    static List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (long n : new long[] {100_000, 1_000_000, 10_000_000}) {
            out.add(new Entry("ppo", "N=" + n, PPO, "ppo_full", true, Map.of("N", n), n, 9 * 4 * n, Suite::ppo));
        }
        for (long[] te : new long[][] {{128, 7812}, {2048, 488}, {2048, 496}, {2048, 4882}}) {
            long n = te[0] * te[1];
            out.add(new Entry("gae", te[0] + "x" + te[1], GAE, "gae_bench", false, Map.of("T", te[0], "E", te[1]), n,
                    n * (3 * 4 + 2 + 4), Suite::gae));
        }
        for (long g : new long[] {62_500, 625_000}) {
            out.add(new Entry("grpo", g + "x16", GROUPS, "grpo_bench", false, Map.of("G", g, "K", 16L), g * 16, g * 16 * 8,
                    in -> grpo(in, false)));
            out.add(new Entry("qae", g + "x16", GROUPS, "qae_bench", false, Map.of("G", g, "K", 16L), g * 16, g * 16 * 8,
                    in -> grpo(in, true)));
        }
        for (long n : new long[] {32, 64, 200}) {
            out.add(new Entry("qr_dqn", "256x" + n + "x" + n, QR_DQN, "qr_dqn", true, Map.of("B", 256L, "A", 4L, "N", n),
                    256 * n * n, 256 * 4 * n * 4 * 3, Suite::qrDqn));
        }
        for (long b : new long[] {256, 4096}) {
            out.add(new Entry("ppo", "B=" + b, PPO, "ppo_full", true, Map.of("N", b), b, 9 * 4 * b, Suite::ppo, true));
        }
        out.add(new Entry("dqn", "B=64", DQN, "double_dqn", true, Map.of("B", 64L, "A", 2L), 64 * 2, 64 * 2 * 4 * 4,
                Suite::dqn, true));
        out.add(new Entry("qr_dqn", "32x200x200", QR_DQN, "qr_dqn", true, Map.of("B", 32L, "A", 4L, "N", 200L),
                32 * 200 * 200, 32 * 4 * 200 * 4 * 3, Suite::qrDqn, true));
        out.add(new Entry("grpo", "64x16", GROUPS, "grpo_bench", false, Map.of("G", 64L, "K", 16L), 64 * 16, 64 * 16 * 8,
                in -> grpo(in, false), true));
        return out;
    }

    // ---- the Java side: the same work on plain arrays -------------------------------------------

    static float[] floats(Tensor t) {
        return t.data().dup('c').data().asFloat();
    }

    static boolean[] bools(Tensor t) {
        double[] v = t.values();
        boolean[] b = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i] != 0;
        }
        return b;
    }

    private static Runnable ppo(Map<String, Tensor> in) {
        float[] logp = floats(in.get("logp"));
        float[] old = floats(in.get("old_logp"));
        float[] adv = floats(in.get("adv"));
        float[] value = floats(in.get("value"));
        float[] ret = floats(in.get("ret"));
        float[] entropy = floats(in.get("entropy"));
        float[] g1 = new float[logp.length];
        float[] g2 = new float[logp.length];
        float[] g3 = new float[logp.length];
        return () -> JavaLoops.ppo(logp, old, adv, value, ret, entropy, g1, g2, g3);
    }

    private static Runnable gae(Map<String, Tensor> in) {
        Tensor v = in.get("value");
        int t = (int) v.size("T");
        int e = (int) v.size("E");
        float[] reward = floats(in.get("reward"));
        float[] value = floats(v);
        float[] next = floats(in.get("next_value"));
        boolean[] term = bools(in.get("terminated"));
        boolean[] trunc = bools(in.get("truncated"));
        float[] adv = new float[reward.length];
        return () -> JavaLoops.gae(reward, value, next, term, trunc, t, e, adv);
    }

    private static Runnable grpo(Map<String, Tensor> in, boolean quantile) {
        Tensor r = in.get("reward");
        int g = (int) r.size("G");
        int k = (int) r.size("K");
        float[] reward = floats(r);
        float[] adv = new float[reward.length];
        return quantile ? () -> JavaLoops.qae(reward, g, k, 0.4f, adv) : () -> JavaLoops.grpo(reward, g, k, adv);
    }

    private static Runnable dqn(Map<String, Tensor> in) {
        Tensor q = in.get("q");
        int a = (int) q.size("A");
        float[] qs = floats(q);
        double[] action = in.get("action").values();
        int[] actions = new int[action.length];
        for (int s = 0; s < actions.length; s++) {
            actions[s] = (int) action[s];
        }
        float[] reward = floats(in.get("reward"));
        boolean[] terminated = bools(in.get("terminated"));
        float[] next = floats(in.get("q_next"));
        float[] nextOnline = floats(in.get("q_next_online"));
        float[] grad = new float[qs.length];
        return () -> JavaLoops.doubleDqn(qs, actions, reward, terminated, next, nextOnline, a, grad);
    }

    /** The Java loop gets z gathered at the actions and the targets precomputed: it times the pairwise part. */
    private static Runnable qrDqn(Map<String, Tensor> in) {
        Tensor z = in.get("z");
        int b = (int) z.size("B");
        int a = (int) z.size("A");
        int n = (int) z.size("N");
        float[] zs = floats(z);
        float[] next = floats(in.get("z_next"));
        double[] action = in.get("action").values();
        float[] za = new float[b * n];
        float[] target = new float[b * n];
        for (int s = 0; s < b; s++) {
            for (int i = 0; i < n; i++) {
                za[s * n + i] = zs[(s * a + (int) action[s]) * n + i];
                target[s * n + i] = next[(s * a) * n + i];
            }
        }
        float[] grad = new float[b * n];
        return () -> JavaLoops.qrDqn(za, target, b, n, n, grad);
    }
}
