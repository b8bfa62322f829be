package dev.rlo.runtime.env;

import dev.rlo.runtime.Rng;

/**
 * MountainCar-v0 as Gymnasium 1.x defines it (gymnasium/envs/classic_control/mountain_car.py; Moore
 * 1990): a car in a valley, accelerating left, not at all, or right (actions 0, 1, 2) with force
 * 0.001 against gravity 0.0025·cos(3x). Velocity clipped to ±0.07, position to [−1.2, 0.6] (hitting
 * the left wall stops the car); reward −1 per step; terminated at x ≥ 0.5 with ẋ ≥ 0; truncated
 * after 200 steps. A reset draws x from U(−0.6, −0.4) with ẋ = 0; the observation is (x, ẋ).
 */
public final class MountainCar extends VecEnv {

    static final double MIN_POSITION = -1.2;
    static final double MAX_POSITION = 0.6;
    static final double MAX_SPEED = 0.07;
    static final double GOAL_POSITION = 0.5;
    static final double FORCE = 0.001;
    static final double GRAVITY = 0.0025;

    public MountainCar(int envs, long seed) {
        super(envs, 2, 2, 200, seed);
    }

    @Override
    public String id() {
        return "MountainCar-v0";
    }

    @Override
    public ActionSpace actionSpace() {
        return new ActionSpace(3, 1, 0, 2);
    }

    @Override
    protected void reset(double[] s, Rng rng) {
        s[0] = rng.uniform(-0.6, -0.4);
        s[1] = 0;
    }

    @Override
    protected void observe(double[] s, float[] obs, int at) {
        obs[at] = (float) s[0];
        obs[at + 1] = (float) s[1];
    }

    @Override
    protected double transition(double[] s, double[] action, Rng rng) {
        double position = s[0];
        double velocity = s[1] + (action[0] - 1) * FORCE + Math.cos(3 * position) * -GRAVITY;
        velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
        position = Math.min(Math.max(position + velocity, MIN_POSITION), MAX_POSITION);
        if (position == MIN_POSITION && velocity < 0) {
            velocity = 0;
        }
        s[0] = position;
        s[1] = velocity;
        return -1.0;
    }

    @Override
    protected boolean terminal(double[] s) {
        return s[0] >= GOAL_POSITION && s[1] >= 0;
    }
}
