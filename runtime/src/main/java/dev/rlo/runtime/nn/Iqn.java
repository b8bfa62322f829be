package dev.rlo.runtime.nn;

import dev.rlo.runtime.Rng;
import java.util.List;

/**
 * The implicit quantile network (Dabney, Ostrovski, Silver, Munos 2018, "Implicit Quantile Networks
 * for Distributional Reinforcement Learning", §3, eq. 4): Z(s, τ) = f(ψ(s) ⊙ φ(τ)), with ψ an MLP
 * trunk (ReLU on its output), φ(τ)_j = ReLU(Σ_{i<64} cos(π i τ) w_ij + b_j) the cosine embedding
 * of a quantile level, and f an MLP head to the A actions. {@link #levels} sets the levels τ
 * (shared by the rows of a batch) that the next {@link #forward} evaluates; the head is
 * {@code [rows, A, levels]}, as an objective's {@code z: f32[B, A, N]}.
 */
public final class Iqn implements ValueNet {

    static final int COSINES = 64;

    private final Mlp trunk;
    private final Mlp embed;
    private final Mlp head;
    private final int width;
    private final int actions;
    private float[] tau = new float[0];
    private float[] f;
    private float[] e;
    private int rows;

    public Iqn(int in, int[] hidden, int actions, Rng rng) {
        this.width = hidden[hidden.length - 1];
        this.actions = actions;
        this.trunk = new Mlp(in, java.util.Arrays.copyOf(hidden, hidden.length - 1), width, Mlp.Activation.relu, Math.sqrt(2), rng);
        this.embed = new Mlp(COSINES, new int[0], width, Mlp.Activation.relu, Math.sqrt(2), rng);
        this.head = new Mlp(width, new int[] {width}, actions, Mlp.Activation.relu, 1.0, rng);
    }

    /** The quantile levels the next forward evaluates. */
    public void levels(float[] tau) {
        this.tau = tau.clone();
    }

    @Override
    public float[] forward(float[] x, int rows) {
        this.rows = rows;
        int n = tau.length;
        f = trunk.forward(x, rows);
        for (int k = 0; k < f.length; k++) {
            f[k] = Math.max(f[k], 0f);
        }
        float[] cos = new float[n * COSINES];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < COSINES; i++) {
                cos[k * COSINES + i] = (float) Math.cos(Math.PI * i * tau[k]);
            }
        }
        e = embed.forward(cos, n);
        for (int k = 0; k < e.length; k++) {
            e[k] = Math.max(e[k], 0f);
        }
        float[] h = new float[rows * n * width];
        for (int b = 0; b < rows; b++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < width; j++) {
                    h[(b * n + k) * width + j] = f[b * width + j] * e[k * width + j];
                }
            }
        }
        float[] q = head.forward(h, rows * n);
        float[] out = new float[rows * actions * n];
        for (int b = 0; b < rows; b++) {
            for (int k = 0; k < n; k++) {
                for (int a = 0; a < actions; a++) {
                    out[(b * actions + a) * n + k] = q[(b * n + k) * actions + a];
                }
            }
        }
        return out;
    }

    @Override
    public void backward(float[] dHead) {
        int n = tau.length;
        float[] dq = new float[rows * n * actions];
        for (int b = 0; b < rows; b++) {
            for (int k = 0; k < n; k++) {
                for (int a = 0; a < actions; a++) {
                    dq[(b * n + k) * actions + a] = dHead[(b * actions + a) * n + k];
                }
            }
        }
        float[] dh = head.backwardToInput(dq);
        float[] df = new float[rows * width];
        float[] de = new float[n * width];
        for (int b = 0; b < rows; b++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < width; j++) {
                    float g = dh[(b * n + k) * width + j];
                    df[b * width + j] += g * e[k * width + j];
                    de[k * width + j] += g * f[b * width + j];
                }
            }
        }
        for (int k = 0; k < df.length; k++) {
            df[k] = f[k] > 0 ? df[k] : 0;   // through the trunk's output ReLU
        }
        for (int k = 0; k < de.length; k++) {
            de[k] = e[k] > 0 ? de[k] : 0;   // through the embedding's ReLU
        }
        trunk.backward(df);
        embed.backward(de);
    }

    @Override
    public List<Mlp> parts() {
        return List.of(trunk, embed, head);
    }
}
