package dev.rlo.runtime.env;

import dev.rlo.runtime.Rng;
import java.util.List;

/**
 * An environment given by its transition table, as Gymnasium's toy-text environments are
 * ({@code env.P[s][a]}: a list of (probability, next state, reward, terminated)). The state is one of
 * {@code states}; the observation is its one-hot encoding; a step samples an outcome by inverting
 * the cumulative probabilities at one uniform draw, in the table's order.
 */
abstract class Tabular extends VecEnv {

    /** One outcome of an action in a state. */
    record Outcome(double probability, int next, double reward, boolean terminated) { }

    private final int states;

    Tabular(int envs, int states, int maxSteps, long seed) {
        super(envs, states, 2, maxSteps, seed);
        this.states = states;
    }

    /** Every outcome of {@code action} in {@code state}, in Gymnasium's order. */
    abstract List<Outcome> outcomes(int state, int action);

    abstract int start();

    @Override
    protected void reset(double[] s, Rng rng) {
        s[0] = start();
        s[1] = 0;
    }

    @Override
    protected void observe(double[] s, float[] obs, int at) {
        java.util.Arrays.fill(obs, at, at + states, 0f);
        obs[at + (int) s[0]] = 1f;
    }

    @Override
    protected double transition(double[] s, double[] action, Rng rng) {
        List<Outcome> all = outcomes((int) s[0], (int) action[0]);
        double u = rng.uniform();
        double cum = 0;
        Outcome o = all.getLast();
        for (Outcome candidate : all) {
            cum += candidate.probability();
            if (u < cum) {
                o = candidate;
                break;
            }
        }
        s[0] = o.next();
        s[1] = o.terminated() ? 1 : 0;
        return o.reward();
    }

    @Override
    protected boolean terminal(double[] s) {
        return s[1] == 1;
    }
}
