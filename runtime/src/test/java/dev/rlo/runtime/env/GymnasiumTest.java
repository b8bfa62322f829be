package dev.rlo.runtime.env;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The classic-control environments replay trajectories recorded from Gymnasium 1.3.0 itself
 * ({@code gymnasium_steps.py} beside the csv files: a fixed start state and fixed actions, the
 * unwrapped environment) and must reach the same observation, reward and termination at every step.
 */
class GymnasiumTest {

    static Stream<Arguments> recordings() {
        return Stream.of(
                Arguments.of("cartpole", (Supplier<VecEnv>) () -> new CartPole(1, 0), new double[] {0.01, -0.02, 0.03, 0.04}),
                Arguments.of("acrobot", (Supplier<VecEnv>) () -> new Acrobot(1, 0), new double[] {0.05, -0.03, 0.2, -0.1}),
                Arguments.of("mountain_car", (Supplier<VecEnv>) () -> new MountainCar(1, 0), new double[] {-0.5, 0.0}),
                Arguments.of("pendulum", (Supplier<VecEnv>) () -> new Pendulum(1, 0), new double[] {2.5, -0.3}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordings")
    void followsGymnasiumStepForStep(String name, Supplier<VecEnv> make, double[] start) throws IOException {
        VecEnv env = make.get();
        System.arraycopy(start, 0, env.state(0), 0, start.length);
        List<String> lines;
        try (InputStream in = GymnasiumTest.class.getResourceAsStream(name + ".csv")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1).toList();
        }
        int n = env.obsSize();
        for (String line : lines) {
            String[] c = line.split(",");
            env.step(new double[] {Double.parseDouble(c[1])});
            for (int i = 0; i < n; i++) {
                /* sin and cos may differ from C's in the last bit, which hundreds of chaotic steps grow to ~1e-8 */
                assertEquals(Float.parseFloat(c[2 + i]), env.finalObs[i], 1e-6, name + " step " + c[0] + ", obs " + i);
            }
            assertEquals(Double.parseDouble(c[2 + n]), env.reward[0], 1e-5, name + " step " + c[0]);
            assertEquals(c[3 + n].equals("1"), env.terminated[0], name + " step " + c[0]);
        }
    }
}
