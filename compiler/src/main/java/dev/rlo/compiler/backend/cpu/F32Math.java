package dev.rlo.compiler.backend.cpu;

/**
 * {@link VectorMath}'s functions on one f32 value: the same operations in the same order, so that a
 * scalar kernel, a vector kernel's scalar values and its lanes compute the same bits (spec/ir.md,
 * *Vectors*). A max's gradient compares a value it computes again with the max another kernel took
 * of it, and found no maximum where the two differed by an ulp. Generated kernels call these for
 * f32; f64 keeps {@code Math}. VectorMathTest checks the bits against the vectors' lanes.
 */
public final class F32Math {

    private F32Math() { }

    public static float exp(float x) {
        final float t = x * 1.44269504088896341f + 12582912f;
        final float n = t - 12582912f;
        float r = Math.fma(n, -0.693359375f, x);
        r = Math.fma(n, 2.12194440e-4f, r);
        float p = Math.fma(r, 1.9875691500e-4f, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        float y = Math.fma(p, r * r, r) + 1f;
        final float scale = Float.intBitsToFloat((Math.max(Math.min(Float.floatToRawIntBits(t) - 0x4B400000, 127), -126) + 127) << 23);
        y = y * scale;
        y = n > 127f ? y * 2f : y;
        y = x > 88.72283905f ? Float.POSITIVE_INFINITY : y;
        return x < -87.33654475f ? 0f : y;
    }

    public static float log(float x) {
        final boolean tiny = x < 1.17549435e-38f;
        final int bits = Float.floatToRawIntBits(tiny ? x * 8388608f : x);
        float e = (float) (((bits >>> 23) & 0xFF) - 126);
        e = e - (tiny ? 23f : 0f);
        float m = Float.intBitsToFloat(bits & 0x807FFFFF | 0x3F000000);
        final boolean low = m < 0.707106781186547524f;
        e = e - (low ? 1f : 0f);
        m = m + (low ? m : 0f) - 1f;
        final float z = m * m;
        float p = Math.fma(m, 7.0376836292e-2f, -1.1514610310e-1f);
        p = Math.fma(p, m, 1.1676998740e-1f);
        p = Math.fma(p, m, -1.2420140846e-1f);
        p = Math.fma(p, m, 1.4249322787e-1f);
        p = Math.fma(p, m, -1.6668057665e-1f);
        p = Math.fma(p, m, 2.0000714765e-1f);
        p = Math.fma(p, m, -2.4999993993e-1f);
        p = Math.fma(p, m, 3.3333331174e-1f);
        float y = p * m * z;
        y = Math.fma(e, -2.12194440e-4f, y);
        y = Math.fma(z, -0.5f, y);
        y = m + y;
        y = Math.fma(e, 0.693359375f, y);
        y = x == 0f ? Float.NEGATIVE_INFINITY : y;
        y = x < 0f ? Float.NaN : y;
        return x == Float.POSITIVE_INFINITY || Float.isNaN(x) ? x : y;
    }

    public static float log1p(float x) {
        final float u = x + 1f;
        final float d = u - 1f;
        float y = log(u) * (x / d);
        y = d == 0f ? x : y;
        return x == Float.POSITIVE_INFINITY ? Float.POSITIVE_INFINITY : y;
    }

    public static float expm1(float x) {
        final float u = exp(x);
        final float d = u - 1f;
        float y = d * (x / log(u));
        y = u == 1f ? x : y;
        y = d == -1f ? -1f : y;
        return u == Float.POSITIVE_INFINITY ? Float.POSITIVE_INFINITY : y;
    }

    public static float tanh(float x) {
        final float a = Math.abs(x);
        final float t = expm1(a * 2f);
        final float z = a * a;
        float p = Math.fma(z, -5.70498872745e-3f, 2.06390887954e-2f);
        p = Math.fma(p, z, -5.37397155531e-2f);
        p = Math.fma(p, z, 1.33314422036e-1f);
        p = Math.fma(p, z, -3.33332819422e-1f);
        float r = a < 0.625f ? Math.fma(p * z, a, a) : t / (t + 2f);
        r = a > 9.1f ? 1f : r;
        return Float.intBitsToFloat(Float.floatToRawIntBits(r) & 0x7FFFFFFF | Float.floatToRawIntBits(x) & 0x80000000);
    }

    public static float sigmoid(float x) {
        return 1f / (exp(-x) + 1f);
    }

    public static float softplus(float x) {
        return Math.max(x, 0f) + log1p(exp(-Math.abs(x)));
    }
}
