"""Algorithm 1 (gradient-regularized Newton step) with three step-size rules, compiled.

One step from ``x_k`` with second-order step size ``gamma > 0``:

    lambda = ||g(x_k)||_* / gamma,      h = -(H(x_k) + lambda B)^-1 g(x_k),

and the **acceptance** test (docs/theory.md, name ``acceptance``)

    f(x_k) - f(x_k + h) >= ||g(x_k + h)||_*^2 / (8 lambda),

evaluated in floating point exactly as written (left side a difference of two
computed values, right side ``gn**2 / (8*lam)``): no tolerance is used, so the
checker sees the very comparison the solver made.

Step-size rules (``step``):

* ``"adaptive"`` (code 0): the first trial is ``gamma0`` at the first iteration and
  ``max(2 gamma_{k-1}, gamma_min)`` afterwards; a trial is accepted iff the test
  holds; otherwise ``gamma`` is halved. A failed factorization (``H + lambda B``
  not positive definite), a non-finite trial value or gradient, or a non-finite
  trial point is a rejection. After ``max_trials`` rejections in one iteration the
  run stops with status ``search_exhausted`` (never a silent acceptance). A
  rejected trial whose predicted decrease ``||g_k||_* ||h||`` is below the rounding
  of ``f`` (``stall_rule``, :data:`numeric._record.STALL_RESOLUTION`) stops the run
  with status ``stalled``: halving ``gamma`` only shortens the step further.
* ``"theory"`` (code 1): ``gamma_k = pi(||g_k||_*)`` with
  ``pi(t) = (sum_i M_i t^-alpha_i)^-1`` (``inf`` when every ``M_i`` is 0, i.e. the
  Newton step ``lambda = 0``). No search: the step is taken whenever it is finite,
  and the trial records whether the acceptance test held (Lemma 1 says it must
  when the class bound is true and ``H`` is PSD).
* ``"ideal"`` (code 2): ``gamma_k = gamma_estimate(x_k)`` from :mod:`numeric.gamma`
  (an upper estimate of ``gamma(x_k)``), step taken whenever finite.

For theory and ideal steps a failed factorization gives status ``step_failed``, a
non-finite trial value ``non_finite``, and a step that leaves ``x`` unchanged in
floating point ``stalled`` (the same step would be repeated forever); the iterate is
never updated in those cases, so the solver never returns a non-finite point.

Linear algebra: dense ``H`` by LAPACK Cholesky (:mod:`numeric._linalg`); for rules
with a structured form ``H = tridiag(d, e) + U^T diag(w) U`` (``numeric.oracles.has_lowrank``;
``e`` empty for diagonal plus low rank), ``B = I`` and a small rank ``3 k <= n`` the
system is solved by Sherman-Morrison-Woodbury in ``O(n k^2 + k^3)`` (the tridiagonal
part factored in ``O(n)``); with a dense ``B`` the oracle's dense ``H`` is used; with a
large rank, negative weights, or a Woodbury precondition failing
(``tridiag(d, e) + lambda I`` not positive definite), the dense matrix is formed and
factored instead.

Oracle counts are cumulative: ``value_grad`` counts one value and one gradient;
``H`` is formed once per iteration and counts one Hessian. Calls made internally by
the ideal-step estimator of ``gamma`` are not counted (it is a measuring device,
not part of the method).

Speed on small problems: the kernel borrows its array arguments as views without
reference counts (:func:`numeric._jit.borrow`), calls inlined copies of the oracle
dispatch, and solves in preallocated work arrays; see README "Speed".

BLAS threads: inside compiled code, numba's matrix products and LAPACK calls use
scipy's OpenBLAS (numpy's own OpenBLAS is not called by the kernel).
:func:`minimize_gns` limits the BLAS pools to ``blas_threads`` (default 1) while the
kernel runs, for ``n >= 64`` or a data matrix of at least ``64^2`` entries (smaller
calls are not threaded). Measured on a 2-core
machine at ``n = 200``: 2 threads were 10x (Chebyshev-Rosenbrock, ``n = 200``) to 50x
(LogSumExp ``500 x 200``) slower per iteration than 1 thread, because the matrices
are too small for threads to pay and the worker threads compete with the caller
(see README "Speed"). Results are bit-identical run to run for a fixed thread count;
a different count may change reductions in the last bits.
"""
from __future__ import annotations

