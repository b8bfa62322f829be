package dev.rlo.compiler.backend.cpu;

/**
 * The sorting permutation of one lane, for generated argsort kernels: stable, NaN last, −0 equal to
 * 0. Insertion sort for short lanes (GRPO's groups of 8–32), a bottom-up merge sort of
 * insertion-sorted runs above that; primitive comparisons, and buffers each part keeps across calls
 * ({@link Locals}). (Ranking short lanes without branches, n² comparisons, measured 3× slower at n = 16.)
 */
public final class Sorting {

    /** Lanes up to this length are insertion-sorted whole; longer ones in runs of it, then merged. */
    static final int RUN = 32;

    private Sorting() { }

    /**
     * Sixteen keys in 60 comparators and 10 layers, the fewest known for 16 since Green (Knuth, TAOCP
     * 3, 5.3.4), where Batcher's merge exchange takes 63. SortingTest runs it on all 2¹⁶ sequences of
     * 0s and 1s, which proves that it sorts every sequence (the 0-1 principle, ibid.).
     */
    private static final int[] SIXTEEN = {
        0, 13, 1, 12, 2, 15, 3, 14, 4, 8, 5, 6, 7, 11, 9, 10,
        0, 5, 1, 7, 2, 9, 3, 4, 6, 13, 8, 14, 10, 15, 11, 12,
        0, 1, 2, 3, 4, 5, 6, 8, 7, 9, 10, 11, 12, 13, 14, 15,
        0, 2, 1, 3, 4, 10, 5, 11, 6, 7, 8, 9, 12, 14, 13, 15,
        1, 2, 3, 12, 4, 6, 5, 7, 8, 10, 9, 11, 13, 14,
        1, 4, 2, 6, 5, 8, 7, 10, 9, 13, 11, 14,
        2, 4, 3, 6, 9, 12, 11, 13,
        3, 5, 6, 8, 7, 9, 10, 12,
        3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
        6, 7, 8, 9,
    };

    /** {@link #network}'s networks for the lengths a tile can have, made once (a kernel asks on each call). */
    private static final int[][] NETWORKS = new int[VectorTarget.SHORT + 1][];

    static {
        for (int n = 0; n < NETWORKS.length; n++) {
            NETWORKS[n] = n == 16 ? SIXTEEN : merging(n);
        }
    }

    /**
     * A sorting network for n keys: its comparators (i, j), i < j, in order, as pairs. For 16 keys
     * {@link #SIXTEEN}'s 60, for others Batcher's merge exchange (Knuth, TAOCP 3, 5.2.2, Algorithm M).
     * Sorts a tile's columns across lanes ({@code TileSources}). The array is shared: read it, do not
     * write it.
     */
    public static int[] network(int n) {
        return n >= 0 && n < NETWORKS.length ? NETWORKS[n] : merging(n);
    }

    private static int[] merging(int n) {
        int[] pairs = new int[0];
        int t = 0;
        while ((1L << t) < n) {
            t++;
        }
        int count = 0;
        for (int p = t == 0 ? 0 : 1 << (t - 1); p > 0; p >>= 1) {
            int q = 1 << (t - 1), r = 0, d = p;
            while (true) {
                for (int i = 0; i + d < n; i++) {
                    if ((i & p) == r) {
                        if (count + 2 > pairs.length) {
                            pairs = java.util.Arrays.copyOf(pairs, Math.max(16, 2 * pairs.length));
                        }
                        pairs[count++] = i;
                        pairs[count++] = i + d;
                    }
                }
                if (q == p) {
                    break;
                }
                d = q - p;
                q >>= 1;
                r = p;
            }
        }
        return java.util.Arrays.copyOf(pairs, count);
    }

    /** Writes into {@code order[0, n)} the indices of {@code v[0, n)} in sorted order; {@code tmp} is scratch of n. */
    public static void argsort(double[] v, int n, int[] order, int[] tmp, boolean descending) {
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int lo = 0; lo < n; lo += RUN) {
            insertion(v, order, lo, Math.min(n, lo + RUN), descending);
        }
        int[] from = order;
        int[] to = tmp;
        for (int width = RUN; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                merge(v, from, to, lo, Math.min(n, lo + width), Math.min(n, lo + 2 * width), descending);
            }
            int[] t = from;
            from = to;
            to = t;
        }
        if (from != order) {
            System.arraycopy(from, 0, order, 0, n);
        }
    }

    private static void insertion(double[] v, int[] order, int lo, int hi, boolean descending) {
        for (int i = lo + 1; i < hi; i++) {
            int x = order[i];
            int j = i - 1;
            while (j >= lo && before(v[x], v[order[j]], descending)) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = x;
        }
    }

    private static void merge(double[] v, int[] from, int[] to, int lo, int mid, int hi, boolean descending) {
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            /* the right run's element goes first only if strictly before: ties keep their order */
            if (j < hi && (i >= mid || before(v[from[j]], v[from[i]], descending))) {
                to[k] = from[j++];
            } else {
                to[k] = from[i++];
            }
        }
    }

    /** Whether a sorts strictly before b: NaN after everything, equal values (−0 and 0 too) neither. */
    private static boolean before(double a, double b, boolean descending) {
        if (Double.isNaN(a)) {
            return false;
        }
        if (Double.isNaN(b)) {
            return true;
        }
        return descending ? a > b : a < b;
    }
}
