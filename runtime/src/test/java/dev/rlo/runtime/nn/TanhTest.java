package dev.rlo.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Tanh} against {@code Math.tanh} in f64, the independent reference (its error is below 1 ulp of f64). */
class TanhTest {

    /** The points tanh_fit.py checks: 2·10⁶ on [0, 10] and 2·10⁴ on [10⁻³⁰, 1], each with both signs. */
    private static float[] points() {
        float[] x = new float[2 * (2_000_001 + 20_001)];
        int i = 0;
        for (int k = 0; k <= 2_000_000; k++) {
            float v = (float) (10.0 * k / 2_000_000);
            x[i++] = v;
            x[i++] = -v;
        }
        for (int k = 0; k <= 20_000; k++) {
            float v = (float) Math.pow(10, -30 + 30.0 * k / 20_000);
            x[i++] = v;
            x[i++] = -v;
        }
        return x;
    }

    @Test
    void withinOnePointFourUlpOfTheExactValue() {
        float[] x = points();
        float[] y = x.clone();
        Tanh.apply(y);
        double worst = 0;
        float at = 0;
        for (int i = 0; i < x.length; i++) {
            double exact = Math.tanh(x[i]);
            double ulps = Math.abs(y[i] - exact) / Math.ulp((float) exact);
            if (ulps > worst) {
                worst = ulps;
                at = x[i];
            }
        }
        assertTrue(worst < 1.4, "worst error " + worst + " ulp at x = " + at);
    }

    @Test
    void theVectorLanesAndTheScalarTailGiveTheSameBits() {
        float[] x = points();
        float[] y = x.clone();
        Tanh.apply(y);
        for (int i = 0; i < x.length; i += 7) {
            assertEquals(Float.floatToRawIntBits(Tanh.of(x[i])), Float.floatToRawIntBits(y[i]), "x = " + x[i]);
        }
    }

    @Test
    void specialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, 9f, -9f, 1e-40f, Float.MAX_VALUE};
        float[] y = x.clone();
        Tanh.apply(y);
        assertTrue(Float.isNaN(y[0]));
        assertEquals(1f, y[1]);
        assertEquals(-1f, y[2]);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[3]));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(y[4]));
        assertEquals((float) Math.tanh(9), y[5]);
        assertEquals((float) Math.tanh(-9), y[6]);
        assertEquals(1e-40f, y[7]);
        assertEquals(1f, y[8]);
    }
}
