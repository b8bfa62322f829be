"""A verl plugin whose advantage estimator and policy loss are rlo's (examples/python/qae_verl.rlo).

    ./rlo compile examples/python/ examples/ppo.rlo --emit torch -o /tmp/rlo_py
    python3 examples/python/verl_plugin.py /tmp/rlo_py

In a verl run, put the two registered functions in a module named by VERL_USE_EXTERNAL_MODULES and
select them with algorithm.adv_estimator=rlo_qae actor_rollout_ref.actor.policy_loss.loss_mode=rlo_ppo.
verl itself is not needed here: register_adv_est and register_policy_loss are reproduced with the
call shapes of verl's compute_advantage and dp_actor (verl/trainer/ppo/core_algos.py) — rows
[bs, L], the uid of each row's prompt in a numpy array of strings, shuffled as verl's batch
balancing leaves it, groups of unequal size. The script checks the estimator against a per-group
loop and the loss against verl's vanilla policy loss written out by hand.
"""
import math
import sys
import types

import numpy as np
import torch

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "rlo_out")
from qae_verl import group_ids, verl_ppo_loss, verl_qae_adv  # noqa: E402  (emitted by rlo compile)

ADV_ESTIMATOR_REGISTRY, POLICY_LOSS_REGISTRY = {}, {}


def register_adv_est(name):
    return lambda fn: ADV_ESTIMATOR_REGISTRY.setdefault(name, fn)


def register_policy_loss(name):
    return lambda fn: POLICY_LOSS_REGISTRY.setdefault(name, fn)


# ---- the plugin ---------------------------------------------------------------------------------------

@register_adv_est("rlo_qae")
def rlo_qae(token_level_rewards, response_mask, index, config=None, **kwargs):
    """QAE over each prompt's responses, wherever they sit in the batch."""
    adv = verl_qae_adv(token_level_rewards, response_mask, group_ids(index, device=token_level_rewards.device), q=0.4)
    return adv, adv


@register_policy_loss("rlo_ppo")
def rlo_ppo(old_log_prob, log_prob, advantages, response_mask, loss_agg_mode="token-mean", config=None, rollout_is_weights=None):
    """verl's vanilla PPO loss, aggregated over the global token count, and its metrics as floats."""
    info = config.global_batch_info
    out = verl_ppo_loss(log_prob, old_log_prob, advantages, response_mask, clip_ratio_low=config.clip_ratio_low,
                        clip_ratio_high=config.clip_ratio_high, clip_ratio_c=config.clip_ratio_c,
                        n_tokens=info["batch_num_tokens"] / info["dp_size"])
    return out.loss, {f"actor/{k}": v.item() for k, v in out.reports.items()}


# ---- a batch as verl hands it over ----------------------------------------------------------------------

torch.manual_seed(0)
rng = np.random.default_rng(0)
sizes = {"uid-a": 4, "uid-b": 4, "uid-c": 3, "uid-d": 1}          # unequal groups, one of a single row
index = np.array([u for u, n in sizes.items() for _ in range(n)], dtype=object)
order = rng.permutation(len(index))                              # verl's _balance_batch reorders rows
index = index[order]
bs, L = len(index), 5
response_mask = (torch.arange(L)[None, :] < torch.randint(2, L + 1, (bs, 1))).to(torch.int64)
token_level_rewards = torch.zeros(bs, L)
token_level_rewards[torch.arange(bs), response_mask.sum(-1) - 1] = torch.rand(bs)   # the score on the last token

# ---- the estimator against a loop over groups (numpy's linear quantile, Bessel's std) -------------------
adv, returns = ADV_ESTIMATOR_REGISTRY["rlo_qae"](token_level_rewards=token_level_rewards, response_mask=response_mask,
                                                 index=index, config=None)
