package dev.rlo.stdlib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * spec/stdlib.md's knob table, row by row: the rlo settings said to reproduce TRL's, verl's and
 * OpenRLHF's group baselines give what each library's own formula gives — written here in plain
 * Java from their code (quoted beside each), not from rlo — on a group of eight, a group of equal
 * rewards and, where the library defines it, a group of one.
 */
class KnobTableTest {

    static final double[] EIGHT = {1, 0, 0, 1, 1, 0, 0, 0};
    static final double[] EQUAL = {1, 1, 1};
    static final double[] ONE = {0.7};

    @Test
    void trlGroupNorm() {
        /* TRL GRPOTrainer: (rewards − mean) / (rewards.std(dim=1) + 1e-4); std unbiased. TRL requires K ≥ 2. */
        Function<double[], double[]> trl = r -> scaled(r, mean(r), std(r, 1) + 1e-4);
        same("group_norm(r)", trl, EIGHT, EQUAL);
    }

    @Test
    void verlGroupNorm() {
        /* verl compute_grpo_outcome_advantage: a group of one has mean 0 and std 1; epsilon 1e-6; torch.std unbiased. */
        Function<double[], double[]> verl = r -> r.length == 1 ? scaled(r, 0, 1 + 1e-6) : scaled(r, mean(r), std(r, 1) + 1e-6);
        same("group_norm(r, eps: 1e-6, singleton_raw: true)", verl, EIGHT, EQUAL, ONE);
    }

    @Test
    void verlAndOpenRlhfMeanOnly() {
        /* verl norm_adv_by_std_in_grpo=False and OpenRLHF dr_grpo / reinforce_baseline: rewards − mean. */
        same("group_center(r)", r -> scaled(r, mean(r), 1), EIGHT, EQUAL, ONE);
    }

    @Test
    void openRlhfGroupNorm() {
        /* OpenRLHF group_norm: (rewards − mean) / (rewards.std(-1) + 1e-9); NaN for a group of one, where rlo gives 0. */
        same("group_norm(r, eps: 1e-9)", r -> scaled(r, mean(r), std(r, 1) + 1e-9), EIGHT, EQUAL);
    }

    @Test
    void openRlhfRloo() {
        /* OpenRLHF rloo: baseline = (rewards.sum(-1) − rewards) / (n − 1). */
        same("rloo(r)", r -> {
            double[] out = new double[r.length];
            double sum = java.util.Arrays.stream(r).sum();
            for (int i = 0; i < r.length; i++) {
                out[i] = r[i] - (sum - r[i]) / (r.length - 1);
            }
            return out;
        }, EIGHT, EQUAL);
    }

    @Test
    void populationStd() {
        /* ddof 0: numpy's default std, which none of the three uses. */
        same("group_norm(r, ddof: 0, eps: 0.0)", r -> scaled(r, mean(r), std(r, 0)), EIGHT);
    }