import math
import time

import numpy as np

from numeric._jit import borrow, borrow_all, inlined, jit
from numeric._clock import monotonic
from numeric import _linalg
from numeric._checks import check_count, check_f_star, check_real, resolve_hessian
from numeric import _record
from numeric._record import (CALLBACK, CONTINUE, NON_FINITE, SEARCH_EXHAUSTED, STALLED,
                             STEP_FAILED, below_resolution, ensure_rows, stop_status, fields,
                             trace_from_fields)
from numeric import metric as _metric
from numeric import oracles as _or
from numeric.gamma import ESTIMATOR_DEFAULTS, REGIONS as _REGIONS, gamma_estimate as _gamma_estimate
from numeric.oracles import has_lowrank as _has_lowrank, hess_lowrank as _hess_lowrank
from numeric.problems.base import Problem
from numeric.problems._gram import structured_dense as _structured_dense
from numeric.trace import STATUSES, Result, Trace

ADAPTIVE, THEORY, IDEAL = 0, 1, 2
STEP_CODES = {"adaptive": ADAPTIVE, "theory": THEORY, "ideal": IDEAL}
# status codes: numeric._record; RUNNING = chunk budget used
RUNNING = -1
_NO_BOUND = np.zeros(0)   # (alphas, Ms) of the steps without a bound (size 0: never written)
_E1, _E2 = np.zeros(0), np.zeros((0, 0))   # empty arrays for the kernel (size 0)
_NO_COUNTS = np.zeros(5, dtype=np.int64)   # counts before a run (read only; see _solve_kernel)
# the metric norms and row records of the loop, inlined (numeric._jit.inlined)
_norm_primal, _norm_dual = inlined(_metric.norm_primal), inlined(_metric.norm_dual)
push_iterate, push_step = inlined(_record.push_iterate), inlined(_record.push_step)
push_trial = inlined(_record.push_trial)


@jit(inline="always")
def pi_bound(t, alphas, Ms):
    """``pi(t) = (sum_i M_i t^-alpha_i)^-1``; terms with ``M_i = 0`` are skipped;
    ``inf`` when the sum is 0."""
    inv = 0.0
    for i in range(alphas.shape[0]):
        if Ms[i] != 0.0:
            inv += Ms[i] * t ** (-alphas[i])
    if inv == 0.0:
        return np.inf
    return 1.0 / inv


@jit(inline="always")
def accepts(f_old, f_new, gn_new, lam):
    """The ``acceptance`` test ``f_old - f_new >= gn_new^2 / (8 lam)``, exactly as
    written (no tolerance); false when any side is NaN."""
    return f_old - f_new >= gn_new * gn_new / (8.0 * lam)


@jit(inline="always")
def _same_point(a, b):
    """Whether ``a`` and ``b`` are equal entry by entry."""
    for j in range(a.shape[0]):
        if a[j] != b[j]:
            return False
    return True


