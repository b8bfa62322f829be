package dev.rlo.compiler.numerics;

/**
 * Special functions in f64, to about 1e-14 relative where the result is not near a pole: the
 * complementary error function, the standard normal CDF and its inverse, log Γ and the polygamma
 * functions. Each method names its method; {@code SpecialTest} checks them against SciPy's values.
 */
public final class Special {

    private static final double SQRT_PI = Math.sqrt(Math.PI);
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private Special() { }

    /**
     * erfc(x) = 1 − erf(x). Below 2: the series erf(x) = (2/√π) e^{−x²} Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)),
     * whose terms are all positive; from 2 on, the continued fraction
     * erfc(x) = e^{−x²}/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …)))) by Lentz's method, accurate in the tail.
     */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x < 2) {
            return 1 - erfSeries(x);
        }
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int n = 1; n < 500; n++) {
            double a = n / 2.0;
            d = x + a * d;
            c = x + a / c;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-x * x) / SQRT_PI / f;
    }

    private static double erfSeries(double x) {
        double term = x;
        double sum = x;
        double x2 = x * x;
        for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
        }
        return 2 / SQRT_PI * Math.exp(-x2) * sum;
    }

    /** Φ(x) = ½ erfc(−x/√2): the standard normal CDF, accurate far into the lower tail. */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /** The standard normal density φ(x). */
    public static double normalPdf(double x) {
        return Math.exp(-0.5 * x * x - LOG_SQRT_2PI);
    }

    private static final double[] ACKLAM_A = {-3.969683028665376e+01, 2.209460984245205e+02,
        -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    private static final double[] ACKLAM_B = {-5.447609879822406e+01, 1.615858368580409e+02,
        -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
    private static final double[] ACKLAM_C = {-7.784894002430293e-03, -3.223964580411365e-01,
        -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    private static final double[] ACKLAM_D = {7.784695709041462e-03, 3.224671290700398e-01,
        2.445134137142996e+00, 3.754408661907416e+00};

    /**
     * Φ⁻¹(p): Acklam's rational approximation (relative error 1.2e-9), then two Halley steps on
     * Φ(x) − p, which bring it to the precision of {@link #normalCdf}; above ½ by symmetry,
     * −Φ⁻¹(1 − p). 0 and 1 give ∓∞; outside [0, 1], NaN.
     */
    public static double normalIcdf(double p) {
        if (!(p >= 0 && p <= 1)) {
            return Double.NaN;
        }
        if (p == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p == 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (p > 0.5) {
            return -normalIcdf(1 - p); /* 1 − p is exact here, and the lower tail refines without cancellation */
        }
        double x;
        double low = 0.02425;
        if (p < low || p > 1 - low) {
            double q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p));
            x = (((((ACKLAM_C[0] * q + ACKLAM_C[1]) * q + ACKLAM_C[2]) * q + ACKLAM_C[3]) * q + ACKLAM_C[4]) * q + ACKLAM_C[5])
                    / ((((ACKLAM_D[0] * q + ACKLAM_D[1]) * q + ACKLAM_D[2]) * q + ACKLAM_D[3]) * q + 1);
            x = p < low ? x : -x;
        } else {
            double q = p - 0.5;
            double r = q * q;
            x = (((((ACKLAM_A[0] * r + ACKLAM_A[1]) * r + ACKLAM_A[2]) * r + ACKLAM_A[3]) * r + ACKLAM_A[4]) * r + ACKLAM_A[5]) * q
                    / (((((ACKLAM_B[0] * r + ACKLAM_B[1]) * r + ACKLAM_B[2]) * r + ACKLAM_B[3]) * r + ACKLAM_B[4]) * r + 1);
        }
        for (int i = 0; i < 2; i++) {
            double e = normalCdf(x) - p;
            double u = e / normalPdf(x);
            x -= u / (1 + x * u / 2);
        }
        return x;
    }

    /**
     * log |Γ(x)|. For x ≥ 15, Stirling's series to the x⁻¹³ term; below, the recurrence
     * log Γ(x) = log Γ(x + n) − log(x (x+1) ⋯ (x+n−1)); for x < ½, the reflection
     * log |Γ(x)| = log(π / |sin πx|) − log Γ(1 − x). Poles (0, −1, …) give +∞.
     */
    public static double lgamma(double x) {
        if (Double.isNaN(x) || x == Double.POSITIVE_INFINITY) {
            return x + Double.POSITIVE_INFINITY;
        }
        if (x <= 0 && x == Math.rint(x)) {
            return Double.POSITIVE_INFINITY;
        }
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
        }
        double shift = 0;
        while (x < 15) {
            shift += Math.log(x);
            x += 1;
        }
        double inv = 1 / x;
        double inv2 = inv * inv;
        double series = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 * (1.0 / 1680
                - inv2 * (1.0 / 1188 - inv2 * (691.0 / 360360 - inv2 / 156))))));
        return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + series - shift;
    }

    /** B₂ₖ, k = 1…7, for the asymptotic series of the polygamma functions. */
    private static final double[] BERNOULLI = {1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6};

    /**
     * ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function ψ = (log Γ)′; n = 0 is digamma. The
     * recurrence ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x+1) − (−1)ⁿ n!/x^{n+1} shifts x to at least 20 + n, where the
     * asymptotic series (−1)^{n+1}[(n−1)!/xⁿ + n!/(2x^{n+1}) + Σ B₂ₖ (2k+n−1)!/((2k)! x^{2k+n})]
     * (for n = 0: log x − 1/(2x) − Σ B₂ₖ/(2k x^{2k})) is summed. Poles give NaN.
     */
    public static double polygamma(int n, double x) {
        if (Double.isNaN(x) || x <= 0 && x == Math.rint(x)) {
            return Double.NaN;
        }
        double sign = n % 2 == 0 ? -1 : 1;      /* (−1)^{n+1} */
        double factorial = factorial(n);
        double acc = 0;
        double threshold = 20 + n;
        while (x < threshold) {
            acc += n == 0 ? -1 / x : sign * factorial / Math.pow(x, n + 1);
            x += 1;
        }
        double series;
        if (n == 0) {
            series = Math.log(x) - 0.5 / x;
            for (int k = 1; k <= BERNOULLI.length; k++) {
                series -= BERNOULLI[k - 1] / (2 * k * Math.pow(x, 2 * k));
            }
        } else {
            series = factorial(n - 1) / Math.pow(x, n) + factorial / (2 * Math.pow(x, n + 1));
            for (int k = 1; k <= BERNOULLI.length; k++) {
                series += BERNOULLI[k - 1] * factorial(2 * k + n - 1) / (factorial(2 * k) * Math.pow(x, 2 * k + n));
            }
            series *= sign;
        }
        return acc + series;
    }

    private static double factorial(int n) {
        double f = 1;
        for (int i = 2; i <= n; i++) {
            f *= i;
        }
        return f;
    }

    /** σ(x), without overflow for large |x|. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** log(1 + eˣ) as max(x, 0) + log1p(e^−|x|): no overflow, and exact-ish for x ≪ 0. */
    public static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }
}
