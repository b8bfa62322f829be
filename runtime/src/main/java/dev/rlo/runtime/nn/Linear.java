package dev.rlo.runtime.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two products a dense layer needs, on row-major {@code float[]}, with the JDK Vector API: each
 * output row is accumulated in vector registers over the shared dimension, so a 64-wide layer is four
 * AVX-512 registers, loaded once per row and stored once. Columns past the last full vector (a head of a
 * few actions) are vectorised across rows instead, with the bits of the scalar loop.
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
        int quad = m - m % (4 * L);
        int full = m - m % L;
        int b = 0;
        for (; b + 4 <= rows && quad > 0; b += 4) {
            rowsOfFour(x, b, n, w, wAt, m, quad, bias, biasAt, z);
            tail(x, b, 4, n, w, wAt, m, quad, full, bias, biasAt, z);
        }
        tail(x, b, rows - b, n, w, wAt, m, 0, full, bias, biasAt, z);
        if (full < m) {
            narrow(x, rows, n, w, wAt, m, full, bias, biasAt, z);
        }
    }

    /**
     * Rows b..b+3, columns below {@code quad}, in blocks of 4 rows × 4 vectors: 16 accumulators, so
     * each vector of w loaded from cache feeds four FMAs (a 256-wide layer's w does not fit in L1).
     */
    private static void rowsOfFour(float[] x, int b, int n, float[] w, int wAt, int m, int quad,
                                   float[] bias, int biasAt, float[] z) {
        for (int j = 0; j < quad; j += 4 * L) {
            FloatVector c0 = start(bias, biasAt + j);
            FloatVector c1 = start(bias, biasAt + j + L);
            FloatVector c2 = start(bias, biasAt + j + 2 * L);
            FloatVector c3 = start(bias, biasAt + j + 3 * L);
            FloatVector a00 = c0, a01 = c1, a02 = c2, a03 = c3;
            FloatVector a10 = c0, a11 = c1, a12 = c2, a13 = c3;
            FloatVector a20 = c0, a21 = c1, a22 = c2, a23 = c3;
            FloatVector a30 = c0, a31 = c1, a32 = c2, a33 = c3;
            for (int i = 0; i < n; i++) {
                int wr = wAt + i * m + j;
                FloatVector w0 = FloatVector.fromArray(S, w, wr);
                FloatVector w1 = FloatVector.fromArray(S, w, wr + L);
                FloatVector w2 = FloatVector.fromArray(S, w, wr + 2 * L);
                FloatVector w3 = FloatVector.fromArray(S, w, wr + 3 * L);
                FloatVector x0 = FloatVector.broadcast(S, x[b * n + i]);
                FloatVector x1 = FloatVector.broadcast(S, x[(b + 1) * n + i]);
                FloatVector x2 = FloatVector.broadcast(S, x[(b + 2) * n + i]);
                FloatVector x3 = FloatVector.broadcast(S, x[(b + 3) * n + i]);
                a00 = x0.fma(w0, a00);
                a01 = x0.fma(w1, a01);
                a02 = x0.fma(w2, a02);
                a03 = x0.fma(w3, a03);
                a10 = x1.fma(w0, a10);
                a11 = x1.fma(w1, a11);
                a12 = x1.fma(w2, a12);
                a13 = x1.fma(w3, a13);
                a20 = x2.fma(w0, a20);
                a21 = x2.fma(w1, a21);
                a22 = x2.fma(w2, a22);
                a23 = x2.fma(w3, a23);
                a30 = x3.fma(w0, a30);
                a31 = x3.fma(w1, a31);
                a32 = x3.fma(w2, a32);
                a33 = x3.fma(w3, a33);
            }
            store(z, b * m + j, a00, a01, a02, a03);
            store(z, (b + 1) * m + j, a10, a11, a12, a13);
            store(z, (b + 2) * m + j, a20, a21, a22, a23);
            store(z, (b + 3) * m + j, a30, a31, a32, a33);
        }
    }

    private static void store(float[] z, int at, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        v0.intoArray(z, at);
        v1.intoArray(z, at + L);
        v2.intoArray(z, at + 2 * L);
        v3.intoArray(z, at + 3 * L);
    }

    /** Rows b..b+count-1, columns {@code from..full-1}: four vectors at once, then one. */
    private static void tail(float[] x, int first, int count, int n, float[] w, int wAt, int m, int from, int full,
                             float[] bias, int biasAt, float[] z) {
        int quad = m - m % (4 * L);
        for (int b = first; b < first + count; b++) {
            int xr = b * n;
            int zr = b * m;
            for (int j = from; j < quad; j += 4 * L) {    // four vectors of the row at once: one broadcast per four FMAs
                FloatVector a0 = start(bias, biasAt + j);
                FloatVector a1 = start(bias, biasAt + j + L);
                FloatVector a2 = start(bias, biasAt + j + 2 * L);
                FloatVector a3 = start(bias, biasAt + j + 3 * L);
                for (int i = 0; i < n; i++) {
                    FloatVector xi = FloatVector.broadcast(S, x[xr + i]);
                    int wr = wAt + i * m + j;
                    a0 = xi.fma(FloatVector.fromArray(S, w, wr), a0);
                    a1 = xi.fma(FloatVector.fromArray(S, w, wr + L), a1);
                    a2 = xi.fma(FloatVector.fromArray(S, w, wr + 2 * L), a2);
                    a3 = xi.fma(FloatVector.fromArray(S, w, wr + 3 * L), a3);
                }
                a0.intoArray(z, zr + j);
                a1.intoArray(z, zr + j + L);
                a2.intoArray(z, zr + j + 2 * L);
                a3.intoArray(z, zr + j + 3 * L);
            }
            for (int j = Math.max(from, quad); j < full; j += L) {
                FloatVector acc = start(bias, biasAt + j);
                for (int i = 0; i < n; i++) {
                    acc = FloatVector.broadcast(S, x[xr + i]).fma(FloatVector.fromArray(S, w, wAt + i * m + j), acc);
                }
                acc.intoArray(z, zr + j);
            }
        }
    }

    /**
     * Columns from {@code full} on, fewer than a vector (a policy's or a Q-function's few outputs), L rows
     * at a time: the block of x transposed by gathers, then per column the bias and the products added
     * in order of i, unfused, so each output has the bits of the plain scalar loop. Rows past the last
     * whole block run that loop.
     */
    private static void narrow(float[] x, int rows, int n, float[] w, int wAt, int m, int full,
                               float[] bias, int biasAt, float[] z) {
        int[] xRows = new int[L];
        int[] zRows = new int[L];
        for (int k = 0; k < L; k++) {
            xRows[k] = k * n;
            zRows[k] = k * m;
        }
        float[] xt = new float[n * L];
        int b = 0;
        for (; b + L <= rows; b += L) {
            for (int i = 0; i < n; i++) {
                FloatVector.fromArray(S, x, b * n + i, xRows, 0).intoArray(xt, i * L);
            }
            for (int j = full; j < m; j++) {
                FloatVector acc = bias == null ? FloatVector.zero(S) : FloatVector.broadcast(S, bias[biasAt + j]);
                for (int i = 0; i < n; i++) {
                    acc = acc.add(FloatVector.fromArray(S, xt, i * L).mul(w[wAt + i * m + j]));
                }
                acc.intoArray(z, b * m + j, zRows, 0);
            }
        }
        for (; b < rows; b++) {
            for (int j = full; j < m; j++) {
                float s = bias == null ? 0 : bias[biasAt + j];
                for (int i = 0; i < n; i++) {
                    s += x[b * n + i] * w[wAt + i * m + j];
                }
                z[b * m + j] = s;
            }
        }
    }

    private static FloatVector start(float[] bias, int at) {
        return bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, at);
    }

    /**
     * {@code g[i, j] += Σ_b x[b, i] dz[b, j]} (the weight gradient), g being {@code [n, m]} at {@code g[gAt ..]}:
     * blocks of 4 rows of g × 4 vectors, then a vector at a time (each element a chain of FMAs over b in
     * order), then the columns past the last full vector down the rows of g (a multiply and an add per b,
     * in order, the bits of the scalar loop).
     */
    static void outer(float[] x, float[] dz, int rows, int n, int m, float[] g, int gAt) {
        int quad = m - m % (4 * L);
        int full = m - m % L;
        int fours = quad > 0 ? n - n % 4 : 0;
        for (int i = 0; i < fours; i += 4) {
            outerOfFour(x, dz, rows, n, m, quad, g, gAt, i);
        }
        outerVectors(x, dz, rows, n, m, g, gAt, 0, fours, quad, full);
        outerVectors(x, dz, rows, n, m, g, gAt, fours, n, 0, full);
        for (int j = full; j < m; j++) {
            outerColumn(x, dz, rows, n, m, g, gAt, j);
        }
    }

    /** Rows i..i+3 of g, columns below {@code quad}: 16 accumulators, four FMAs per vector of dz loaded. */
    private static void outerOfFour(float[] x, float[] dz, int rows, int n, int m, int quad, float[] g, int gAt, int i) {
        for (int j = 0; j < quad; j += 4 * L) {
            int g0 = gAt + i * m + j;
            FloatVector a00 = FloatVector.fromArray(S, g, g0), a01 = FloatVector.fromArray(S, g, g0 + L);
            FloatVector a02 = FloatVector.fromArray(S, g, g0 + 2 * L), a03 = FloatVector.fromArray(S, g, g0 + 3 * L);
            FloatVector a10 = FloatVector.fromArray(S, g, g0 + m), a11 = FloatVector.fromArray(S, g, g0 + m + L);
            FloatVector a12 = FloatVector.fromArray(S, g, g0 + m + 2 * L), a13 = FloatVector.fromArray(S, g, g0 + m + 3 * L);
            FloatVector a20 = FloatVector.fromArray(S, g, g0 + 2 * m), a21 = FloatVector.fromArray(S, g, g0 + 2 * m + L);
            FloatVector a22 = FloatVector.fromArray(S, g, g0 + 2 * m + 2 * L), a23 = FloatVector.fromArray(S, g, g0 + 2 * m + 3 * L);
            FloatVector a30 = FloatVector.fromArray(S, g, g0 + 3 * m), a31 = FloatVector.fromArray(S, g, g0 + 3 * m + L);
            FloatVector a32 = FloatVector.fromArray(S, g, g0 + 3 * m + 2 * L), a33 = FloatVector.fromArray(S, g, g0 + 3 * m + 3 * L);
            for (int b = 0; b < rows; b++) {
                int d = b * m + j;
                FloatVector d0 = FloatVector.fromArray(S, dz, d);
                FloatVector d1 = FloatVector.fromArray(S, dz, d + L);
                FloatVector d2 = FloatVector.fromArray(S, dz, d + 2 * L);
                FloatVector d3 = FloatVector.fromArray(S, dz, d + 3 * L);
                FloatVector x0 = FloatVector.broadcast(S, x[b * n + i]);
                FloatVector x1 = FloatVector.broadcast(S, x[b * n + i + 1]);
                FloatVector x2 = FloatVector.broadcast(S, x[b * n + i + 2]);
                FloatVector x3 = FloatVector.broadcast(S, x[b * n + i + 3]);
                a00 = x0.fma(d0, a00);
                a01 = x0.fma(d1, a01);
                a02 = x0.fma(d2, a02);
                a03 = x0.fma(d3, a03);
                a10 = x1.fma(d0, a10);
                a11 = x1.fma(d1, a11);
                a12 = x1.fma(d2, a12);
                a13 = x1.fma(d3, a13);
                a20 = x2.fma(d0, a20);
                a21 = x2.fma(d1, a21);
                a22 = x2.fma(d2, a22);
                a23 = x2.fma(d3, a23);
                a30 = x3.fma(d0, a30);
                a31 = x3.fma(d1, a31);
                a32 = x3.fma(d2, a32);
                a33 = x3.fma(d3, a33);
            }
            store(g, g0, a00, a01, a02, a03);
            store(g, g0 + m, a10, a11, a12, a13);
            store(g, g0 + 2 * m, a20, a21, a22, a23);
            store(g, g0 + 3 * m, a30, a31, a32, a33);
        }
    }

    /** Rows {@code from..to-1} of g, columns {@code j0..j1-1} (whole vectors), a vector at a time. */
    private static void outerVectors(float[] x, float[] dz, int rows, int n, int m, float[] g, int gAt,
                                     int from, int to, int j0, int j1) {
        for (int i = from; i < to; i++) {
            int gr = gAt + i * m;
            for (int j = j0; j < j1; j += L) {
                FloatVector acc = FloatVector.fromArray(S, g, gr + j);
                for (int b = 0; b < rows; b++) {
                    acc = FloatVector.broadcast(S, x[b * n + i]).fma(FloatVector.fromArray(S, dz, b * m + j), acc);
                }
                acc.intoArray(g, gr + j);
            }
        }
    }

    /**
     * Column j of g (past the last full vector), L of its rows at a time since x's rows are contiguous in
     * i, each product added unfused as the plain scalar loop adds it; the last {@code n mod L} rows scalar.
     */
    private static void outerColumn(float[] x, float[] dz, int rows, int n, int m, float[] g, int gAt, int j) {
        int nFull = n - n % L;
        int[] gRows = new int[L];
        for (int k = 0; k < L; k++) {
            gRows[k] = k * m;
        }
        for (int i = 0; i < nFull; i += L) {
            int at = gAt + i * m + j;
            FloatVector acc = FloatVector.fromArray(S, g, at, gRows, 0);
            for (int b = 0; b < rows; b++) {
                acc = acc.add(FloatVector.fromArray(S, x, b * n + i).mul(dz[b * m + j]));
            }
            acc.intoArray(g, at, gRows, 0);
        }
        for (int i = nFull; i < n; i++) {
            float s = g[gAt + i * m + j];
            for (int b = 0; b < rows; b++) {
                s += x[b * n + i] * dz[b * m + j];
            }
            g[gAt + i * m + j] = s;
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
}