@jit
def _solve_kernel(kind, data, hcode, hdata, mode, B, L, work, x0, f0, g0, step_code, alphas, Ms,
                  gamma0, gamma_last, gamma_min, max_trials, k_start, k_stop, max_iter,
                  gtol, ftol, f_star, record_x, counts0, t_start,
                  region, n_dirs, n_radii, seed, gamma_hi):
    """Run Algorithm 1 from ``x0`` (iteration index ``k_start``) until a stop or ``k_stop``.

    ``f0, g0`` are ``f(x0), g(x0)`` when already known (``f0 = nan`` to evaluate);
    ``gamma_last`` is the last accepted ``gamma`` (``nan`` before the first step);
    ``counts0`` the counts so far (value, grad, hess oracle calls; linear solves by
    Woodbury that succeeded, dense Cholesky solves attempted); ``t_start`` the clock
    origin (``nan`` = now). Returns ``(status, x, f, g, gamma_last, counts, P, S, T, X)``
    (records of :mod:`numeric._record` in its ``fields`` layout; ``X`` the iterates when
    ``record_x``);
    ``status == RUNNING`` when ``k_stop < max_iter`` was reached.
    """
    if np.isnan(t_start):
        t_start = monotonic()
    n = x0.shape[0]
    # the arguments outlive this call: borrowed views spare the reference counts
    # (numeric._jit.borrow); nothing borrowed is returned
    data = borrow_all(data)
    hdata = (borrow(hdata[0]), borrow(hdata[1]))
    B, L, alphas, Ms = borrow(B), borrow(L), borrow(alphas), borrow(Ms)
    x = x0.copy()
    nv, ng, nh = counts0[0], counts0[1], counts0[2]
    nw, nd = counts0[3], counts0[4]
    if np.isnan(f0):
        f, g = _or.value_grad(kind, data, x)
        nv += 1
        ng += 1
    else:
        f, g = f0, g0.copy()
    gn = _metric.norm_dual(mode, B, L, g)

    cap = min(k_stop - k_start, 63) + 1   # grown by doubling (ensure_rows)
    P = np.empty((cap, 6))          # rows of numeric._record
    S = np.empty((cap, 3))
    T = np.empty((4 * cap, 6))
    X = np.empty((cap if record_x else 0, n))
    nt = 0
    # work arrays in ``work`` (length n^2 + 2n): the dense solve's factor and solution
    # and the trial point; two empty arrays
    work = borrow(work)
    Aw = work[:n * n].reshape((n, n))
    hw, xt = work[n * n:n * n + n], work[n * n + n:]
    e1, e2 = borrow(_E1), borrow(_E2)

    k = k_start
    i = 0  # local iterate index
    status = RUNNING
    while True:
        # record the iterate x_k
        P = push_iterate(P, i, f, gn, nv, ng, nh, monotonic() - t_start)
        if record_x:
            X = ensure_rows(X, i)
            X[i, :] = x
        i += 1
        # stopping tests at x_k
        if not (np.isfinite(f) and np.isfinite(gn)):
            status = NON_FINITE
            break
        status = stop_status(gn, gtol, f, f_star, ftol, k, max_iter)
        if status != CONTINUE:
            break
        if k >= k_stop:
            status = RUNNING
            break

        # H(x_k), once per iteration
        # Woodbury only pays when the rank is small: per trial it costs about
        # 2 n k^2 + k^3 / 3 flops against n^3 / 3 for the dense Cholesky.
        lowrank = mode == 0 and _has_lowrank(kind, hcode)
        nh += 1
        if lowrank:
            d, e, U, w = _hess_lowrank(kind, data, hcode, hdata, x, g, gn)
            lowrank = 3 * U.shape[0] <= n
            H = e2
            if not lowrank:
                H = _structured_dense(d, e, U, w)
        else:
            d, e, U, w = e1, e1, e2, e1
            H = _or.hess_inlined(kind, data, hcode, hdata, x, g, gn)
        dense_ready = not lowrank

        # first trial
        if step_code == ADAPTIVE:
            if np.isnan(gamma_last):
                gamma = gamma0
            else:
                gamma = max(2.0 * gamma_last, gamma_min)
            n_trials = max_trials
        elif step_code == THEORY:
            gamma = pi_bound(gn, alphas, Ms)
            n_trials = 1
        else:
            gamma = _gamma_estimate(kind, data, hcode, hdata, mode, B, L, x, region,
                                    n_dirs, n_radii, seed + k, gamma_hi)
            n_trials = 1

        took = False
        fail_code = SEARCH_EXHAUSTED
        fn, gnew, gnn, stp = f, g, gn, 0.0
        h = hw
        for trial in range(n_trials):
            lam = gn / gamma
            ok = False
            if gamma > 0.0 and np.isfinite(lam):
                if lowrank:
                    ok, h = _linalg.solve_lowrank(d, e, U, w, lam, g)
                    if ok:
                        nw += 1
                if not ok:
                    nd += 1
                    if not dense_ready:
                        H = _structured_dense(d, e, U, w)
                        dense_ready = True
                    ok = _linalg.solve_shifted_into(H, lam, mode, B, g, Aw, hw)
                    h = hw
            acc = False
            t_f, t_gn, t_step = np.nan, np.nan, np.nan   # recorded when computed and finite
            if ok and _linalg.all_finite(h):
                for j in range(n):
                    xt[j] = x[j] - h[j]
                stp = _norm_primal(mode, B, L, h)
                t_step = stp
                if _linalg.all_finite(xt):
                    fn, gnew = _or.value_grad_inlined(kind, data, xt)
                    nv += 1
                    ng += 1
                    gnn = _norm_dual(mode, B, L, gnew)
                    if np.isfinite(fn) and np.isfinite(gnn):
                        t_f, t_gn = fn, gnn
                        acc = accepts(f, fn, gnn, lam)
                        if acc or step_code != ADAPTIVE:
                            took = True
            T, nt = push_trial(T, nt, k, gamma, acc, t_f, t_gn, t_step)
            if took and step_code != ADAPTIVE and _same_point(xt, x):
                # a theory or ideal step that no longer moves x would repeat forever
                took = False
                fail_code = STALLED
                break
            if took:
                for j in range(n):
                    x[j] = xt[j]
                f = fn
                g = gnew
                gn = gnn
                S = push_step(S, i - 1, gamma, lam, stp)
                gamma_last = gamma
                break
            if step_code == ADAPTIVE:
                if np.isfinite(t_f) and below_resolution(gn, stp, f):
                    fail_code = STALLED    # stall_rule: shorter trials cannot help
                    break
                gamma = 0.5 * gamma
            else:
                fail_code = NON_FINITE if ok else STEP_FAILED
        if not took:
            status = fail_code
            break
        k += 1

    counts = np.array([nv, ng, nh, nw, nd], dtype=np.int64)
    return (status, x, f, g, gamma_last, counts, fields(P, i), fields(S, i - 1),
            fields(T, nt), X[:i].copy() if record_x else X)


