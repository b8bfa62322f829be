"""PPO in JAX, rlax-style, with rlo's loss and GAE (examples/ppo.rlo emitted for JAX).

    ./rlo compile examples/python/ examples/ppo.rlo --emit jax -o /tmp/rlo_jax
    python3 examples/python/rlax_ppo.py /tmp/rlo_jax

The loss is a jax.custom_vjp carrying rlo's gradient, so jax.jit(jax.value_and_grad(loss_fn,
has_aux=True)) works as with rlax's clipped_surrogate_pg_loss; the advantages are a lax.scan, and
jax.vmap maps them over more rollouts. The script checks the advantages against a sequential loop,
the vmapped advantages against one call per rollout, and the loss and parameter gradients against
the same loss written out in jax.numpy, differentiated by JAX, on a tiny linear agent.
"""
import sys

import jax
import jax.numpy as jnp
import numpy as np

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "rlo_out")
from ppo import ppo, rollout_advantages  # noqa: E402  (emitted by rlo compile --emit jax)

T, E, OBS, ACTIONS = 16, 4, 3, 2
gamma, lam, eps, vf_coef, ent_coef = 0.99, 0.95, 0.2, 0.5, 0.01
keys = jax.random.split(jax.random.PRNGKey(0), 8)
params = {"actor": 0.5 * jax.random.normal(keys[0], (OBS, ACTIONS)), "critic": 0.5 * jax.random.normal(keys[1], (OBS,))}


def agent(params, obs):
    return obs @ params["actor"], obs @ params["critic"]


# ---- a rollout [T, E] and its advantages: rlo's lax.scan against a loop -----------------------------------
obs = jax.random.normal(keys[2], (T, E, OBS))
logits, values = agent(params, obs)
actions = jax.random.categorical(keys[3], logits)
logp = jnp.take_along_axis(jax.nn.log_softmax(logits), actions[..., None], -1)[..., 0]
rewards = jax.random.normal(keys[4], (T, E))
terminated = jax.random.uniform(keys[5], (T, E)) < 0.1
next_values = jnp.concatenate([values[1:], agent(params, jax.random.normal(keys[6], (1, E, OBS)))[1]])
truncated = jnp.zeros((T, E), bool)
adv = rollout_advantages(rewards, values, next_values, terminated, truncated)
r, v, nv, d = (np.asarray(a, np.float64) for a in (rewards, values, next_values, terminated))
loop, last = np.zeros((T, E)), np.zeros(E)
for t in reversed(range(T)):
    delta = r[t] + gamma * (1 - d[t]) * nv[t] - v[t]
    loop[t] = last = delta + gamma * lam * (1 - d[t]) * last
assert np.allclose(adv, loop, rtol=1e-5, atol=1e-5), np.abs(adv - loop).max()

stacked = [jnp.stack([a, a[::-1]]) for a in (rewards, values, next_values, terminated, truncated)]
mapped = jax.vmap(rollout_advantages)(*stacked)
assert np.allclose(mapped[1], rollout_advantages(*[s[1] for s in stacked]), rtol=1e-6, atol=1e-6)

# ---- the loss: rlo's custom_vjp under jit and value_and_grad, against jax.numpy by hand -------------------
mb = {"obs": obs.reshape(-1, OBS), "action": actions.reshape(-1), "logp": logp.reshape(-1), "value": values.reshape(-1),
      "adv": adv.reshape(-1), "ret": (adv + values).reshape(-1)}


def loss_fn(params, mb):
    logits, value = agent(params, mb["obs"])
    out = ppo(logits, value, mb["action"], mb["logp"], mb["value"], mb["adv"], mb["ret"], eps=eps)
    return out.loss, out.reports


def hand_loss(params, mb):
    logits, value = agent(params, mb["obs"])
    logp_all = jax.nn.log_softmax(logits)
    ratio = jnp.exp(jnp.take_along_axis(logp_all, mb["action"][:, None], -1)[:, 0] - mb["logp"])
    pg = -jnp.mean(jnp.minimum(ratio * mb["adv"], jnp.clip(ratio, 1 - eps, 1 + eps) * mb["adv"]))
    v_clip = mb["value"] + jnp.clip(value - mb["value"], -eps, eps)
    v_loss = 0.5 * jnp.mean(jnp.maximum((value - mb["ret"]) ** 2, (v_clip - mb["ret"]) ** 2))
    entropy = -jnp.sum(jnp.exp(logp_all) * logp_all, -1)
    return pg + vf_coef * v_loss - ent_coef * jnp.mean(entropy)


step = jax.jit(jax.value_and_grad(loss_fn, has_aux=True))
(loss, reports), grads = step(params, mb)
want, want_grads = jax.value_and_grad(hand_loss)(params, mb)
assert np.allclose(loss, want, rtol=1e-5, atol=1e-6), (loss, want)
for k in params:
    assert np.allclose(grads[k], want_grads[k], rtol=1e-4, atol=1e-6), (k, grads[k], want_grads[k])
for _ in range(3):
    (loss, reports), grads = step(params, mb)
    params = jax.tree_util.tree_map(lambda p, g: p - 0.1 * g, params, grads)
print("rlax_ppo: GAE equals a loop (and under vmap); jit(value_and_grad) of rlo's loss equals JAX's own; "
      "last loss %.4f, entropy %.4f" % (float(loss), float(reports["entropy"])))
