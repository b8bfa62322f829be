"""CleanRL's PPO update with rlo's GAE and PPO loss (examples/ppo.rlo).

    ./rlo compile examples/python/ examples/ppo.rlo --emit torch -o /tmp/rlo_py
    python3 examples/python/cleanrl_ppo.py /tmp/rlo_py

The layout is cleanrl/ppo.py's: a time-major rollout buffer [num_steps, num_envs] = [T, E], where
dones[t] says whether obs[t] starts a new episode; advantages under no_grad; the loss on flat
minibatches. A synthetic rollout from a tiny agent stands in for the environments (no gym needed).
The script checks rlo's advantages against CleanRL's sequential GAE loop and rlo's loss and
parameter gradients against CleanRL's loss written out by hand, then trains for two epochs.
"""
import sys

import torch

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "rlo_out")
from ppo import ppo, rollout_advantages  # noqa: E402  (emitted by rlo compile)

torch.manual_seed(0)
T, E, OBS, ACTIONS = 16, 4, 3, 2        # num_steps, num_envs
gamma, gae_lambda, clip_coef, ent_coef, vf_coef = 0.99, 0.95, 0.2, 0.01, 0.5


class Agent(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.critic = torch.nn.Sequential(torch.nn.Linear(OBS, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
        self.actor = torch.nn.Sequential(torch.nn.Linear(OBS, 16), torch.nn.Tanh(), torch.nn.Linear(16, ACTIONS))


agent = Agent()
optimizer = torch.optim.Adam(agent.parameters(), lr=2.5e-3, eps=1e-5)

# ---- a rollout, as CleanRL's buffers hold it ----------------------------------------------------------
obs = torch.randn(T, E, OBS)
dones = (torch.rand(T, E) < 0.1).float()
rewards = torch.randn(T, E)
with torch.no_grad():
    dist = torch.distributions.Categorical(logits=agent.actor(obs))
    actions = dist.sample().float()                     # CleanRL keeps actions as floats
    logprobs = dist.log_prob(actions)
    values = agent.critic(obs).squeeze(-1)
    next_obs, next_done = torch.randn(E, OBS), (torch.rand(E) < 0.1).float()
    next_value = agent.critic(next_obs).reshape(1, -1)

# ---- GAE: rlo's reverse scan against CleanRL's loop ---------------------------------------------------
with torch.no_grad():
    advantages = rollout_advantages(reward=rewards, value=values, next_value=torch.cat([values[1:], next_value]),
                                    terminated=torch.cat([dones[1:], next_done[None]]).bool(),
                                    truncated=torch.zeros(T, E, dtype=torch.bool))
    loop = torch.zeros_like(rewards)
    lastgaelam = 0
    for t in reversed(range(T)):
        if t == T - 1:
            nextnonterminal, nextvalues = 1.0 - next_done, next_value
        else:
            nextnonterminal, nextvalues = 1.0 - dones[t + 1], values[t + 1]
        delta = rewards[t] + gamma * nextvalues * nextnonterminal - values[t]
        loop[t] = lastgaelam = delta + gamma * gae_lambda * nextnonterminal * lastgaelam
    assert torch.allclose(advantages, loop, rtol=1e-5, atol=1e-5), (advantages - loop).abs().max()
    returns = advantages + values


def cleanrl_loss(logits, newvalue, action, old_logp, old_value, adv, ret):
    """cleanrl/ppo.py's loss (clipped value loss, entropy bonus), written out by hand."""
    dist = torch.distributions.Categorical(logits=logits)
    ratio = (dist.log_prob(action) - old_logp).exp()
    pg_loss = torch.max(-adv * ratio, -adv * torch.clamp(ratio, 1 - clip_coef, 1 + clip_coef)).mean()
    v_clipped = old_value + torch.clamp(newvalue - old_value, -clip_coef, clip_coef)
    v_loss = 0.5 * torch.max((newvalue - ret) ** 2, (v_clipped - ret) ** 2).mean()
    return pg_loss - ent_coef * dist.entropy().mean() + v_loss * vf_coef


# ---- the update: rlo's loss on minibatches ------------------------------------------------------------
b_obs, b_actions, b_logprobs = obs.reshape(-1, OBS), actions.reshape(-1), logprobs.reshape(-1)
b_advantages, b_returns, b_values = advantages.reshape(-1), returns.reshape(-1), values.reshape(-1)
for epoch in range(2):
    for mb in torch.randperm(T * E).split(16):
        mb_adv = b_advantages[mb]
        mb_adv = (mb_adv - mb_adv.mean()) / (mb_adv.std() + 1e-8)
        args = (agent.actor(b_obs[mb]), agent.critic(b_obs[mb]).view(-1), b_actions[mb].long(), b_logprobs[mb],
                b_values[mb], mb_adv, b_returns[mb])
        hand = cleanrl_loss(*args)
        optimizer.zero_grad()
        hand.backward()
        hand_grads = [p.grad.clone() for p in agent.parameters()]
        args = (agent.actor(b_obs[mb]), agent.critic(b_obs[mb]).view(-1)) + args[2:]
        out = ppo(*args, eps=clip_coef, vf_coef=vf_coef, ent_coef=ent_coef)
        optimizer.zero_grad()
        out.loss.backward()                                  # the step below follows rlo's gradients
        assert torch.allclose(out.loss, hand, rtol=1e-5, atol=1e-6), (out.loss, hand)
        for g, p in zip(hand_grads, agent.parameters()):
            assert torch.allclose(p.grad, g, rtol=1e-4, atol=1e-6), (g - p.grad).abs().max()
        optimizer.step()
print("cleanrl_ppo: GAE equals CleanRL's loop; loss and gradients equal CleanRL's on %d minibatches; "
      "last loss %.4f, entropy %.4f" % (2 * T * E // 16, out.loss.item(), out.reports["entropy"].item()))
