package dev.rlo.runtime.env;

import dev.rlo.runtime.Rng;

/**
 * Acrobot-v1 as Gymnasium 1.x defines it (gymnasium/envs/classic_control/acrobot.py; Sutton 1996,
 * Sutton & Barto 2018 §16.1, the "book" dynamics): two links hanging from a pivot, the torque on the
 * joint between them −1, 0 or +1 (actions 0, 1, 2). One RK4 step of 0.2 s per action; angles wrapped to
 * [−π, π], velocities bounded by 4π and 9π. Reward −1 per step and 0 on the step that ends it;
 * terminated when the free end rises above the pivot by one link length
 * ({@code −cos θ₁ − cos(θ₁ + θ₂) > 1}); truncated after 500 steps. A reset draws each state variable
 * from U(−0.1, 0.1), rounded to f32 as Gymnasium does; the observation is
 * {@code (cos θ₁, sin θ₁, cos θ₂, sin θ₂, θ̇₁, θ̇₂)}.
 */
public final class Acrobot extends VecEnv {

    static final double DT = 0.2;
    static final double L1 = 1.0;
    static final double M1 = 1.0;
    static final double M2 = 1.0;
    static final double LC1 = 0.5;
    static final double LC2 = 0.5;
    static final double I = 1.0;
    static final double G = 9.8;
    static final double MAX_VEL_1 = 4 * Math.PI;
    static final double MAX_VEL_2 = 9 * Math.PI;

    public Acrobot(int envs, long seed) {
        super(envs, 6, 4, 500, seed);
    }

    @Override
    public String id() {
        return "Acrobot-v1";
    }

    @Override
    public ActionSpace actionSpace() {
        return new ActionSpace(3, 1, 0, 2);
    }

    @Override
    protected void reset(double[] s, Rng rng) {
        for (int i = 0; i < 4; i++) {
            s[i] = (float) rng.uniform(-0.1, 0.1);
        }
    }

    @Override
    protected void observe(double[] s, float[] obs, int at) {
        obs[at] = (float) Math.cos(s[0]);
        obs[at + 1] = (float) Math.sin(s[0]);
        obs[at + 2] = (float) Math.cos(s[1]);
        obs[at + 3] = (float) Math.sin(s[1]);
        obs[at + 4] = (float) s[2];
        obs[at + 5] = (float) s[3];
    }

    @Override
    protected double transition(double[] s, double[] action, Rng rng) {
        double torque = action[0] - 1;
        double[] k1 = derivatives(s, torque);
        double[] k2 = derivatives(plus(s, DT / 2, k1), torque);
        double[] k3 = derivatives(plus(s, DT / 2, k2), torque);
        double[] k4 = derivatives(plus(s, DT, k3), torque);
        for (int i = 0; i < 4; i++) {
            s[i] = s[i] + DT / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }
        s[0] = wrap(s[0]);
        s[1] = wrap(s[1]);
        s[2] = Math.min(Math.max(s[2], -MAX_VEL_1), MAX_VEL_1);
        s[3] = Math.min(Math.max(s[3], -MAX_VEL_2), MAX_VEL_2);
        return terminal(s) ? 0.0 : -1.0;
    }

    @Override
    protected boolean terminal(double[] s) {
        return -Math.cos(s[0]) - Math.cos(s[1] + s[0]) > 1.0;
    }

    private static double[] plus(double[] s, double h, double[] k) {
        return new double[] {s[0] + h * k[0], s[1] + h * k[1], s[2] + h * k[2], s[3] + h * k[3]};
    }

    /** The book's equations of motion (Gymnasium's {@code _dsdt} with {@code book_or_nips = "book"}). */
    private static double[] derivatives(double[] s, double a) {
        double theta1 = s[0];
        double theta2 = s[1];
        double dtheta1 = s[2];
        double dtheta2 = s[3];
        double d1 = M1 * LC1 * LC1 + M2 * (L1 * L1 + LC2 * LC2 + 2 * L1 * LC2 * Math.cos(theta2)) + I + I;
        double d2 = M2 * (LC2 * LC2 + L1 * LC2 * Math.cos(theta2)) + I;
        double phi2 = M2 * LC2 * G * Math.cos(theta1 + theta2 - Math.PI / 2.0);
        double phi1 = -M2 * L1 * LC2 * dtheta2 * dtheta2 * Math.sin(theta2)
                - 2 * M2 * L1 * LC2 * dtheta2 * dtheta1 * Math.sin(theta2)
                + (M1 * LC1 + M2 * L1) * G * Math.cos(theta1 - Math.PI / 2) + phi2;
        double ddtheta2 = (a + d2 / d1 * phi1 - M2 * L1 * LC2 * dtheta1 * dtheta1 * Math.sin(theta2) - phi2)
                / (M2 * LC2 * LC2 + I - d2 * d2 / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        return new double[] {dtheta1, dtheta2, ddtheta1, ddtheta2};
    }

    private static double wrap(double x) {
        while (x > Math.PI) {
            x -= 2 * Math.PI;
        }
        while (x < -Math.PI) {
            x += 2 * Math.PI;
        }
        return x;
    }
}
