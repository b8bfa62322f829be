# Goldens for rlo's environments, from Gymnasium itself (the source of truth the envs follow).
# Regenerate: python3 -m venv v && v/bin/pip install gymnasium==1.3.0 && v/bin/python gymnasium_steps.py
# Each line of a .csv: step, action, then the observation after the step, reward, terminated.
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
            w.writerow([t, a] + [repr(float(v)) for v in obs] + [r, int(term)])
            if term:
                break

cartpole()
