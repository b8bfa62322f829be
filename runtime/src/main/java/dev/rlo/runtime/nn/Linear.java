package dev.rlo.runtime.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two products a dense layer needs, on row-major {@code float[]}, with the JDK Vector API: each
 * output row is accumulated in vector registers over the shared dimension, so a 64-wide layer is four
 * AVX-512 registers, loaded once per row and stored once. Columns past the last full vector run scalar.
 */
final class Linear {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Linear() { }

    /**
     * {@code z[b, :] = bias + x[b, :] · w} for {@code b < rows}: x is {@code [rows, n]}, w is {@code [n, m]}
     * at {@code w[wAt ..]}, bias (m values at {@code bias[biasAt ..]}) or null for none, z is {@code [rows, m]}.
     */
    static void rows(float[] x, int rows, int n, float[] w, int wAt, int m, float[] bias, int biasAt, float[] z) {
        int full = m - m % L;
        for (int b = 0; b < rows; b++) {
            int xr = b * n;
            int zr = b * m;
            for (int j = 0; j < full; j += L) {
                FloatVector acc = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, biasAt + j);
                for (int i = 0; i < n; i++) {
                    acc = FloatVector.broadcast(S, x[xr + i]).fma(FloatVector.fromArray(S, w, wAt + i * m + j), acc);
                }
                acc.intoArray(z, zr + j);
            }
            for (int j = full; j < m; j++) {
                float s = bias == null ? 0 : bias[biasAt + j];
                for (int i = 0; i < n; i++) {
                    s += x[xr + i] * w[wAt + i * m + j];
                }
                z[zr + j] = s;
            }
        }
    }

    /** {@code g[i, j] += Σ_b x[b, i] dz[b, j]} (the weight gradient), g being {@code [n, m]} at {@code g[gAt ..]}. */
    static void outer(float[] x, float[] dz, int rows, int n, int m, float[] g, int gAt) {
        int full = m - m % L;
        for (int i = 0; i < n; i++) {
            int gr = gAt + i * m;
            for (int j = 0; j < full; j += L) {
                FloatVector acc = FloatVector.fromArray(S, g, gr + j);
                for (int b = 0; b < rows; b++) {
                    acc = FloatVector.broadcast(S, x[b * n + i]).fma(FloatVector.fromArray(S, dz, b * m + j), acc);
                }
                acc.intoArray(g, gr + j);
            }
            for (int j = full; j < m; j++) {
                float s = g[gr + j];
                for (int b = 0; b < rows; b++) {
                    s += x[b * n + i] * dz[b * m + j];
                }
                g[gr + j] = s;
            }
        }
    }

    /** {@code g[j] += Σ_b dz[b, j]} (the bias gradient). */
    static void columnSums(float[] dz, int rows, int m, float[] g, int gAt) {
        int full = m - m % L;
        for (int j = 0; j < full; j += L) {
            FloatVector acc = FloatVector.fromArray(S, g, gAt + j);
            for (int b = 0; b < rows; b++) {
                acc = acc.add(FloatVector.fromArray(S, dz, b * m + j));
            }
            acc.intoArray(g, gAt + j);
        }
        for (int j = full; j < m; j++) {
            float s = g[gAt + j];
            for (int b = 0; b < rows; b++) {
                s += dz[b * m + j];
            }
            g[gAt + j] = s;
        }
    }

    /** tanh of every element, in place: 1 − 2 / (e^{2x} + 1) in f64 (absolute error below 1e-15), with the
     * intrinsic {@code Math.exp} rather than the slower {@code Math.tanh}. */
    static void tanh(float[] z) {
        for (int k = 0; k < z.length; k++) {
            double e = Math.exp(2.0 * z[k]);
            z[k] = (float) (1 - 2 / (e + 1));
        }
    }
}
