package dev.rlo.runtime.env;

import dev.rlo.runtime.Rng;

/**
 * Pendulum-v1 as Gymnasium 1.x defines it (gymnasium/envs/classic_control/pendulum.py): swing a
 * pendulum up and hold it, with a torque in [−2, 2] (clipped). θ̇ += (3g/2l·sin θ + 3/(ml²)·u)·dt, clipped
 * to ±8, then θ += θ̇·dt, with g = 10, m = l = 1, dt = 0.05. Reward −(θ² + 0.1·θ̇² + 0.001·u²), θ
 * normalised to [−π, π) before the step; it never terminates and is truncated after 200 steps. A reset
 * draws θ from U(−π, π) and θ̇ from U(−1, 1); the observation is (cos θ, sin θ, θ̇).
 */
public final class Pendulum extends VecEnv {

    static final double MAX_SPEED = 8;
    static final double MAX_TORQUE = 2.0;
    static final double DT = 0.05;
    static final double G = 10.0;
    static final double M = 1.0;
    static final double L = 1.0;

    public Pendulum(int envs, long seed) {
        super(envs, 3, 2, 200, seed);
    }

    @Override
    public String id() {
        return "Pendulum-v1";
    }

    @Override
    public ActionSpace actionSpace() {
        return new ActionSpace(0, 1, -MAX_TORQUE, MAX_TORQUE);
    }

    @Override
    protected void reset(double[] s, Rng rng) {
        s[0] = rng.uniform(-Math.PI, Math.PI);
        s[1] = rng.uniform(-1, 1);
    }

    @Override
    protected void observe(double[] s, float[] obs, int at) {
        obs[at] = (float) Math.cos(s[0]);
        obs[at + 1] = (float) Math.sin(s[0]);
        obs[at + 2] = (float) s[1];
    }

    @Override
    protected double transition(double[] s, double[] action, Rng rng) {
        double th = s[0];
        double thdot = s[1];
        double u = Math.min(Math.max(action[0], -MAX_TORQUE), MAX_TORQUE);
        double wrapped = (th + Math.PI) % (2 * Math.PI);   // Python's %: the sign of the divisor
        double normalized = (wrapped < 0 ? wrapped + 2 * Math.PI : wrapped) - Math.PI;
        double costs = normalized * normalized + 0.1 * thdot * thdot + 0.001 * (u * u);
        double newThdot = thdot + (3 * G / (2 * L) * Math.sin(th) + 3.0 / (M * L * L) * u) * DT;
        newThdot = Math.min(Math.max(newThdot, -MAX_SPEED), MAX_SPEED);
        s[0] = th + newThdot * DT;
        s[1] = newThdot;
        return -costs;
    }

    @Override
    protected boolean terminal(double[] s) {
        return false;
    }
}
