package dev.rlo.compiler.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Special functions against SciPy 1.17.1 (scipy.special: gammaln, digamma, polygamma, ndtr, ndtri,
 * erfc), evaluated independently of rlo; relative tolerance 1e-13 unless stated.
 */
class SpecialTest {

    static void close(double expected, double actual, double rtol) {
        assertEquals(expected, actual, Math.abs(expected) * rtol + 1e-300, () -> "expected " + expected + ", got " + actual);
    }

    @Test
    void lgamma() {
        double[] x = {0.5, 1e-3, 2.5, 10.3, 100.7, -2.5, -0.3};
        double[] want = {0.5723649429247, 6.907178885383853, 0.2846828704729192, 13.482036786138359, 362.3567752034306,
            -0.05624371649767401, 1.4648400508576027};
        for (int i = 0; i < x.length; i++) {
            close(want[i], Special.lgamma(x[i]), 1e-13);
        }
        assertEquals(Double.POSITIVE_INFINITY, Special.lgamma(-2));
    }

    @Test
    void polygamma() {
        double[] x = {1.0, 0.5, 3.7, 25.0, -2.5, 1e-3};
        double[] digamma = {-0.5772156649015329, -1.9635100260214235, 1.1671535393615113, 3.198742512851974,
            1.1031566406452433, -1000.5755719318103};
        for (int i = 0; i < x.length; i++) {
            close(digamma[i], Special.polygamma(0, x[i]), 1e-13);
        }
        close(4.93480220054468, Special.polygamma(1, 0.5), 1e-13);
        close(0.31003785767003833, Special.polygamma(1, 3.7), 1e-13);
        close(9.539246644989124, Special.polygamma(1, -2.5), 1e-12);
        close(-16.828796644234316, Special.polygamma(2, 0.5), 1e-13);
        close(-0.09539530872855405, Special.polygamma(2, 3.7), 1e-13);
        close(-0.0026281224023146543, Special.polygamma(2, 20.0), 1e-13);
        close(1.4090910340024367, Special.polygamma(3, 1.5), 1e-13);
    }

    @Test
    void normalCdfAndErfc() {
        double[] x = {1.96, -1.0, 0.0, -8.0, 5.0, 0.3};
        double[] want = {0.9750021048517795, 0.15865525393145707, 0.5, 6.22096057427174e-16, 0.9999997133484281,
            0.6179114221889526};
        for (int i = 0; i < x.length; i++) {
            close(want[i], Special.normalCdf(x[i]), 1e-13);
        }
        /* far in the tail, rounding x/√2 alone moves e^{−x²/2} by ~1e-13 relative */
        close(4.906713927147908e-198, Special.normalCdf(-30), 1e-12);
        double[] e = {0.5, 1.9, 2.1, 5.0, 26.0};
        double[] erfc = {0.4795001221869535, 0.007209570764742531, 0.0029794666563329845, 1.5374597944280347e-12,
            5.663192408856145e-296};
        for (int i = 0; i < e.length; i++) {
            close(erfc[i], Special.erfc(e[i]), 1e-13);
        }
    }

    @Test
    void normalIcdf() {
        double[] p = {0.975, 1e-10, 0.5, 0.3, 0.999999, 1e-300};
        double[] want = {1.959963984540054, -6.361340902404056, 0.0, -0.5244005127080409, 4.753424308817087, -37.0470962993612};
        for (int i = 0; i < p.length; i++) {
            assertEquals(want[i], Special.normalIcdf(p[i]), 1e-12 * Math.max(1, Math.abs(want[i])));
        }
        assertEquals(Double.NEGATIVE_INFINITY, Special.normalIcdf(0));
        assertEquals(Double.NaN, Special.normalIcdf(1.5));
    }
}
