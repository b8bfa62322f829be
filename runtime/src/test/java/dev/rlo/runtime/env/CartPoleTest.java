package dev.rlo.runtime.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class CartPoleTest {

    @Test
    void terminatesWhenThePoleFallsAndAutoresets() {
        CartPole env = new CartPole(1, 3);
        System.arraycopy(new double[] {0, 0, 0.21, 0}, 0, env.state(0), 0, 4);   // 0.21 rad > 12° = 0.2094
        env.step(new double[] {1});
        assertTrue(env.terminated[0]);
        assertFalse(env.truncated[0]);
        assertEquals(1.0, env.endedReturn[0]);
        assertEquals(1, env.endedLength[0]);
        assertTrue(env.finalObs[2] > 0.2094, "the final observation is the fallen pole, not the reset");
        for (int i = 0; i < 4; i++) {
            assertTrue(Math.abs(env.obs[i]) <= 0.05, "a fresh episode starts in [-0.05, 0.05]");
        }
    }

    /** Gymnasium's TimeLimit: the 500th step truncates (and does not terminate) a balanced pole. */
    @Test
    void truncatesAfter500Steps() {
        CartPole env = new CartPole(1, 5);
        for (int t = 1; t <= 500; t++) {
            double[] s = env.state(0);
            System.arraycopy(new double[] {0, 0, 0, 0}, 0, s, 0, 4);
            env.step(new double[] {t % 2});
            assertEquals(t == 500, env.truncated[0], "step " + t);
            assertFalse(env.terminated[0]);
        }
        assertEquals(500.0, env.endedReturn[0]);
    }

    @Test
    void savedStateContinuesExactly() throws IOException {
        CartPole a = new CartPole(4, 11);
        for (int t = 0; t < 37; t++) {
            a.step(new double[] {t % 2, 1, 0, t % 3 == 0 ? 1 : 0});
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        a.save(new DataOutputStream(bytes));
        CartPole b = new CartPole(4, 999);
        b.restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        for (int t = 0; t < 300; t++) {
            double[] act = {t % 2, (t / 3) % 2, 1 - t % 2, t % 5 == 0 ? 1 : 0};
            a.step(act);
            b.step(act);
            assertEquals(java.util.Arrays.toString(a.obs), java.util.Arrays.toString(b.obs), "step " + t);
        }
    }
}