_MESSAGES = {
    "converged_gnorm": "||g||_* <= gtol.",
    "converged_fgap": "f - f* <= ftol.",
    "max_iter": "Iteration budget used up.",
    "search_exhausted": "The step-size search reached max_trials without an acceptable step.",
    "non_finite": "The oracle returned a non-finite value.",
    "step_failed": "The step could not be computed (H + lambda B is not positive definite "
                   "or gamma is not a positive number).",
    "stalled": "No progress is representable: the next trial's predicted decrease of f is "
               "below the rounding of f (or the step no longer moves x).",
    "callback": "Stopped by the callback.",
}
# the estimator's own sample-set defaults; the region is the method's: gamma(x) is
# defined on Ball ∩ O (docs/theory.md, section 3), the set where the steps lie
_IDEAL_DEFAULTS = dict(region="O", **ESTIMATOR_DEFAULTS)


def resolve_bound(bound):
    """``(alphas, Ms)`` float arrays from a pair or from an object with ``alphas()`` and
    ``Ms()`` methods (a class bound); raises ``ValueError`` on bad input."""
    if bound is None:
        raise ValueError('bound (alphas, Ms) is required for step="theory".')
    if hasattr(bound, "alphas") and hasattr(bound, "Ms") and callable(bound.alphas):
        alphas, Ms = bound.alphas(), bound.Ms()
    else:
        try:
            alphas, Ms = bound
        except (TypeError, ValueError):
            raise ValueError("bound must be a pair (alphas, Ms) of equal-length "
                             "vectors.") from None
    alphas = np.ascontiguousarray(alphas, dtype=np.float64).reshape(-1)
    Ms = np.ascontiguousarray(Ms, dtype=np.float64).reshape(-1)
    if alphas.shape != Ms.shape or alphas.size == 0:
        raise ValueError("bound must be a pair (alphas, Ms) of equal-length non-empty vectors.")
    if not (np.all(np.isfinite(alphas)) and np.all(np.isfinite(Ms))):
        raise ValueError("bound must have finite exponents alphas and constants Ms.")
    if np.any(Ms < 0):
        raise ValueError("bound constants Ms must all be >= 0.")
    return alphas, Ms


def _resolve_ideal(ideal):
    opts = dict(_IDEAL_DEFAULTS)
    if ideal is None:
        return opts     # the estimator's defaults, valid as they are
    unknown = set(ideal) - set(opts)
    if unknown:
        raise ValueError(f"ideal options must be among {sorted(opts)}, got {sorted(unknown)}.")
    opts.update(ideal)
    if opts["region"] not in _REGIONS:
        raise ValueError(f"ideal region must be one of {sorted(_REGIONS)}, got {opts['region']!r}.")
    check_count("ideal n_dirs", opts["n_dirs"], 1)
    check_count("ideal n_radii", opts["n_radii"], 1)
    check_count("ideal seed", opts["seed"], 0)
    check_real("ideal gamma_hi", opts["gamma_hi"], strict=True)
    return opts


