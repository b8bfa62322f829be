package dev.rlo.runtime.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LotteryTest {

    /**
     * 200k pulls of each arm against the arms' definitions computed by hand: safe mean 1 and
     * CVaR_0.1 = 1 − 0.1·φ(z₀.₁)/0.1 ≈ 0.8245; lottery mean 0.9·2.5 − 0.1·10 = 1.25 and CVaR_0.1 = −10.
     */
    @Test
    void armsHaveTheirMeansAndTails() {
        Lottery env = new Lottery(1000, 42);
        double[][] rewards = new double[2][200_000];
        for (int arm = 0; arm < 2; arm++) {
            double[] a = new double[1000];
            Arrays.fill(a, arm);
            for (int t = 0; t < 200; t++) {
                env.step(a);
                for (int e = 0; e < 1000; e++) {
                    assertTrue(env.terminated[e], "every pull ends its episode");
                    rewards[arm][t * 1000 + e] = env.reward[e];
                }
            }
        }
        assertEquals(1.0, mean(rewards[0]), 0.002);
        assertEquals(0.8245, cvar(rewards[0], 0.1), 0.005);
        assertEquals(1.25, mean(rewards[1]), 0.03);
        /* the tail takes some 2.5s when fewer than 10% of pulls lost: σ of the loss share is 0.067%,
           which moves the tail mean by 0.084; allow 3σ */
        assertEquals(-10.0, cvar(rewards[1], 0.1), 0.26);
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static double cvar(double[] v, double alpha) {
        double[] s = v.clone();
        Arrays.sort(s);
        return mean(Arrays.copyOf(s, (int) (alpha * s.length)));
    }
}
