"""A TRL GRPOTrainer whose advantages and loss are rlo's QAE (examples/python/qae_trl.rlo).

    ./rlo compile examples/python/ examples/ppo.rlo --emit torch -o /tmp/rlo_py
    python3 examples/python/trl_grpo.py /tmp/rlo_py

TRL itself is not needed: RloGRPOTrainer reproduces the two methods a GRPOTrainer subclass overrides
(trl/trainer/grpo_trainer.py, TRL 1.13), with their call shapes — rewards gathered over processes
and viewed as [G prompts, K generations]; per_token_logps [B, T], advantages [B], an int
completion_mask [B, T] — on a tiny model. The script checks rlo's advantages and parameter
gradients against TRL's formulas written out by hand in torch, then takes a few optimizer steps.
"""
import collections
import sys

import torch

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "rlo_out")
from qae_trl import trl_grpo_loss, trl_qae_adv  # noqa: E402  (emitted by rlo compile)

torch.manual_seed(0)
G, K, P, T, V = 3, 4, 5, 6, 11          # prompts, generations per prompt, prompt and completion tokens, vocabulary
B = G * K


class TinyLM(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(V, 8)
        self.head = torch.nn.Linear(8, V)

    def forward(self, ids):
        return self.head(torch.tanh(self.embed(ids)))


class RloGRPOTrainer:
    """The parts of a GRPOTrainer subclass that change: advantages and _compute_loss."""

    def __init__(self, model, ref_model):
        self.model, self.ref_model = model, ref_model
        self.num_generations, self.epsilon_low, self.beta = K, 0.2, 0.04
        self.current_gradient_accumulation_steps = 2
        self._metrics = {"train": collections.defaultdict(list)}

    def _get_per_token_logps(self, model, input_ids, logits_to_keep):
        logits = model(input_ids)[:, -logits_to_keep - 1:-1]          # position t predicts token t + 1
        return torch.log_softmax(logits, -1).gather(-1, input_ids[:, -logits_to_keep:, None]).squeeze(-1)

    def _advantages(self, rewards):
        """In TRL's _generate_and_score_completions: rewards of all processes, one group per prompt."""
        return trl_qae_adv(reward=rewards.view(-1, self.num_generations), q=0.4).reshape(-1)

    def _compute_loss(self, model, inputs):
        ids = torch.cat([inputs["prompt_ids"], inputs["completion_ids"]], 1)
        logp = self._get_per_token_logps(model, ids, inputs["completion_ids"].size(1))
        old = inputs.get("old_per_token_logps")
        out = trl_grpo_loss(logp=logp, old_logp=logp.detach() if old is None else old,
                            ref_logp=inputs["ref_per_token_logps"], mask=inputs["completion_mask"],
                            adv=inputs["advantages"], eps=self.epsilon_low, beta=self.beta)
        self._metrics["train"]["rlo/clip_frac"].append(out.reports["clip_frac"].item())
        return out.loss / self.current_gradient_accumulation_steps


def trl_loss(logp, old, ref, mask, adv, eps, beta):
    """TRL's GRPO loss (loss_type "grpo"), as grpo_trainer.py writes it."""
    per_token_kl = torch.exp(ref - logp) - (ref - logp) - 1
    coef_1 = torch.exp(logp - old)
    coef_2 = torch.clamp(coef_1, 1 - eps, 1 + eps)
    per_token_loss = -torch.min(coef_1 * adv.unsqueeze(1), coef_2 * adv.unsqueeze(1)) + beta * per_token_kl
    return ((per_token_loss * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).mean()


model, ref_model = TinyLM(), TinyLM()
trainer = RloGRPOTrainer(model, ref_model)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)

# advantages: QAE within each prompt's group, against torch.quantile and Bessel's std
rewards = torch.rand(B)
adv = trainer._advantages(rewards)
r = rewards.view(G, K)
want = ((r - torch.quantile(r, 0.4, dim=1, keepdim=True)) / (r.std(dim=1, keepdim=True) + 1e-4)).reshape(-1)
assert torch.allclose(adv, want, rtol=1e-5, atol=1e-6), (adv, want)

inputs = {
    "prompt_ids": torch.randint(0, V, (B, P)),
    "completion_ids": torch.randint(0, V, (B, T)),
    "completion_mask": (torch.rand(B, T) < 0.8).to(torch.int64),      # int, as TRL's is
    "advantages": adv,
}
with torch.no_grad():
    ids = torch.cat([inputs["prompt_ids"], inputs["completion_ids"]], 1)
    inputs["ref_per_token_logps"] = trainer._get_per_token_logps(ref_model, ids, T)
    inputs["old_per_token_logps"] = trainer._get_per_token_logps(model, ids, T) + 0.3 * torch.randn(B, T)

# one step's parameter gradients: rlo's loss against TRL's formula through the same model
loss = trainer._compute_loss(model, inputs)
assert loss.grad_fn is not None and loss.dim() == 0
loss.backward()
rlo_grads = [p.grad.clone() for p in model.parameters()]
model.zero_grad()
logp = trainer._get_per_token_logps(model, ids, T)
mask = inputs["completion_mask"].float()
hand = trl_loss(logp, inputs["old_per_token_logps"], inputs["ref_per_token_logps"], mask, adv, 0.2, 0.04) / 2
assert torch.allclose(loss, hand, rtol=1e-5, atol=1e-7), (loss, hand)
hand.backward()
for p, g in zip(model.parameters(), rlo_grads):
    assert torch.allclose(g, p.grad, rtol=1e-4, atol=1e-7), (g - p.grad).abs().max()
model.zero_grad()
ratio = torch.exp(logp - inputs["old_per_token_logps"])
clip_frac = (((ratio - 1).abs() > 0.2).float() * mask).sum() / mask.sum()
assert abs(trainer._metrics["train"]["rlo/clip_frac"][-1] - clip_frac.item()) < 1e-6

# a few steps: old_per_token_logps None (one update per generation), as TRL's default
del inputs["old_per_token_logps"]
for step in range(3):
    optimizer.zero_grad()
    loss = trainer._compute_loss(model, inputs)
    loss.backward()
    optimizer.step()
    assert torch.isfinite(loss)
print("trl_grpo: QAE advantages and GRPO loss gradients match TRL's formulas; 3 steps, last loss %.4f" % loss.item())