def _prepare(problem, x0, hessian, step, B, bound, gamma0, gamma_min, max_trials, max_iter,
             gtol, ftol, f_star, record_x, ideal, blas_threads):
    """Validate the options of :func:`minimize_gns` and bind the kernel call:
    ``(run, x0, rule, dim, options)`` with ``run(x, f, g, gamma_last, k_start, k_stop,
    counts, t0)`` one kernel call, ``dim`` the size that decides the BLAS limit and
    ``options`` the result's record of them."""
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be a numeric Problem, got {type(problem).__name__}.")
    n = problem.n
    x0 = problem.x0 if x0 is None else x0
    x0 = np.array(x0, dtype=np.float64, copy=True)
    if x0.shape != (n,):
        raise ValueError(f"x0 must be a vector of length {n}, got shape {x0.shape}.")
    if not np.isfinite(x0).all():
        raise ValueError("x0 must have finite entries only.")
    r = resolve_hessian(problem, hessian)
    if step not in STEP_CODES:
        raise ValueError(f"step must be one of {sorted(STEP_CODES)}, got {step!r}.")
    step_code = STEP_CODES[step]
    met = _metric.make_metric(B, n)
    if step_code == THEORY:
        alphas, Ms = resolve_bound(bound)
    else:
        alphas = Ms = _NO_BOUND
    gamma0 = check_real("gamma0", gamma0, strict=True)
    gamma_min = check_real("gamma_min", gamma_min)
    max_trials = check_count("max_trials", max_trials, 1)
    max_iter = check_count("max_iter", max_iter, 0)
    gtol = check_real("gtol", gtol)
    ftol = check_real("ftol", ftol)
    f_star = check_f_star(problem, f_star)
    opts = _resolve_ideal(ideal)
    if blas_threads is not None:
        blas_threads = check_count("blas_threads", blas_threads, 1)

    work = np.empty(n * n + 2 * n)   # the kernel's work arrays (see _solve_kernel)
    args_fixed = (problem.kind, problem.data, r.code, r.data, met.mode, met.B, met.L, work)
    tail = (gtol, ftol, f_star, bool(record_x))
    ideal_args = (_REGIONS[opts["region"]], int(opts["n_dirs"]), int(opts["n_radii"]),
                  int(opts["seed"]), float(opts["gamma_hi"]))

    def run(x, f, g, gamma_last, k_start, k_stop, counts, t0):
        return _solve_kernel(*args_fixed, x, f, g, step_code, alphas, Ms, gamma0, gamma_last,
                             gamma_min, max_trials, k_start, k_stop, max_iter, *tail,
                             counts, t0, *ideal_args)

    options = dict(step=step, gamma0=gamma0, gamma_min=gamma_min, max_trials=max_trials,
                   max_iter=max_iter, gtol=gtol, ftol=ftol,
                   f_star=None if math.isnan(f_star) else f_star,
                   metric="identity" if met.mode == 0 else "dense",
                   bound=None if step_code != THEORY else
                   dict(alphas=alphas.tolist(), Ms=Ms.tolist()),
                   ideal=opts if step_code == IDEAL else None, blas_threads=blas_threads)
    return run, x0, r, max(n, math.isqrt(problem.data[0].size)), options


def _kernel_chunks(run, x0, max_iter, chunk, blas_threads, dim):
    """The kernel run ``chunk`` steps at a time: yields ``(status, out)`` per call
    (``out`` the kernel's return value; ``status == RUNNING`` until the last)."""
    with _blas_limits(blas_threads, dim):
        x, f, g, gl, counts = x0, np.nan, _E1, np.nan, _NO_COUNTS   # g unread while f is nan
        k = 0
        t0 = time.monotonic()   # CLOCK_MONOTONIC, the kernel's clock
        while True:
            out = run(x, f, g, gl, k, min(k + chunk, max_iter), counts, t0)
            status, x, f, g, gl, counts = out[:6]
            k += out[7].shape[1]
            yield status, out
            if status != RUNNING:
                return


