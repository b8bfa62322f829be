package dev.rlo.compiler.numerics;

/**
 * rlo's summation (spec/ir.md#reductions): a sum is carried in f64 as a pair (s, c), s the running
 * sum and c the rounding errors of its additions, each found exactly by Knuth's TwoSum; the sum is
 * s + c, and a mean divides s + c by the count with one correction step, so that n equal values
 * have exactly that value as their mean. Once s is not finite, c is ignored (TwoSum's ∞ − ∞ makes
 * it NaN), and the result is what plain f64 addition gives. The generated kernels spell the same
 * steps as Java or C text (fuse/Reduction).
 */
public final class Sums {

    private Sums() { }

    /** Adds {@code v} to the pair {@code p[i]} (sum), {@code p[i + 1]} (compensation). */
    public static void add(double[] p, int i, double v) {
        double s = p[i];
        double t = s + v;
        double z = t - s;
        p[i + 1] += (s - (t - z)) + (v - z);
        p[i] = t;
    }

    /** Adds the pair (s, c) of another partial sum to the pair at {@code p[i]}: s by TwoSum, its error and c together. */
    public static void merge(double[] p, int i, double s, double c) {
        double a = p[i];
        double t = a + s;
        double z = t - a;
        p[i + 1] += (a - (t - z)) + (s - z) + c;
        p[i] = t;
    }

    /** The sum a pair stands for. */
    public static double total(double s, double c) {
        return Double.isFinite(s) ? s + c : s;
    }

    /** (s + c) / n, rounded once but for the last step: q = s/n, then q + (s − q·n + c)/n. */
    public static double mean(double s, double c, double n) {
        double q = s / n;
        if (!Double.isFinite(q)) {
            return q;
        }
        return q + (Math.fma(-q, n, s) + c) / n;
    }
}
