package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlo.compiler.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Published test vectors, reproduced by rlo programs through {@code rlo eval} (JSON in, JSON out),
 * each to 1e-4, on both backends. The programs and inputs are in {@code src/test/vectors}; the expected numbers are
 * copied from the sources named at each test, not computed by rlo.
 */
class PublishedVectorsTest {

    static final String DIR = "src/test/vectors/";

    /** cpu, reference, and opencl where an OpenCL platform exists (always in CI, which installs PoCL). */
    static Stream<String> backends() {
        try {
            dev.rlo.compiler.backend.gpu.GpuBackend.opencl(null).device();
            return Stream.of("cpu", "reference", "opencl");
        } catch (dev.rlo.compiler.base.UserError e) {
            if ("true".equals(System.getenv("CI"))) {
                throw e;
            }
            System.err.println("published vectors: not on opencl: " + e.getMessage());
            return Stream.of("cpu", "reference");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> eval(String backend, String rlo, String inputs, String... more) {
        String[] args = new String[8 + more.length];
        String in = inputs.startsWith("/") ? inputs : DIR + inputs;
        System.arraycopy(new String[] {"eval", DIR + rlo, "--inputs", in, "--format", "json", "--backend", backend}, 0, args, 0, 8);
        System.arraycopy(more, 0, args, 8, more.length);
        CliTest.Run r = CliTest.rlo(args);
        assertEquals(0, r.code(), r.out() + r.err());
        return (Map<String, Object>) Json.parse(r.out(), "eval output");
    }

    @SuppressWarnings("unchecked")
    static double[] report(Map<String, Object> out, String name) {
        Object v = ((Map<String, Object>) out.get("reports")).get(name);
        if (v instanceof Double d) {
            return new double[] {d};
        }
        return ((List<Object>) ((Map<String, Object>) v).get("data")).stream().mapToDouble(x -> (Double) x).toArray();
    }

    static void close(double[] want, double[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4, "element " + i);
        }
    }

    /**
     * rlax, rlax/_src/multistep_test.py (TruncatedGeneralizedAdvantageEstimationTest): rewards
     * [[0,0,1,0,-0.5],[0,0,0,0,1]], values [[1,4,-3,-2,-1,-1],[-3,-2,-1,0,5,-1]], discounts
     * [[0.99]*5,[0.9,0.9,0.9,0.0,0.9]]. A row's discount is γ(1 − terminated): row 2 terminates at t=3.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void rlaxGeneralizedAdvantageEstimation(String backend) {
        close(new double[] {-1.45119, -4.45575, 2.53965, 0.52490, -0.49},
                report(eval(backend, "gae.rlo", "gae_row1.json", "--set", "lambda=1"), "adv"));
        close(new double[] {3.0, 2.0, 1.0, 0.0, -4.9}, report(eval(backend, "gae.rlo", "gae_row2.json", "--set", "lambda=1"), "adv"));
        close(new double[] {-0.67698, -5.24817, 2.48461, 0.67043, -0.49},
                report(eval(backend, "gae.rlo", "gae_row1.json", "--set", "lambda=0.7"), "adv"));
        close(new double[] {2.2899, 1.73, 1.0, 0.0, -4.9}, report(eval(backend, "gae.rlo", "gae_row2.json", "--set", "lambda=0.7"), "adv"));
    }

    /**
     * rlax, rlax/_src/policy_gradients_test.py (ClippedSurrogatePGLossTest): logits
     * [[1,1,1],[2,0,0],[-1,-2,-3]], old logits [[1,1,1],[2,0,0],[-3,-2,-1]], actions [0,1,2], ε 0.2,
     * advantages [0.3,0.2,0.1] → −0.17117467; the negated advantages → 0.19333333.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void rlaxClippedSurrogate(String backend, @TempDir Path dir) throws IOException {
        assertEquals(-0.17117467, (Double) eval(backend, "ppo.rlo", "ppo.json").get("loss"), 1e-4);
        Path negated = dir.resolve("ppo_negated.json");
        Files.writeString(negated, Files.readString(Path.of(DIR + "ppo.json")).replace("[0.3, 0.2, 0.1]", "[-0.3, -0.2, -0.1]"));
        assertEquals(0.19333333, (Double) eval(backend, "ppo.rlo", negated.toAbsolutePath().toString()).get("loss"), 1e-4);
    }

    /**
     * The same vector from files numpy wrote (src/test/vectors/ppo.npz, by numpy.savez: f4 logits,
     * Fortran-order f8 old logits, i8 actions, big-endian f4 advantages), and a bool .npy read as a
     * row's terminations.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void numpyFilesAreReadAsNumpyWroteThem(String backend, @TempDir Path dir) throws IOException {
        assertEquals(-0.17117467, (Double) eval(backend, "ppo.rlo", "ppo.npz").get("loss"), 1e-4);
        Path noTerminations = dir.resolve("row2.json");
        Files.writeString(noTerminations, Files.readString(Path.of(DIR + "gae_row2.json"))
                .replaceAll("(?m)^.*\"terminated\".*\n", ""));
        Map<String, Object> row2 = eval(backend, "gae.rlo", noTerminations.toAbsolutePath().toString(), "--set", "lambda=1",
                "--input", "terminated=" + DIR + "terminated.npy");
        close(new double[] {3.0, 2.0, 1.0, 0.0, -4.9}, report(row2, "adv"));
    }

    /**
     * rlax, rlax/_src/value_learning_test.py (QuantileRegressionLossTest): dist [-1,3], τ [0.2,0.7]
     * and [0,0.4], target [-3,4,2] → [2.0, 2.2]; with Huber κ = 2 → [2.5, 8.5/3].
     */
    @ParameterizedTest
    @MethodSource("backends")
    void rlaxQuantileRegression(String backend) {
        close(new double[] {2.0, 2.2}, report(eval(backend, "quantile.rlo", "quantile.json"), "loss"));
        close(new double[] {2.5, 8.5 / 3}, report(eval(backend, "quantile.rlo", "quantile.json", "--set", "kappa=2"), "loss"));
    }

    /**
     * Eight rewards, three 1s and five 0s (the GRPO variants' standard example, worked by hand:
     * mean 0.375, Σ(r − mean)² = 1.875): GRPO with the sample std → +1.2076/−0.7246, with the
     * population std → +1.2910/−0.7746, the mean alone → +0.625/−0.375, RLOO → +0.7143/−0.4286.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void groupBaselines(String backend) {
        Map<String, Object> out = eval(backend, "baselines.rlo", "baselines.json");
        close(new double[] {1.2076, 1.2076, 1.2076, -0.7246, -0.7246, -0.7246, -0.7246, -0.7246}, report(out, "grpo_sample"));
        close(new double[] {1.2910, 1.2910, 1.2910, -0.7746, -0.7746, -0.7746, -0.7746, -0.7746}, report(out, "grpo_population"));
        close(new double[] {0.625, 0.625, 0.625, -0.375, -0.375, -0.375, -0.375, -0.375}, report(out, "mean_only"));
        close(new double[] {0.7143, 0.7143, 0.7143, -0.4286, -0.4286, -0.4286, -0.4286, -0.4286}, report(out, "leave_one_out"));
    }
}
