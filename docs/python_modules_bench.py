"""Times emitted torch modules on this machine's CPU, for docs/benchmarks.md (no GPU here).

    ./rlo compile compiler/src/test/golden/plan/PpoFull.rlo compiler/src/test/golden/plan/Gae.rlo --emit torch -o /tmp/bench_py
    /usr/bin/python3 docs/python_modules_bench.py /tmp/bench_py

Prints the median of 7 runs (after 1 warm-up) of an objective's loss and gradients, through
autograd (`out.loss.backward()`) and through `loss_and_grads`, with check=False and with the checks.
"""
import statistics
import sys
import time

import torch

sys.path.insert(0, sys.argv[1])
from Gae import gae_loss  # noqa: E402
from PpoFull import ppo_full  # noqa: E402

torch.manual_seed(0)
torch.set_num_threads(2)


def median_ms(f, runs=7):
    f()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def backward(f, inputs, grad, **kw):
    def run():
        x = inputs[grad].clone().requires_grad_(True)
        f(**dict(inputs, **{grad: x}), **kw).loss.backward()
    return run


print("| objective | shape | autograd ms | loss_and_grads ms | loss_and_grads, check=False ms |")
print("|---|---|---|---|---|")
for n in (10 ** 6, 10 ** 7):
    x = {k: torch.randn(n) for k in ("logp", "old_logp", "adv", "value", "ret", "entropy")}
    print("| ppo_full | N=%d | %.1f | %.1f | %.1f |" % (n, median_ms(backward(ppo_full, x, "logp", check=False)),
          median_ms(lambda: ppo_full.loss_and_grads(**x)), median_ms(lambda: ppo_full.loss_and_grads(**x, check=False))))
T, E = 2048, 4882
g = {k: torch.randn(T, E) for k in ("value", "reward", "next_value")}
g.update(terminated=torch.rand(T, E) < 0.01, truncated=torch.zeros(T, E, dtype=torch.bool))
print("| gae_loss | %dx%d | %.1f | %.1f | %.1f |" % (T, E, median_ms(backward(gae_loss, g, "value", check=False)),
      median_ms(lambda: gae_loss.loss_and_grads(**g)), median_ms(lambda: gae_loss.loss_and_grads(**g, check=False))))
