# Goldens for rlo's environments, from Gymnasium itself (the source of truth the envs follow).
# Regenerate: python3 -m venv v && v/bin/pip install gymnasium==1.3.0 && v/bin/python gymnasium_steps.py
# Each line of a .csv: step, action, then the observation after the step, reward, terminated.
# The unwrapped environments (no time limit) start from a fixed state and follow a fixed policy.
import csv
import numpy as np
import gymnasium as gym

def cartpole():
    env = gym.make("CartPole-v1").unwrapped
    env.reset(seed=0)
    env.state = np.array([0.01, -0.02, 0.03, 0.04])
    rng = np.random.default_rng(7)
    with open("cartpole.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["step", "action", "x", "x_dot", "theta", "theta_dot", "reward", "terminated"])
        obs = env.state
        for t in range(300):   # a balancing controller with random kicks: long, varied trajectories
            a = int(obs[2] + 0.5 * obs[3] > 0) if rng.random() > 0.2 else int(rng.integers(2))
            obs, r, term, trunc, _ = env.step(a)
            w.writerow([t, a if isinstance(a, int) else float(a[0])] + [repr(float(v)) for v in obs] + [repr(float(r)), int(term)])
            if term:
                break

def record(name, env, start, policy, steps, columns):
    env.reset(seed=0)
    env.state = np.array(start)
    rng = np.random.default_rng(7)
    obs = None
    with open(name + ".csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["step", "action"] + columns + ["reward", "terminated"])
        for t in range(steps):
            a = policy(obs, rng)
            obs, r, term, trunc, _ = env.step(a)
            w.writerow([t, a if isinstance(a, int) else float(a[0])] + [repr(float(v)) for v in obs] + [repr(float(r)), int(term)])
            if term:
                break


cartpole()
# random torques, from a swing that ends in the goal region after a few hundred steps at most
record("acrobot", gym.make("Acrobot-v1").unwrapped, [0.05, -0.03, 0.2, -0.1],
       lambda obs, rng: int(rng.integers(3)) if obs is None or rng.random() < 0.3 else (2 if obs[4] > 0 else 0),
       400, ["cos1", "sin1", "cos2", "sin2", "dtheta1", "dtheta2"])
# pumping energy: push in the direction of motion, with random kicks; reaches the flag
record("mountain_car", gym.make("MountainCar-v0").unwrapped, [-0.5, 0.0],
       lambda obs, rng: int(rng.integers(3)) if obs is None or rng.random() < 0.2 else (2 if obs[1] >= 0 else 0),
       400, ["x", "x_dot"])


# torques in f64 (Gymnasium's would be f32 from a policy; rlo computes the dynamics in f64 throughout)
record("pendulum", gym.make("Pendulum-v1").unwrapped, [2.5, -0.3],
       lambda obs, rng: np.array([float(rng.integers(-8, 9)) / 4], dtype=np.float64),
       200, ["cos", "sin", "theta_dot"])


def table(name, env):
    """The toy-text environments' whole transition table P[s][a]: every outcome, in Gymnasium's order."""
    with open(name + ".csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["state", "action", "probability", "next", "reward", "terminated"])
        for s in range(env.observation_space.n):
            for a in range(env.action_space.n):
                for p, nxt, r, term in env.P[s][a]:
                    w.writerow([s, a, repr(float(p)), int(nxt), r, int(term)])


table("frozen_lake", gym.make("FrozenLake-v1").unwrapped)
table("cliff_walking", gym.make("CliffWalking-v1").unwrapped)
