package dev.rlo.compiler.backend.cpu;

/** The sorting permutation of one lane, for generated argsort kernels: stable, NaN last, −0 equal to 0. */
public final class Sorting {

    private Sorting() { }

    public static int[] argsort(double[] v, boolean descending) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (i, j) -> compare(v[i], v[j], descending));
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    private static int compare(double p, double q, boolean descending) {
        if (Double.isNaN(p) || Double.isNaN(q)) {
            return Boolean.compare(Double.isNaN(p), Double.isNaN(q));
        }
        int c = p < q ? -1 : p > q ? 1 : 0;
        return descending ? -c : c;
    }
}