scores = token_level_rewards.sum(-1).numpy().astype(np.float64)
want = np.zeros(bs)
for uid in sizes:
    rows = np.flatnonzero(index == uid)
    s = scores[rows]
    std = s.std(ddof=1) if len(s) > 1 else 0.0                   # rlo's std of one sample is 0
    want[rows] = (s - np.quantile(s, 0.4)) / (std + 1e-6)
want = want[:, None] * response_mask.numpy()
assert np.allclose(adv.numpy(), want, rtol=1e-5, atol=1e-5), (adv.numpy() - want)
assert np.all(adv.numpy()[index == "uid-d"] == 0), "a group of one row gets advantage 0"
unshuffled = ADV_ESTIMATOR_REGISTRY["rlo_qae"](token_level_rewards=token_level_rewards[np.argsort(order)],
                                               response_mask=response_mask[np.argsort(order)],
                                               index=index[np.argsort(order)])[0]
assert torch.allclose(unshuffled, adv[np.argsort(order)]), "where a row sits in the batch does not change its advantage"

# ---- the policy loss against verl's compute_policy_loss_vanilla and agg_loss, by hand -------------------
config = types.SimpleNamespace(clip_ratio_low=0.2, clip_ratio_high=0.28, clip_ratio_c=3.0,
                               global_batch_info={"batch_num_tokens": 4 * int(response_mask.sum()), "dp_size": 4})
old_log_prob = -torch.rand(bs, L) * 2
log_prob = (old_log_prob + 0.3 * torch.randn(bs, L)).requires_grad_(True)
loss, metrics = POLICY_LOSS_REGISTRY["rlo_ppo"](old_log_prob, log_prob, adv, response_mask, config=config)
assert loss.dim() == 0 and loss.grad_fn is not None
assert set(metrics) == {"actor/pg_clipfrac", "actor/ppo_kl", "actor/pg_clipfrac_lower"}
assert all(isinstance(v, float) for v in metrics.values())
loss.backward()


def masked_mean(x, mask):                                        # verl_F.masked_mean
    return (x * mask).sum() / (mask.sum() + 1e-8)


x = log_prob.detach().clone().requires_grad_(True)
mask = response_mask.float()
negative_approx_kl = torch.clamp(x - old_log_prob, min=-20.0, max=20.0)
ratio = torch.exp(negative_approx_kl)
pg_losses1 = -adv * ratio
pg_losses2 = -adv * torch.clamp(ratio, 1 - 0.2, 1 + 0.28)
clip_pg_losses1 = torch.maximum(pg_losses1, pg_losses2)
pg_losses3 = -adv * 3.0
pg_losses = torch.where(adv < 0, torch.min(pg_losses3, clip_pg_losses1), clip_pg_losses1)
hand = (pg_losses * mask).sum() / (config.global_batch_info["batch_num_tokens"] / 4)
hand.backward()
assert torch.allclose(loss, hand, rtol=1e-5, atol=1e-7), (loss, hand)
assert torch.allclose(log_prob.grad, x.grad, rtol=1e-5, atol=1e-7), (log_prob.grad - x.grad).abs().max()
with torch.no_grad():
    assert math.isclose(metrics["actor/ppo_kl"], masked_mean(-negative_approx_kl, mask).item(), rel_tol=1e-5, abs_tol=1e-6)
    assert math.isclose(metrics["actor/pg_clipfrac"], masked_mean(torch.gt(pg_losses2, pg_losses1).float(), mask).item(),
                        rel_tol=1e-5, abs_tol=1e-6)
    lower = masked_mean(torch.gt(clip_pg_losses1, pg_losses3) * (adv < 0).float(), mask).item()
    assert math.isclose(metrics["actor/pg_clipfrac_lower"], lower, rel_tol=1e-5, abs_tol=1e-6)
print("verl_plugin: QAE over shuffled, unequal groups matches a per-group loop; the loss, its gradient "
      "and metrics match verl's vanilla policy loss (loss %.4f)" % loss.item())
