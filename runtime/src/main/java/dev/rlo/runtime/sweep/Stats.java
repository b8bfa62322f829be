package dev.rlo.runtime.sweep;

import dev.rlo.runtime.Rng;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/**
 * A score over seeds as RL results are reported (Agarwal et al., "Deep Reinforcement Learning at the
 * Edge of the Statistical Precipice", NeurIPS 2021; the rliable library): the interquartile mean
 * (IQM) with a 95% percentile-bootstrap confidence interval, beside mean, standard deviation, min
 * and max.
 *
 * <p>IQM is {@code scipy.stats.trim_mean(x, 0.25)}: sorted, ⌊n/4⌋ scores cut from each end, the rest
 * averaged. The interval resamples the n scores with replacement {@link #REPS} times, from SplitMix64
 * seeded with {@link #SEED}, and takes the 2.5th and 97.5th percentiles of the resamples' IQMs
 * (linear interpolation, numpy's default). rliable stratifies the resampling by task; a
 * configuration here is one task, so stratified and plain bootstrap coincide. The standard
 * deviation is the sample one (n − 1).
 */
public record Stats(int n, double mean, double std, double iqm, double ciLow, double ciHigh, double min, double max) {

    public static final int REPS = 10_000;
    public static final long SEED = 0;

    /** The statistics of {@code scores}; every field but {@code n} is NaN when there are none. */
    public static Stats of(double[] scores) {
        int n = scores.length;
        if (n == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).sum() / n;
        double ss = 0;
        for (double v : sorted) {
            ss += (v - mean) * (v - mean);
        }
        double[] ci = interval(sorted, Stats::iqm);
        return new Stats(n, mean, n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN, iqm(sorted), ci[0], ci[1], sorted[0],
                sorted[n - 1]);
    }

    /**
     * The 95% percentile-bootstrap interval of {@code statistic} over {@code scores} (at least one):
     * {@link #REPS} resamples with replacement, from SplitMix64 seeded {@link #SEED}.
     */
    public static double[] interval(double[] scores, ToDoubleFunction<double[]> statistic) {
        int n = scores.length;
        double[] boot = new double[REPS];
        Rng rng = new Rng(SEED);
        double[] sample = new double[n];
        for (int r = 0; r < REPS; r++) {
            for (int i = 0; i < n; i++) {
                sample[i] = scores[rng.below(n)];
            }
            boot[r] = statistic.applyAsDouble(sample);
        }
        Arrays.sort(boot);
        return new double[] {percentile(boot, 2.5), percentile(boot, 97.5)};
    }

    /** The interquartile mean: ⌊n/4⌋ values cut from each end of the sorted scores, the rest averaged. */
    public static double iqm(double[] scores) {
        double[] s = scores.clone();
        Arrays.sort(s);
        int cut = s.length / 4;
        double sum = 0;
        for (int i = cut; i < s.length - cut; i++) {
            sum += s[i];
        }
        return sum / (s.length - 2 * cut);
    }

    /** The {@code p}th percentile of sorted values, interpolated linearly between ranks (numpy's default). */
    static double percentile(double[] sorted, double p) {
        double at = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }
}
