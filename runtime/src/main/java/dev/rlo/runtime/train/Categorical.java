package dev.rlo.runtime.train;

import dev.rlo.runtime.Rng;

/** A categorical distribution given by logits, one row of a {@code [B, A]} array, computed in f64. */
final class Categorical {

    private Categorical() { }

    /** An action drawn from softmax(logits) by inverting its CDF at one uniform draw. */
    static int sample(float[] logits, int at, int n, Rng rng) {
        double max = max(logits, at, n);
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += Math.exp(logits[at + i] - max);
        }
        double u = rng.uniform() * total;
        double cum = 0;
        for (int i = 0; i < n - 1; i++) {
            cum += Math.exp(logits[at + i] - max);
            if (u < cum) {
                return i;
            }
        }
        return n - 1;
    }

    /** log softmax(logits)[a], by a stable log-sum-exp. */
    static double logProb(float[] logits, int at, int n, int a) {
        double max = max(logits, at, n);
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += Math.exp(logits[at + i] - max);
        }
        return logits[at + a] - max - Math.log(total);
    }

    /** The most likely action; the first on ties. */
    static int argmax(float[] logits, int at, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (logits[at + i] > logits[at + best]) {
                best = i;
            }
        }
        return best;
    }

    private static double max(float[] logits, int at, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, logits[at + i]);
        }
        return m;
    }
}
