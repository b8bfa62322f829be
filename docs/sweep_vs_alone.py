#!/usr/bin/env python3
"""Runs every run of a finished sweep again, alone and one after another, with the `rlo train`
command in its command.txt, and compares: each run's metrics.csv (every column but charts/SPS, a
timing) and summary.json (all but seconds) must equal the sweep's. Prints each run's verdict and the
wall time of the sequential runs (docs/sweeps.md, docs/benchmarks.md).

    python3 docs/sweep_vs_alone.py sweeps/NAME__TIME /tmp/alone      # from the checkout's root
"""
import csv
import json
import os
import subprocess
import sys
import time


def metrics(path):
    rows = list(csv.reader(open(path)))
    sps = rows[0].index("charts/SPS")
    return [r[:sps] + r[sps + 1:] for r in rows]


def summary(path):
    s = json.load(open(path))
    s.pop("seconds")
    return s


def main(sweep, alone):
    runs = sorted(os.listdir(os.path.join(sweep, "runs")))
    start = time.time()
    for run in runs:
        words = open(os.path.join(sweep, "runs", run, "command.txt")).read().split()
        out = words.index("--out")
        words[out + 1] = os.path.join(alone, run)
        subprocess.run(["./rlo"] + words[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.time() - start
    same = 0
    for run in runs:
        a, b = os.path.join(sweep, "runs", run), os.path.join(alone, run)
        ok = metrics(a + "/metrics.csv") == metrics(b + "/metrics.csv") and summary(a + "/summary.json") == summary(b + "/summary.json")
        same += ok
        print(run, "identical" if ok else "DIFFERENT")
    print(f"{same} of {len(runs)} runs identical to their rlo train commands run alone; "
          f"those {len(runs)} commands one after another: {seconds:.1f} s")
    return 0 if same == len(runs) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