def minimize_gns(problem: Problem, x0=None, *, hessian="exact", step="adaptive", B=None,
                 bound=None, gamma0=1.0, gamma_min=0.0, max_trials=60, max_iter=1000,
                 gtol=1e-8, ftol=0.0, f_star=None, record_x=False, callback=None,
                 ideal=None, blas_threads=1) -> Result:
    """Minimize ``problem`` by Algorithm 1 (see the module docstring for the math).

    Parameters
    ----------
    problem : a :class:`numeric.problems.base.Problem`.
    x0 : starting point (default ``problem.x0``), finite, length ``problem.n``.
    hessian : Hessian rule name (one of ``problem.hessians``) or a :class:`HessianRule`.
    step : ``"adaptive"`` | ``"theory"`` | ``"ideal"``.
    B : dense SPD metric (default identity).
    bound : for ``step="theory"``: ``(alphas, Ms)`` or an object with ``alphas()`` and
        ``Ms()``; ``pi(t) = (sum_i M_i t^-alpha_i)^-1``.
    gamma0 : first trial of the adaptive search (> 0).
    gamma_min : floor of the adaptive search's first trial per iteration (>= 0).
    max_trials : cap on trials per iteration (>= 1); reaching it stops the run with
        status ``search_exhausted``.
    max_iter : cap on accepted steps (>= 0).
    gtol, ftol : stop when ``||g||_* <= gtol`` or ``f - f* <= ftol`` (``f*`` known).
    f_star : optimal value (default ``problem.f_star``; ``None`` = unknown).
    record_x : also record every iterate in ``trace.x``.
    callback : ``callback(intermediate_result)`` after each accepted step, with
        ``intermediate_result.x``, ``.fun``, ``.gnorm``, ``.nit``, ``.gamma`` (the last
        accepted step included); returning ``True`` stops the run (status ``callback``,
        not a success) unless it has ended anyway. The kernel then
        runs one iteration per call (slower, same trace).
    ideal : options of the ideal-step estimator: ``region`` (``"ball"`` or
        ``"O"``, default ``"O"``: Ball ∩ O), ``n_dirs``, ``n_radii``, ``seed``,
        ``gamma_hi`` (defaults: ``numeric.gamma.ESTIMATOR_DEFAULTS``).
    blas_threads : BLAS threads while the compiled kernel runs (``None`` = leave as is).

    Returns a :class:`numeric.trace.Result` whose ``trace`` is documented in
    :mod:`numeric.trace`. For runs of millions of steps whose trace would not fit in
    memory, :func:`count_gns` keeps only the counts.
    """
    if callback is not None and not callable(callback):
        raise ValueError("callback must be callable or None.")
    run, x0, r, dim, options = _prepare(problem, x0, hessian, step, B, bound, gamma0,
                                        gamma_min, max_trials, max_iter, gtol, ftol, f_star,
                                        record_x, ideal, blas_threads)
    chunks = []
    per_call = max_iter if callback is None else 1
    k_seen = 0
    for status, out in _kernel_chunks(run, x0, max_iter, per_call, blas_threads, dim):
        chunks.append(out[6:])
        k = sum(c[1].shape[1] for c in chunks)
        if callback is not None and k > k_seen:      # after each accepted step, the last too
            from scipy.optimize import OptimizeResult
            k_seen = k
            info = OptimizeResult(x=out[1].copy(), fun=float(out[2]), nit=k,
                                  gamma=float(out[4]), gnorm=float(out[6][1, -1]))
            if callback(info) is True and status == RUNNING:
                status = CALLBACK
                break
    x, f, g, counts = out[1], out[2], out[3], out[5]
    trace = _concat(chunks, record_x)
    sname = STATUSES[status]
    return Result(x=x, fun=float(f), gnorm=float(trace.gnorm[-1]), nit=trace.n_steps,
                  status=sname, message=_MESSAGES[sname], trace=trace, method=f"gns_{step}",
                  hessian=r.name, options=options,
                  linear_solves=dict(woodbury=int(counts[3]), dense=int(counts[4])),
                  nfev=int(counts[0]), njev=int(counts[1]), nhev=int(counts[2]), jac=g.copy())


def _count_defaults() -> dict:
    """The keyword options of :func:`minimize_gns` with their defaults, less the two that
    need a trace (read from its signature: one place for the defaults)."""
    import inspect
    return {k: p.default for k, p in inspect.signature(minimize_gns).parameters.items()
            if p.kind is p.KEYWORD_ONLY and k not in ("record_x", "callback")}