    /**
     * verl's compute_policy_loss_vanilla then agg_loss, in plain Java from verl/trainer/ppo/core_algos.py:
     * pg1 = −A·ρ, pg2 = −A·clamp(ρ, 1 − low, 1 + high), clip1 = max(pg1, pg2), pg3 = −A·c,
     * loss = A < 0 ? min(pg3, clip1) : clip1; then each loss_agg_mode. TRL's loss types map to the same
     * modes (dr_grpo: the sum over B·L_max). Random [4, 5] inputs, every sequence with a real token
     * (verl's seq-mean-token-mean divides by 0 for an empty one; rlo counts it 0).
     */
    @Test
    void verlPolicyLossAndAggregationModes() {
        java.util.Random rnd = new java.util.Random(8);
        int b = 4;
        int l = 5;
        double[] logp = new double[b * l];
        double[] old = new double[b * l];
        double[] adv = new double[b * l];
        double[] mask = new double[b * l];
        for (int i = 0; i < b * l; i++) {
            logp[i] = -2 + rnd.nextDouble();
            old[i] = logp[i] + rnd.nextGaussian() * 0.5;
            adv[i] = rnd.nextGaussian() * 2;
            mask[i] = i % l == 0 || rnd.nextBoolean() ? 1 : 0;
        }
        double low = 0.2;
        double high = 0.28;
        double c = 3;
        double[] loss = new double[b * l];
        for (int i = 0; i < b * l; i++) {
            double ratio = Math.exp(logp[i] - old[i]);
            double pg1 = -adv[i] * ratio;
            double pg2 = -adv[i] * Math.min(Math.max(ratio, 1 - low), 1 + high);
            double clip1 = Math.max(pg1, pg2);
            loss[i] = adv[i] < 0 ? Math.min(-adv[i] * c, clip1) : clip1;
        }
        double total = 0;
        double tokens = 0;
        double seqMeanTokenMean = 0;
        double seqMeanTokenSum = 0;
        for (int s = 0; s < b; s++) {
            double sum = 0;
            double n = 0;
            for (int t = 0; t < l; t++) {
                sum += loss[s * l + t] * mask[s * l + t];
                n += mask[s * l + t];
            }
            total += sum;
            tokens += n;
            seqMeanTokenMean += sum / n / b;
            seqMeanTokenSum += sum / b;
        }
        Map<String, Double> verl = Map.of("token-mean", total / tokens, "seq-mean-token-mean", seqMeanTokenMean,
                "seq-mean-token-sum", seqMeanTokenSum, "seq-mean-token-sum-norm", total / l);
        Map<String, Tensor> in = Map.of("lp", t(logp, b, l, DType.F64), "old", t(old, b, l, DType.F64), "a", t(adv, b, l, DType.F64),
                "m", t(mask, b, l, DType.BOOL), "w", Tensor.scalar(DType.F64, 0));
        for (Backend backend : StdlibGradcheckTest.BACKENDS) {
            for (Map.Entry<String, Double> mode : verl.entrySet()) {
                String src = "import std.policy.{ppo_tokens}\nobjective probe(lp: f64[B,L], old: f64[B,L], a: f64[B,L], m: bool[B,L], "
                        + "w: f64 grad) {\n  report out = ppo_tokens(lp, old, a, m, eps_low: 0.2, eps_high: 0.28, dual_clip: 3.0, agg: \""
                        + mode.getKey() + "\")\n  w\n}\n";
                var probe = Compiler.fromSource("probe.rlo", src, null, List.of()).compile("probe", Map.of(), true, backend);
                double got = probe.run(in).reports().get("out").item();
                org.junit.jupiter.api.Assertions.assertEquals(mode.getValue(), got, 1e-12, mode.getKey() + " on " + backend.name());
            }
            /* TRL dr_grpo: (per_token_loss * mask).sum() / (B * max_completion_length) */
            String src = "import std.policy.{ppo_tokens}\nobjective probe(lp: f64[B,L], old: f64[B,L], a: f64[B,L], m: bool[B,L], "
                    + "w: f64 grad) {\n  report out = ppo_tokens(lp, old, a, m, eps_low: 0.2, eps_high: 0.28, dual_clip: 3.0, "
                    + "agg: \"seq-mean-token-sum-norm\", norm: 20.0)\n  w\n}\n";
            var probe = Compiler.fromSource("probe.rlo", src, null, List.of()).compile("probe", Map.of(), true, backend);
            org.junit.jupiter.api.Assertions.assertEquals(total / (b * l), probe.run(in).reports().get("out").item(), 1e-12,
                    "TRL dr_grpo on " + backend.name());
        }
    }

    private static Tensor t(double[] v, int b, int l, DType d) {
        return Tensor.of(d, List.of("B", "L"), new long[] {b, l}, v);
    }

    private static void same(String call, Function<double[], double[]> library, double[]... groups) {
        for (double[] r : groups) {
            for (Backend b : StdlibGradcheckTest.BACKENDS) {
                String src = "import std.advantage.{group_norm, group_center, rloo}\n"
                        + "objective probe(r: f64[K], w: f64 grad) {\n  report out = " + call + "\n  w\n}\n";
                var probe = Compiler.fromSource("probe.rlo", src, null, List.of()).compile("probe", Map.of(), true, b);
                double[] got = probe.run(Map.of("r", Tensor.of(DType.F64, List.of("K"), new long[] {r.length}, r),
                        "w", Tensor.scalar(DType.F64, 0))).reports().get("out").values();
                assertArrayEquals(library.apply(r), got, 1e-9, call + " on " + java.util.Arrays.toString(r) + " (" + b.name() + ")");
            }
        }
    }

    private static double[] scaled(double[] r, double mean, double scale) {
        return java.util.Arrays.stream(r).map(x -> (x - mean) / scale).toArray();
    }

    private static double mean(double[] r) {
        return java.util.Arrays.stream(r).average().orElseThrow();
    }

    private static double std(double[] r, int ddof) {
        double m = mean(r);
        double ss = java.util.Arrays.stream(r).map(x -> (x - m) * (x - m)).sum();
        return Math.sqrt(ss / (r.length - ddof));
    }
}
