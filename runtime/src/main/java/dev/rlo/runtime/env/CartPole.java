package dev.rlo.runtime.env;

import dev.rlo.runtime.Rng;

/**
 * CartPole-v1 as Gymnasium 1.x defines it (gymnasium/envs/classic_control/cartpole.py; Barto,
 * Sutton, Anderson 1983): a pole on a cart, pushed left (0) or right (1) with force 10 N; reward 1
 * for every step, including the last; terminated when |x| > 2.4 or |θ| > 12°; truncated after 500
 * steps. Explicit Euler with τ = 0.02 s, state in double, observation {@code (x, ẋ, θ, θ̇)} in f32;
 * a reset draws each state variable uniformly from [-0.05, 0.05]. The tests step it against
 * trajectories recorded from Gymnasium itself.
 */
public final class CartPole extends VecEnv {

    static final double GRAVITY = 9.8;
    static final double MASS_CART = 1.0;
    static final double MASS_POLE = 0.1;
    static final double TOTAL_MASS = MASS_CART + MASS_POLE;
    static final double HALF_LENGTH = 0.5;
    static final double POLE_MASS_LENGTH = MASS_POLE * HALF_LENGTH;
    static final double FORCE = 10.0;
    static final double TAU = 0.02;
    static final double THETA_LIMIT = 12 * 2 * Math.PI / 360;
    static final double X_LIMIT = 2.4;

    public CartPole(int envs, long seed) {
        super(envs, 4, 4, 500, seed);
    }

    @Override
    public String id() {
        return "CartPole-v1";
    }

    @Override
    public ActionSpace actionSpace() {
        return new ActionSpace(2, 1, 0, 1);
    }

    @Override
    protected void reset(double[] s, Rng rng) {
        for (int i = 0; i < 4; i++) {
            s[i] = rng.uniform(-0.05, 0.05);
        }
    }

    @Override
    protected void observe(double[] s, float[] obs, int at) {
        for (int i = 0; i < 4; i++) {
            obs[at + i] = (float) s[i];
        }
    }

    @Override
    protected double transition(double[] s, double[] action, Rng rng) {
        double x = s[0];
        double xDot = s[1];
        double theta = s[2];
        double thetaDot = s[3];
        double force = action[0] == 1 ? FORCE : -FORCE;
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
        double thetaAcc = (GRAVITY * sin - cos * temp)
                / (HALF_LENGTH * (4.0 / 3.0 - MASS_POLE * cos * cos / TOTAL_MASS));
        double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
        s[0] = x + TAU * xDot;
        s[1] = xDot + TAU * xAcc;
        s[2] = theta + TAU * thetaDot;
        s[3] = thetaDot + TAU * thetaAcc;
        return 1.0;
    }

    @Override
    protected boolean terminal(double[] s) {
        return s[0] < -X_LIMIT || s[0] > X_LIMIT || s[2] < -THETA_LIMIT || s[2] > THETA_LIMIT;
    }
}
