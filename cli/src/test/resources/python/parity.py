"""Runs rlo-emitted Python modules on cases and saves what they return, for PythonParityTest.

    python3 parity.py DIALECT CASES.json

CASES.json lists cases: {"module": path, "function": name, "objective": bool, "knobs": {name: value},
"inputs": [[name, file.npy, declared dtype, grad]], "out": dir}. A fn's case writes DIR/result.npy; an
objective's writes loss.npy, report_NAME.npy and grad_NAME.npy from loss_and_grads, and for torch
autograd_NAME.npy too: the gradient out.loss.backward() leaves on each grad input. Bool inputs go to
torch as int64 masks and i32 inputs as int64 (as TRL and CleanRL pass them), on the device
RLO_TEST_DEVICE names (default cpu; cuda on a GPU machine). A case that raises writes DIR/error.txt
with the traceback instead; the script itself always finishes.
"""
import importlib.util
import json
import os
import sys
import traceback

import numpy as np

DIALECT = sys.argv[1]
DEVICE = os.environ.get("RLO_TEST_DEVICE", "cpu")
modules = {}


def load(path):
    if path not in modules:
        spec = importlib.util.spec_from_file_location("rlo_case_%d" % len(modules), path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules[path] = module
    return modules[path]


def argument(value, dtype, grad):
    if dtype == "bool":
        value = np.asarray(value != 0)
    elif dtype == "i32":
        value = value.astype(np.int64)
    if DIALECT == "torch":
        import torch
        t = torch.from_numpy(value)
        t = (t.to(torch.int64) if dtype in ("bool", "i32") else t).to(DEVICE)
        return t.requires_grad_(grad)
    if DIALECT == "jax":
        import jax.numpy as jnp
        return jnp.asarray(value)
    return value


def save(out, name, x):
    if DIALECT == "torch":
        x = x.detach().cpu().numpy()
    np.save(os.path.join(out, name + ".npy"), np.asarray(x))


def run(case):
    f = getattr(load(case["module"]), case["function"])
    inputs = case["inputs"]
    args = [argument(np.load(file), dtype, grad) for _, file, dtype, grad in inputs]
    out = case["out"]
    if not case["objective"]:
        save(out, "result", f(*args, **case["knobs"]))
        return
    r = f.loss_and_grads(*args, **case["knobs"])
    save(out, "loss", r.loss)
    for name, value in r.reports.items():
        save(out, "report_" + name, value)
    for name, value in r.grads.items():
        save(out, "grad_" + name, value)
    if DIALECT == "torch":
        f(*args, **case["knobs"]).loss.backward()
        for (name, _, _, grad), a in zip(inputs, args):
            if grad:
                save(out, "autograd_" + name, a.grad)


for case in json.load(open(sys.argv[2])):
    try:
        run(case)
    except Exception:
        with open(os.path.join(case["out"], "error.txt"), "w") as f:
            f.write(traceback.format_exc())
