"""Benchmark of the compiled solver against the NumPy reference, scipy's trust-exact
and the floor (the unavoidable linear algebra and oracle work of the same run).

Per problem, in one process, after a warm-up (compilation excluded), the median of
``--repeat`` samples of each method and of the floor, interleaved (so that a change of
machine load hits all of them alike), reported in seconds per iteration. A sample runs
its method back to back for at least ``MIN_SAMPLE_SECONDS`` (:func:`timed`).
The floor is, with the same BLAS and in isolation: one Hessian formation plus, for
each step-size trial the compiled run made on average per iteration, one Cholesky
factorization with its solve and one value-and-gradient evaluation, measured at the
run's own iterates (a sample of up to 24 recorded iterates, with the ``lambda``
accepted there), not at ``x0`` only. ``cold_start_s`` is the wall
time of a fresh Python process (warm numba cache) that imports the package and solves
the 2-D Rosenbrock problem.

    python scripts/bench_numeric.py            # readable table
    python scripts/bench_numeric.py --json     # one JSON object
    python scripts/bench_numeric.py --quick    # 3 runs per method (smoke run)
    python scripts/bench_numeric.py --sizes    # also the large sizes (minutes)

``--sizes`` adds the scaling problems ``logistic_n{N}`` (synthetic, ``m = 4n``,
``N`` in 10, 30, 100, 300, 1000, 2000), ``logsumexp_n{N}`` (``m = 4n``, ``N`` in 50,
200, 800) and ``chebyshev_n1000`` (Gauss-Newton, ``p = 4``), each for a fixed budget
of :data:`SIZE_ITERS` iterations (the time per iteration is what is compared), each in
a fresh child process so that ``peak_rss_mb`` (how far one run of the compiled solver
raises the peak resident set above the peak reached before it, while the data was built
and the compiled code loaded; a solver needing less than that transient shows 0) is its
own; ``data_mb`` and ``nxn_mb`` (one
``n x n`` matrix) are given beside it. ``chebyshev_n1000`` is solved in its structured
form (tridiagonal plus rank one, ``O(n)`` per trial); its floor is still the dense one
(Hessian formation and Cholesky), so ``compiled/floor`` is below 1 there, and
``dense_s_per_iter`` times the solver's own dense path beside it (``B`` given as a
dense identity, which disables the structured solve).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

from numeric import oracles
from numeric._jit import borrow_all, jit
from numeric._linalg import solve_shifted_into
from numeric.problems import REGISTRY
from numeric.problems.logsumexp import logsumexp_data
from numeric.reference import minimize_reference
from numeric.hessians import hessian_rule
from numeric.solver import minimize_gns

SCIPY_MAX_ITER = 200
SCIPY_MAX_SECONDS = 2.0
MIN_SAMPLE_SECONDS = 0.05
COLD = ("from numeric.solver import minimize_gns; from numeric.problems.rosenbrock import rosenbrock; "
        "assert minimize_gns(rosenbrock(), gtol=1e-8).success")


def logsumexp_500x200():
    """A, b standard normal (seed 0), mu = 0.05, optimum moved to the origin by
    ``A <- A - 1 g0^T`` with ``g0 = A^T softmax(-b / mu)`` (then ``grad f(0) = 0``)."""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((500, 200))
    b = rng.standard_normal(500)
    mu = 0.05
    z = -b / mu
    w = np.exp(z - z.max())
    w /= w.sum()
    A = A - np.outer(np.ones(500), A.T @ w)
    return logsumexp_data(A, b, mu=mu)


SIZE_ITERS = 5
LOGISTIC_SIZES = (10, 30, 100, 300, 1000, 2000)
LOGSUMEXP_SIZES = (50, 200, 800)


def _logistic(n):
    return REGISTRY["logistic"](m=4 * n, n=n), "exact", None


def _logsumexp(n):
    return REGISTRY["logsumexp"](n=n), "exact", None


def _chebyshev(n):
    return (REGISTRY["chebyshev_rosenbrock"](n=n, p=4.0), "gauss_newton",
            np.random.default_rng(0).uniform(0.0, 1.0, n))


def size_configs():
    """``name -> (builder(n) -> (problem, rule, x0 or None), n)`` of the scaling problems
    (built in the child process that measures them)."""
    out = {f"logistic_n{n}": (_logistic, n) for n in LOGISTIC_SIZES}
    out.update({f"logsumexp_n{n}": (_logsumexp, n) for n in LOGSUMEXP_SIZES})
    out["chebyshev_n1000"] = (_chebyshev, 1000)
    return out


#: the scaling problems whose rule has a structured form the solver uses (tridiagonal plus
#: rank one): also timed on the dense path, ``B`` given as a dense identity (``dense_s_per_iter``)
DENSE_TOO = ("chebyshev_n1000",)


def _data_mb(p) -> float:
    return sum(np.asarray(a).nbytes for a in p.data if hasattr(a, "nbytes")) / 2 ** 20


def size_child(name, repeat, threads) -> dict:
    """One scaling problem measured in this (fresh) process, with its peak memory: every
    method first runs on a 3-dimensional instance of the same family (so that loading
    the compiled code is not counted), then the peak resident set is read before and
    after one run of the compiled solver, then the methods are timed."""
    import resource
    build, n = size_configs()[name]
    fixed = dict(max_iter=SIZE_ITERS, gtol=0.0)
    p, rule, x0 = build(3)
    bench_one(name, p, rule, p.x0 if x0 is None else x0, fixed, 1, threads)
    p, rule, x0 = build(n)
    x0 = p.x0 if x0 is None else x0
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    minimize_gns(p, x0, hessian=rule, blas_threads=threads, **fixed)     # the compiled run alone
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    dense = {}
    if name in DENSE_TOO:
        eye = np.eye(p.n)
        dense["dense"] = (lambda: minimize_gns(p, x0, hessian=rule, blas_threads=threads, B=eye,
                                               **fixed), lambda r: r.nit)
    out = bench_one(name, p, rule, x0, fixed, repeat, threads, extra=dense)
    out.update(n=p.n, peak_rss_mb=(after - before) / 1024.0, data_mb=_data_mb(p),
               nxn_mb=p.n * p.n * 8 / 2 ** 20)
    return out


def configs():
    """(name, problem, rule, x0, options)."""
    ros = REGISTRY["rosenbrock"]()
    lse = logsumexp_500x200()
    cheb = REGISTRY["chebyshev_rosenbrock"](n=200, p=4.0)
    x_cheb = np.random.default_rng(0).uniform(0.0, 1.0, 200)
    logi = REGISTRY["logistic_breast_cancer"]()
    conv = dict(max_iter=10_000, gtol=1e-8)
    return [
        ("rosenbrock2d", ros, "exact", ros.x0, conv),
        ("logsumexp", lse, "exact", np.ones(200), conv),
        ("logsumexp_wgn", lse, "weighted_gn", np.ones(200), conv),
        # in double precision no solver gets below f ~ 4e-7 here: fixed budget
        ("chebyshev", cheb, "exact", x_cheb, dict(max_iter=100, gtol=0.0)),
        ("logistic_breast_cancer", logi, "exact", logi.x0, conv),
        ("logistic_breast_cancer_fisher", logi, "fisher", logi.x0, conv),
    ]


@jit
def _floor_kernel(kind, data, rule, rdata, X, G, lams, trials):
    """At each sampled iterate ``X[i]`` (gradient ``G[i]``, accepted ``lams[i]``): one
    Hessian formation and ``trials[i]`` (Cholesky + solve + value_grad), with the
    solver's own means (borrowed data, preallocated work arrays)."""
    data = borrow_all(data)
    n = X.shape[1]
    A, h, xt = np.empty((n, n)), np.empty(n), np.empty(n)
    acc = 0.0
    empty = np.zeros((0, 0))
    for i in range(X.shape[0]):
        x = X[i]
        g = G[i]
        gn = np.sqrt(np.dot(g, g))
        H = oracles.hess(kind, data, rule, rdata, x, g, gn)
        for _ in range(trials[i]):
            solve_shifted_into(H, lams[i], 0, empty, g, A, h)
            for j in range(n):
                xt[j] = x[j] - h[j]
            f, g2 = oracles.value_grad(kind, data, xt)
            acc += f + h[0] + g2[0]
    return acc


