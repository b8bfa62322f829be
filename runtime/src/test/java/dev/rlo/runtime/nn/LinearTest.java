package dev.rlo.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The weight gradient's blocked loops give the bits of the plain loop: each element summed over b in order. */
class LinearTest {

    @Test
    void outerIsTheInOrderSumOfEveryElement() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        Random random = new Random(7);
        for (int n : new int[] {1, 3, 4, 5, 8, 64}) {
            for (int m : new int[] {1, 7, lanes, 4 * lanes, 4 * lanes + 3, 9 * lanes + 1}) {
                for (int rows : new int[] {1, 3, 64}) {
                    float[] x = values(random, rows * n);
                    float[] dz = values(random, rows * m);
                    float[] g = values(random, 2 + n * m);
                    float[] want = g.clone();
                    int full = m - m % lanes;
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < m; j++) {
                            float s = want[2 + i * m + j];
                            for (int b = 0; b < rows; b++) {
                                /* vector columns accumulate with FMA, the scalar tail with a multiply and an add */
                                s = j < full ? Math.fma(x[b * n + i], dz[b * m + j], s) : s + x[b * n + i] * dz[b * m + j];
                            }
                            want[2 + i * m + j] = s;
                        }
                    }
                    Linear.outer(x, dz, rows, n, m, g, 2);
                    for (int k = 0; k < g.length; k++) {
                        assertEquals(Float.floatToRawIntBits(want[k]), Float.floatToRawIntBits(g[k]),
                                "n " + n + ", m " + m + ", rows " + rows + ", element " + k);
                    }
                }
            }
        }
    }

    private static float[] values(Random random, int count) {
        float[] v = new float[count];
        for (int k = 0; k < count; k++) {
            v[k] = (float) random.nextGaussian();
        }
        return v;
    }
}
