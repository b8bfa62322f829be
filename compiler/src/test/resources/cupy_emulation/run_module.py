"""Runs a module written by `rlo compile --emit cuda --python` on inputs from .npy files and saves
every output as <name>.npy: python3 run_module.py MODULE_DIR OBJECTIVE INPUT_DIR OUTPUT_DIR."""
import importlib
import pathlib
import sys

import numpy as np

module_dir, objective, inputs, outputs = sys.argv[1:5]
sys.path.insert(0, module_dir)
module = importlib.import_module(objective)
given = {p.stem: np.load(p) for p in pathlib.Path(inputs).glob("*.npy")}
out = module.run(**given)
pathlib.Path(outputs).mkdir(exist_ok=True)
np.save(pathlib.Path(outputs) / "loss.npy", np.asarray(out["loss"]))
for kind in ("reports", "grads"):
    for name, value in out[kind].items():
        np.save(pathlib.Path(outputs) / f"{kind[:-1]}_{name}.npy", np.asarray(value))
