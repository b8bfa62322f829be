package dev.rlo.compiler.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Sorting#argsort} against a stable library sort of boxed indices, with ties, NaN and −0;
 * {@link Sorting#network} by the 0-1 principle.
 */
class SortingTest {

    @Test
    void argsortIsStableWithNanLastInBothDirections() {
        Random random = new Random(5);
        for (int n : new int[] {0, 1, 2, 16, 31, 32, 33, 64, 65, 100, 257}) {
            for (int trial = 0; trial < 20; trial++) {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    /* few distinct values, so that ties are common */
                    v[i] = switch (random.nextInt(8)) {
                        case 0 -> Double.NaN;
                        case 1 -> -0.0;
                        case 2 -> 0.0;
                        default -> random.nextInt(5) - 2;
                    };
                }
                for (boolean descending : new boolean[] {false, true}) {
                    int[] order = new int[n];
                    Sorting.argsort(v, n, order, new int[n], descending);
                    assertArrayEquals(expected(v, descending), order, Arrays.toString(v) + (descending ? " descending" : ""));
                }
            }
        }
    }

    /** List.sort is a stable merge sort; NaN compares after every number, and −0 equal to 0 here. */
    private static int[] expected(double[] v, boolean descending) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Comparator<Integer> byValue = (a, b) -> {
            double p = v[a];
            double q = v[b];
            if (Double.isNaN(p) || Double.isNaN(q)) {
                return Boolean.compare(Double.isNaN(p), Double.isNaN(q));
            }
            int c = p < q ? -1 : p > q ? 1 : 0;
            return descending ? -c : c;
        };
        Arrays.asList(idx).sort(byValue);
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    /**
     * A comparator network sorts every sequence if it sorts every sequence of 0s and 1s (Knuth, TAOCP
     * 3, 5.3.4, Theorem Z): bit i of x is key i, and a comparator (a, b) moves a 1 at a above a 0 at b.
     */
    @Test
    void networksSortEverySequenceOfZerosAndOnes() {
        for (int n = 0; n <= 20; n++) {
            int[] network = Sorting.network(n);
            for (int p = 0; p < network.length; p += 2) {
                assertTrue(0 <= network[p] && network[p] < network[p + 1] && network[p + 1] < n, "comparator " + p / 2 + " of " + n);
            }
            for (int x = 0; x < 1 << n; x++) {
                int v = x;
                for (int p = 0; p < network.length; p += 2) {
                    int a = network[p], b = network[p + 1];
                    if ((v >> a & 1) == 1 && (v >> b & 1) == 0) {
                        v ^= 1 << a | 1 << b;
                    }
                }
                int ones = Integer.bitCount(x);
                assertEquals(((1 << n) - 1) & ~((1 << (n - ones)) - 1), v, "network of " + n + " on " + Integer.toBinaryString(x));
            }
        }
        assertEquals(60, Sorting.network(16).length / 2, "Green's count for 16");
    }
}
