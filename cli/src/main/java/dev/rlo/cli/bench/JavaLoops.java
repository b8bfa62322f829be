package dev.rlo.cli.bench;

/**
 * The hand-written Java a user would write for each suite entry today: plain loops over float
 * arrays, one thread, in the obvious order. {@code rlo bench} times them beside the backends, so
 * that the table shows what the compiler adds over the obvious code.
 */
final class JavaLoops {

    private JavaLoops() { }

    /** PPO-clip + value + entropy, loss and gradients with respect to logp, value and entropy. */
    static double ppo(float[] logp, float[] oldLogp, float[] adv, float[] value, float[] ret, float[] entropy,
                      float[] gLogp, float[] gValue, float[] gEntropy) {
        int n = logp.length;
        float eps = 0.2f;
        double pg = 0;
        double v = 0;
        double ent = 0;
        for (int i = 0; i < n; i++) {
            float ratio = (float) Math.exp(logp[i] - oldLogp[i]);
            float a = adv[i];
            float unclipped = ratio * a;
            float clipped = Math.min(Math.max(ratio, 1 - eps), 1 + eps) * a;
            pg += Math.min(unclipped, clipped);
            float d = value[i] - ret[i];
            v += d * d;
            ent += entropy[i];
            boolean inside = ratio >= 1 - eps && ratio <= 1 + eps;
            float share = unclipped < clipped ? 1 : unclipped == clipped ? 0.5f : 0;
            float dSurrogate = share * a + (1 - share) * (inside ? a : 0);
            gLogp[i] = -dSurrogate * ratio / n;
            gValue[i] = 0.5f * 2 * d / n;
            gEntropy[i] = -0.01f / n;
        }
        return -pg / n + 0.5 * v / n - 0.01 * ent / n;
    }

    /** GAE over [T, E], row-major, walking back in time. */
    static void gae(float[] reward, float[] value, float[] nextValue, boolean[] terminated, boolean[] truncated,
                    int t, int e, float[] adv) {
        float gamma = 0.99f;
        float lambda = 0.95f;
        float[] next = new float[e];
        for (int s = t - 1; s >= 0; s--) {
            for (int j = 0; j < e; j++) {
                int i = s * e + j;
                float notTerm = terminated[i] ? 0 : 1;
                float delta = reward[i] + gamma * notTerm * nextValue[i] - value[i];
                float decay = terminated[i] || truncated[i] ? 0 : gamma * lambda;
                next[j] = delta + decay * next[j];
                adv[i] = next[j];
            }
        }
    }

    /** GRPO's advantage over [G, K]: (r − mean) / (sample std + 1e-4), per group. */
    static void grpo(float[] reward, int g, int k, float[] adv) {
        for (int a = 0; a < g; a++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += reward[a * k + j];
            }
            double mean = sum / k;
            double ss = 0;
            for (int j = 0; j < k; j++) {
                double d = reward[a * k + j] - mean;
                ss += d * d;
            }
            double std = Math.sqrt(ss / Math.max(k - 1, 1));
            for (int j = 0; j < k; j++) {
                adv[a * k + j] = (float) ((reward[a * k + j] - mean) / (std + 1e-4));
            }
        }
    }

    /** QAE's advantage over [G, K]: the q-quantile (linear interpolation) in place of the mean. */
    static void qae(float[] reward, int g, int k, float q, float[] adv) {
        float[] row = new float[k];
        for (int a = 0; a < g; a++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                row[j] = reward[a * k + j];
                sum += row[j];
            }
            java.util.Arrays.sort(row);
            double pos = q * (k - 1);
            int lo = (int) pos;
            int hi = Math.min(lo + 1, k - 1);
            double base = row[lo] + (pos - lo) * (row[hi] - row[lo]);
            double mean = sum / k;
            double ss = 0;
            for (int j = 0; j < k; j++) {
                double d = reward[a * k + j] - mean;
                ss += d * d;
            }
            double std = Math.sqrt(ss / Math.max(k - 1, 1));
            for (int j = 0; j < k; j++) {
                adv[a * k + j] = (float) ((reward[a * k + j] - base) / (std + 1e-4));
            }
        }
    }

    /** QR-DQN's quantile Huber loss over [B, N] predictions and [B, M] targets, and its gradient. */
    static double qrDqn(float[] za, float[] target, int b, int n, int m, float[] grad) {
        double loss = 0;
        for (int s = 0; s < b; s++) {
            for (int i = 0; i < n; i++) {
                float tau = (i + 0.5f) / n;
                float z = za[s * n + i];
                double gi = 0;
                for (int j = 0; j < m; j++) {
                    float u = target[s * m + j] - z;
                    float au = Math.abs(u);
                    float w = Math.abs(tau - (u < 0 ? 1 : 0));
                    float h = au <= 1 ? 0.5f * u * u : au - 0.5f;
                    loss += w * h;
                    gi += -w * (au <= 1 ? u : Math.signum(u));
                }
                grad[s * n + i] = (float) (gi / m / b);
            }
        }
        return loss / m / b;
    }

    /** Double DQN's Huber loss (δ = 1) over [B, A] and its gradient with respect to q. */
    static double doubleDqn(float[] q, int[] action, float[] reward, boolean[] terminated, float[] qNext,
                            float[] qNextOnline, int a, float[] grad) {
        int b = action.length;
        float gamma = 0.99f;
        double loss = 0;
        java.util.Arrays.fill(grad, 0f);
        for (int s = 0; s < b; s++) {
            int best = 0;
            for (int j = 1; j < a; j++) {
                if (qNextOnline[s * a + j] > qNextOnline[s * a + best]) {
                    best = j;
                }
            }
            float target = reward[s] + gamma * (terminated[s] ? 0 : 1) * qNext[s * a + best];
            float u = q[s * a + action[s]] - target;
            float au = Math.abs(u);
            loss += au <= 1 ? 0.5f * u * u : au - 0.5f;
            grad[s * a + action[s]] = (au <= 1 ? u : Math.signum(u)) / b;
        }
        return loss / b;
    }
}
