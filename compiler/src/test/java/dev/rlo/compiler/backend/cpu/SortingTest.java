package dev.rlo.compiler.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Sorting#argsort} against a stable library sort of boxed indices, with ties, NaN and −0. */
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
}
