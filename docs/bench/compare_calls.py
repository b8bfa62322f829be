#!/usr/bin/env python3
"""rlo's training-size calls next to the hand-fused C anchors, alternately in one run (issue 19).

    /usr/bin/python3 docs/bench/compare_calls.py [--anchors ../shared/anchors] [--runs 2] [--repeat 15] [--warmup 2]

Run from the project root. Alternates `./rlo bench --calls --no-reference --format json` with the
anchors' C kernels timed at the same training sizes (anchors.py's kernels, checks and timing, imported
from --anchors, on as many threads as rlo reports), `--runs` times each, then prints anchors.py's
comparison table. The C kernels exist for PPO, QR-DQN and GRPO; double DQN has none (its C column
reads —). Compare ratios from one run only.
"""

import argparse
import contextlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

# rlo bench's training-size calls (cli/.../bench/Suite.java) that have a C kernel:
# (entry, shape, elements, least bytes, sizes), as anchors.suite() gives them
CALLS = [
    ("ppo", "B=256", 256, 36 * 256, {"N": 256}),
    ("ppo", "B=4096", 4096, 36 * 4096, {"N": 4096}),
    ("qr_dqn", "32x200x200", 32 * 200 * 200, 32 * 4 * 200 * 4 * 3, {"B": 32, "A": 4, "N": 200}),
    ("grpo", "64x16", 64 * 16, 64 * 16 * 8, {"G": 64, "K": 16}),
]


def load_anchors(directory):
    spec = importlib.util.spec_from_file_location("anchors", os.path.join(directory, "anchors.py"))
    anchors = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(anchors)
    anchors.suite = lambda quick, small: CALLS
    return anchors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--anchors", default="../shared/anchors", help="the anchors' directory (anchors.py)")
    ap.add_argument("--runs", type=int, default=2, help="rlo and C runs, alternated (default 2)")
    ap.add_argument("--repeat", type=int, default=15, help="timed samples per entry (default 15)")
    ap.add_argument("--warmup", type=float, default=2.0,
                    help="rlo's warm-up seconds per measurement (default 2, rlo bench's: a kernel the calls alone "
                         "reach may still be interpreted then; C2 takes it within about 8)")
    args = ap.parse_args()
    if not os.access("./rlo", os.X_OK):
        sys.exit("compare_calls.py: no ./rlo here; run it from the rlo project root")
    anchors = load_anchors(args.anchors)
    out = tempfile.mkdtemp(prefix="rlo-calls.")
    print(f"compare_calls.py: load average {os.getloadavg()[0]:.2f}; results in {out}", file=sys.stderr)
    paths = []
    for run in range(1, args.runs + 1):
        rlo = os.path.join(out, f"rlo{run}.json")
        with open(rlo, "w") as f:
            subprocess.run(["./rlo", "bench", "--calls", "--no-reference", "--format", "json",
                            "--repeat", str(args.repeat), "--warmup", str(args.warmup)], stdout=f, check=True)
        with open(rlo) as f:
            threads = json.loads([line for line in f if line.startswith("{")][-1])["threads"]
        c = os.path.join(out, f"c{run}.json")
        c_args = argparse.Namespace(threads=threads, entry="", repeat=args.repeat, warmup=0.3, quick=False, small=False,
                                    validate=run == 1, rtol=1e-4, triad_elements=0, json=c)
        with contextlib.redirect_stdout(open(os.devnull, "w")):
            anchors.run(c_args)
        paths += [rlo, c]
    anchors.compare(paths)


if __name__ == "__main__":
    main()
