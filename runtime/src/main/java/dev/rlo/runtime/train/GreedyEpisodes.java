package dev.rlo.runtime.train;

import dev.rlo.runtime.env.VecEnv;

/**
 * The greedy evaluation of a policy on fresh environments: each copy plays one episode, the first
 * it ends, so that short episodes are not over-counted; for discrete actions, how often each was chosen.
 */
final class GreedyEpisodes {

    /** The greedy actions for the copies' observations: E indices, or E × D values. */
    @FunctionalInterface
    interface Policy {
        void act(float[] obs, double[] actions);
    }

    private GreedyEpisodes() { }

    static Loop.Evaluation play(VecEnv env, Policy policy) {
        int count = env.envs();
        boolean discrete = env.actionSpace().discrete();
        double[] returns = new double[count];
        long[] chosen = new long[discrete ? env.actionSpace().n() : 0];
        boolean[] finished = new boolean[count];
        double[] act = new double[count * (discrete ? 1 : env.actionSpace().dim())];
        int left = count;
        while (left > 0) {
            policy.act(env.obs.clone(), act);
            env.step(act);
            for (int e = 0; e < count; e++) {
                if (finished[e]) {
                    continue;
                }
                if (discrete) {
                    chosen[(int) act[e]]++;
                }
                if (env.terminated[e] || env.truncated[e]) {
                    finished[e] = true;
                    returns[e] = env.endedReturn[e];
                    left--;
                }
            }
        }
        return new Loop.Evaluation(returns, chosen);
    }
}
