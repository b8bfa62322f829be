package dev.rlo.runtime.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DigitsTest {

    @Test
    void rewardsDigitsThatSumToTheTarget() {
        Digits task = new Digits(2, 10);
        assertEquals(19, task.targets());
        int[] tokens = {3, 4, 9, 9, 0, 0};
        assertEquals(1.0, task.reward(7, tokens, 0));
        assertEquals(0.0, task.reward(8, tokens, 0));
        assertEquals(1.0, task.reward(18, tokens, 2));
        assertEquals(1.0, task.reward(0, tokens, 4));
    }

    /** A random policy's pass rate, counted by hand: Σ_t min(t + 1, 19 − t) / 100 / 19 = 100 / 1900. */
    @Test
    void randomPolicyPassesOneInNineteen() {
        Digits task = new Digits(2, 10);
        int pass = 0;
        for (int t = 0; t < 19; t++) {
            for (int a = 0; a < 10; a++) {
                for (int b = 0; b < 10; b++) {
                    pass += (int) task.reward(t, new int[] {a, b}, 0);
                }
            }
        }
        assertEquals(100, pass);
    }

    /** Target one-hot (3 values for length 2, base 2), position one-hot (2), earlier digits one-hot (2 × 2). */
    @Test
    void contextIsOneHot() {
        Digits task = new Digits(2, 2);
        float[] out = new float[task.inputSize()];
        task.context(2, new int[] {1, 0}, 0, 1, out, 0);
        assertArrayEquals(new float[] {0, 0, 1, 0, 1, 0, 1, 0, 0}, out);
        task.context(0, new int[] {1, 0}, 0, 0, out, 0);
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 0, 0, 0, 0}, out);
    }
}