def count_gns(problem: Problem, x0=None, *, chunk: int = 1 << 16, **options) -> dict:
    """Run :func:`minimize_gns` (same ``options``, no ``callback`` or ``record_x``)
    ``chunk`` steps at a time and keep, instead of the trace, what a run of millions of
    steps needs to be judged by:

    ``{"status", "nit", "x", "fun", "gnorm", "n_value", "n_grad", "n_hess",
    "n_trials", "n_rejected", "gnorm_max", "f_increase_max"}``: ``n_rejected`` counts
    trials whose acceptance test failed (for the theory step, a violation of Lemma 1:
    every step is taken), ``gnorm_max`` is the largest ``||g_k||_*`` of the run and
    ``f_increase_max`` the largest ``f_{k+1} - f_k`` over accepted steps (``> 0`` is a
    violation of ``descent``). Memory is ``O(chunk)`` whatever the length of the run.
    """
    for bad in ("callback", "record_x"):
        if bad in options:
            raise ValueError(f"count_gns keeps no trace: {bad} is not an option.")
    chunk = check_count("chunk", chunk, 1)
    o = _count_defaults()
    unknown = set(options) - set(o)
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)}.")
    o.update(options)
    run, x0, _, dim, _ = _prepare(problem, x0, record_x=False, **o)
    nit = n_trials = n_rejected = 0
    gmax, incr = -np.inf, -np.inf
    for status, out in _kernel_chunks(run, x0, o["max_iter"], chunk, o["blas_threads"], dim):
        P, T = out[6], out[8]
        nit += out[7].shape[1]
        n_trials += T.shape[1]
        n_rejected += int(np.count_nonzero(T[2] < 0.5))
        gmax = max(gmax, float(np.max(P[1])))
        if P.shape[1] > 1:
            incr = max(incr, float(np.max(np.diff(P[0]))))
    counts = out[5]
    return dict(status=STATUSES[status], nit=nit,
                x=out[1], fun=float(out[2]), gnorm=float(P[1, -1]), n_value=int(counts[0]),
                n_grad=int(counts[1]), n_hess=int(counts[2]), n_trials=n_trials,
                n_rejected=n_rejected, gnorm_max=gmax, f_increase_max=incr)


def _concat(chunks, record_x) -> Trace:
    """Join kernel chunks ``(P, S, T, X)`` (``P, S, T`` in ``numeric._record.fields``
    layout); every chunk after the first repeats its starting iterate (column 0 of
    ``P``, row 0 of ``X``)."""
    if len(chunks) == 1:
        P, S, T, X = chunks[0]
    else:
        P = np.concatenate([c[0] if j == 0 else c[0][:, 1:] for j, c in enumerate(chunks)],
                           axis=1)
        S = np.concatenate([c[1] for c in chunks], axis=1)
        T = np.concatenate([c[2] for c in chunks], axis=1)
        X = np.concatenate([c[3] if j == 0 else c[3][1:] for j, c in enumerate(chunks)])
    return trace_from_fields(P, S, T, X if record_x else None)


_CONTROLLER = []
BLAS_LIMIT_MIN_N = 64


def _controller():
    """One cached ``threadpoolctl.ThreadpoolController`` (building it scans the loaded
    libraries, ~2 ms; limiting through it afterwards costs ~10 us)."""
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0]


class _blas_limits:
    """Limit BLAS threads to ``n_threads`` while the kernel runs.

    No-op for ``n_threads = None`` and for sizes below ``BLAS_LIMIT_MIN_N`` (BLAS
    calls that small are not threaded, and the limit itself would cost more than a
    whole small solve). The size is the larger of ``n`` and the square root of the
    size of the problem's data matrix: a small ``n`` with a tall data matrix (logistic
    regression on 569 x 30 data) still makes products large enough to be threaded.
    """

    def __init__(self, n_threads, dim):
        self.n = n_threads if dim >= BLAS_LIMIT_MIN_N else None
        self.ctl = None

    def __enter__(self):
        if self.n is not None:
            self.ctl = _controller().limit(limits=self.n, user_api="blas")
        return self

    def __exit__(self, *exc):
        if self.ctl is not None:
            self.ctl.restore_original_limits()
        return False
