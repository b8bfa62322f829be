package dev.rlo.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.runtime.Rng;
import org.junit.jupiter.api.Test;

class MlpTest {

    /** backward against central finite differences (in f64 sums) of L = Σ out ⊙ C, for both activations. */
    @Test
    void backwardMatchesFiniteDifferences() {
        for (Mlp.Activation act : Mlp.Activation.values()) {
            Mlp net = new Mlp(3, new int[] {5, 4}, 2, act, 1.0, new Rng(3));
            float[] x = {0.3f, -1.2f, 0.7f, 1.1f, 0.05f, -0.4f};
            float[] c = {1.5f, -0.5f, 0.25f, 2f};
            net.forward(x, 2);
            net.backward(c);
            matchesCentralDifferences(net, 1e-2f, () -> dot(net.forward(x, 2), c), act + "");
        }
    }

    /** Each parameter's analytic gradient (from the last backward) against central differences of {@code loss}. */
    private static void matchesCentralDifferences(Parameters part, float h, java.util.function.DoubleSupplier loss, String what) {
        float[] analytic = part.grad().clone();
        float[] p = part.params();
        for (int i = 0; i < p.length; i++) {
            float keep = p[i];
            p[i] = keep + h;
            double up = loss.getAsDouble();
            p[i] = keep - h;
            double down = loss.getAsDouble();
            p[i] = keep;
            double numeric = (up - down) / (2 * h);
            assertEquals(numeric, analytic[i], 2e-3 + 1e-2 * Math.abs(numeric), what + " parameter " + i);
        }
    }

    /**
     * The blocked vector products (4 rows × 4 vectors, then single vectors, then scalars) against a
     * naive f64 loop over the same parameters, at sizes that reach every path: 70 = 64 + 6 columns
     * with 16 lanes, 6 = 4 + 2 rows.
     */
    @Test
    void forwardMatchesNaiveLoops() {
        Mlp net = new Mlp(7, new int[] {70}, 33, Mlp.Activation.relu, 1.0, new Rng(4));
        int rows = 6;
        float[] x = new float[rows * 7];
        Rng r = new Rng(8);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.normal();
        }
        float[] p = net.params();
        double[] h = new double[rows * 70];
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < 70; j++) {
                double s = p[7 * 70 + j];
                for (int i = 0; i < 7; i++) {
                    s += x[b * 7 + i] * p[i * 70 + j];
                }
                h[b * 70 + j] = Math.max(s, 0);
            }
        }
        int w2 = 7 * 70 + 70;
        float[] out = net.forward(x, rows);
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < 33; j++) {
                double s = p[w2 + 70 * 33 + j];
                for (int i = 0; i < 70; i++) {
                    s += h[b * 70 + i] * p[w2 + i * 33 + j];
                }
                assertEquals(s, out[b * 33 + j], 1e-4, "row " + b + ", column " + j);
            }
        }
    }

    /** The implicit quantile network's backward (through the product, both ReLUs and the cosine embedding) against central differences. */
    @Test
    void iqnBackwardMatchesFiniteDifferences() {
        Iqn net = new Iqn(3, new int[] {4, 5}, 2, new Rng(5));
        for (Mlp part : net.parts()) {   // biases off 0: a ReLU fed exactly 0 is a kink finite differences straddle
            for (int i = 0; i < part.params().length; i++) {
                part.params()[i] += (float) (0.1 * Math.sin(2.3 * i + 1));
            }
        }
        net.levels(new float[] {0.3f, 0.8f});
        float[] x = {0.3f, -1.2f, 0.7f, 1.1f, 0.05f, -0.4f};
        float[] c = new float[2 * 2 * 2];
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) Math.sin(1.7 * i + 0.3);
        }
        net.forward(x, 2);
        net.backward(c);
        float h = 1e-3f;
        for (Mlp part : net.parts()) {
            matchesCentralDifferences(part, h, () -> dot(net.forward(x, 2), c), "IQN part");
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** The orthogonal init: WᵀW = gain² I for a tall W (CleanRL's hidden-layer gain √2). */
    @Test
    void weightsStartOrthogonal() {
        float[] w = Orthogonal.matrix(6, 4, Math.sqrt(2), new Rng(9));
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                double dot = 0;
                for (int r = 0; r < 6; r++) {
                    dot += (double) w[r * 4 + a] * w[r * 4 + b];
                }
                assertEquals(a == b ? 2.0 : 0.0, dot, 1e-5);
            }
        }
    }

    /** Adam against the update computed by hand: the first step moves each parameter by lr·sign(g). */
    @Test
    void adamFirstStepIsLearningRateTimesSign() {
        Mlp net = new Mlp(2, new int[] {3}, 1, Mlp.Activation.tanh, 1.0, new Rng(1));
        float[] before = net.params().clone();
        for (int i = 0; i < net.grad().length; i++) {
            net.grad()[i] = i % 2 == 0 ? 0.3f : -0.2f;
        }
        Adam adam = new Adam(java.util.List.of(net), 0.01, 0.9, 0.999, 1e-8, 0);
        adam.step();
        float[] after = net.params();
        for (int i = 0; i < after.length; i++) {
            assertEquals(before[i] - (i % 2 == 0 ? 0.01 : -0.01), after[i], 1e-6, "parameter " + i);
        }
    }

    /** Many steps of Adam over a parameter count that is no multiple of any vector width, against the scalar formula step by step, bit for bit. */
    @Test
    void adamIsItsScalarFormulaInEveryElement() {
        Mlp net = new Mlp(3, new int[] {7}, 2, Mlp.Activation.tanh, 1.0, new Rng(5));
        float[] p = net.params().clone();
        float[] m = new float[p.length];
        float[] v = new float[p.length];
        Adam adam = new Adam(java.util.List.of(net), 3e-3, 0.9, 0.999, 1e-5, 0);
        java.util.Random random = new java.util.Random(11);
        for (int step = 1; step <= 20; step++) {
            for (int i = 0; i < p.length; i++) {
                net.grad()[i] = (float) random.nextGaussian();
            }
            adam.step();
            float c1 = (float) (1 / (1 - Math.pow(0.9, step)));
            float c2 = (float) (1 / (1 - Math.pow(0.999, step)));
            for (int i = 0; i < p.length; i++) {
                float g = net.grad()[i];
                m[i] = 0.9f * m[i] + (1 - 0.9f) * g;
                v[i] = 0.999f * v[i] + (1 - 0.999f) * g * g;
                p[i] -= 3e-3f * (m[i] * c1) / ((float) Math.sqrt(v[i] * c2) + 1e-5f);
                assertEquals(Float.floatToRawIntBits(p[i]), Float.floatToRawIntBits(net.params()[i]), "step " + step + ", parameter " + i);
            }
        }
    }

    @Test
    void clipsTheGlobalNorm() {
        Mlp a = new Mlp(2, new int[] {2}, 1, Mlp.Activation.tanh, 1.0, new Rng(1));
        Mlp b = new Mlp(2, new int[] {2}, 1, Mlp.Activation.tanh, 1.0, new Rng(2));
        java.util.Arrays.fill(a.grad(), 3f);
        java.util.Arrays.fill(b.grad(), 4f);
        double norm = new Adam(java.util.List.of(a, b), 0.01, 0.9, 0.999, 1e-8, 0.5).step();
        double expected = Math.sqrt(9 * a.grad().length + 16 * b.grad().length);
        assertEquals(expected, norm, 1e-4);
        assertTrue(Double.isFinite(norm));
    }
}
