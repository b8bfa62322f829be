package dev.rlo.runtime.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The statistics over seeds. Expected values come from scipy and numpy, not from this code:
 * {@code scipy.stats.trim_mean(x, 0.25)}, {@code numpy.mean}, {@code numpy.std(x, ddof=1)}; the
 * bootstrap interval is checked against the exact bootstrap distribution, enumerated in Python.
 */
class StatsTest {

    @Test
    void interquartileMeanIsScipysTrimMeanAtAQuarter() {
        assertEquals(2.0, Stats.iqm(new double[] {3, 1, 2}), 1e-12);          // n = 3: nothing cut
        assertEquals(2.5, Stats.iqm(new double[] {4, 1, 3, 2}), 1e-12);       // n = 4: one cut from each end
        assertEquals(5.0, Stats.iqm(new double[] {10, 1, 7, 3, 5}), 1e-12);   // n = 5: one cut, mean of 3, 5, 7
        assertEquals(432.75, Stats.iqm(new double[] {500, 487, 12, 499, 493, 350, 401, 8}), 1e-12);   // n = 8: two cut
    }

    @Test
    void meanStdMinMaxAreNumpys() {
        Stats s = Stats.of(new double[] {500, 487, 12, 499, 493, 350, 401, 8});
        assertEquals(8, s.n());
        assertEquals(343.75, s.mean(), 1e-12);
        assertEquals(212.94382223622134, s.std(), 1e-9);   // numpy.std(x, ddof=1)
        assertEquals(8, s.min());
        assertEquals(500, s.max());
    }

    /**
     * For x = [1, 2, 4, 8, 16] the 3125 equally likely resamples give IQMs whose CDF jumps past 0.025
     * at 4/3 (from 0.0067 to 0.0291) and past 0.975 at 40/3 (from 0.9709 to 0.9933), so a 10 000-draw
     * percentile bootstrap must land exactly there (scipy.stats.trim_mean over itertools.product).
     */
    @Test
    void bootstrapIntervalMatchesTheExactBootstrapDistribution() {
        Stats s = Stats.of(new double[] {1, 2, 4, 8, 16});
        assertEquals(14.0 / 3, s.iqm(), 1e-12);
        assertEquals(4.0 / 3, s.ciLow(), 1e-12);
        assertEquals(40.0 / 3, s.ciHigh(), 1e-12);
    }

    @Test
    void oneSeedHasNoSpreadAndNoneHasNothing() {
        Stats one = Stats.of(new double[] {7});
        assertEquals(7, one.iqm());
        assertEquals(7, one.ciLow());
        assertEquals(7, one.ciHigh());
        assertTrue(Double.isNaN(one.std()));
        Stats none = Stats.of(new double[0]);
        assertEquals(0, none.n());
        assertTrue(Double.isNaN(none.iqm()));
    }

    @Test
    void percentileInterpolatesLinearlyAsNumpy() {
        double[] sorted = {1, 2, 3, 4};
        assertEquals(1.075, Stats.percentile(sorted, 2.5), 1e-12);    // numpy.percentile([1,2,3,4], 2.5)
        assertEquals(3.925, Stats.percentile(sorted, 97.5), 1e-12);
    }
}
