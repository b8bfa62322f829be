package dev.rlo.runtime.train;

import dev.rlo.runtime.Rng;
import dev.rlo.runtime.env.Digits;
import dev.rlo.runtime.nn.Mlp;

/**
 * A token-by-token policy for a sequence task: an MLP from {@link Digits#context} to logits over
 * the vocabulary. It samples or greedily writes completions, gives the log-probability of each
 * token of given completions, and turns d loss / d log-probability into d loss / d logits.
 */
final class SequencePolicy {

    final Digits task;
    final Mlp net;
    private final int len;
    private final int vocab;

    SequencePolicy(Digits task, int[] hidden, Mlp.Activation activation, Rng init) {
        this.task = task;
        this.net = new Mlp(task.inputSize(), hidden, task.base(), activation, 0.01, init);
        this.len = task.length();
        this.vocab = task.base();
    }

    /**
     * Writes a completion for each of {@code target} into {@code tokens} ({@code [n, L]}), sampled
     * with {@code rng}, or greedy when it is null; and, if {@code logp} is given, each token's log-probability.
     */
    void write(int[] target, int[] tokens, float[] logp, Rng rng) {
        int n = target.length;
        int in = task.inputSize();
        float[] x = new float[n * in];
        for (int l = 0; l < len; l++) {
            for (int i = 0; i < n; i++) {
                task.context(target[i], tokens, i * len, l, x, i * in);
            }
            float[] logits = net.forward(x, n);
            for (int i = 0; i < n; i++) {
                int t = rng == null ? Categorical.argmax(logits, i * vocab, vocab) : Categorical.sample(logits, i * vocab, vocab, rng);
                tokens[i * len + l] = t;
                if (logp != null) {
                    logp[i * len + l] = (float) Categorical.logProb(logits, i * vocab, vocab, t);
                }
            }
        }
    }

    /** The inputs for every token of every completion, {@code [n · L, inputSize]}. */
    float[] contexts(int[] target, int[] tokens) {
        int in = task.inputSize();
        float[] x = new float[tokens.length * in];
        for (int i = 0; i < target.length; i++) {
            for (int l = 0; l < len; l++) {
                task.context(target[i], tokens, i * len, l, x, (i * len + l) * in);
            }
        }
        return x;
    }

    /** log softmax(logits)[token] for each row. */
    float[] tokenLogp(float[] logits, int[] tokens) {
        float[] out = new float[tokens.length];
        for (int r = 0; r < tokens.length; r++) {
            out[r] = (float) Categorical.logProb(logits, r * vocab, vocab, tokens[r]);
        }
        return out;
    }

    /** d loss / d logits from d loss / d logp(token): dlogp · (onehot(token) − softmax(logits)). */
    float[] throughLogSoftmax(float[] dLogp, float[] logits, int[] tokens) {
        float[] d = new float[logits.length];
        for (int r = 0; r < tokens.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                max = Math.max(max, logits[r * vocab + v]);
            }
            double total = 0;
            for (int v = 0; v < vocab; v++) {
                total += Math.exp(logits[r * vocab + v] - max);
            }
            for (int v = 0; v < vocab; v++) {
                double p = Math.exp(logits[r * vocab + v] - max) / total;
                d[r * vocab + v] = (float) (dLogp[r] * ((v == tokens[r] ? 1 : 0) - p));
            }
        }
        return d;
    }

    /** Greedy answers to {@code count} fresh prompts (at least 100) drawn from {@code seed}: 1 per pass. */
    Loop.Evaluation evaluate(int count, long seed) {
        int n = Math.max(count, 100);
        Rng prompts = new Rng(seed);
        int[] target = new int[n];
        for (int i = 0; i < n; i++) {
            target[i] = task.prompt(prompts);
        }
        int[] tokens = new int[n * len];
        write(target, tokens, null, null);
        double[] returns = new double[n];
        long[] chosen = new long[vocab];
        for (int i = 0; i < n; i++) {
            returns[i] = task.reward(target[i], tokens, i * len);
            for (int l = 0; l < len; l++) {
                chosen[tokens[i * len + l]]++;
            }
        }
        return new Loop.Evaluation(returns, chosen);
    }
}
