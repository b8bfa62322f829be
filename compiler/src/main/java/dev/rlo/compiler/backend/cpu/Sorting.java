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

    /** {@link #network}'s networks for the lengths a tile can have, made once (a kernel asks on each call). */
    private static final int[][] NETWORKS = new int[VectorTarget.SHORT + 1][];

    static {
        for (int n = 0; n < NETWORKS.length; n++) {
            NETWORKS[n] = merging(n);
        }
    }

    /**
     * Batcher's merge exchange for n keys (Knuth, TAOCP 3, 5.2.2, Algorithm M): its comparators (i, j),
     * i < j, in order, as pairs (63 for n = 16). Sorts a tile's columns across lanes
     * ({@code TileSources}). The array is shared: read it, do not write it.
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
