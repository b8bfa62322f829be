package dev.rlo.stdlib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.ast.DType;
import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.tensor.Tensor;
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
