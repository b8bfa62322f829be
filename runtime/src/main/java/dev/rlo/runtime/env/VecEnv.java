package dev.rlo.runtime.env;

import dev.rlo.runtime.Rng;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * E copies of one environment stepped together, as Gymnasium's vector envs with autoreset "same
 * step": when a copy's episode ends, {@link #step} returns its last observation in
 * {@link #finalObs} and the first observation of a fresh episode in {@link #obs}. Termination
 * (the MDP ended: pole fell, goal reached) and truncation (a time limit) stay separate, so that
 * a bootstrap from {@code next_value} is cut on the first and kept on the second.
 *
 * <p>A subclass implements one copy: its state lives in a {@code double[]} per copy, so that
 * checkpoints save every copy exactly ({@link #save}).
 */
public abstract class VecEnv {

    /** What an action is: one of {@code n} (discrete), or a vector in a box (continuous). */
    public record ActionSpace(int n, int dim, double low, double high) {
        public boolean discrete() {
            return n > 0;
        }

        @Override
        public String toString() {
            return discrete() ? "Discrete(" + n + ")" : "Box(" + low + ", " + high + ", (" + dim + ",))";
        }
    }

    protected final int envs;
    private final int obsSize;
    private final int maxSteps;
    private final double[][] state;
    private final Rng[] rngs;
    private final int[] elapsed;
    private final double[] episodeReturn;

    /** Observations of the current step, {@code [E, obsSize]} row-major. */
    public final float[] obs;
    /** After {@link #step}: the observation each copy reached, before any autoreset. */
    public final float[] finalObs;
    public final float[] reward;
    public final boolean[] terminated;
    public final boolean[] truncated;
    /** After {@link #step}: for copies whose episode ended, its undiscounted return and length. */
    public final double[] endedReturn;
    public final int[] endedLength;

    protected VecEnv(int envs, int obsSize, int stateSize, int maxSteps, long seed) {
        if (envs < 1) {
            throw new IllegalArgumentException("envs must be at least 1, not " + envs);
        }
        this.envs = envs;
        this.obsSize = obsSize;
        this.maxSteps = maxSteps;
        this.state = new double[envs][stateSize];
        this.rngs = new Rng[envs];
        this.elapsed = new int[envs];
        this.episodeReturn = new double[envs];
        this.obs = new float[envs * obsSize];
        this.finalObs = new float[envs * obsSize];
        this.reward = new float[envs];
        this.terminated = new boolean[envs];
        this.truncated = new boolean[envs];
        this.endedReturn = new double[envs];
        this.endedLength = new int[envs];
        for (int e = 0; e < envs; e++) {
            rngs[e] = Rng.stream(seed, e);
            reset(state[e], rngs[e]);
            observe(state[e], obs, e * obsSize);
        }
    }

    /** The environment's name as Gymnasium spells it, e.g. {@code CartPole-v1}. */
    public abstract String id();

    public abstract ActionSpace actionSpace();

    public final int envs() {
        return envs;
    }

    public final int obsSize() {
        return obsSize;
    }

    /** The time limit (Gymnasium's {@code max_episode_steps}), after which an episode is truncated. */
    public final int maxSteps() {
        return maxSteps;
    }

    /** Copy {@code e}'s state itself, for tests that start from a given state. */
    final double[] state(int e) {
        return state[e];
    }

    /** A fresh episode's state, drawn from {@code rng}. */
    protected abstract void reset(double[] s, Rng rng);

    /** Writes the observation of {@code s} at {@code obs[at ..]}. */
    protected abstract void observe(double[] s, float[] obs, int at);

    /** Advances {@code s} by {@code action}; returns the reward; sets {@code s}'s terminal flag via {@link #terminal}. */
    protected abstract double transition(double[] s, double[] action, Rng rng);

    /** Whether {@code s} is terminal (the MDP ended there). */
    protected abstract boolean terminal(double[] s);

    /** Steps every copy; {@code actions} holds E actions (discrete: indices) or E × dim values. */
    public final void step(double[] actions) {
        ActionSpace space = actionSpace();
        int dim = space.discrete() ? 1 : space.dim();
        double[] a = new double[dim];
        for (int e = 0; e < envs; e++) {
            System.arraycopy(actions, e * dim, a, 0, dim);
            double r = transition(state[e], a, rngs[e]);
            elapsed[e]++;
            episodeReturn[e] += r;
            reward[e] = (float) r;
            terminated[e] = terminal(state[e]);
            truncated[e] = elapsed[e] >= maxSteps;   // as Gymnasium's TimeLimit: both flags on a last step that is both
            observe(state[e], finalObs, e * obsSize);
            if (terminated[e] || truncated[e]) {
                endedReturn[e] = episodeReturn[e];
                endedLength[e] = elapsed[e];
                episodeReturn[e] = 0;
                elapsed[e] = 0;
                reset(state[e], rngs[e]);
                observe(state[e], obs, e * obsSize);
            } else {
                System.arraycopy(finalObs, e * obsSize, obs, e * obsSize, obsSize);
            }
        }
    }

    /** Writes every copy's state, step count, running return and random stream. */
    public final void save(DataOutput out) throws IOException {
        for (int e = 0; e < envs; e++) {
            for (double v : state[e]) {
                out.writeDouble(v);
            }
            out.writeInt(elapsed[e]);
            out.writeDouble(episodeReturn[e]);
            out.writeLong(rngs[e].state());
        }
    }

    /** Reads what {@link #save} wrote, for the same kind and number of copies. */
    public final void restore(DataInput in) throws IOException {
        for (int e = 0; e < envs; e++) {
            for (int i = 0; i < state[e].length; i++) {
                state[e][i] = in.readDouble();
            }
            elapsed[e] = in.readInt();
            episodeReturn[e] = in.readDouble();
            rngs[e].setState(in.readLong());
            observe(state[e], obs, e * obsSize);
        }
    }
}
