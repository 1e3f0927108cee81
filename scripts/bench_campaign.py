"""Time the main job, `gnsverify verify` (the whole default campaign), in fresh processes.

Cold: an empty numba cache, so every kernel is compiled (what a new user sees once).
Warm: the cache the cold run left. Each with ``--jobs 1`` and with ``--jobs J`` (default:
the cores), the warm runs interleaved (``--repeats`` of each, so that a change of machine
load hits both alike), medians reported with the ratio jobs 1 / jobs J. Reports wall
and CPU (user + system, the child and its workers) seconds; on a shared machine the
load average is printed with the figures. The results.json of every run are compared:
the verdicts must not depend on ``--jobs``.

Per stage (from each run's ``timings.json``, :mod:`gnsverify.report.timings`; seconds
of work, summed over the processes that did it, medians over the runs of a kind):
``compile`` (numba compilation anywhere), ``cases`` (building the cases: sympy
derivations, without their compilation), ``solve`` (the theory, adaptive and ideal
runs and the baselines), ``gamma`` (the gamma lower-bound search), ``checks`` (the other
checks and the case summaries), ``extras`` (worst cases, instance constants, selftest,
phase diagram) and ``report`` (the files and figures); each but ``compile`` without its
compile time. ``per_case`` holds each case's seconds (and compile seconds) in the last
run of the kind.

    python scripts/bench_campaign.py [--repeats N] [--jobs J] [--no-cold] [--json]
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


def _run(env, out, jobs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "gnsverify.cli", "verify", "--quiet", "--out", out,
                        "--jobs", str(jobs)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode not in (0, 1):
        raise SystemExit(f"gnsverify verify failed with exit code {p.returncode}:\n{p.stderr}")
    with open(os.path.join(out, "results.json"), "rb") as fh:
        results = fh.read()
    with open(os.path.join(out, "timings.json"), encoding="utf-8") as fh:
        times = json.load(fh)
    return wall, cpu, os.getloadavg()[0], results, times


RUN_STAGES = ("theory run", "adaptive run", "ideal run", "baselines")


def stages(times: dict) -> dict:
    """The per-stage seconds of one run (module docstring) from its ``timings.json``."""
    out = dict.fromkeys(("compile", "cases", "solve", "gamma", "checks", "extras", "report"), 0.0)

    def add(kind, t):
        out["compile"] += t["compile_s"]
        out[kind] += t["wall_s"] - t["compile_s"]
    for name in ("cases", "report"):
        add(name, times["phases"][name])
    for stage, t in times["stages"].items():
        add("solve" if stage in RUN_STAGES else "gamma" if stage == "gamma lower bound"
            else "checks", t)
    for t in times["extras"].values():
        add("extras", t)
    return out


def per_case(times: dict) -> dict:
    return {name: {"s": sum(t["wall_s"] for t in st.values()),
                   "compile_s": sum(t["compile_s"] for t in st.values())}
            for name, st in times["cases"].items()}


def _median(runs, i):
    return statistics.median(r[i] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=1, help="runs of each kind")
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)),
                    help="worker processes of the parallel runs (default: the cores)")
    ap.add_argument("--no-cold", action="store_true", help="warm runs only (the current cache)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    runs: dict[str, list] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        if not args.no_cold:
            for jobs in (1, args.jobs):
                for i in range(args.repeats):
                    env = dict(os.environ, NUMBA_CACHE_DIR=os.path.join(tmp, f"cache{jobs}-{i}"))
                    runs.setdefault(f"cold_jobs{jobs}", []).append(_run(env, os.path.join(tmp, f"c{jobs}-{i}"), jobs))
        for i in range(args.repeats):
            for jobs in (1, args.jobs):
                runs.setdefault(f"warm_jobs{jobs}", []).append(_run(env, os.path.join(tmp, f"w{jobs}-{i}"), jobs))
    res = {name: {"wall_s": _median(r, 0), "cpu_s": _median(r, 1), "load_average": _median(r, 2),
                  "runs": len(r),
                  "stages": {k: statistics.median(stages(x[4])[k] for x in r)
                             for k in stages(r[0][4])},
                  "per_case": per_case(r[-1][4])} for name, r in runs.items()}
    for kind in ("cold", "warm"):
        a, b = res.get(f"{kind}_jobs1"), res.get(f"{kind}_jobs{args.jobs}")
        if a and b and args.jobs != 1:
            res[f"{kind}_speedup"] = a["wall_s"] / b["wall_s"]
    res["results_identical"] = len({r[3] for rs in runs.values() for r in rs}) == 1
    res["jobs"] = args.jobs
    if args.json:
        print(json.dumps(res))
    else:
        for name, r in res.items():
            if isinstance(r, dict):
                print(f"{name:12s} wall {r['wall_s']:7.1f} s   cpu {r['cpu_s']:7.1f} s   load {r['load_average']:.2f}"
                      f"   (median of {r['runs']})")
                print(" " * 13 + "   ".join(f"{k} {v:.1f}" for k, v in r["stages"].items()))
        for kind in ("cold", "warm"):
            if f"{kind}_speedup" in res:
                print(f"{kind} speed-up jobs 1 / jobs {args.jobs}: {res[f'{kind}_speedup']:.2f}x")
        print(f"results.json identical across runs: {res['results_identical']}")


if __name__ == "__main__":
    main()
