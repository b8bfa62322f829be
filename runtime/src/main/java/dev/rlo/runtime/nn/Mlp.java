package dev.rlo.runtime.nn;

import dev.rlo.runtime.Rng;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A multi-layer perceptron {@code in → hidden… → out}: the activation after every hidden layer,
 * none after the last. Every weight and bias lives in one flat parameter array, every gradient in one
 * flat gradient array of the same layout, so that the optimizer, gradient clipping and checkpoints each
 * handle one array.
 *
 * <p>Java on {@code float[]} with the Vector API ({@link Linear}). ND4J (the design's first choice)
 * pays a fixed cost per operation that dominates at these sizes:
 * one forward and backward of two 64-64 MLPs on a batch of 256, with Adam, took 7.3 ms there
 * (docs/benchmarks.md), which alone would spend 57 s of PPO's 60 s budget for 100k CartPole steps.
 *
 * <p>{@link #forward} keeps the activations of its batch; {@link #backward} takes d loss / d output
 * for that batch (from the compiled objective) and writes d loss / d parameters into {@link #grad}.
 */
public final class Mlp implements Parameters {

    /** The nonlinearity between layers. */
    public enum Activation { tanh, relu }

    private final int[] sizes;
    private final Activation activation;
    private final float[] params;
    private final float[] grad;
    private final int[] wAt;
    private final int[] bAt;
    private float[][] acts;
    private int batch;

    /**
     * Orthogonal weights with gain √2 on hidden layers and {@code outGain} on the last (0.01 for a
     * policy head, 1 for a value head: Andrychowicz et al. 2021, "What matters in on-policy RL", and
     * CleanRL's {@code layer_init}), zero biases.
     */
    public Mlp(int in, int[] hidden, int out, Activation activation, double outGain, Rng rng) {
        this.sizes = new int[hidden.length + 2];
        sizes[0] = in;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = out;
        this.activation = activation;
        int layers = sizes.length - 1;
        wAt = new int[layers];
        bAt = new int[layers];
        int count = 0;
        for (int l = 0; l < layers; l++) {
            wAt[l] = count;
            count += sizes[l] * sizes[l + 1];
            bAt[l] = count;
            count += sizes[l + 1];
        }
        params = new float[count];
        grad = new float[count];
        for (int l = 0; l < layers; l++) {
            double gain = l == layers - 1 ? outGain : Math.sqrt(2);
            float[] w = Orthogonal.matrix(sizes[l], sizes[l + 1], gain, rng);
            System.arraycopy(w, 0, params, wAt[l], w.length);
        }
    }

    public int in() {
        return sizes[0];
    }

    public int out() {
        return sizes[sizes.length - 1];
    }

    /** All parameters: per layer, the weights {@code [in, out]} row-major, then the biases. */
    @Override
    public float[] params() {
        return params;
    }

    /** d loss / d parameters from the last {@link #backward}, laid out as {@link #params}. */
    @Override
    public float[] grad() {
        return grad;
    }

    /** The outputs {@code [batch, out]} for inputs {@code x} of {@code [batch, in]}, row-major. */
    public float[] forward(float[] x, int batch) {
        this.batch = batch;
        int layers = sizes.length - 1;
        if (acts == null) {
            acts = new float[layers + 1][];
        }
        acts[0] = x;
        for (int l = 0; l < layers; l++) {
            float[] z = new float[batch * sizes[l + 1]];
            Linear.rows(acts[l], batch, sizes[l], params, wAt[l], sizes[l + 1], params, bAt[l], z);
            if (l < layers - 1) {
                if (activation == Activation.tanh) {
                    Tanh.apply(z);
                } else {
                    for (int k = 0; k < z.length; k++) {
                        z[k] = Math.max(z[k], 0f);
                    }
                }
            }
            acts[l + 1] = z;
        }
        return acts[layers];
    }

    /** Writes d loss / d parameters into {@link #grad}, given {@code dOut} = d loss / d output of the last forward. */
    public void backward(float[] dOut) {
        backward(dOut, false);
    }

    /** As {@link #backward(float[])}, and returns d loss / d input of the last forward, {@code [batch, in]}. */
    public float[] backwardToInput(float[] dOut) {
        return backward(dOut, true);
    }

    private float[] backward(float[] dOut, boolean toInput) {
        java.util.Arrays.fill(grad, 0f);
        float[] dz = dOut;
        for (int l = sizes.length - 2; l >= 0; l--) {
            int n = sizes[l];
            int m = sizes[l + 1];
            Linear.outer(acts[l], dz, batch, n, m, grad, wAt[l]);
            Linear.columnSums(dz, batch, m, grad, bAt[l]);
            if (l > 0) {
                dz = inputGrad(dz, l);
            } else if (toInput) {
                return product(dz, 0);
            }
        }
        return null;
    }

    /**
     * d loss / d (pre-activation of layer l's input) from {@code dz} of its output: {@code dz Wᵀ}, by
     * a transposed copy of W, times the activation's derivative at the layer's input.
     */
    private float[] inputGrad(float[] dz, int l) {
        float[] da = product(dz, l);
        float[] a = acts[l];
        if (activation == Activation.tanh) {
            for (int k = 0; k < da.length; k++) {
                da[k] *= 1 - a[k] * a[k];
            }
        } else {
            for (int k = 0; k < da.length; k++) {
                da[k] = a[k] > 0 ? da[k] : 0;
            }
        }
        return da;
    }

    private static final int TILE = 16;

    /** {@code dz Wₗᵀ}: d loss / d (layer l's input) before any activation's derivative. */
    private float[] product(float[] dz, int l) {
        int n = sizes[l];
        int m = sizes[l + 1];
        float[] wt = new float[m * n];
        for (int i0 = 0; i0 < n; i0 += TILE) {            // in tiles, so both sides stay in cache
            for (int j0 = 0; j0 < m; j0 += TILE) {
                for (int i = i0; i < Math.min(i0 + TILE, n); i++) {
                    for (int j = j0; j < Math.min(j0 + TILE, m); j++) {
                        wt[j * n + i] = params[wAt[l] + i * m + j];
                    }
                }
            }
        }
        float[] da = new float[batch * n];
        Linear.rows(dz, batch, m, wt, 0, n, null, 0, da);
        return da;
    }

    public void save(DataOutput out) throws IOException {
        Adam.write(params, out);
    }

    public void restore(DataInput in) throws IOException {
        Adam.read(params, in);
    }
}