def floor_run(p, rule, res, n_sample=24):
    """The floor measured at the run's own iterates: returns ``(run, n)`` where ``run()``
    does, at ``n`` iterates evenly spread over the run ``res`` (all of them when fewer),
    one Hessian formation and that iterate's share of the run's trials (the run's
    average number of trials per iteration, distributed so that the total matches),
    each with the ``lambda`` the run accepted there."""
    r = hessian_rule(rule, p.n)
    nit = res.nit
    idx = np.unique(np.linspace(0, nit - 1, min(n_sample, nit)).round().astype(np.int64))
    X = np.ascontiguousarray(res.trace.x[idx])
    G = np.ascontiguousarray([oracles.value_grad(p.kind, p.data, x)[1] for x in X])
    lams = np.ascontiguousarray(res.trace.lam[idx])
    per_iter = len(res.trace.trial_gamma) / nit
    total = int(round(per_iter * len(idx)))
    trials = np.full(len(idx), total // len(idx), dtype=np.int64)
    trials[: total % len(idx)] += 1
    return (lambda: _floor_kernel(p.kind, p.data, r.code, r.data, X, G, lams, trials)), len(idx)


def scipy_run(p, rule, x0, opts):
    from scipy.optimize import minimize
    r = hessian_rule(rule, p.n)
    t_end = time.perf_counter() + SCIPY_MAX_SECONDS

    def fun(x):
        return oracles.value_grad(p.kind, p.data, x)

    def hess(x):
        g = oracles.value_grad(p.kind, p.data, x)[1]
        return oracles.hess(p.kind, p.data, r.code, r.data, x, g, float(np.linalg.norm(g)))

    def stop(*_):
        if time.perf_counter() > t_end:
            raise StopIteration

    # trust-exact needs many more (and costlier) iterations on the ill-conditioned
    # instances; its budget is capped (iterations and seconds) since only the time per
    # iteration is compared
    return minimize(fun, x0, jac=True, hess=hess, method="trust-exact", callback=stop,
                    options=dict(maxiter=min(opts["max_iter"], SCIPY_MAX_ITER),
                                 gtol=max(opts["gtol"], 1e-300)))


def timed(fn, min_seconds=MIN_SAMPLE_SECONDS):
    """One sample: ``(seconds per call, last output)``, running ``fn`` back to back until
    ``min_seconds`` have elapsed (at least once), as ``timeit`` does. A single call
    of a 50-microsecond solve right after another method's run measures the refill
    of the processor caches more than the solve."""
    calls = 0
    t = time.perf_counter()
    while True:
        out = fn()
        calls += 1
        dt = time.perf_counter() - t
        if dt >= min_seconds:
            return dt / calls, out


def side_by_side(methods, repeat):
    """Warm up every method, then take ``repeat`` samples of each (:func:`timed`),
    interleaved so that a change of machine load hits all of them alike. Returns, per
    method, the median seconds per iteration and the last result."""
    last = {name: fn() for name, (fn, _) in methods.items()}
    per_iter = {name: [] for name in methods}
    for _ in range(repeat):
        for name, (fn, nit_of) in methods.items():
            dt, out = timed(fn)
            per_iter[name].append(dt / max(nit_of(out), 1))
            last[name] = out
    return {name: statistics.median(v) for name, v in per_iter.items()}, last


def bench_one(name, p, rule, x0, opts, repeat, threads, extra=None):
    """Medians per iteration of the compiled run, the NumPy reference, scipy's
    trust-exact and the floor, interleaved; ``extra`` adds methods ``name -> (run,
    iterations of its output)`` (reported as ``{name}_s_per_iter``)."""
    kw = dict(hessian=rule, max_iter=opts["max_iter"], gtol=opts["gtol"])
    # the compiled run once with its iterates recorded, for the floor (not timed)
    res = minimize_gns(p, x0, blas_threads=threads, record_x=True, **kw)
    floor, n_floor = floor_run(p, rule, res) if res.nit else (lambda: None, 1)
    # every method runs with the same number of BLAS threads (set once, outside the
    # timings; the compiled solver's own limit is then a no-op it still pays for)
    with threadpool_limits(limits=threads, user_api="blas"):
        med, last = side_by_side({
            "compiled": (lambda: minimize_gns(p, x0, blas_threads=threads, **kw),
                         lambda r: r.nit),
            "reference": (lambda: minimize_reference(p, x0, **kw), lambda r: r.nit),
            "scipy": (lambda: scipy_run(p, rule, x0, opts), lambda r: int(r.nit)),
            "floor": (floor, lambda _: n_floor),
            **(extra or {}),
        }, repeat)
    nit = max(res.nit, 1)
    trials = len(res.trace.trial_gamma) / nit
    return {
        "iterations": {"compiled": res.nit, "reference": last["reference"].nit,
                       "scipy": int(last["scipy"].nit), "trials_per_iter": trials,
                       "status": res.status},
        "compiled_s_per_iter": med["compiled"],
        "reference_s_per_iter": med["reference"],
        "scipy_s_per_iter": med["scipy"],
        "floor_s_per_iter": med["floor"] if res.nit else float("nan"),
        **{f"{k}_s_per_iter": med[k] for k in (extra or {})},
    }


def cold_start(repeat):
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", COLD], check=True)
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per method (>= 5)")
    ap.add_argument("--quick", action="store_true",
                    help="3 timed runs per method (a smoke run, not for the README)")
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads (all methods)")
    ap.add_argument("--only", default=None, help="comma-separated problem names")
    ap.add_argument("--sizes", action="store_true",
                    help="also the scaling problems (logistic_n*, logsumexp_n*, chebyshev_n1000)")
    ap.add_argument("--size-child", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.size_child:
        print(json.dumps(size_child(a.size_child, 3 if a.quick else a.repeat, a.threads)))
        return
    if a.repeat < 5:
        ap.error("--repeat must be an integer >= 5.")
    repeat = 3 if a.quick else a.repeat
    if a.threads < 1:
        ap.error("--threads must be an integer >= 1.")
    out = {"problems": {}}
    for name, p, rule, x0, opts in configs():
        if a.only and name not in a.only.split(","):
            continue
        out["problems"][name] = bench_one(name, p, rule, x0, opts, repeat, a.threads)
        print(f"... {name}: {json.dumps(out['problems'][name])}", file=sys.stderr, flush=True)
    if a.sizes:
        for name in size_configs():
            if a.only and name not in a.only.split(","):
                continue
            cmd = [sys.executable, __file__, "--size-child", name, "--repeat", str(a.repeat),
                   "--threads", str(a.threads)] + (["--quick"] if a.quick else [])
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                sys.stderr.write(r.stderr)
                raise SystemExit(f"bench_numeric.py: the size child {name} failed ({r.returncode}).")
            out["problems"][name] = json.loads(r.stdout.strip().splitlines()[-1])
            print(f"... {name}: {json.dumps(out['problems'][name])}", file=sys.stderr, flush=True)
    cold_start(1)  # make sure the cache is warm for this exact command
    out["cold_start_s"] = cold_start(repeat)
    if a.json:
        print(json.dumps(out))
        return
    hdr = (f"{'problem':32s} {'iters c/r/s':>14s} {'trials':>6s} {'compiled':>10s} "
           f"{'reference':>10s} {'scipy':>10s} {'floor':>10s} {'c/floor':>7s} {'r/c':>7s}")
    print(hdr)
    print("-" * len(hdr))
    for name, r in out["problems"].items():
        it = r["iterations"]
        c = r["compiled_s_per_iter"]
        print(f"{name:32s} {it['compiled']:>4d}/{it['reference']:>4d}/{it['scipy']:>4d} "
              f"{it['trials_per_iter']:6.2f} {c:10.2e} {r['reference_s_per_iter']:10.2e} "
              f"{r['scipy_s_per_iter']:10.2e} {r['floor_s_per_iter']:10.2e} "
              f"{c / r['floor_s_per_iter']:7.2f} {r['reference_s_per_iter'] / c:7.1f}"
              + (f"  peak {r['peak_rss_mb']:.0f} MB (data {r['data_mb']:.0f}, n x n "
                 f"{r['nxn_mb']:.0f})" if "peak_rss_mb" in r else "")
              + (f"  dense path {r['dense_s_per_iter']:.2e} ({r['dense_s_per_iter'] / c:.0f}x)"
                 if "dense_s_per_iter" in r else ""))
    print(f"seconds per iteration (medians); cold start (fresh process, warm cache, "
          f"2-D Rosenbrock): {out['cold_start_s']:.2f} s")


if __name__ == "__main__":
    main()
