package dev.rlo.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The blocked loops give the bits of the plain loops: the weight gradient's elements summed over b in
 * order, the forward's columns past the last full vector summed over i in order; every forward output is
 * the float64 sum to float32 rounding.
 */
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
                                /* vector columns accumulate with FMA, the columns past them with a multiply and an add */
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

    @Test
    void rowsAreTheDotProductsPlusTheBias() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        Random random = new Random(11);
        for (int n : new int[] {1, 3, 4, lanes, lanes + 5, 64, 256}) {
            for (int m : new int[] {1, 2, 7, lanes, 4 * lanes, 4 * lanes + 3, 9 * lanes + 1}) {
                for (int rows : new int[] {1, 3, 4, 9, 64}) {
                    for (boolean withBias : new boolean[] {true, false}) {
                        float[] x = values(random, rows * n);
                        float[] w = values(random, 3 + n * m);
                        float[] bias = withBias ? values(random, 5 + m) : null;
                        float[] z = new float[rows * m];
                        Linear.rows(x, rows, n, w, 3, m, bias, 5, z);
                        for (int b = 0; b < rows; b++) {
                            for (int j = 0; j < m; j++) {
                                double sum = withBias ? bias[5 + j] : 0;
                                double magnitude = Math.abs(sum);
                                for (int i = 0; i < n; i++) {
                                    double term = (double) x[b * n + i] * w[3 + i * m + j];
                                    sum += term;
                                    magnitude += Math.abs(term);
                                }
                                /* float32 sums of n + 1 terms: each rounding within 2^-24 of the running magnitude */
                                double tolerance = (n + 2) * 0x1p-24 * magnitude + Float.MIN_NORMAL;
                                String at = "n " + n + ", m " + m + ", rows " + rows + ", bias " + withBias + ", z[" + b + ", " + j + "]";
                                assertEquals(sum, z[b * m + j], tolerance, at);
                                if (j >= m - m % lanes) {
                                    float plain = withBias ? bias[5 + j] : 0;
                                    for (int i = 0; i < n; i++) {
                                        plain += x[b * n + i] * w[3 + i * m + j];
                                    }
                                    assertEquals(Float.floatToRawIntBits(plain), Float.floatToRawIntBits(z[b * m + j]), at);
                                }
                            }
                        }
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
