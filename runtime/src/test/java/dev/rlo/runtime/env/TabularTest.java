package dev.rlo.runtime.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The toy-text environments' transition tables against Gymnasium 1.3.0's {@code env.P}, dumped by gymnasium_steps.py. */
class TabularTest {

    @Test
    void frozenLakeHasGymnasiumsTable() throws IOException {
        sameTable("frozen_lake", new FrozenLake(1, 0), 16);
    }

    @Test
    void cliffWalkingHasGymnasiumsTable() throws IOException {
        sameTable("cliff_walking", new CliffWalking(1, 0, 500), 48);
    }

    /** The sampled frequencies follow the table: from the start, "right" on ice goes down, right or up (stays) by thirds. */
    @Test
    void slipperyIceSplitsByThirds() {
        FrozenLake env = new FrozenLake(3000, 7);
        env.step(java.util.stream.IntStream.range(0, 3000).mapToDouble(i -> 2).toArray());
        int[] landed = new int[16];
        for (int e = 0; e < 3000; e++) {
            for (int c = 0; c < 16; c++) {
                if (env.finalObs[e * 16 + c] == 1f) {
                    landed[c]++;
                }
            }
        }
        for (int cell : new int[] {0, 1, 4}) {
            assertTrue(Math.abs(landed[cell] - 1000) < 100, "cell " + cell + ": " + landed[cell]);   // 4σ ≈ 103
        }
    }

    private static void sameTable(String name, Tabular env, int states) throws IOException {
        Map<String, List<Tabular.Outcome>> gym = new LinkedHashMap<>();
        try (InputStream in = TabularTest.class.getResourceAsStream(name + ".csv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1).toList()) {
                String[] c = line.split(",");
                gym.computeIfAbsent(c[0] + "," + c[1], k -> new ArrayList<>()).add(new Tabular.Outcome(
                        Double.parseDouble(c[2]), Integer.parseInt(c[3]), Double.parseDouble(c[4]), c[5].equals("1")));
            }
        }
        assertEquals(states * 4, gym.size());
        for (int s = 0; s < states; s++) {
            for (int a = 0; a < 4; a++) {
                assertEquals(gym.get(s + "," + a), env.outcomes(s, a), name + " state " + s + ", action " + a);
            }
        }
    }
}
