package dev.rlo.runtime.env;

import dev.rlo.runtime.Rng;

/**
 * A two-armed lottery bandit where the mean and a risk measure disagree (rlo's own showcase; no
 * Gymnasium counterpart). Each episode is one pull of an arm:
 * <ul>
 *   <li>arm 0, safe: reward 1 + 0.1·ε, ε ~ N(0, 1): mean 1, CVaR_0.1 ≈ 0.82;</li>
 *   <li>arm 1, the lottery: reward 2.5 with probability 0.9, −10 with probability 0.1 (each plus
 *       0.1·ε): mean 1.25, CVaR_0.1 = −10.</li>
 * </ul>
 * An objective that maximises the mean should learn arm 1; one that maximises CVaR at α ≤ 0.1 arm 0.
 * The observation is the constant 1 (there is nothing to observe); every pull terminates.
 */
public final class Lottery extends VecEnv {

    static final double SAFE = 1.0;
    static final double WIN = 2.5;
    static final double LOSS = -10.0;
    static final double LOSS_PROBABILITY = 0.1;
    static final double NOISE = 0.1;

    public Lottery(int envs, long seed) {
        super(envs, 1, 1, Integer.MAX_VALUE, seed);   // every pull terminates: no time limit
    }

    @Override
    public String id() {
        return "Lottery";
    }

    @Override
    public ActionSpace actionSpace() {
        return new ActionSpace(2, 1, 0, 1);
    }

    @Override
    protected void reset(double[] s, Rng rng) {
        s[0] = 0;
    }

    @Override
    protected void observe(double[] s, float[] obs, int at) {
        obs[at] = 1f;
    }

    @Override
    protected double transition(double[] s, double[] action, Rng rng) {
        s[0] = 1;   // pulled: the episode is over
        double noise = NOISE * rng.normal();
        if (action[0] == 0) {
            return SAFE + noise;
        }
        return (rng.uniform() < LOSS_PROBABILITY ? LOSS : WIN) + noise;
    }

    @Override
    protected boolean terminal(double[] s) {
        return s[0] == 1;
    }
}
