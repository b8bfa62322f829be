package dev.rlo.runtime.nn;

import dev.rlo.runtime.Rng;

/**
 * Orthogonal initialisation (Saxe, McClelland, Ganguli 2014, "Exact solutions to the nonlinear
 * dynamics of learning in deep linear neural networks"): a Gaussian matrix made orthonormal along
 * its shorter side by Gram–Schmidt (the Q of a QR with positive diagonal, as
 * {@code torch.nn.init.orthogonal_} takes it), scaled by {@code gain}.
 */
final class Orthogonal {

    private Orthogonal() { }

    /** A {@code rows × cols} matrix, row-major, with orthonormal rows or columns (whichever are fewer) times {@code gain}. */
    static float[] matrix(int rows, int cols, double gain, Rng rng) {
        boolean tall = rows >= cols;
        int n = tall ? rows : cols;       // length of each vector
        int k = tall ? cols : rows;       // how many orthonormal vectors
        double[][] v = new double[k][n];
        for (double[] row : v) {
            for (int i = 0; i < n; i++) {
                row[i] = rng.normal();
            }
        }
        for (int j = 0; j < k; j++) {
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += v[j][i] * v[p][i];
                }
                for (int i = 0; i < n; i++) {
                    v[j][i] -= dot * v[p][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += v[j][i] * v[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                v[j][i] /= norm;
            }
        }
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = (float) (gain * (tall ? v[c][r] : v[r][c]));
            }
        }
        return out;
    }
}
