"""Time the main job, `gnsverify verify` (the whole default campaign), in fresh processes.

Cold: an empty numba cache, so every kernel is compiled (what a new user sees once).
Warm: the cache the cold run left. Reports wall and CPU (user + system) seconds of
each child process; on a shared machine the CPU time is the better measure of what
the campaign itself costs (it runs with one BLAS thread).

    python scripts/bench_campaign.py [--repeats N] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def _run(env, out):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "gnsverify.cli", "verify", "--quiet", "--out", out],
                       capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode not in (0, 1):
        raise SystemExit(f"gnsverify verify failed with exit code {p.returncode}:\n{p.stderr}")
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=1, help="cold runs (each with a new empty cache)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    cold, warm = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):
            env = dict(os.environ, NUMBA_CACHE_DIR=os.path.join(tmp, f"cache{i}"))
            cold.append(_run(env, os.path.join(tmp, f"cold{i}")))
            warm.append(_run(env, os.path.join(tmp, f"warm{i}")))
    res = {name: {"wall_s": statistics.median(w for w, _ in runs), "cpu_s": statistics.median(c for _, c in runs)}
           for name, runs in (("cold", cold), ("warm", warm))}
    res["load_average"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(res))
    else:
        for name in ("cold", "warm"):
            print(f"{name:5s} wall {res[name]['wall_s']:7.1f} s   cpu {res[name]['cpu_s']:7.1f} s")
        print(f"load average at the end: {res['load_average']:.2f}")


if __name__ == "__main__":
    main()
